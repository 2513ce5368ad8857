"""What the preflight reads of Notion, shared by its checks so no database is read twice.

The checks before the first write (settling unknown creates, rechecking done records, finding
relation targets, refusing a stale plan) ask Notion through one ``PreflightReads``:

- ``located(handles)``: databases located and read whole (``read_state``), for the look-up of
  unknown creates, a database a plan creates that may exist already, and the rows of a relation
  target; each database at most once, those asked together concurrently;
- ``rows(db, pages)``: rows by page id, read under the properties the plan read them by (its
  prior state), so their content hashes compare with the plan's; the reader chooses a GET per
  page or one query by the plan's row count. The checks ask once per database, with every page
  any of them needs;
- ``with_keys(db, keys)``: rows outside the trash holding these keys: taken from the database's
  whole read when there was a complete one, else one filtered query per 100 keys;
- ``schemas(handles)``: databases located with their title, icon, cover and schema and no row
  (``read_schemas``: a GET of the database and of its data source), for the stale check of
  schema changes; each at most once, relation targets named by the handles the plan knows;
- ``exists(database_id)``: whether a database is there outside the trash (a GET by id);
- ``body(db, page)``: a page's body as Notion holds it now (a GET of its Markdown, never
  from the cache), with what the reconciler last wrote there.

A database this plan created in an earlier run is read by the ids the journal recorded for it.

``current``: the read the plan was made from, when the apply follows it with nobody asked in
between (``apply --yes`` planning inside the lock). Its rows are then what ``rows`` and
``with_keys`` would read again a moment later, and its databases' schema, title, icon and cover
what ``schemas`` would: they come from it, and the stale checks of rows, creates and schemas send
no request. Bodies are still read again: the plan may have taken a body from the cache, which
trusts a minute-granular ``last_edited_time``, and this check is the read that never does.
Used by the preflight's parts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from reconciler.apply.preflight.states import ChangeStates
from reconciler.model import LiveBody, LiveDatabase, LiveRow, LiveState, RowKey
from reconciler.notion import Gateway
from reconciler.plan import Action, DatabasePlan, Plan
from reconciler.readspec import ReadSpec

__all__ = ["PreflightReads"]


class PreflightReads:
    """The reads of one preflight, each made once."""

    def __init__(
        self,
        plan: Plan,
        gateway: Gateway,
        states: ChangeStates,
        current: LiveState | None = None,
    ) -> None:
        self._plan = plan
        self._current = current.databases if current is not None else {}
        self._gateway = gateway
        self._states = states
        self._whole: dict[str, LiveDatabase] = {}
        self._schemas: dict[str, LiveDatabase] = {}
        self._rows: dict[str, dict[str, LiveRow | None]] = {}
        self._exists: dict[str, bool] = {}
        self._bodies: dict[str, LiveBody] = {}

    def recorded(self, handle: str) -> DatabasePlan | None:
        """The database as the plan records it: planned, or related to by planned rows."""
        return self._plan.database(handle) or self._plan.related_database(handle)

    def spec(self, db: DatabasePlan) -> ReadSpec:
        """What to read of a planned database, with the ids of it this plan created, if any."""
        done = self._states.done()
        created = next(
            (done[c.id] for c in db.changes if c.action is Action.CREATE_DATABASE and c.id in done),
            None,
        )
        if created is None:
            return db.read_spec()
        return db.read_spec(database_id=created.database_id, data_source_id=created.data_source_id)

    def located(self, handles: Iterable[str]) -> Mapping[str, LiveDatabase]:
        """These databases located and read whole (those read before are not read again)."""
        wanted = list(dict.fromkeys(handles))
        missing = [handle for handle in wanted if handle not in self._whole]
        specs = [self.spec(self._database(handle)) for handle in missing]
        if specs:
            self._whole.update(self._gateway.read_state(specs).databases)
        return {handle: self._whole[handle] for handle in wanted}

    def schemas(self, handles: Iterable[str]) -> Mapping[str, LiveDatabase]:
        """These databases' schema, title, icon and cover, rows unread (each read once; from
        ``current`` where it has them)."""
        wanted = list(dict.fromkeys(handles))
        for handle in wanted:
            # The plan's own read of a moment ago holds the schema, title, icon and cover.
            if handle not in self._schemas and handle in self._current:
                self._schemas[handle] = self._current[handle]
        missing = [handle for handle in wanted if handle not in self._schemas]
        if missing:
            specs = [self.spec(self._database(handle)) for handle in missing]
            read = self._gateway.read_schemas(specs, sources=self._sources())
            self._schemas.update(read)
        return {handle: self._schemas[handle] for handle in wanted}

    def _database(self, handle: str) -> DatabasePlan:
        db = self.recorded(handle)
        assert db is not None, f"{handle!r} is not a database of the plan"
        return db

    def _sources(self) -> dict[str, str]:
        """Handle to data source id of every database the plan knows (those it created in an
        earlier run included): relation targets are named by them, as when the plan was made."""
        known = (*self._plan.databases, *self._plan.related)
        return {db.handle: source for db in known if (source := self.spec(db).data_source_id)}

    def rows(self, db: DatabasePlan, page_ids: Collection[str]) -> Mapping[str, LiveRow]:
        """The current content of these rows of ``db`` (absent: gone)."""
        known = self._rows.setdefault(db.handle, {})
        missing = [page for page in dict.fromkeys(page_ids) if page not in known]
        current = self._current.get(db.handle)
        if missing and current is not None:
            rows = {row.page_id: row for row in current.rows}
            known.update({page: rows.get(page) for page in missing})
        elif missing:
            found = self._gateway.read_rows(self.spec(db), missing)
            known.update({page: found.get(page) for page in missing})
        return {page: row for page in page_ids if (row := known.get(page)) is not None}

    def with_keys(self, db: DatabasePlan, keys: Collection[RowKey]) -> tuple[LiveRow, ...]:
        """The rows of ``db`` outside the trash whose key is one of ``keys``."""
        whole = self._whole.get(db.handle) or self._current.get(db.handle)
        if whole is not None and whole.complete and whole.data_source_id is not None:
            wanted = set(keys)
            return tuple(r for r in whole.rows if r.key in wanted and not r.in_trash)
        return self._gateway.find_rows(self.spec(db), keys)

    def body(self, db: DatabasePlan, page_id: str) -> LiveBody:
        """The page's body now (read once)."""
        if page_id not in self._bodies:
            self._bodies[page_id] = self._gateway.read_body(page_id, database=db.handle)
        return self._bodies[page_id]

    def exists(self, database_id: str, handle: str) -> bool:
        """Whether this database exists outside the trash (read by id)."""
        if database_id not in self._exists:
            self._exists[database_id] = self._gateway.database_exists(database_id, database=handle)
        return self._exists[database_id]
