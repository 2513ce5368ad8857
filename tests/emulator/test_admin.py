"""The admin API: reset, seed, config, request log and stats; persistence."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from notion_client import APIResponseError

from reconciler.emulator import ROOT_PAGE_ID, Emulator, StoreError
from tests.conftest import INTEGRATION, TOKEN, in_process_client
from tests.emulator.conftest import plain, text

TASKS_DB = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
TASKS_DS = "1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e"
ROW = "2c3d4e5f-6a7b-4c8d-ae9f-0a1b2c3d4e5f"
ADA = "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f"

NAME = {"id": "title", "type": "title", "title": {}}
STAGE = {"id": "%3DSK%3B", "type": "select", "select": {"options": [{"name": "Todo"}]}}
NEXT = {"type": "relation", "relation": {"data_source_id": TASKS_DS, "single_property": {}}}
COUNT = {
    "type": "rollup",
    "rollup": {
        "function": "count",
        "relation_property_name": "Next",
        "rollup_property_name": "Name",
    },
}
SEED: dict[str, Any] = {
    "users": [
        {
            "id": ADA,
            "name": "Ada Lovelace",
            "type": "person",
            "person": {"email": "ada@example.com"},
        }
    ],
    "databases": [
        {
            "id": TASKS_DB,
            "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
            "title": [{"type": "text", "text": {"content": "Tasks"}}],
            "data_sources": [
                {
                    "id": TASKS_DS,
                    "properties": {
                        "Name": NAME,
                        "Stage": STAGE,
                        "Owner": {"type": "people", "people": {}},
                        "Next": NEXT,
                        "Count": COUNT,
                    },
                }
            ],
        }
    ],
    "pages": [
        {
            "id": ROW,
            "parent": {"type": "data_source_id", "data_source_id": TASKS_DS},
            "created_time": "2026-06-01T09:00:00.000Z",
            "properties": {
                "Name": {"type": "title", "title": text("Write the docs")},
                "Stage": {"type": "select", "select": {"name": "Todo"}},
                "Owner": {"type": "people", "people": [{"object": "user", "id": ADA}]},
                "Next": {"type": "relation", "relation": [{"id": ROW}]},
            },
        }
    ],
}


def test_reset_leaves_one_root_page_and_one_bot(emulator: Emulator, notion: Any) -> None:
    """After a reset the workspace holds the root page and the bot of the integration."""
    notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Temporary")})
    emulator.reset()
    pages = notion.search()["results"]
    users = notion.users.list()["results"]
    assert [p["id"] for p in pages] == [ROOT_PAGE_ID]
    assert [(emulator.bot_id(), INTEGRATION)] == [(u["id"], u["name"]) for u in users]


def test_seeded_objects_keep_their_ids_and_derived_fields_are_filled(
    emulator: Emulator, notion: Any
) -> None:
    """Databases with their data sources, rows with their values, people: by fixed ids."""
    emulator.seed(SEED)
    source = notion.data_sources.retrieve(data_source_id=TASKS_DS)
    row = notion.pages.retrieve(page_id=ROW)
    assert source["properties"]["Stage"]["id"] == "%3DSK%3B"
    option = source["properties"]["Stage"]["select"]["options"][0]
    assert (option["name"], option["color"]) == ("Todo", "default")
    assert (
        plain(row["properties"]["Name"]["title"]),
        row["properties"]["Stage"]["select"]["name"],
        row["properties"]["Owner"]["people"][0]["name"],
    ) == ("Write the docs", "Todo", "Ada Lovelace")
    assert (
        row["properties"]["Next"]["relation"],
        row["properties"]["Count"]["rollup"]["number"],
    ) == ([{"id": ROW}], 1)
    assert row["created_time"] == "2026-06-01T09:00:00.000Z"


def test_a_seeded_rollup_names_its_relation_by_an_id_as_notion_shows_it(
    emulator: Emulator, notion: Any
) -> None:
    """Rollup configs show relation ids un-encoded (``v_]<``); the seed finds ``v_%5D%3C``."""
    projects = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
    linked = {
        "id": "v_%5D%3C",
        "type": "relation",
        "relation": {"data_source_id": TASKS_DS, "single_property": {}},
    }
    tally = {
        "type": "rollup",
        "rollup": {
            "function": "count",
            "relation_property_id": "v_]<",
            "rollup_property_id": "title",
        },
    }
    database = {
        "id": "4d5e6f7a-8b9c-4dae-9f0a-2b3c4d5e6f7a",
        "title": [{"type": "text", "text": {"content": "Projects"}}],
        "data_sources": [
            {"id": projects, "properties": {"Name": NAME, "Tasks": linked, "Tally": tally}}
        ],
    }
    emulator.seed({**SEED, "databases": [*SEED["databases"], database]})
    rollup = notion.data_sources.retrieve(data_source_id=projects)["properties"]["Tally"]
    expected = ("v_]<", "count")
    assert expected == (rollup["rollup"]["relation_property_id"], rollup["rollup"]["function"])


def test_a_seeded_formula_notion_stored_unreadable_computes_an_empty_string(
    emulator: Emulator, notion: Any
) -> None:
    """A UI-typed formula Notion keeps as ``=...`` is seeded as shown and computes string null."""
    broken = {"type": "formula", "formula": {"expression": "={{notion:block_property:title}}* 2"}}
    database = {**SEED["databases"][0]}
    database["data_sources"] = [
        {"id": TASKS_DS, "properties": {"Name": NAME, "Stage": STAGE, "Twice": broken}}
    ]
    emulator.seed({"databases": [database], "pages": [{**SEED["pages"][0], "properties": {}}]})
    schema = notion.data_sources.retrieve(data_source_id=TASKS_DS)["properties"]
    value = notion.pages.retrieve(page_id=ROW)["properties"]["Twice"]["formula"]
    expected = ("={{notion:block_property:title}}* 2", {"type": "string", "string": None})
    assert expected == (schema["Twice"]["formula"]["expression"], value)


def test_the_config_answers_the_whole_configuration(emulator: Emulator) -> None:
    """PUT /_emulator/config merges the keys given and returns everything."""
    config = emulator.configure(
        {"query_result_cap": 50, "latency_ms": {"mean": 5, "jitter": 1}, "seed": 1}
    )
    assert config == {
        "rate_limit": None,
        "latency_ms": {"mean": 5.0, "jitter": 1.0},
        "query_result_cap": 50,
        "relation_page_cap": 25,
        "markdown_block_cap": 20_000,
        "faults": [],
        "seed": 1,
        "clock_offset_s": 0.0,
        "webhooks": [],
    }


def test_the_request_log_lists_method_path_status_and_duration(
    emulator: Emulator, notion: Any
) -> None:
    """GET /_emulator/requests lists every API request answered."""
    notion.users.me()
    with pytest.raises(APIResponseError):
        notion.pages.retrieve(page_id="7855b161-f63e-4683-b7c7-8ca6e97ee266")
    log = emulator.requests()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("GET", "/v1/users/me", 200),
        ("GET", "/v1/pages/7855b161-f63e-4683-b7c7-8ca6e97ee266", 404),
    ]
    assert all(isinstance(r["duration_ms"], float) for r in log)


def test_stats_count_per_endpoint_and_status(emulator: Emulator, notion: Any) -> None:
    """Endpoints are named by their path template."""
    for _ in range(2):
        notion.pages.retrieve(page_id=ROOT_PAGE_ID)
    notion.users.me()
    stats = emulator.stats()
    assert stats["endpoints"] == {
        "GET /v1/pages/{page_id}": {"200": 2},
        "GET /v1/users/me": {"200": 1},
    }
    assert (stats["total"], stats["by_status"]) == (3, {"200": 3})


def admin_call(
    emulator: Emulator,
    method: str,
    path: str,
    body: Any = None,
    remote: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Call the admin API through WSGI, as a client at `remote` would (JSON bodies)."""
    payload = json.dumps(body).encode() if body is not None else b""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = int(status.split(maxsplit=1)[0])

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "REMOTE_ADDR": remote,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(payload)),
        "CONTENT_TYPE": "application/json" if payload else "",
        "wsgi.input": io.BytesIO(payload),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
    }
    if headers and "Content-Type" in headers:
        environ["CONTENT_TYPE"] = headers["Content-Type"]
    chunks = emulator(environ, start_response)
    return seen["status"], json.loads(b"".join(chunks))


def test_the_admin_api_over_http(emulator: Emulator) -> None:
    """reset, seed, config, requests and stats answer JSON without a Notion token."""
    assert admin_call(emulator, "POST", "/_emulator/reset")[0] == 200
    assert admin_call(emulator, "POST", "/_emulator/seed", SEED)[1]["databases"] == [TASKS_DB]
    assert admin_call(emulator, "PUT", "/_emulator/config", {"seed": 7})[1]["seed"] == 7
    assert admin_call(emulator, "GET", "/_emulator/requests")[1] == {"requests": []}
    assert admin_call(emulator, "GET", "/_emulator/stats")[1]["total"] == 0


def test_the_admin_api_answers_loopback_callers_only(emulator: Emulator) -> None:
    """A caller from another address is refused."""
    assert admin_call(emulator, "POST", "/_emulator/reset", remote="10.0.0.8")[0] == 403


def test_a_bad_admin_request_names_the_problem(emulator: Emulator) -> None:
    """Unknown config keys and malformed seeds answer 400 with a reason."""
    status, body = admin_call(emulator, "PUT", "/_emulator/config", {"rate": 3})
    assert (status, body["error"]) == (400, "unknown config keys: rate")
    status, body = admin_call(emulator, "POST", "/_emulator/seed", {"pages": "nope"})
    assert (status, body["error"]) == (400, "seed.pages must be a list of objects")


def test_a_file_store_survives_a_restart(tmp_path: Path) -> None:
    """A new Emulator on the same file sees the same workspace."""
    path = str(tmp_path / "workspace.sqlite")
    first = Emulator(store=path, tokens={TOKEN: INTEGRATION}, rate_limit=None)
    page = in_process_client(first).pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Kept")}
    )
    first.close()
    second = Emulator(store=path, tokens={TOKEN: INTEGRATION}, rate_limit=None)
    kept = in_process_client(second).pages.retrieve(page_id=page["id"])
    second.close()
    assert plain(kept["properties"]["title"]["title"]) == "Kept"


def test_a_store_that_is_not_a_workspace_is_refused_clearly(tmp_path: Path) -> None:
    """A file that is not SQLite, or a folder that does not exist, is named in the error."""
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database", encoding="utf-8")
    with pytest.raises(
        StoreError, match=r"cannot open the emulator store .*notes\.txt: file is not a database"
    ):
        Emulator(store=str(bogus))
    with pytest.raises(StoreError, match="its folder must exist"):
        Emulator(store=str(tmp_path / "missing" / "workspace.sqlite"))


def test_an_sqlite_file_of_another_program_is_left_untouched(tmp_path: Path) -> None:
    """A database without the emulator's tables is refused, naming the file and its tables."""
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(StoreError) as refused:
        Emulator(store=str(other))
    assert (
        f"{other} is an SQLite database but not an emulator workspace (it holds the tables "
        "notes); give the path of a new file or of a store this emulator wrote"
    ) == str(refused.value)


GRACE = {
    "object": "user",
    "id": "6b1d7a5f-3d5c-4a2f-8e5b-1b2c3d4e5f60",
    "name": "Grace Hopper",
    "avatar_url": None,
    "type": "person",
    "person": {"email": "grace@example.com"},
}


def test_people_who_made_seeded_objects_are_retrievable(emulator: Emulator, notion: Any) -> None:
    """A creator the workspace holds (seeded, or given in full as an object's editor) answers
    GET /v1/users/{id}; a data source keeps the creator the seed names for its database."""
    emulator.seed(
        {
            "users": SEED["users"],
            "pages": [
                {
                    "id": ROW,
                    "created_by": {"object": "user", "id": ADA},
                    "last_edited_by": GRACE,
                    "properties": {"title": {"title": text("Notes")}},
                }
            ],
            "databases": [{**SEED["databases"][0], "created_by": {"object": "user", "id": ADA}}],
        }
    )
    page = notion.pages.retrieve(page_id=ROW)
    creators = (page["created_by"]["id"], page["last_edited_by"]["id"])
    found = [notion.users.retrieve(user_id=u)["name"] for u in creators]
    source = notion.data_sources.retrieve(data_source_id=TASKS_DS)
    assert found == ["Ada Lovelace", "Grace Hopper"]
    assert source["created_by"]["id"] == ADA


def test_a_creator_the_workspace_does_not_hold_is_not_found(
    emulator: Emulator, notion: Any
) -> None:
    """Named by id only and never seeded: 404, as for anyone outside the workspace."""
    stranger = "7c2e8b60-4e6d-4b30-9f6c-2c3d4e5f6071"
    emulator.seed({"pages": [{"id": ROW, "created_by": {"object": "user", "id": stranger}}]})
    with pytest.raises(APIResponseError) as refused:
        notion.users.retrieve(user_id=stranger)
    assert (refused.value.status, notion.pages.retrieve(page_id=ROW)["created_by"]["id"]) == (
        404,
        stranger,
    )


def test_a_seeded_database_may_have_no_data_source_and_a_data_source_its_own_trash(
    emulator: Emulator, notion: Any
) -> None:
    """A linked view lists no data sources; a trashed data source of a live database stays
    trashed."""
    linked = "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a"
    database = {**SEED["databases"][0]}
    database["data_sources"] = [{**database["data_sources"][0], "in_trash": True}]
    emulator.seed({"databases": [database, {"id": linked, "data_sources": [], "is_inline": True}]})
    view = notion.databases.retrieve(database_id=linked)
    source = notion.data_sources.retrieve(data_source_id=TASKS_DS)
    live = notion.databases.retrieve(database_id=TASKS_DB)
    assert (view["data_sources"], source["in_trash"], live["in_trash"]) == ([], True, False)
