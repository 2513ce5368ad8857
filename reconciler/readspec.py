"""What the gateway reads (``ReadSpec``), and which live property each declared one manages.

A ``ReadSpec`` describes one database for the gateway's reads (``read_state``, ``read_rows``,
``find_rows``): where it is (its ids, or the parent page and title to find it by), its key, the
properties it manages (declared name and type, the name it had, and the live property when that
is known), the keys the reader must look for in the trash and past the query cap, how many
live rows it had when last read (the reader chooses between one query and a GET per page by
it), and the keys of the rows whose bodies the manifest manages (only those bodies are read).
Manifests build it (``read_spec`` of a ``DesiredDatabase``), a plan builds it from what it
carries (``DatabasePlan.read_spec``), and import builds one that reads every property.

``matched_properties`` is the one matching rule, used by the reader (which live properties a
database's rows are read for) and by the differ (which live property a declared one is compared
with): a declared property manages the live property of its name; one that is not there yet
manages the live property it is ``renamed_from``. When a rename frees a name that is declared
again (``Estimate: {renamed_from: Effort}`` next to a new ``Effort``), the live ``Effort`` is the
renamed one: the new ``Effort`` matches nothing and is added once the rename is done.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from reconciler.model import (
    WRITABLE_TYPES,
    DesiredDatabase,
    DesiredState,
    LiveDatabase,
    LiveProperty,
    RowKey,
)

__all__ = [
    "Declared",
    "ReadProperty",
    "ReadSpec",
    "matched_properties",
    "read_spec",
    "read_specs",
    "vacated_names",
]


class Declared(Protocol):
    """A declared property as the matching rule sees it: its name and the name it had."""

    @property
    def name(self) -> str: ...

    @property
    def renamed_from(self) -> str | None: ...


def vacated_names(declared: Iterable[Declared], live: Iterable[LiveProperty]) -> frozenset[str]:
    """Live names that a pending rename takes away and that are declared again."""
    names = {prop.name for prop in live}
    specs = tuple(declared)
    declared_names = {spec.name for spec in specs}
    return frozenset(
        str(spec.renamed_from)
        for spec in specs
        if spec.renamed_from in names
        and spec.renamed_from in declared_names
        and spec.name not in names
    )


def matched_properties(
    declared: Iterable[Declared], live: Iterable[LiveProperty]
) -> dict[str, LiveProperty]:
    """Declared name → the live property it manages (absent: to be added)."""
    specs, properties = tuple(declared), tuple(live)
    by_name = {prop.name: prop for prop in properties}
    vacated = vacated_names(specs, properties)
    matched: dict[str, LiveProperty] = {}
    for spec in specs:
        if spec.name in by_name and spec.name not in vacated:
            matched[spec.name] = by_name[spec.name]
        elif spec.name not in by_name and spec.renamed_from in by_name:
            matched[spec.name] = by_name[str(spec.renamed_from)]
    return matched


# --- what to read ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadProperty:
    """A managed property as the reader needs it: declared name and type, former name, and the
    live property it manages when that is known (a plan's prior state, or an earlier read)."""

    name: str
    type: str
    renamed_from: str | None = None
    live: LiveProperty | None = None

    @property
    def writable(self) -> bool:
        """Whether rows hold values of it (read-only types are computed by Notion)."""
        return self.type in WRITABLE_TYPES


@dataclass(frozen=True)
class ReadSpec:
    """One database as the gateway's reads take it (see the module docstring)."""

    handle: str
    title: str
    key: str
    """The declared name of the key property (one of ``properties``)."""
    properties: tuple[ReadProperty, ...]
    where: str
    """Where the database is described, for messages: a manifest's ``file:line:column``."""
    id: str | None = None
    """The database id, or one of its data sources' ids (as a manifest's ``id:``)."""
    data_source: str | None = None
    """Which data source of the database: its name or id (needed when it has several)."""
    parent: str | None = None
    """The page to find the database in by ``title`` when there is no ``id``."""
    data_source_id: str | None = None
    """The data source's id once known (a plan, an earlier read): rows are read from it."""
    keys: tuple[RowKey, ...] = ()
    """Keys the manifest asks for: looked up in the trash (and past the query cap) when no row
    read has them."""
    row_count: int = 0
    """Live rows outside the trash when it was last read (0: unknown)."""
    bodies: frozenset[RowKey] = frozenset()
    """Keys of the rows whose page content the manifest manages: only their bodies are read."""

    def property_named(self, name: str) -> ReadProperty | None:
        """The managed property of that declared name, if any."""
        return next((prop for prop in self.properties if prop.name == name), None)

    def matched(self, schema: Iterable[LiveProperty]) -> ReadSpec:
        """The spec with each property's live side taken from ``schema`` by the matching rule
        (properties that do not exist there have none)."""
        found = matched_properties(self.properties, schema)
        properties = tuple(replace(p, live=found.get(p.name)) for p in self.properties)
        return replace(self, properties=properties)

    def located(self, live: LiveDatabase) -> ReadSpec:
        """The spec as a read of it found the database: ids, live properties and row count, so
        that its rows can be read again (``read_rows``, ``find_rows``)."""
        matched = self.matched(live.properties)
        return replace(
            matched,
            id=live.database_id or self.id,
            data_source=live.data_source_id or self.data_source,
            data_source_id=live.data_source_id,
            row_count=sum(1 for row in live.rows if not row.in_trash),
        )


def read_spec(desired: DesiredDatabase) -> ReadSpec:
    """What to read for a manifest's database: its managed properties and the keys of its rows."""
    return ReadSpec(
        handle=desired.handle,
        title=desired.title,
        key=desired.key,
        properties=tuple(
            ReadProperty(spec.name, spec.type, spec.renamed_from)
            for spec in desired.managed_properties
        ),
        where=str(desired.location),
        id=desired.id,
        data_source=desired.data_source,
        parent=desired.parent,
        keys=tuple(row.key for row in desired.rows),
        bodies=frozenset(row.key for row in desired.rows if row.body is not None),
    )


def read_specs(
    desired: DesiredState, handles: Collection[str] | None = None
) -> tuple[ReadSpec, ...]:
    """The read specs of the manifests' databases (all, or those of ``handles``), in order."""
    return tuple(
        read_spec(db) for db in desired.databases if handles is None or db.handle in handles
    )
