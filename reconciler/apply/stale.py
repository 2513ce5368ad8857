"""The stale-plan check: the rows a plan touches must still hold what the plan saw.

Every row change of a plan carries ``live_hash``, the content hash of the live row when the plan
was made. Before anything is written the rows are read again (``gateway.read_rows``, under the
same managed properties) and compared; any difference, or a row that is gone, refuses the whole
plan with ``StalePlanError`` naming the rows (exit 4, nothing written).

A resumed apply skips the changes its journal records done, and accepts a row whose change was
started but not recorded done when the row holds either what the plan saw or what the change
writes: that is the apply's own write whose answer was lost. Reads cost one GET per row, or
one query over the database when that is cheaper. Used by the apply session; ``read_current``
also reads rows back for the undo plan.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from reconciler.apply.context import desired_database, live_database, live_names
from reconciler.errors import StalePlanError
from reconciler.model import JSON, LiveRow
from reconciler.notion.gateway import Gateway
from reconciler.plan.model import Action, Change, DatabasePlan, Plan
from reconciler.properties import References, codec_for

__all__ = ["StaleRow", "check_stale", "find_stale", "read_current"]

PAGE_SIZE = 100


@dataclass(frozen=True)
class StaleRow:
    """A row that changed since the plan was made."""

    database: str
    key: str
    page_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.database}/{self.key} (page {self.page_id}): {self.reason}"


def read_current(
    gateway: Gateway,
    db: DatabasePlan,
    page_ids: Collection[str],
    *,
    database_id: str | None = None,
    data_source_id: str | None = None,
) -> Mapping[str, LiveRow]:
    """The rows' current content: one GET each, or one query when that costs fewer requests."""
    wanted = list(dict.fromkeys(page_ids))
    if not wanted:
        return {}
    desired = desired_database(db, database_id=database_id, data_source_id=data_source_id)
    live = live_database(db, database_id=database_id, data_source_id=data_source_id)
    query_cost = max(1, math.ceil(max(db.live_rows, len(wanted)) / PAGE_SIZE))
    if len(wanted) > query_cost:
        return gateway.read_rows(desired, live, wanted)
    found: dict[str, LiveRow] = {}
    for page_id in wanted:
        found.update(gateway.read_rows(desired, live, [page_id]))
    return found


def _values_written(
    db: DatabasePlan, change: Change, row: LiveRow, refs: References, live_names: Mapping[str, str]
) -> bool:
    """Whether the row holds what this change writes (its own earlier, unrecorded write)."""
    after = change.after or {}
    if change.action is Action.TRASH_ROW:
        return row.in_trash
    if change.action is Action.RESTORE_ROW and row.in_trash:
        return False
    for name, value in after.items():
        if name == "in_trash":
            continue
        prop = db.property_named(name)
        if prop is None:
            return False
        codec = codec_for(prop.type)
        current: JSON = row.values.get(live_names.get(name, name), codec.empty)
        if codec.resolve_live(current, prop.config, refs) != value:
            return False
    return True


def _difference(
    db: DatabasePlan,
    change: Change,
    row: LiveRow | None,
    refs: References,
    names: Mapping[str, str],
    *,
    unfinished: bool,
    in_trash: bool,
) -> str | None:
    """How the row differs from what the plan saw (None: it does not, or only by our write)."""
    if row is None:
        return "deleted"
    if unfinished and _values_written(db, change, row, refs, names):
        return None
    if row.in_trash != in_trash:
        return "moved to the trash" if row.in_trash else "restored from the trash"
    if row.content_hash != change.live_hash:
        return "changed since the plan"
    return None


def find_stale(
    plan: Plan,
    gateway: Gateway,
    refs: References,
    *,
    done: Collection[str] = (),
    unfinished: Collection[str] = (),
) -> tuple[StaleRow, ...]:
    """Rows whose content differs from the plan's (changes in ``done`` are not checked)."""
    stale: list[StaleRow] = []
    for db in plan.databases:
        checked = [c for c in db.changes if c.live_hash and c.page_id and c.id not in done]
        if not checked:
            continue
        rows = read_current(gateway, db, [str(c.page_id) for c in checked])
        names = live_names(db)
        restored = {c.target for c in db.changes if c.action is Action.RESTORE_ROW}
        for change in checked:
            row = rows.get(str(change.page_id))
            reason = _difference(
                db,
                change,
                row,
                refs,
                names,
                unfinished=change.id in unfinished,
                in_trash=change.target in restored,  # the plan saw it in the trash
            )
            if reason is not None:
                stale.append(StaleRow(db.handle, change.target, str(change.page_id), reason))
    return tuple(stale)


def check_stale(
    plan: Plan,
    gateway: Gateway,
    refs: References,
    *,
    done: Collection[str] = (),
    unfinished: Collection[str] = (),
) -> None:
    """Raise ``StalePlanError`` naming every row that changed since the plan was made."""
    stale = find_stale(plan, gateway, refs, done=done, unfinished=unfinished)
    if not stale:
        return
    listed = "\n".join(f"  - {row}" for row in stale)
    raise StalePlanError(
        f"the plan is stale: {len(stale)} row(s) changed in Notion since it was made;"
        f" nothing was written:\n{listed}",
        hint="make the plan again (reconciler plan -o plan.json), review it and apply that one",
    )
