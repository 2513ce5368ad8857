"""The back properties of two-way relations: what Notion makes in the target of a dual relation.

A manifest that declares ``{type: relation, database: teams, dual: true}`` makes Notion create a
property in ``teams`` (named by ``synced_property``, or ``Related to <title> (<name>)``). It
belongs to that relation, not to the ``teams`` manifest: the target's schema plan neither lists
it as unmanaged nor prunes it, and when the relation names it otherwise (a new
``synced_property``) it is renamed there, in the target database. Called by the differ and the
schema differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.errors import PlanError
from reconciler.model import DesiredDatabase, LiveDatabase, LiveProperty
from reconciler.plan.actions import RenameProperty
from reconciler.plan.index import relation_target
from reconciler.plan.model import Change, ChangeClass, FieldDiff
from reconciler.properties.checks import looks_like_notion_id

__all__ = ["BackProperty", "back_properties", "back_renames"]


@dataclass(frozen=True)
class BackProperty:
    """A live property of the target that is the back side of a managed dual relation."""

    live: LiveProperty
    wanted: str | None
    """The name the relation's ``synced_property`` gives it (None: any name)."""


def _dual_relations_into(
    handle: str, databases: Iterable[DesiredDatabase]
) -> dict[str, dict[str, str | None]]:
    """Managed database → {name or former name of its dual relation into ``handle``: the back
    property's declared name}."""
    found: dict[str, dict[str, str | None]] = {}
    for db in databases:
        for spec in db.managed_properties:
            config = spec.config
            if spec.type != "relation" or config.get("type") != "dual_property":
                continue
            if relation_target(config) != handle:
                continue
            synced = config.get("synced_property")
            names = found.setdefault(db.handle, {})
            for name in (spec.name, spec.renamed_from):
                if name:
                    names[name] = synced if isinstance(synced, str) else None
    return found


def back_properties(
    handle: str, live: LiveDatabase, databases: Iterable[DesiredDatabase]
) -> tuple[BackProperty, ...]:
    """The live properties of ``handle`` that are the back side of a managed dual relation."""
    forward = _dual_relations_into(handle, databases)
    owned: list[BackProperty] = []
    for prop in live.properties:
        config = prop.config
        if prop.type != "relation" or config.get("type") != "dual_property":
            continue
        source, synced = config.get("database"), config.get("synced_property")
        if not isinstance(source, str) or not isinstance(synced, str):
            continue
        if source in forward:
            relations = forward[source]
        elif looks_like_notion_id(source):
            # The source was not read (--database): its data source id is not resolved to a
            # handle; the name of the forward property still identifies the pair.
            relations = {n: w for names in forward.values() for n, w in names.items()}
        else:
            continue
        if synced in relations:
            owned.append(BackProperty(prop, relations[synced]))
    return tuple(owned)


def back_renames(handle: str, back: Iterable[BackProperty], live: LiveDatabase) -> list[Change]:
    """Renames of back properties whose relation now names them otherwise.

    A name another live property of the target holds is a PlanError (Notion would refuse it).
    """
    back = tuple(back)
    taken = {prop.name for prop in live.properties}
    for prop in back:
        if prop.wanted is not None and prop.wanted != prop.live.name and prop.wanted in taken:
            raise PlanError(
                f"database {handle!r}: a two-way relation names its back property"
                f" {prop.wanted!r} (synced_property), but {handle!r} already has a property"
                f" of that name; the back property is {prop.live.name!r} now",
                hint=f"choose another synced_property, or declare {prop.live.name!r} as the"
                " synced_property",
            )
    return [
        Change(
            handle,
            prop.wanted,
            ChangeClass.SAFE,
            RenameProperty(prop.live.name, prop.wanted),
            diffs=(FieldDiff(f"{prop.wanted}.name", prop.live.name, prop.wanted),),
            note="the back property of a two-way relation, named by its synced_property",
        )
        for prop in back
        if prop.wanted is not None and prop.wanted != prop.live.name
    ]
