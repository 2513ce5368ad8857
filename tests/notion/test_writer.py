"""Writing through the gateway to the emulator: databases, schemas, rows, and safe retries."""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Callable

import pytest

from reconciler import logs
from reconciler.emulator.app import Emulator
from reconciler.errors import NotionError, NotionValidationError
from reconciler.model import JSON
from reconciler.notion import WrittenPage
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.notion.retry import RetryPolicy
from tests.notion.conftest import (
    ROOT_PAGE,
    TASKS_DB,
    TASKS_DS,
    GatewayFactory,
    Recorder,
    desired_database,
    page_id,
    seed_database,
    spec,
    specs_of,
    text,
)

SCHEMA: dict[str, JSON] = {
    "Name": {"type": "title", "title": {}},
    "Estimate": {"type": "number", "number": {"format": "number"}},
    "Due": {"type": "date", "date": {}},
}
SPECS = [spec("Name", "title"), spec("Estimate", "number", format="number"), spec("Due", "date")]


def row(name: str, estimate: int) -> dict[str, JSON]:
    return {"Name": {"title": text(name)}, "Estimate": {"number": estimate}}


def inject(emu: Emulator, method: str, path: str, status: int, **extra: object) -> None:
    """One fault on the next matching request."""
    fault = {"method": method, "path": path, "status": status, "times": 1}
    fault.update(extra)
    emu.configure({"faults": [fault]})


@pytest.fixture
def tasks(emu: Emulator, connect: GatewayFactory) -> tuple[NotionGateway, Recorder]:
    """A gateway onto a workspace holding the Tasks database (no rows)."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    return connect()


def create(
    gateway: NotionGateway, name: str, estimate: int, key: tuple[str, str, str] | None = None
) -> WrittenPage:
    """Create the task ``name``, keyed by its Name unless ``key`` = (property, type, text)."""
    key_property, key_type, key_text = key or ("Name", "title", name)
    return gateway.create_row(
        TASKS_DS, row(name, estimate), key_property, key_type, key_text, database="tasks"
    )


def live_keys(connect: GatewayFactory) -> list[str | None]:
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", SPECS, id=TASKS_DB)
    return sorted(
        (r.key for r in gateway.read_state(specs_of(desired)).databases["tasks"].rows),
        key=str,
    )


def test_create_database_returns_ids_and_schema_and_is_found_by_title_next_time(
    connect: GatewayFactory,
) -> None:
    """A database created under a page reports its ids and schema; a read finds it by title."""
    gateway, _ = connect()
    created = gateway.create_database("tasks", ROOT_PAGE, "Tasks", SCHEMA)
    assert sorted(p.name for p in created.properties) == ["Due", "Estimate", "Name"]
    desired = desired_database("tasks", "Tasks", SPECS, parent=ROOT_PAGE)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.database_id, live.data_source_id, created.recovered) == (
        created.database_id,
        created.data_source_id,
        False,
    )


def test_create_database_with_an_unknown_outcome_is_not_repeated(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A 502 after the database was made: the retry finds it by title instead of a second one."""
    inject(emu, "POST", "^/v1/databases$", 502, after_write=True)
    gateway, recorder = connect()
    created = gateway.create_database("tasks", ROOT_PAGE, "Tasks", SCHEMA)
    assert (created.recovered, len(recorder.matching("POST", "/v1/databases"))) == (True, 1)
    children = recorder.matching("GET", f"/v1/blocks/{ROOT_PAGE}/children")
    assert len(children) == 1


Tasks = tuple[NotionGateway, Recorder]


def test_update_database_title(tasks: Tasks) -> None:
    """The database's title is set to the plain text given."""
    gateway, _ = tasks
    gateway.update_database_title(TASKS_DB, "Team tasks", database="tasks")
    desired = desired_database("tasks", "Team tasks", SPECS, id=TASKS_DB)
    assert gateway.read_state(specs_of(desired)).databases["tasks"].title == "Team tasks"


def test_update_data_source_adds_renames_and_removes_properties(tasks: Tasks) -> None:
    """Add by name, rename by id, remove by id: the returned schema shows all three."""
    gateway, _ = tasks
    live = gateway.read_state(specs_of(desired_database("tasks", "Tasks", SPECS, id=TASKS_DB)))
    ids = {p.name: p.id for p in live.databases["tasks"].properties}
    schema = gateway.update_data_source(
        TASKS_DS,
        {"Link": {"url": {}}, ids["Estimate"]: {"name": "Points"}, ids["Due"]: None},
        database="tasks",
    )
    assert sorted((p.name, p.type) for p in schema) == [
        ("Link", "url"),
        ("Name", "title"),
        ("Points", "number"),
    ]
    points = next(p for p in schema if p.name == "Points")
    assert points.id == ids["Estimate"]


def test_a_removal_resent_after_an_unknown_outcome_is_dropped_not_refused(
    emu: Emulator, tasks: Tasks
) -> None:
    """The PATCH removed Due but answered 503: the re-read sees it gone and nothing is resent."""
    gateway, recorder = tasks
    inject(emu, "PATCH", "/v1/data_sources/", 503, after_write=True)
    schema = gateway.update_data_source(TASKS_DS, {"Due": None}, database="tasks")
    assert sorted(p.name for p in schema) == ["Estimate", "Name"]
    assert len(recorder.matching("PATCH", "/v1/data_sources/")) == 1


def test_create_row_returns_the_new_page(connect: GatewayFactory, tasks: Tasks) -> None:
    """A created row is live, keyed as the manifest keys it, and not marked recovered."""
    written = create(tasks[0], "Write the docs", 3)
    assert (written.in_trash, written.recovered) == (False, False)
    assert live_keys(connect) == ["Write the docs"]


def test_create_row_with_an_unknown_outcome_is_looked_up_not_resent(
    emu: Emulator, connect: GatewayFactory, tasks: Tasks
) -> None:
    """Created, then a 503: the key look-up finds the row; only one create was sent."""
    gateway, recorder = tasks
    inject(emu, "POST", "^/v1/pages$", 503, after_write=True)
    written = create(gateway, "Write the docs", 3)
    assert (written.recovered, len(recorder.matching("POST", "/v1/pages"))) == (True, 1)
    assert live_keys(connect) == ["Write the docs"]


def test_create_row_that_failed_before_writing_is_sent_again_after_the_look_up(
    emu: Emulator, connect: GatewayFactory, tasks: Tasks
) -> None:
    """A 500 before the write: the look-up finds nothing, so the create is sent once more."""
    gateway, recorder = tasks
    inject(emu, "POST", "^/v1/pages$", 500)
    written = create(gateway, "Ship it", 5)
    assert (written.recovered, len(recorder.matching("POST", "/v1/pages"))) == (False, 2)
    assert len(recorder.queries()) == 1
    assert live_keys(connect) == ["Ship it"]


def test_a_create_that_may_still_be_in_flight_is_looked_up_again_before_a_resend(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A dropped connection: nothing found at once, so wait out Notion's request window, look
    again, and only then send the create a second time."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=4, initial_delay=0.001, max_delay=0.01, in_flight_seconds=5)
    gateway, recorder = connect(retry=policy, sleep=slept.append)
    inject(emu, "POST", "^/v1/pages$", 0)
    written = create(gateway, "Ship it", 5)
    waits = [seconds for seconds in slept if seconds > 1]
    assert (written.recovered, len(recorder.matching("POST", "/v1/pages"))) == (False, 2)
    assert (len(recorder.queries()), len(waits)) == (2, 1)
    assert 4 < waits[0] <= 5
    assert live_keys(connect) == ["Ship it"]


def test_a_create_answered_by_the_server_is_not_waited_for(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A 500 is Notion's own answer: the request is over, so the look-up is not repeated."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=4, initial_delay=0.001, max_delay=0.01, in_flight_seconds=5)
    gateway, recorder = connect(retry=policy, sleep=slept.append)
    inject(emu, "POST", "^/v1/pages$", 500)
    create(gateway, "Ship it", 5)
    assert (len(recorder.queries()), [s for s in slept if s > 1]) == (1, [])


def test_create_row_rate_limited_is_retried_without_a_look_up(emu: Emulator, tasks: Tasks) -> None:
    """A 429 proves nothing was written: the create is resent with no query in between."""
    gateway, recorder = tasks
    inject(emu, "POST", "^/v1/pages$", 429, retry_after=0)
    create(gateway, "Ship it", 5)
    assert (len(recorder.matching("POST", "/v1/pages")), recorder.queries()) == (2, [])


def test_create_row_keyed_by_a_number_property(emu: Emulator, tasks: Tasks) -> None:
    """A number key is looked up with a number filter after a dropped connection."""
    gateway, recorder = tasks
    inject(emu, "POST", "^/v1/pages$", 0, after_write=True)
    written = create(gateway, "Ship it", 42, key=("Estimate", "number", "42"))
    assert written.recovered
    lookup = recorder.queries()[0].body["filter"]
    assert lookup == {"or": [{"property": "Estimate", "number": {"equals": 42}}]}


def test_a_rejected_row_names_database_row_and_property(tasks: Tasks) -> None:
    """Notion's 400 on a create reaches the user with where it happened; nothing is retried."""
    gateway, recorder = tasks
    bad: dict[str, JSON] = {"Name": {"title": text("Ship it")}, "Estimate": {"number": "five"}}
    with pytest.raises(NotionValidationError) as caught:
        gateway.create_row(TASKS_DS, bad, "Name", "title", "Ship it", database="tasks")
    assert caught.value.message.startswith("database 'tasks', row 'Ship it', property 'Estimate':")
    assert (len(recorder.matching("POST", "/v1/pages")), recorder.queries()) == (1, [])


def test_update_row_and_trash_and_restore(connect: GatewayFactory, tasks: Tasks) -> None:
    """A row's values change; it goes to the trash and comes back."""
    gateway, _ = tasks
    page = create(gateway, "Ship it", 5)
    gateway.update_row(page.page_id, {"Estimate": {"number": 8}}, database="tasks", row_key="x")
    trashed = gateway.set_row_trashed(page.page_id, True, database="tasks", row_key="Ship it")
    assert (trashed.in_trash, live_keys(connect)) == (True, [])
    restored = gateway.set_row_trashed(page.page_id, False, database="tasks", row_key="Ship it")
    desired = desired_database("tasks", "Tasks", SPECS, id=TASKS_DB)
    rows = gateway.read_state(specs_of(desired)).databases["tasks"].rows
    assert (restored.in_trash, [r.values["Estimate"] for r in rows]) == (False, [8])


def test_a_conflict_rereads_the_page_then_retries(emu: Emulator, tasks: Tasks) -> None:
    """409 on an update: the page is read again, then the update is sent again."""
    gateway, recorder = tasks
    page = create(gateway, "Ship it", 5)
    inject(emu, "PATCH", "^/v1/pages/", 409)
    gateway.update_row(page.page_id, {"Estimate": {"number": 8}}, database="tasks", row_key="x")
    calls = [s.method for s in recorder.sent if page.page_id in s.path]
    assert calls == ["PATCH", "GET", "PATCH"]


def test_trash_and_restore_at_notion_version_2026_03_11(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Trashing uses in_trash, which 2026-03-11 accepts (it refuses `archived`)."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    gateway, recorder = connect(notion_version="2026-03-11")
    page = create(gateway, "Ship it", 5)
    trashed = gateway.set_row_trashed(page.page_id, True, database="tasks", row_key="Ship it")
    assert trashed.in_trash
    assert recorder.matching("PATCH", page.page_id)[0].body == {"in_trash": True}


def test_the_token_stays_out_of_every_error_and_log_line(
    emu: Emulator, connect: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Forced 401, 404, 400, exhausted retries and drops: no message or log line has the token."""
    token = "secret_emulator"  # the emulator's token: registered with the redaction on use
    stream = io.StringIO()
    logs.configure(debug=True, json_lines=True, stream=stream)
    caplog.set_level(logging.DEBUG)
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    gateway, _ = connect(token=token, retry=RetryPolicy(max_attempts=3, initial_delay=0.001))
    wrong, _ = connect(token="secret_wrongwrongwrong")
    failures: list[Exception] = []

    def unavailable() -> None:
        inject(emu, "GET", "^/v1/users", 503, times=3)
        gateway.read_users()

    def dropped() -> None:
        inject(emu, "GET", "^/v1/users", 0, times=3)
        gateway.read_users()

    attempts: list[Callable[[], object]] = [
        wrong.read_users,
        lambda: gateway.update_row(page_id(404), {}, database="tasks", row_key="gone"),
        lambda: gateway.create_row(
            TASKS_DS, {"Estimate": {"number": "x"}}, "Name", "title", "bad", database="tasks"
        ),
        unavailable,
        dropped,
    ]
    for attempt in attempts:
        with pytest.raises(NotionError) as caught:
            attempt()
        failures.append(caught.value)
    texts = [stream.getvalue(), caplog.text, repr(gateway)]
    texts += [str(f) for f in failures] + ["".join(traceback.format_exception(f)) for f in failures]
    assert [type(f).__name__ for f in failures] == [
        "NotionAuthError",
        "NotionAccessError",
        "NotionValidationError",
        "NotionUnavailableError",
        "NotionUnavailableError",
    ]
    assert [t for t in texts if token in t or "wrongwrongwrong" in t] == []
