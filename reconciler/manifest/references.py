"""Checks across databases, and the order the databases are planned and applied in.

Relations must target a database some manifest declares (by handle; a data source id targets an
unmanaged database), and when the target lists all its rows (``prune: true``) every key a row
names must be one of them. A rollup must name a relation property of its own database, and when
the target declares all its properties (``prune_properties: true``), one of those. A two-way
relation declared from both sides lists the same links on both (``pairs``). Databases are
ordered so that relation targets come first (a cycle is broken at the smallest handle), then by
handle. Called by the loader.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from reconciler.errors import Problem
from reconciler.manifest.database import BuiltDatabase
from reconciler.manifest.declarations import did_you_mean
from reconciler.manifest.pairs import check_dual_pairs, relation_handle
from reconciler.model import DesiredDatabase, PropertySpec

__all__ = ["check_references", "dependency_order"]


def check_references(
    built: Mapping[str, BuiltDatabase],
    handles: Iterable[str],
    problems: list[Problem],
    *,
    every_file_read: bool,
) -> None:
    """Problems for relations and rollups that point at nothing.

    ``handles`` are all the handles declared (built or not); when some file could not be read,
    unknown handles are not reported, since they may be declared in that file.
    """
    known = sorted(set(handles))
    for database in built.values():
        for spec in database.database.properties:
            if spec.type == "relation":
                _check_relation(
                    database,
                    spec,
                    built=built,
                    known=known,
                    problems=problems,
                    every_file_read=every_file_read,
                )
            elif spec.type == "rollup":
                _check_rollup(database, spec, built, problems)
    check_dual_pairs(built, problems)


def _check_relation(
    database: BuiltDatabase,
    spec: PropertySpec,
    *,
    built: Mapping[str, BuiltDatabase],
    known: list[str],
    problems: list[Problem],
    every_file_read: bool,
) -> None:
    target = relation_handle(spec)
    if target is None:
        return
    document = database.document
    if target not in known:
        if every_file_read:
            problems.append(
                document.problem(
                    ("properties", spec.name, "database"),
                    f"relation {spec.name!r} targets database {target!r}, which no manifest "
                    f"declares{did_you_mean(target, known)}",
                    "known databases: " + (", ".join(known) or "none"),
                )
            )
        return
    other = built.get(target)
    if other is not None:
        _check_synced_name(database, spec, other, problems)
    if other is None or not other.database.prune or not other.all_rows:
        return  # the target's rows are not all known: any key may exist in Notion
    keys = {row.key for row in other.database.rows}
    for row in database.rows:
        value = row.row.values.get(spec.name)
        unknown = [i for i in (value if isinstance(value, list) else []) if isinstance(i, str)]
        problems.extend(
            row.source.document.problem(
                (*row.source.path, spec.name),
                f"{spec.name}: {item!r} is not a key of database {target!r}"
                + did_you_mean(item, sorted(keys)),
                f"{target} lists all its rows (prune: true); add the row there or fix the key",
            )
            for item in unknown
            if item not in keys
        )


def _check_synced_name(
    database: BuiltDatabase, spec: PropertySpec, target: BuiltDatabase, problems: list[Problem]
) -> None:
    """A two-way relation's back property may not take the name of another declared property
    of its target (one relating back to this database is the back property itself)."""
    synced = spec.config.get("synced_property")
    declared = target.database.property_named(synced) if isinstance(synced, str) else None
    if declared is None:
        return
    if declared.type == "relation" and relation_handle(declared) == database.database.handle:
        return  # the pair declared from both sides: the other side is this back property
    problems.append(
        database.document.problem(
            ("properties", spec.name, "synced_property"),
            f"relation {spec.name!r} names its back property {synced!r}, but database"
            f" {target.database.handle!r} declares a property of that name",
            "choose another synced_property: Notion creates the back property in the target"
            " database",
        )
    )


def _check_rollup(
    database: BuiltDatabase,
    spec: PropertySpec,
    built: Mapping[str, BuiltDatabase],
    problems: list[Problem],
) -> None:
    relation_name = str(spec.config.get("relation", ""))
    relation = database.database.property_named(relation_name)
    document = database.document
    relations = [p.name for p in database.database.properties if p.type == "relation"]
    if relation is None or relation.type != "relation":
        what = "is not declared" if relation is None else f"is a {relation.type} property"
        problems.append(
            document.problem(
                ("properties", spec.name, "relation"),
                f"rollup {spec.name!r} rolls up through {relation_name!r}, which {what}"
                + did_you_mean(relation_name, relations),
                "name a relation property of this database: "
                + (", ".join(relations) or "none declared"),
            )
        )
        return
    target = relation_handle(relation)
    other = built.get(target) if target is not None else None
    rolled = str(spec.config.get("property", ""))
    if other is None or not other.database.prune_properties:
        return  # the target may hold properties its manifest does not declare
    declared = [p.name for p in other.database.properties]
    if rolled not in declared:
        problems.append(
            document.problem(
                ("properties", spec.name, "property"),
                f"rollup {spec.name!r} rolls up {rolled!r}, which database {target!r} does not "
                "declare" + did_you_mean(rolled, declared),
                f"{target} declares all its properties (prune_properties: true)",
            )
        )


def dependency_order(databases: Iterable[DesiredDatabase]) -> tuple[DesiredDatabase, ...]:
    """Relation targets before the databases pointing at them, then by handle.

    Kahn's algorithm with the ready handles in a heap: always the smallest handle whose targets
    are all placed; in a cycle, the smallest handle left. Linear in the relations (times log n),
    so a repository of thousands of manifests orders at once.
    """
    by_handle = {db.handle: db for db in databases}
    waiting_on: dict[str, int] = {}
    dependents: dict[str, list[str]] = {handle: [] for handle in by_handle}
    for handle, db in by_handle.items():
        targets = {
            target
            for spec in db.properties
            if spec.type == "relation"
            and (target := relation_handle(spec)) is not None
            and target != handle
            and target in by_handle
        }
        waiting_on[handle] = len(targets)
        for target in targets:
            dependents[target].append(handle)
    ready = [handle for handle, count in waiting_on.items() if count == 0]
    heapq.heapify(ready)
    by_name = sorted(by_handle)  # where a cycle is broken: the smallest handle not yet placed
    next_name = 0
    placed: set[str] = set()
    ordered: list[DesiredDatabase] = []
    while len(ordered) < len(by_handle):
        if ready:
            chosen = heapq.heappop(ready)
            if chosen in placed:
                continue  # placed earlier to break a cycle
        else:
            while by_name[next_name] in placed:
                next_name += 1
            chosen = by_name[next_name]
        placed.add(chosen)
        ordered.append(by_handle[chosen])
        for dependent in dependents[chosen]:
            waiting_on[dependent] -= 1
            if waiting_on[dependent] == 0 and dependent not in placed:
                heapq.heappush(ready, dependent)
    return tuple(ordered)
