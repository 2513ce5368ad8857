"""The executor: a plan's changes sent to Notion stage by stage, concurrently within each stage.

Stages follow ``Plan.changes`` (phase, then schema order). Inside a stage the operations run on
a thread pool; every request still goes through the gateway's one rate limiter, so the pool only
keeps that budget busy. Schema changes of one data source in one stage are one
``update_data_source`` call; every other change is one operation (a restore with values is two
requests; a create with a body reads it back, and a body write's answer is its read-back, kept
in the outcome for the undo plan, as is the content hash of the row each row write answers
with, the row after the write: ``written_hashes``). The main thread does all bookkeeping —
journal, references, audit, progress, those hashes — so workers only talk to Notion:

- before an operation is sent its changes are journaled ``started`` (fsync'd);
- when it returns they are journaled ``done`` with the ids it created, rows created are added to
  the references so later stages can link to them, and the outcome is audited and reported;
- an operation that depends on a failed one is not sent: rows of a database whose creation
  failed, changes writing a property whose schema change failed, and rows (or links to rows)
  whose create failed are ``skipped`` with the reason;
- when ``stop`` is set (Ctrl-C), no further operation starts; those in flight finish and are
  recorded, the rest are ``not_started``;
- ``before_write``, when given, is called on the worker right before each operation is sent;
  raising a ``ReconcilerError`` there fails the operation unsent (the controller's fencing check:
  a replica that lost its leadership does not write).

Changes the journal already records done for this plan are not sent again. Used by the session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import groupby

from reconciler.apply.records.audit import AuditLog, AuditRecord
from reconciler.apply.records.journal import Journal, JournalEntry
from reconciler.apply.running.outcome import (
    ChangeFinished,
    ChangeOutcome,
    DatabaseIds,
    ProgressListener,
    StageStarted,
    Status,
)
from reconciler.apply.running.payloads import (
    database_fields,
    initial_schema,
    new_row_properties,
    page_fields,
    relation_keys,
    row_properties,
    schema_update,
)
from reconciler.errors import NotionError, ReconcilerError
from reconciler.model import JSON
from reconciler.notion.gateway import Gateway, WrittenPage
from reconciler.plan import (
    CREATING_ROWS,
    ROW_PAYLOADS,
    SCHEMA_ACTIONS,
    SENSITIVE,
    Action,
    AddProperty,
    Change,
    ChangeType,
    CreateDatabase,
    CreateRow,
    DatabasePlan,
    Plan,
    PropertyShape,
    UpdateBody,
    UpdateDatabase,
    UpdateProperty,
)
from reconciler.plan.estimate import answers_final
from reconciler.properties import ValueProblem, WorkspaceReferences
from reconciler.readspec import ReadSpec

__all__ = ["Executor"]

_STAGE_TITLES = {
    0: "databases",
    1: "schema",
    2: "row creates",
    3: "row updates",
    4: "relation links",
    5: "row trashes",
    6: "schema removals",
}


@dataclass(frozen=True)
class _Sent:
    """What one operation got back from Notion."""

    page_id: str | None = None
    database_id: str | None = None
    data_source_id: str | None = None
    schema: Mapping[str, str] | None = None
    """Property names by id after a schema write."""
    recovered: bool = False
    body: str | None = None
    """The body Notion holds after a body write (its answer, or the read-back of a create)."""
    url: str | None = None
    """The URL of a database created."""
    written: WrittenPage | None = None
    """The row as Notion answered the last write to it (for the undo plan's hashes)."""


@dataclass
class _Operation:
    """One gateway call (or two, for a restore with values) covering one or more changes."""

    db: DatabasePlan
    changes: tuple[Change, ...]
    send: Callable[[], _Sent] = field(repr=False)


@dataclass
class _Progress:
    """What the apply has learnt so far, for the dependencies of later operations."""

    data_sources: dict[str, str] = field(default_factory=dict)
    broken_databases: dict[str, str] = field(default_factory=dict)
    broken_properties: dict[tuple[str, str], str] = field(default_factory=dict)
    missing_rows: dict[tuple[str, str], str] = field(default_factory=dict)
    outcomes: dict[str, ChangeOutcome] = field(default_factory=dict)
    created: dict[str, DatabaseIds] = field(default_factory=dict)
    schemas: dict[str, dict[str, str]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


class Executor:
    """Applies one plan through a gateway, recording everything it does."""

    def __init__(
        self,
        plan: Plan,
        gateway: Gateway,
        refs: WorkspaceReferences,
        journal: Journal,
        *,
        audit: AuditLog | None = None,
        listener: ProgressListener | None = None,
        workers: int = 8,
        stop: threading.Event | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> None:
        self._plan = plan
        self._gateway = gateway
        self._refs = refs
        self._journal = journal
        self._audit = audit
        self._listener = listener
        self._workers = max(1, workers)
        self._stop = stop or threading.Event()
        self._before_write = before_write
        self._state = _Progress()
        self._total = len(plan.changes)
        self._answered = {db.handle: db.read_spec() for db in plan.databases if answers_final(db)}

    @property
    def interrupted(self) -> bool:
        return self._stop.is_set()

    @property
    def created(self) -> Mapping[str, DatabaseIds]:
        """The databases this plan created (in this run or an earlier one), by handle."""
        return dict(self._state.created)

    @property
    def schemas(self) -> Mapping[str, Mapping[str, str]]:
        """Property names by id of each data source this run wrote the schema of, by handle."""
        return dict(self._state.schemas)

    @property
    def written_hashes(self) -> Mapping[str, str]:
        """By page id, the content hash of each row as the last write this run made to it left
        it, from Notion's answer (the page after the write), in the databases whose answers
        are final (``answers_final``); stages run one after another, so a later stage's
        answer replaces an earlier one's."""
        return dict(self._state.hashes)

    def run(self) -> tuple[ChangeOutcome, ...]:
        """Apply every change not yet done; the outcome of each change, in plan order."""
        self._learn_from_plan()
        self._learn_from_journal()
        stages = groupby(self._plan.changes, key=lambda c: c.stage)
        with ThreadPoolExecutor(self._workers, thread_name_prefix="apply") as pool:
            for (phase, order), grouped in stages:
                pending = [c for c in grouped if c.id not in self._state.outcomes]
                if not pending:
                    continue
                if self._stop.is_set():
                    self._not_started(pending)
                    continue
                self._emit(StageStarted(phase, order, _STAGE_TITLES[phase], len(pending)))
                self._run_stage(pool, list(self._operations(pending)))
        return tuple(self._state.outcomes[c.id] for c in self._plan.changes)

    # --- what is known before the first request ----------------------------------------------

    def _learn_from_plan(self) -> None:
        for db in self._plan.databases:
            if db.data_source_id is not None:
                self._state.data_sources[db.handle] = db.data_source_id

    def _learn_from_journal(self) -> None:
        done = self._journal.done(self._plan.checksum)
        for change in self._plan.changes:
            entry = done.get(change.id)
            if entry is not None:
                self._absorb(change, entry)
                self._finish(ChangeOutcome(change, Status.ALREADY_DONE, page_id=entry.page_id))

    def _absorb(self, change: Change, entry: JournalEntry) -> None:
        """Take in what a change done by an earlier run created."""
        if change.action is Action.CREATE_DATABASE and entry.data_source_id:
            self._state.data_sources[change.database] = entry.data_source_id
            self._state.created[change.database] = DatabaseIds(
                entry.database_id, entry.data_source_id
            )
            self._refs.add_data_source(change.database, entry.data_source_id)
        if change.action in CREATING_ROWS and entry.page_id:
            self._refs.add_page(change.database, change.target, entry.page_id)

    # --- operations --------------------------------------------------------------------------

    def _operations(self, changes: list[Change]) -> Iterator[_Operation | ChangeOutcome]:
        """The operations of one stage, or the outcome of a change that cannot be sent."""
        schema: dict[str, list[Change]] = {}
        for change in changes:
            if change.action in SCHEMA_ACTIONS:
                schema.setdefault(change.database, []).append(change)
                continue
            yield self._prepare(change)
        for handle, batch in schema.items():
            yield from self._prepare_schema(handle, batch)

    def _database(self, handle: str) -> DatabasePlan:
        db = self._plan.database(handle)
        assert db is not None, f"a change of {handle!r} outside the plan's databases"
        return db

    def _blocked(self, change: Change) -> str | None:
        """Why a change cannot be sent because something it needs failed (None: it can)."""
        state = self._state
        if change.database in state.broken_databases:
            return state.broken_databases[change.database]
        row = (change.database, change.target)
        if change.action not in CREATING_ROWS and row in state.missing_rows:
            return state.missing_rows[row]
        db = self._database(change.database)
        written = _written(change)
        for name in written:
            reason = state.broken_properties.get((change.database, name))
            if reason is not None:
                return reason
        for target in sorted(relation_keys(db, written)):
            if target in state.missing_rows:
                return f"it links to {target[0]}/{target[1]}, which was not created"
        return None

    def _prepare(self, change: Change) -> _Operation | ChangeOutcome:
        reason = self._blocked(change)
        if reason is not None:
            return ChangeOutcome(change, Status.SKIPPED, message=reason)
        db = self._database(change.database)
        try:
            send = self._sender(db, change)
        except (ValueProblem, ReconcilerError) as problem:
            return ChangeOutcome(change, Status.FAILED, message=_message(problem, db, change))
        return _Operation(db, (change,), send)

    def _schema_blocked(self, change: Change) -> str | None:
        """Why a schema change cannot be sent: its database, or a related one, was not made."""
        broken = self._state.broken_databases
        if change.database in broken:
            return broken[change.database]
        shape = _declared_shape(change)
        target = shape.config.get("database") if shape is not None else None
        if isinstance(target, str) and target in broken:
            return f"it relates to {target}, which was not created"
        return None

    def _prepare_schema(
        self, handle: str, batch: list[Change]
    ) -> Iterator[_Operation | ChangeOutcome]:
        """One data source update for the batch; changes that cannot be encoded go alone."""
        db, sendable = self._database(handle), []
        for change in batch:
            reason = self._schema_blocked(change)
            if reason is not None:
                yield ChangeOutcome(change, Status.SKIPPED, message=reason)
                continue
            try:
                schema_update(db, [change], self._refs)
            except (ValueProblem, ReconcilerError) as problem:
                yield ChangeOutcome(change, Status.FAILED, message=_message(problem, db, change))
                continue
            sendable.append(change)
        if not sendable:
            return
        try:
            source = self._data_source(db)
        except ValueProblem as problem:
            for change in sendable:
                yield ChangeOutcome(change, Status.FAILED, message=_message(problem, db, change))
            return
        payload = schema_update(db, sendable, self._refs)

        def send() -> _Sent:
            schema = self._gateway.update_data_source(source, payload, database=handle)
            return _Sent(data_source_id=source, schema={p.id: p.name for p in schema})

        yield _Operation(db, tuple(sendable), send)

    def _data_source(self, db: DatabasePlan) -> str:
        source = self._state.data_sources.get(db.handle)
        if source is None:
            raise ValueProblem(f"database {db.handle!r} has no data source yet")
        return source

    def _page(self, change: Change) -> str:
        page = change.page_id or self._refs.page_for_key(change.database, change.target)
        if page is None:
            raise ValueProblem(f"no page is known for the row {change.target!r}")
        return page

    def _sender(self, db: DatabasePlan, change: Change) -> Callable[[], _Sent]:
        """The call that performs one non-schema change (payloads built now, sent later)."""
        gateway, handle = self._gateway, db.handle
        match change.payload:
            case CreateDatabase(title=title, parent=parent, properties=properties, look=look):
                payload = initial_schema(properties, self._refs)
                fields = database_fields(look) or None

                def create_database() -> _Sent:
                    made = gateway.create_database(handle, parent, title, payload, fields)
                    schema = {p.id: p.name for p in made.properties}
                    return _Sent(
                        database_id=made.database_id,
                        data_source_id=made.data_source_id,
                        schema=schema,
                        recovered=made.recovered,
                        url=made.url,
                    )

                return create_database
            case UpdateDatabase(old_title=old, new_title=title, new=look):
                database_id = db.database_id
                if database_id is None:
                    raise ValueProblem(f"database {handle!r} has no id to update")
                retitled = title if title != old else None

                def update_database() -> _Sent:
                    gateway.update_database(
                        database_id, database=handle, title=retitled, page=database_fields(look)
                    )
                    return _Sent()

                return update_database
            case CreateRow(values=values):
                return self._create_row(db, change, values)
            case UpdateBody(new=markdown):
                return self._body_write(db, change, markdown)
        return self._row_write(db, change)

    def _body_write(self, db: DatabasePlan, change: Change, markdown: str) -> Callable[[], _Sent]:
        page, key, gateway, handle = self._page(change), change.target, self._gateway, db.handle

        def write_body() -> _Sent:
            held = gateway.write_body(page, markdown, database=handle, row_key=key)
            return _Sent(page_id=page, body=held.markdown)

        return write_body

    def _create_row(
        self, db: DatabasePlan, change: Change, values: Mapping[str, JSON]
    ) -> Callable[[], _Sent]:
        source = self._data_source(db)
        payload = new_row_properties(db, values, self._refs)
        fields = page_fields(values) or None
        body = values.get("_body")
        markdown = body if isinstance(body, str) else None
        key_prop = db.property_named(db.key)
        key_type = key_prop.type if key_prop is not None else "title"
        gateway, key = self._gateway, change.target

        def create_row() -> _Sent:
            page = gateway.create_row(
                source,
                payload,
                db.key,
                key_type,
                key,
                database=db.handle,
                page=fields,
                markdown=markdown,
            )
            held = page.body.markdown if page.body is not None else None
            return _Sent(page_id=page.page_id, recovered=page.recovered, body=held, written=page)

        return create_row

    def _row_write(self, db: DatabasePlan, change: Change) -> Callable[[], _Sent]:
        page, key, gateway, handle = self._page(change), change.target, self._gateway, db.handle
        payload = row_properties(db, _written(change), self._refs)
        fields = page_fields(_written(change)) or None
        if change.action is Action.TRASH_ROW:
            return lambda: _page(gateway.set_row_trashed(page, True, database=handle, row_key=key))
        if change.action is Action.RESTORE_ROW:

            def restore() -> _Sent:
                written = gateway.set_row_trashed(page, False, database=handle, row_key=key)
                if payload or fields:
                    written = gateway.update_row(
                        page, payload, database=handle, row_key=key, page=fields
                    )
                return _Sent(page_id=page, written=written)

            return restore
        return lambda: _page(
            gateway.update_row(page, payload, database=handle, row_key=key, page=fields)
        )

    # --- running a stage ---------------------------------------------------------------------

    def _run_stage(self, pool: ThreadPoolExecutor, work: list[_Operation | ChangeOutcome]) -> None:
        queue = iter(work)
        running: dict[Future[_Sent], _Operation] = {}
        while True:
            while len(running) < self._workers and not self._stop.is_set():
                item = next(queue, None)
                if item is None:
                    break
                if isinstance(item, ChangeOutcome):
                    self._settle_unsent(item)
                    continue
                for change in item.changes:
                    self._journal.started(self._plan.checksum, change.id)
                running[pool.submit(self._send, item.send)] = item
            if not running:
                break
            finished, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in finished:
                self._settle(running.pop(future), future)
        for item in queue:
            changes = (item.change,) if isinstance(item, ChangeOutcome) else item.changes
            self._not_started(list(changes))

    def _send(self, send: Callable[[], _Sent]) -> _Sent:
        if self._before_write is not None:
            self._before_write()
        return send()

    def _settle(self, operation: _Operation, future: Future[_Sent]) -> None:
        try:
            sent = future.result()
        except (NotionError, ReconcilerError, ValueProblem) as error:
            request_id = error.request_id if isinstance(error, NotionError) else None
            for change in operation.changes:
                message = _message(error, operation.db, change)
                self._journal.failed(self._plan.checksum, change.id, message)
                self._fail(change, message, request_id)
            return
        for change in operation.changes:
            self._journal.finished(
                self._plan.checksum,
                change.id,
                page_id=sent.page_id,
                database_id=sent.database_id,
                data_source_id=sent.data_source_id
                if change.action is Action.CREATE_DATABASE
                else None,
            )
            self._learn(change, sent)
            outcome = ChangeOutcome(
                change, Status.DONE, page_id=sent.page_id, recovered=sent.recovered, body=sent.body
            )
            self._finish(outcome)

    def _learn(self, change: Change, sent: _Sent) -> None:
        handle = change.database
        if change.action is Action.CREATE_DATABASE:
            ids = DatabaseIds(sent.database_id, sent.data_source_id, sent.url)
            self._state.created[handle] = ids
        if sent.data_source_id is not None:
            self._state.data_sources[handle] = sent.data_source_id
            self._refs.add_data_source(handle, sent.data_source_id)
            if sent.schema is not None:
                self._refs.add_schema(sent.data_source_id, sent.schema)
                self._state.schemas[handle] = dict(sent.schema)
        if change.action in CREATING_ROWS and sent.page_id is not None:
            self._refs.add_page(change.database, change.target, sent.page_id)
        spec = self._answered.get(handle)
        if sent.written is not None and spec is not None:
            self._hash_written(spec, sent.written)

    def _hash_written(self, spec: ReadSpec, page: WrittenPage) -> None:
        """Keep the hash of the row as this write left it (only the hash: an answer is
        kilobytes); an answer that does not decode leaves the row to the undo's read-back."""
        try:
            row = self._gateway.rows_written(spec, [page]).get(page.page_id)
        except (NotionError, ReconcilerError, ValueProblem):
            row = None
        if row is None:
            self._state.hashes.pop(page.page_id, None)
        else:
            self._state.hashes[page.page_id] = row.content_hash

    def _settle_unsent(self, outcome: ChangeOutcome) -> None:
        """A change that could not be sent: failed (cannot be built) or skipped (dependency)."""
        if outcome.status is Status.FAILED:
            self._fail(outcome.change, outcome.message, None)
        else:
            self._skip(outcome.change, outcome.message)

    def _fail(self, change: Change, message: str, request_id: str | None) -> None:
        self._break_dependents(change, f"{change.id} failed: {message}")
        self._finish(ChangeOutcome(change, Status.FAILED, message=message, request_id=request_id))

    def _skip(self, change: Change, reason: str) -> None:
        self._break_dependents(change, f"{change.id} was skipped: {reason}")
        self._finish(ChangeOutcome(change, Status.SKIPPED, message=reason))

    def _break_dependents(self, change: Change, reason: str) -> None:
        if change.action is Action.CREATE_DATABASE:
            self._state.broken_databases[change.database] = reason
        elif change.action in SCHEMA_ACTIONS and change.action is not Action.REMOVE_PROPERTY:
            self._state.broken_properties[(change.database, change.target)] = reason
        elif change.action in CREATING_ROWS:
            self._state.missing_rows[(change.database, change.target)] = reason

    def _not_started(self, changes: list[Change]) -> None:
        for change in changes:
            if change.id not in self._state.outcomes:
                self._finish(ChangeOutcome(change, Status.NOT_STARTED))

    def _finish(self, outcome: ChangeOutcome) -> None:
        self._state.outcomes[outcome.change.id] = outcome
        if self._audit is not None and outcome.status not in (
            Status.ALREADY_DONE,
            Status.NOT_STARTED,
        ):
            self._audit.write(AuditRecord.of(self._plan.checksum, outcome))
        self._emit(ChangeFinished(outcome, len(self._state.outcomes), self._total))

    def _emit(self, event: StageStarted | ChangeFinished) -> None:
        if self._listener is not None:
            self._listener(event)


def _written(change: Change) -> Mapping[str, JSON]:
    """The row values a change writes (none for a database or schema change)."""
    payload = change.payload
    return payload.written if isinstance(payload, ROW_PAYLOADS) else {}


def _declared_shape(change: Change) -> PropertyShape | None:
    """The type and configuration a schema change gives its property (None: it gives none)."""
    match change.payload:
        case AddProperty(shape=shape):
            return shape
        case UpdateProperty(desired=shape) | ChangeType(desired=shape):
            return shape
    return None


def _page(page: WrittenPage) -> _Sent:
    return _Sent(page_id=page.page_id, written=page)


def _message(error: BaseException, db: DatabasePlan, change: Change) -> str:
    """What went wrong, for the journal, the audit log and the summary: without the sensitive
    values the change writes, which Notion's validation messages may quote."""
    text = error.message if isinstance(error, ReconcilerError) else str(error)
    hidden = db.sensitive_properties
    for name, value in _written(change).items():
        if name in hidden:
            for shown in sorted(_scalars(value), key=len, reverse=True):
                text = text.replace(shown, SENSITIVE)
    return text


def _scalars(value: JSON) -> set[str]:
    """The texts and numbers inside a value, as a message would quote them (three characters
    or more: shorter ones would mask ordinary words)."""
    if isinstance(value, dict):
        return {s for item in value.values() for s in _scalars(item)}
    if isinstance(value, list):
        return {s for item in value for s in _scalars(item)}
    if isinstance(value, bool) or value is None:
        return set()
    shown = str(value)
    return {shown} if len(shown) >= 3 else set()
