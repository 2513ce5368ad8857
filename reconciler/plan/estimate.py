"""How many API requests an apply of the plan makes, and how long they take at the rate.

Counts real requests as the applier makes them: one per database created or retitled; schema
changes batched into one data source update per database and stage (phase, order); one per row
create, update, link and trash; a restore is one request, two when it also sets values; plus the
stale-plan re-read of the rows the plan touches (one GET per row, or one query per 100 live rows
when that is fewer). Called by the differ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reconciler.plan.model import SCHEMA_ACTIONS, Action, DatabasePlan, Estimate

__all__ = ["estimate", "requests_of"]

_ONE_EACH = frozenset(
    {
        Action.CREATE_DATABASE,
        Action.UPDATE_DATABASE,
        Action.CREATE_ROW,
        Action.UPDATE_ROW,
        Action.LINK_ROW,
        Action.TRASH_ROW,
    }
)


def requests_of(database: DatabasePlan) -> int:
    """The requests an apply of this database's changes makes, stale check included."""
    count = len({change.stage for change in database.changes if change.action in SCHEMA_ACTIONS})
    for change in database.changes:
        if change.action in _ONE_EACH:
            count += 1
        elif change.action is Action.RESTORE_ROW:
            count += 2 if len(change.after or {}) > 1 else 1
    touched = {change.page_id for change in database.changes if change.live_hash is not None}
    if touched:
        count += min(len(touched), max(1, math.ceil(database.live_rows / 100)))
    return count


def estimate(databases: Sequence[DatabasePlan], requests_per_second: float) -> Estimate:
    """Requests of every database and the seconds they take at ``requests_per_second``."""
    requests = sum(requests_of(database) for database in databases)
    rate = requests_per_second if math.isfinite(requests_per_second) else 0.0
    seconds = round(requests / rate, 1) if rate > 0 else 0.0
    return Estimate(requests=requests, seconds=seconds, rps=rate)
