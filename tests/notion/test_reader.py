"""Reading live state through the gateway from the emulator: location, schema, rows, users."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any, cast

import pytest

from reconciler.emulator.app import DEFAULT_TOKEN, Emulator
from reconciler.errors import NotionAccessError, NotionAuthError, PlanError
from reconciler.model import JSON, LiveProperty
from reconciler.notion.api import NotionApi
from reconciler.notion.failures import Subject
from reconciler.notion.gateway import WrittenPage
from reconciler.notion.reader import LiveReader
from reconciler.notion.shapes import Body
from reconciler.readspec import read_spec, read_specs
from tests.conftest import in_process_client
from tests.notion.conftest import (
    PROJECTS_DB,
    PROJECTS_DS,
    ROOT_PAGE,
    TASKS_DB,
    TASKS_DS,
    GatewayFactory,
    desired_database,
    desired_state,
    minute,
    page_id,
    row_page,
    seed_database,
    spec,
    specs_of,
    text,
)

TASKS_SCHEMA: dict[str, Any] = {
    "Name": {"type": "title", "title": {}},
    "Estimate": {"type": "number", "number": {"format": "number"}},
    "Status": {"type": "select", "select": {"options": [{"name": "Todo", "color": "gray"}]}},
    "Notes": {"type": "rich_text", "rich_text": {}},
}
TASKS_SPECS = [
    spec("Name", "title"),
    spec("Estimate", "number", format="number"),
    spec("Status", "select", options=[{"name": "Todo", "color": "gray"}]),
]


def task(n: int, name: str, estimate: int, **extra: Any) -> dict[str, Any]:
    values = {
        "Name": {"title": text(name)},
        "Estimate": {"number": estimate},
        "Notes": {"rich_text": text("unmanaged notes")},
    }
    return row_page(TASKS_DS, n, values, **extra)


def seed_tasks(emu: Emulator, *pages: dict[str, Any]) -> None:
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", TASKS_SCHEMA)
    if pages:
        emu.seed({"pages": list(pages)})


def test_database_id_locates_database_data_source_and_schema(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A manifest `id` of a database gives its data source and its schema in canonical form."""
    seed_tasks(emu)
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.database_id, live.data_source_id, live.title) == (TASKS_DB, TASKS_DS, "Tasks")
    assert [(p.name, p.type) for p in live.properties] == [
        ("Estimate", "number"),
        ("Name", "title"),
        ("Notes", "rich_text"),
        ("Status", "select"),
    ]
    estimate = live.property_named("Estimate")
    assert estimate is not None
    assert estimate.config == {"format": "number"}


def test_data_source_id_locates_its_database(emu: Emulator, connect: GatewayFactory) -> None:
    """A manifest `id` naming the data source finds the database holding it."""
    seed_tasks(emu)
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DS)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.database_id, live.data_source_id) == (TASKS_DB, TASKS_DS)


def seed_two_sources(emu: Emulator) -> None:
    emu.seed(
        {
            "databases": [
                {
                    "id": TASKS_DB,
                    "title": text("Tasks"),
                    "data_sources": [
                        {"id": TASKS_DS, "name": "Open", "properties": TASKS_SCHEMA},
                        {"id": PROJECTS_DS, "name": "Archive", "properties": TASKS_SCHEMA},
                    ],
                }
            ]
        }
    )


def test_several_data_sources_need_the_manifest_to_name_one(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Without `data_source:` a two-source database is a PlanError listing both."""
    seed_two_sources(emu)
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    with pytest.raises(PlanError) as caught:
        gateway.read_state(specs_of(desired))
    assert "has 2 data sources ('Open'" in caught.value.message
    assert "data_source:" in (caught.value.hint or "")


def test_data_source_by_name_picks_that_one(emu: Emulator, connect: GatewayFactory) -> None:
    """`data_source: Archive` reads the data source of that name."""
    seed_two_sources(emu)
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB, data_source="Archive")
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert live.data_source_id == PROJECTS_DS


def test_database_without_id_is_found_by_title_under_its_parent(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """No `id`: the one child database of `parent` with the manifest's title is the one."""
    seed_tasks(emu)
    seed_database(
        emu, PROJECTS_DB, PROJECTS_DS, "Projects", {"Name": {"type": "title", "title": {}}}
    )
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, parent=ROOT_PAGE)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.database_id, live.data_source_id) == (TASKS_DB, TASKS_DS)


def test_database_not_found_by_title_is_to_be_created(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """No child database with that title: database_id None and no rows."""
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, parent=ROOT_PAGE, keys=["a"])
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.database_id, live.data_source_id, live.rows, live.properties) == (
        None,
        None,
        (),
        (),
    )


def test_two_databases_with_the_title_are_an_error(emu: Emulator, connect: GatewayFactory) -> None:
    """Two child databases titled alike: the manifest must pin one with `id:`."""
    seed_tasks(emu)
    seed_database(emu, PROJECTS_DB, PROJECTS_DS, "Tasks", TASKS_SCHEMA)
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, parent=ROOT_PAGE)
    with pytest.raises(PlanError) as caught:
        gateway.read_state(specs_of(desired))
    assert caught.value.message.startswith("manifests/tasks.yaml:1:1: 2 databases titled 'Tasks'")


def test_rows_hold_canonical_values_of_managed_properties_only(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Rows carry keys and managed values; unmanaged Notes is neither asked for nor decoded."""
    seed_tasks(emu, task(1, "Write the docs", 3), task(2, "Ship it", 5))
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert {row.key: dict(row.values) for row in live.rows} == {
        "Write the docs": {"Name": "Write the docs", "Estimate": 3, "Status": None},
        "Ship it": {"Name": "Ship it", "Estimate": 5, "Status": None},
    }
    # The first page is asked for with the schema, before the property ids are known: by name.
    query = recorder.queries()[0]
    asked = sorted(v for k, v in query.query if k == "filter_properties")
    assert asked == ["Estimate", "Name", "Status"]


def test_rows_carry_who_last_edited_them_and_when(emu: Emulator, connect: GatewayFactory) -> None:
    """Every row read keeps its page's last_edited_by (a user id) and last_edited_time: they come
    with each page, at no extra request."""
    ada = "0000000a-0000-4000-8000-00000000000a"
    person = {"object": "user", "id": ada, "type": "person", "name": "Ada Lovelace",
              "person": {"email": "ada@example.com"}}  # fmt: skip
    edited = {"last_edited_by": person, "last_edited_time": "2026-05-02T09:41:00.000Z"}
    seed_tasks(emu, {**task(1, "Write the docs", 3), **edited})
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    [row] = gateway.read_state(specs_of(desired)).databases["tasks"].rows
    assert (row.last_edited_by, row.last_edited_time) == (ada, "2026-05-02T09:41:00.000Z")
    assert len(recorder.queries()) == 1


def test_rows_past_the_query_cap_are_read_in_created_time_windows(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """130 rows, cap 50, 3 rows a minute: every row once, in 3 windows of 1 query each."""
    seed_tasks(emu, *[task(n, f"task {n}", n, created_time=minute(n // 3)) for n in range(130)])
    emu.configure({"query_result_cap": 50})
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert sorted(row.page_id for row in live.rows) == sorted(page_id(n) for n in range(130))
    assert (live.complete, len(recorder.queries())) == (True, 3)
    windows = [q.body.get("filter") for q in recorder.queries()]
    assert windows == [
        None,
        {"timestamp": "created_time", "created_time": {"on_or_after": minute(16)}},
        {"timestamp": "created_time", "created_time": {"on_or_after": minute(32)}},
    ]


def test_more_rows_than_the_cap_in_one_minute_leave_the_read_incomplete(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """60 rows created in the same minute with cap 50: incomplete, and the reason says why."""
    seed_tasks(emu, *[task(n, f"task {n}", n, created_time=minute(5)) for n in range(60)])
    emu.configure({"query_result_cap": 50})
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert (live.complete, len(live.rows)) == (False, 50)
    reason = (
        f"more than 50 rows were created in the minute {minute(5)}; Notion's query cap hides"
        " the rest of them, so rows may be missing from this read"
    )
    assert live.incomplete_reasons == (reason,)


def test_an_incomplete_read_still_finds_every_row_the_manifest_names(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Rows hidden by the cap are looked up by the manifest's keys, so none is created twice."""
    seed_tasks(emu, *[task(n, f"task {n}", n, created_time=minute(5)) for n in range(60)])
    emu.configure({"query_result_cap": 50})
    gateway, _ = connect()
    keys = [f"task {n}" for n in range(0, 60, 2)]
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB, keys=keys)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    live_keys = {row.key for row in live.rows}
    assert set(keys) <= live_keys
    assert live.complete is False
    assert len({row.page_id for row in live.rows}) == len(live.rows)


_WITH_DEPENDS_ON = {
    **TASKS_SCHEMA,
    "Depends on": {
        "type": "relation",
        "relation": {"data_source_id": TASKS_DS, "type": "single_property", "single_property": {}},
    },
}
"""The tasks schema with a relation to its own rows (more than 25 of them in the tests below)."""


def test_relations_past_25_are_completed_through_the_property_item_endpoint(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A row relating to 30 pages reads all 30 (page GETs of the property, 100 per request)."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", _WITH_DEPENDS_ON)
    targets = [task(100 + n, f"target {n}", n) for n in range(30)]
    hub_values = {
        "Name": {"title": text("hub")},
        "Depends on": {"relation": [{"id": t["id"]} for t in targets]},
    }
    emu.seed({"pages": [*targets, row_page(TASKS_DS, 1, hub_values)]})
    gateway, recorder = connect()
    specs = [*TASKS_SPECS, spec("Depends on", "relation", database="tasks")]
    desired = desired_database("tasks", "Tasks", specs, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    hub = next(row for row in live.rows if row.key == "hub")
    assert hub.values["Depends on"] == sorted(
        ({"page_id": t["id"]} for t in targets), key=lambda t: str(t["page_id"])
    )
    assert len(recorder.matching("GET", "/properties/")) == 1


def test_people_past_25_are_completed_too(emu: Emulator, connect: GatewayFactory) -> None:
    """A row naming 27 people reads all 27 user ids."""
    users = [
        {
            "id": page_id(n, "6c3d4e5f-7a8b-4c9d-8e0f"),
            "name": f"Person {n}",
            "type": "person",
            "person": {"email": f"person{n}@example.com"},
        }
        for n in range(27)
    ]
    schema = {**TASKS_SCHEMA, "Owners": {"type": "people", "people": {}}}
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", schema)
    values = {
        "Name": {"title": text("big meeting")},
        "Owners": {"people": [{"id": u["id"]} for u in users]},
    }
    emu.seed({"users": users, "pages": [row_page(TASKS_DS, 1, values)]})
    gateway, _ = connect()
    specs = [*TASKS_SPECS, spec("Owners", "people")]
    desired = desired_database("tasks", "Tasks", specs, id=TASKS_DB)
    state = gateway.read_state(specs_of(desired))
    row = state.databases["tasks"].rows[0]
    assert row.values["Owners"] == sorted(str(u["id"]) for u in users)
    assert {u.email for u in state.users} >= {f"person{n}@example.com" for n in range(27)}


def test_trashed_rows_are_read_only_for_keys_the_manifest_misses(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """The manifest's key found only in the trash comes back with in_trash, ready to restore."""
    seed_tasks(
        emu,
        task(1, "live task", 1),
        task(2, "deleted task", 2, in_trash=True),
        task(3, "other deleted task", 3, in_trash=True),
    )
    gateway, recorder = connect()
    desired = desired_database(
        "tasks", "Tasks", TASKS_SPECS, id=TASKS_DB, keys=["live task", "deleted task"]
    )
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert sorted((row.key, row.in_trash) for row in live.rows) == [
        ("deleted task", True),
        ("live task", False),
    ]
    assert len(recorder.queries()) == 2


def test_no_trash_query_when_every_desired_key_is_live(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """In a steady state the read costs one query for the rows and nothing for the trash."""
    seed_tasks(emu, task(1, "live task", 1), task(2, "deleted task", 2, in_trash=True))
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB, keys=["live task"])
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert ([row.key for row in live.rows], len(recorder.queries())) == (["live task"], 1)


def test_several_databases_are_read_concurrently_and_completely(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Two databases and the users read with four workers come back whole."""
    seed_tasks(emu, *[task(n, f"task {n}", n) for n in range(120)])
    seed_database(
        emu, PROJECTS_DB, PROJECTS_DS, "Projects", {"Name": {"type": "title", "title": {}}}
    )
    emu.seed(
        {
            "pages": [
                row_page(
                    PROJECTS_DS,
                    n,
                    {"Name": {"title": text(f"project {n}")}},
                    prefix="7d4e5f6a-8b9c-4d0e-9f1a",
                )
                for n in range(7)
            ]
        }
    )
    gateway, _ = connect(concurrency=4)
    tasks = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    projects = desired_database("projects", "Projects", [spec("Name", "title")], id=PROJECTS_DB)
    state = gateway.read_state(specs_of(tasks, projects))
    assert {h: len(db.rows) for h, db in state.databases.items()} == {"tasks": 120, "projects": 7}


def test_only_the_chosen_handles_are_read(emu: Emulator, connect: GatewayFactory) -> None:
    """Reading the specs of some databases leaves the others out (no requests for them)."""
    seed_tasks(emu, task(1, "a", 1))
    gateway, recorder = connect()
    tasks = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    projects = desired_database("projects", "Projects", [spec("Name", "title")], id=PROJECTS_DB)
    state = gateway.read_state(read_specs(desired_state(tasks, projects), ["tasks"]))
    assert (list(state.databases), recorder.matching("GET", PROJECTS_DB)) == (["tasks"], [])


def test_read_rows_uses_page_gets_for_a_few_rows(emu: Emulator, connect: GatewayFactory) -> None:
    """Re-reading 1 row of 150 costs 1 GET; a row deleted since is absent."""
    seed_tasks(emu, *[task(n, f"task {n}", n) for n in range(150)])
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    before = len(recorder.sent)
    rows = gateway.read_rows(
        read_spec(desired).located(live), [page_id(4), "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"]
    )
    assert (list(rows), len(recorder.sent) - before) == ([page_id(4)], 2)
    assert rows[page_id(4)].values["Estimate"] == 4


def test_read_rows_queries_once_when_that_is_cheaper(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """Re-reading 5 rows of 150 costs 2 queries instead of 5 GETs, and sees a new value."""
    seed_tasks(emu, *[task(n, f"task {n}", n) for n in range(150)])
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    gateway.update_row(page_id(3), {"Estimate": {"number": 8}}, database="tasks", row_key="task 3")
    before = len(recorder.sent)
    wanted = [page_id(n) for n in range(5)]
    rows = gateway.read_rows(read_spec(desired).located(live), wanted)
    assert (sorted(rows), len(recorder.sent) - before) == (sorted(wanted), 2)
    assert rows[page_id(3)].values["Estimate"] == 8
    assert rows[page_id(3)].content_hash != next(
        r.content_hash for r in live.rows if r.page_id == page_id(3)
    )


def test_read_rows_finds_a_row_moved_out_of_the_database_absent(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A row moved under a page since the read is gone from the database (its GET answers a
    page without the database's properties): absent, as a full read would find it, not an
    unexpected response."""
    seed_tasks(emu, task(1, "stays", 1), task(2, "moves away", 2))
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    mover = in_process_client(emu, token=DEFAULT_TOKEN)
    mover.request(
        path=f"pages/{page_id(2)}/move", method="POST", body={"parent": {"page_id": ROOT_PAGE}}
    )
    rows = gateway.read_rows(read_spec(desired).located(live), [page_id(1), page_id(2)])
    assert list(rows) == [page_id(1)]


def test_notion_version_2026_03_11_reads_in_trash_without_archived(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """At 2026-03-11 (no `archived` anywhere) rows and trash state read the same."""
    seed_tasks(emu, task(1, "live task", 1), task(2, "deleted task", 2, in_trash=True))
    gateway, _ = connect(notion_version="2026-03-11")
    desired = desired_database(
        "tasks", "Tasks", TASKS_SPECS, id=TASKS_DB, keys=["live task", "deleted task"]
    )
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    assert sorted((row.key, row.in_trash) for row in live.rows) == [
        ("deleted task", True),
        ("live task", False),
    ]


def test_users_list_gives_people_with_emails_and_bots(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """read_users maps person e-mails and marks the integration's bot."""
    emu.seed(
        {
            "users": [
                {
                    "id": "6c3d4e5f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                    "name": "Ada Lovelace",
                    "type": "person",
                    "person": {"email": "ada@example.com"},
                }
            ]
        }
    )
    gateway, _ = connect()
    users = {(u.name, u.email, u.type) for u in gateway.read_users()}
    assert ("Ada Lovelace", "ada@example.com", "person") in users
    assert gateway.read_me().type == "bot"


def test_a_database_not_shared_with_the_integration_says_how_to_share_it(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A database shared with another integration only is a NotionAccessError with the fix."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", TASKS_SCHEMA, _shared_with=["Other bot"])
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    with pytest.raises(NotionAccessError) as caught:
        gateway.read_state(specs_of(desired))
    assert "database 'tasks'" in caught.value.message
    assert "Connections" in (caught.value.hint or "")


def test_a_wrong_token_is_an_auth_error(emu: Emulator, connect: GatewayFactory) -> None:
    """A token the workspace does not know: NotionAuthError, and nothing retried."""
    gateway, recorder = connect(token="ntn_wrongwrongwrongwrong1234")
    with pytest.raises(NotionAuthError):
        gateway.read_users()
    assert len(recorder.sent) == 1


def test_read_only_properties_are_in_the_schema_but_not_in_row_values(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A button property shows in the schema; rows never carry values of computed types."""
    schema = {**TASKS_SCHEMA, "Go": {"type": "button", "button": {}}}
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", schema)
    emu.seed({"pages": [task(1, "a", 1)]})
    gateway, _ = connect()
    specs = [*TASKS_SPECS, spec("Go", "button")]
    desired = desired_database("tasks", "Tasks", specs, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    go = live.property_named("Go")
    assert go == LiveProperty(id=go.id if go else "", name="Go", type="button", config={})
    assert sorted(live.rows[0].values) == ["Estimate", "Name", "Status"]


def test_a_relation_of_130_pages_is_read_in_two_property_item_pages(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """The back side of a dual relation holding 130 tasks reads whole, 100 items a request."""
    seed_database(
        emu, PROJECTS_DB, PROJECTS_DS, "Projects", {"Name": {"type": "title", "title": {}}}
    )
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", {"Name": {"type": "title", "title": {}}})
    project = row_page(
        PROJECTS_DS, 1, {"Name": {"title": text("website")}}, prefix="7d4e5f6a-8b9c-4d0e-9f1a"
    )
    emu.seed({"pages": [project]})
    gateway, recorder = connect()
    dual: JSON = {
        "data_source_id": PROJECTS_DS,
        "type": "dual_property",
        "dual_property": {"synced_property_name": "Tasks"},
    }
    gateway.update_data_source(TASKS_DS, {"Project": {"relation": dual}}, database="tasks")
    created = [
        gateway.create_row(
            TASKS_DS,
            {
                "Name": {"title": text(f"task {n}")},
                "Project": {"relation": [{"id": project["id"]}]},
            },
            "Name",
            "title",
            f"task {n}",
            database="tasks",
        ).page_id
        for n in range(130)
    ]
    specs = [spec("Name", "title"), spec("Tasks", "relation", database="tasks")]
    desired = desired_database("projects", "Projects", specs, id=PROJECTS_DB)
    live = gateway.read_state(specs_of(desired)).databases["projects"]
    assert live.rows[0].values["Tasks"] == sorted(
        ({"page_id": page} for page in created), key=lambda t: t["page_id"]
    )
    assert len(recorder.matching("GET", "/properties/")) == 2


def test_database_exists_by_id_outside_the_trash_only(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """database_exists: True for a database, False for an unknown id or one in the trash."""
    seed_tasks(emu)
    seed_database(emu, PROJECTS_DB, PROJECTS_DS, "Projects", {"Name": {"type": "title"}},
                  in_trash=True)  # fmt: skip
    gateway, _ = connect()
    unknown = "9f9f9f9f-0000-4000-8000-000000000000"
    assert [
        gateway.database_exists(database_id, database="tasks")
        for database_id in (TASKS_DB, unknown, PROJECTS_DB)
    ] == [True, False, False]


class _PagedApi:
    """Three pages of a list, and which cursors were asked for."""

    def __init__(self) -> None:
        self.asked: list[str | None] = []
        self.second_asked = threading.Event()

    def request(self, endpoint: str, send: object, subject: object) -> Body:
        cursor = getattr(send, "cursor", None)
        self.asked.append(cursor)
        if cursor == "2":
            self.second_asked.set()
        following = {None: "2", "2": "3", "3": None}[cursor]
        body = {"results": [], "has_more": following is not None, "next_cursor": following}
        return Body(body, endpoint)


def test_the_next_page_is_asked_for_before_the_caller_has_the_current_one_decoded() -> None:
    """While the caller still holds page 1, page 2 is already requested; the requests are the
    same as without it, one per page, in order, and none past the last page."""
    api = _PagedApi()
    reader = LiveReader(cast(NotionApi, api))

    def send_at(cursor: str | None) -> Any:
        return SimpleNamespace(cursor=cursor)

    pages = reader._paginate("GET /v1/users", send_at, Subject("a list"))
    first = next(pages)
    assert api.second_asked.wait(timeout=10)
    assert first.optional_text("next_cursor") == "2"
    rest = list(pages)
    assert [page.optional_text("next_cursor") for page in rest] == ["3", None]
    assert api.asked == [None, "2", "3"]


def test_rows_written_decode_update_answers_as_a_read_back_reads_the_rows(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """The answers of row updates and a trash decode, without a request, into the rows a
    read-back right after gives: the same values, key and content hash."""
    seed_tasks(emu, *[task(n, f"task {n}", n) for n in range(5)])
    gateway, recorder = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    spec_now = read_spec(desired).located(gateway.read_state(specs_of(desired)).databases["tasks"])
    written = [
        gateway.update_row(
            page_id(n),
            {"Estimate": {"number": 10 * n}, "Status": {"select": {"name": "Todo"}}},
            database="tasks",
            row_key=f"task {n}",
        )
        for n in range(3)
    ]
    written.append(gateway.set_row_trashed(page_id(4), True, database="tasks", row_key="task 4"))
    before = len(recorder.sent)
    decoded = gateway.rows_written(spec_now, written)
    assert len(recorder.sent) == before
    read_back = gateway.read_rows(spec_now, [page.page_id for page in written])
    assert decoded == read_back
    assert [decoded[page_id(n)].values["Estimate"] for n in range(3)] == [0, 10, 20]


def test_rows_written_complete_relations_past_25_as_a_read_does(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A write setting 30 relations answers with 25 and ``has_more``: the rest are read
    through the property item endpoint, and the row equals its read-back."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", _WITH_DEPENDS_ON)
    targets = [task(100 + n, f"target {n}", n) for n in range(30)]
    emu.seed({"pages": [*targets, row_page(TASKS_DS, 1, {"Name": {"title": text("hub")}})]})
    gateway, recorder = connect()
    specs = [*TASKS_SPECS, spec("Depends on", "relation", database="tasks")]
    desired = desired_database("tasks", "Tasks", specs, id=TASKS_DB)
    spec_now = read_spec(desired).located(gateway.read_state(specs_of(desired)).databases["tasks"])
    linked: dict[str, JSON] = {"Depends on": {"relation": [{"id": t["id"]} for t in targets]}}
    written = gateway.update_row(page_id(1), linked, database="tasks", row_key="hub")
    before = len(recorder.matching("GET", "/properties/"))
    decoded = gateway.rows_written(spec_now, [written])
    assert len(recorder.matching("GET", "/properties/")) == before + 1
    assert decoded == gateway.read_rows(spec_now, [page_id(1)])
    assert decoded[page_id(1)].values["Depends on"] == sorted(
        ({"page_id": t["id"]} for t in targets), key=lambda t: str(t["page_id"])
    )


def test_rows_written_leave_out_a_create_found_by_its_key(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A page without an answer (a create whose outcome was lost, found by its key) is absent:
    the caller reads it instead."""
    seed_tasks(emu, task(1, "task 1", 1))
    gateway, _ = connect()
    desired = desired_database("tasks", "Tasks", TASKS_SPECS, id=TASKS_DB)
    spec_now = read_spec(desired).located(gateway.read_state(specs_of(desired)).databases["tasks"])
    found = WrittenPage(page_id(1), "https://example.invalid", False, "", recovered=True)
    assert gateway.rows_written(spec_now, [found]) == {}
