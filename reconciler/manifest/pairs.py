"""Two-way relations declared from both sides: their two manifests must list the same links.

Notion keeps the two sides of a dual relation in step: linking a service to a team shows the
service in the team's back property. When both manifests declare their side (``services.Owner``
with ``synced_property: Owned services``, and ``teams.Owned services`` relating back to
services), every row owns both fields, so a link one side lists and the other leaves out would be
written, undone by the other side's write, and planned again forever. A pair is checked over the
rows both manifests hold; a difference is a problem at the first row concerned. Called by the
cross-database checks of the loader.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from reconciler.errors import Problem
from reconciler.manifest.database import BuiltDatabase
from reconciler.model import PropertySpec
from reconciler.properties.checks import looks_like_notion_id

__all__ = ["check_dual_pairs", "relation_handle"]

_SHOWN = 3


def relation_handle(spec: PropertySpec) -> str | None:
    """The handle a relation targets; None for a data source id (an unmanaged database)."""
    target = spec.config.get("database")
    if not isinstance(target, str) or looks_like_notion_id(target):
        return None
    return target


def _pairs(
    built: Mapping[str, BuiltDatabase],
) -> Iterator[tuple[BuiltDatabase, PropertySpec, BuiltDatabase, PropertySpec]]:
    """(side, its property, other side, its property) of each pair declared from both sides,
    once per pair."""
    for handle in sorted(built):
        side = built[handle]
        for spec in side.database.properties:
            synced = spec.config.get("synced_property")
            target = relation_handle(spec) if spec.type == "relation" else None
            other = built.get(target) if target else None
            if other is None or spec.config.get("type") != "dual_property":
                continue
            back = other.database.property_named(synced) if isinstance(synced, str) else None
            if back is None or back.type != "relation" or relation_handle(back) != handle:
                continue
            if (handle, spec.name) < (other.database.handle, back.name):
                yield side, spec, other, back


def _links(side: BuiltDatabase, spec: PropertySpec, keys: set[str]) -> set[tuple[str, str]]:
    """(row key, related key) of every link the side lists to rows the other side holds."""
    return {
        (row.row.key, target)
        for row in side.rows
        for target in _keys(row.row.values.get(spec.name))
        if target in keys
    }


def _keys(value: object) -> list[str]:
    return [item for item in (value if isinstance(value, list) else []) if isinstance(item, str)]


def check_dual_pairs(built: Mapping[str, BuiltDatabase], problems: list[Problem]) -> None:
    """A problem for each two-sided pair whose sides list different links."""
    for side, spec, other, back in _pairs(built):
        here = {row.row.key for row in side.rows}
        there = {row.row.key for row in other.rows}
        forward = _links(side, spec, there)
        backward = {(key, target) for target, key in _links(other, back, here)}
        differing = sorted(forward ^ backward)
        if not differing:
            continue
        listed = ", ".join(f"{a} → {b}" for a, b in differing[:_SHOWN])
        more = f" and {len(differing) - _SHOWN} more" if len(differing) > _SHOWN else ""
        first = next(row for row in side.rows if row.row.key == differing[0][0])
        problems.append(
            first.source.document.problem(
                (*first.source.path, spec.name),
                f"the two-way relation {side.database.handle}.{spec.name} ↔"
                f" {other.database.handle}.{back.name} is declared on both sides, and they list"
                f" different links ({listed}{more}): Notion keeps the sides in step, so each"
                " apply would undo the other",
                f"list each link on both sides, or declare the relation on one side only and"
                f" remove {back.name!r} from the {other.database.handle!r} manifest (Notion"
                " fills it in)",
            )
        )
