"""How many API requests an apply of the plan makes, and how long they take at the rate.

Counts real requests as the applier makes them: one per database created or updated (title,
icon, cover); schema changes batched into one data source update per database and stage (phase,
order); one per row create, update, link and trash; a restore is one request, two when it also
sets values; one per body replaced (its answer is the read-back); a create with a body reads it
back (one more request), and writes it in a second request when it starts with a level-one
heading; plus the reads around the writes:

- the stale-plan check: the rows the plan touches read again (one GET per row, or one query per
  100 live rows when that is fewer), the keys of its creates looked up (one query per 100) so a
  saved plan never creates a row twice, and for a new database a look for it under its parent
  (the users list and the parent's children). An ``apply --yes`` of the manifests, which plans
  inside its lock and asks nobody before writing, checks rows and keys against the read it
  just made instead, and sends those requests fewer than this counts;
- the stale-schema check: for an existing database with schema changes (its title, icon or
  cover, or its properties), the database and its data source read again (two GETs), so that
  a schema changed since the plan is never written over;
- the stale-body check: each body the plan replaces read again (one GET), so that a body
  edited since the plan is never overwritten;
- the undo plan: nothing more for a database whose rows the writes' answers give as the apply
  leaves them (``answers_final``: Notion answers each row write with the page after it, and
  the executor keeps the hash of each); else
  the rows written, read back once the writes are done (the same GET-or-query choice), or for a
  database the apply created, its whole read (users, children, database, data source, one
  query per 100 rows);
- once per apply, which workspace it talks to (``GET /v1/users/me``: the journal is kept per
  workspace, and a saved plan applies only where it was made); the controller, which asks once
  for its whole run, sends one fewer.

Called by the differ (and for undo plans by the applier).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reconciler.bodies import canonical_markdown
from reconciler.notion import queries_for, reads_by_query
from reconciler.plan.actions import CreateRow, RestoreRow
from reconciler.plan.model import (
    ROW_ACTIONS,
    SCHEMA_ACTIONS,
    Action,
    Change,
    DatabasePlan,
    Estimate,
)

__all__ = ["answers_final", "estimate", "requests_of"]

_ONE_EACH = frozenset(
    {
        Action.CREATE_DATABASE,
        Action.UPDATE_DATABASE,
        Action.CREATE_ROW,
        Action.UPDATE_ROW,
        Action.LINK_ROW,
        Action.TRASH_ROW,
        Action.UPDATE_BODY,
    }
)


_SCHEMA_CHECKED = SCHEMA_ACTIONS | {Action.UPDATE_DATABASE}

_PAGE = 100
_WHICH_WORKSPACE = 1  # an apply asks which workspace it talks to (GET /v1/users/me)
_LOCATE_NEW = 2  # the users list and the parent page's children
_READ_NEW = 4  # the users list, the parent's children, the database and its data source
_READ_SCHEMA = 2  # the database and its data source, for the stale-schema check


def _rows_read(wanted: int, live_rows: int, in_trash: int) -> int:
    """Reading ``wanted`` rows of a data source as the reader does: a GET each, or the queries
    over all of them when fewer (and then a GET for each of the ``in_trash`` rows, which a query
    does not return)."""
    if wanted == 0:
        return 0
    if reads_by_query(wanted, live_rows):
        return queries_for(live_rows, wanted) + in_trash
    return wanted


def _body_requests(change: Change) -> int:
    """Besides the create itself: reading its body back, and writing it apart when it starts
    with a level-one heading (Notion would take that for the title)."""
    payload = change.payload
    body = payload.values.get("_body") if isinstance(payload, CreateRow) else None
    if not isinstance(body, str):
        return 0
    return 2 if canonical_markdown(body).startswith("# ") else 1


def _writes(database: DatabasePlan) -> int:
    count = len({change.stage for change in database.changes if change.action in SCHEMA_ACTIONS})
    for change in database.changes:
        if change.action in _ONE_EACH:
            count += 1 + _body_requests(change)
        elif isinstance(change.payload, RestoreRow):
            count += 2 if change.payload.new else 1
    return count


def answers_final(database: DatabasePlan) -> bool:
    """Whether the answers of an apply's row writes to this existing database are its rows as
    the apply leaves them, read as the plan read them, so its undo plan needs no read-back. Not
    when the apply changes its schema (removals come after the row writes and clear values; the
    others change the properties its rows are read by), nor when it reads a relation: a trash
    afterwards, or a dual relation written from another row, changes what a row's relation
    reads without a write to the row."""
    if database.is_new or any(c.action in SCHEMA_ACTIONS for c in database.changes):
        return False
    kinds = {p.type for p in database.properties}
    kinds |= {p.prior.type for p in database.properties if p.prior is not None}
    return "relation" not in kinds


def _reads(database: DatabasePlan) -> int:
    creates = sum(1 for change in database.changes if change.action is Action.CREATE_ROW)
    rows_written = len(
        {change.target for change in database.changes if change.action in ROW_ACTIONS}
    )
    if database.is_new:
        return _LOCATE_NEW + (_READ_NEW + math.ceil(creates / _PAGE) if rows_written else 0)
    restores = sum(1 for change in database.changes if change.action is Action.RESTORE_ROW)
    trashes = sum(1 for change in database.changes if change.action is Action.TRASH_ROW)
    touched = {change.page_id for change in database.changes if change.live_hash is not None}
    stale = _rows_read(len(touched), database.live_rows, restores) + math.ceil(creates / _PAGE)
    bodies = sum(1 for change in database.changes if change.action is Action.UPDATE_BODY)
    schema = any(c.action in _SCHEMA_CHECKED for c in database.changes)
    stale += _READ_SCHEMA if schema else 0
    if answers_final(database):
        return stale + bodies
    return stale + bodies + _rows_read(rows_written, database.live_rows + creates, trashes)


def requests_of(database: DatabasePlan) -> int:
    """The requests an apply of this database's changes makes, reads around them included."""
    if not database.changes:
        return 0
    return _writes(database) + _reads(database)


def estimate(databases: Sequence[DatabasePlan], requests_per_second: float) -> Estimate:
    """Requests of every database and the seconds they take at ``requests_per_second``."""
    requests = sum(requests_of(database) for database in databases)
    if requests:
        requests += _WHICH_WORKSPACE
    rate = requests_per_second if math.isfinite(requests_per_second) else 0.0
    seconds = round(requests / rate, 1) if rate > 0 else 0.0
    return Estimate(requests=requests, seconds=seconds, rps=rate)
