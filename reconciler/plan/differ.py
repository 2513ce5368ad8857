"""The differ: desired state + live state → a frozen, deterministic, checksummed ``Plan``.

``make_plan`` is called by the ``plan`` and ``apply`` commands with the state the manifests ask
for and the state the gateway read. Per planned database, in the manifests' dependency order: the
schema (``schema``), the rows (``rows``), then the guards (``guards``); then the estimate and the
checksum over the whole content. The same inputs always give the same plan, byte for byte.

A database left out with ``--database`` but read because a planned one relates to it is
recorded in ``Plan.related``, without changes: its ids and key are what an apply of the saved
plan needs to find the rows the planned ones link to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping

from reconciler.errors import PlanError, PlanProblems, Problem
from reconciler.model import (
    JSON,
    DesiredDatabase,
    DesiredState,
    LiveDatabase,
    LiveRow,
    LiveState,
    WorkspaceIdentity,
)
from reconciler.plan.back import back_properties
from reconciler.plan.comparable import RowLayout
from reconciler.plan.estimate import estimate
from reconciler.plan.guards import ambiguous_links_note, guard
from reconciler.plan.index import RowIndex
from reconciler.plan.model import Change, DatabasePlan, Plan
from reconciler.plan.rows import row_changes
from reconciler.plan.schema import (
    existing_database_schema,
    new_database_schema,
    planned_properties,
)
from reconciler.plan.sensitive import people_named
from reconciler.plan.serialise import checksum
from reconciler.properties import References, WorkspaceReferences

__all__ = ["make_plan", "selected_handles"]


def selected_handles(desired: DesiredState, databases: Collection[str] | None) -> list[str]:
    """The handles to plan, in dependency order; an unknown handle is a PlanError."""
    known = [db.handle for db in desired.databases]
    if not databases:
        return known
    unknown = sorted(set(databases) - set(known))
    if unknown:
        raise PlanError(
            f"--database {', '.join(unknown)}: no manifest declares "
            f"{'this database' if len(unknown) == 1 else 'these databases'}",
            hint=f"databases of these manifests: {', '.join(known) or 'none'}",
        )
    return [handle for handle in known if handle in databases]


def make_plan(
    desired: DesiredState,
    live: LiveState,
    *,
    databases: Collection[str] | None = None,
    requests_per_second: float = 3.0,
    read: Mapping[str, JSON] | None = None,
    workspace: WorkspaceIdentity | None = None,
) -> Plan:
    """The plan that brings the live databases (all, or ``databases``) to the manifests;
    ``workspace``: the workspace ``live`` was read from (a saved plan applies there only)."""
    planned = selected_handles(desired, databases)
    missing = [handle for handle in planned if handle not in live.databases]
    if missing:
        raise PlanError(
            f"the live read holds no state for {', '.join(missing)}",
            hint="this is a bug in notion-reconciler; rerun with --debug and report it",
        )
    refs = WorkspaceReferences.from_live(live)
    index = RowIndex.build(desired, live, planned)
    plans: list[DatabasePlan] = []
    problems: list[Problem] = []
    for db in desired.databases:
        if db.handle not in planned:
            continue
        try:
            plans.append(
                _database_plan(db, live.databases[db.handle], refs, index, desired.databases)
            )
        except PlanProblems as unplannable:
            problems.extend(unplannable.problems)  # every database's problems at once
    if problems:
        raise PlanProblems(problems)
    related = tuple(
        _related_plan(db, live.databases[db.handle])
        for db in desired.databases
        if db.handle not in planned and _is_related(live.databases.get(db.handle))
    )
    draft = Plan(
        databases=tuple(plans),
        estimate=estimate(plans, requests_per_second),
        checksum="",
        notion_version=desired.settings.notion_version,
        skipped_databases=tuple(db.handle for db in desired.databases if db.handle not in planned),
        users=_user_labels(plans, refs),
        read=read,
        related=related,
        workspace=workspace,
    )
    return dataclasses.replace(draft, checksum=checksum(draft))


def _is_related(live: LiveDatabase | None) -> bool:
    """Whether a database read but not planned exists, so planned rows may link to its rows."""
    return live is not None and live.data_source_id is not None


def _related_plan(desired: DesiredDatabase, live: LiveDatabase) -> DatabasePlan:
    """A database that is not planned, recorded for the rows planned ones relate to."""
    return DatabasePlan(
        handle=desired.handle,
        title=desired.title,
        key=desired.key,
        properties=planned_properties(desired, live),
        changes=(),
        database_id=live.database_id,
        data_source_id=live.data_source_id,
        parent=desired.parent,
        url=live.url,
        protect=desired.protect,
        live_rows=sum(1 for row in live.rows if not row.in_trash),
        complete=live.complete,
        incomplete_reasons=tuple(live.incomplete_reasons),
    )


def _in_apply_order(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Stable sort by stage: schema and row changes interleave only as the phases say."""
    indexed = list(enumerate(changes))
    return tuple(c for _, c in sorted(indexed, key=lambda item: (item[1].stage, item[0])))


def _database_plan(
    desired: DesiredDatabase,
    live: LiveDatabase,
    refs: References,
    index: RowIndex,
    everything: tuple[DesiredDatabase, ...],
) -> DatabasePlan:
    if index.created(desired.handle):
        schema = new_database_schema(desired, index)
    else:
        back = back_properties(desired.handle, live, everything)
        schema = existing_database_schema(desired, live, refs, index, back)
    rows = row_changes(desired, RowLayout.of(desired, live), refs, index)
    match = index.match(desired.handle)
    guarded = guard(desired, live, match, [*schema.changes, *rows.changes])
    notes = (*guarded.notes, *ambiguous_links_note(desired.handle, rows.ambiguous_links))
    return DatabasePlan(
        handle=desired.handle,
        title=desired.title,
        key=desired.key,
        properties=schema.properties,
        changes=_in_apply_order(_with_editors(guarded.changes, live, refs)),
        database_id=live.database_id,
        data_source_id=live.data_source_id,
        parent=desired.parent,
        url=live.url,
        protect=desired.protect,
        live_rows=match.live_count,
        managed_rows=rows.managed_rows,
        unmanaged_rows=rows.unmanaged_rows,
        unmanaged_names=rows.unmanaged_names,
        unmanaged_properties=schema.unmanaged_properties,
        ignored_properties=tuple(desired.ignore),
        unmanaged_options=schema.unmanaged_options,
        complete=live.complete,
        incomplete_reasons=tuple(live.incomplete_reasons),
        guards=notes,
        body_from=desired.body_from,
        unmanaged_bodies=len(desired.bodiless),
    )


def _with_editors(changes: Iterable[Change], live: LiveDatabase, refs: References) -> list[Change]:
    """Each row change of a live row with who last edited that row in Notion, and when."""
    changes = list(changes)
    # Only the changed rows: a map of every live row would cost 50,000 entries for 500 changes.
    changed = {change.page_id for change in changes if change.page_id}
    rows = {row.page_id: row for row in live.rows if row.page_id in changed}
    return [_edited(change, rows.get(change.page_id or ""), refs) for change in changes]


def _edited(change: Change, row: LiveRow | None, refs: References) -> Change:
    if row is None or not (row.last_edited_by or row.last_edited_time):
        return change
    by = refs.user_label(row.last_edited_by) if row.last_edited_by else ""
    return dataclasses.replace(change, edited_by=by, edited_time=row.last_edited_time)


def _user_labels(plans: Iterable[DatabasePlan], refs: References) -> dict[str, str]:
    """user id → label for every user a people value of the plan names (sorted)."""
    labels = {user_id: refs.user_label(user_id) for user_id in sorted(people_named(plans))}
    return {user_id: label for user_id, label in labels.items() if label != user_id}
