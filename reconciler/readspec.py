"""What the gateway reads, and which live property each declared property manages.

``matched_properties`` is the one matching rule, used by the reader (which live properties a
database's rows are read for) and by the differ (which live property a declared one is compared
with): a declared property manages the live property of its name; one that is not there yet
manages the live property it is ``renamed_from``. When a rename frees a name that is declared
again (``Estimate: {renamed_from: Effort}`` next to a new ``Effort``), the live ``Effort`` is the
renamed one: the new ``Effort`` matches nothing and is added once the rename is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from reconciler.model import LiveProperty

__all__ = ["Declared", "matched_properties", "vacated_names"]


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
