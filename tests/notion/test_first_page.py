"""The first page of rows is asked for together with the data source's schema, by names.

``read_state`` cannot know the property ids before the schema answers, so its first query asks
for the managed properties by the names the matching rule finds them under. These tests pin that
it goes out with the schema's GET, that the rows decode as a read by ids decodes them (renames
included) at the same request count, that a page which cannot serve the read is asked for again
by ids (one query more, only then), and that failures read as they did when the query followed
the schema.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from dataclasses import replace
from typing import Any

import httpx
import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator.app import DEFAULT_TOKEN, Emulator
from reconciler.errors import NotionAccessError, NotionError, NotionValidationError
from reconciler.model import LiveProperty
from reconciler.notion.decode import ReadLayout
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.notion.reader import FIRST_PAGE_NAMES_MAX, FirstPage, _quoted_length
from reconciler.notion.shapes import Body
from tests.conftest import FAST_RETRIES
from tests.notion.conftest import (
    TASKS_DB,
    TASKS_DS,
    GatewayFactory,
    Recorder,
    desired_database,
    page_id,
    row_page,
    seed_database,
    spec,
    specs_of,
    text,
)

SCHEMA: dict[str, Any] = {
    "Name": {"type": "title", "title": {}},
    "Effort": {"type": "number", "number": {"format": "number"}},
    "Notes": {"type": "rich_text", "rich_text": {}},
}
SPECS = [spec("Name", "title"), spec("Effort", "number", format="number")]
ROWS = {
    "Write the docs": {"Name": "Write the docs", "Effort": 3},
    "Ship it": {"Name": "Ship it", "Effort": 5},
}


def seed(emu: Emulator) -> None:
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    pages = [
        row_page(TASKS_DS, n, {"Name": {"title": text(name)}, "Effort": {"number": effort}})
        for n, (name, effort) in enumerate((("Write the docs", 3), ("Ship it", 5)), start=1)
    ]
    emu.seed({"pages": pages})


def inject(emu: Emulator, method: str, path: str, status: int) -> None:
    """One fault on the next matching request."""
    emu.configure({"faults": [{"method": method, "path": path, "status": status, "times": 1}]})


def asked(recorder: Recorder) -> list[list[str]]:
    """The filter_properties of each query, in the order sent."""
    return [sorted(v for k, v in q.query if k == "filter_properties") for q in recorder.queries()]


def values(gateway: NotionGateway, *properties: Any) -> dict[str | None, dict[str, Any]]:
    desired = desired_database("tasks", "Tasks", properties or SPECS, id=TASKS_DB)
    live = gateway.read_state(specs_of(desired)).databases["tasks"]
    return {row.key: dict(row.values) for row in live.rows}


class HeldSchema(httpx.BaseTransport):
    """Holds the data source's GET until a query has arrived (10 s at most), noting whether one
    did: the query went out before the schema answered."""

    def __init__(self, inner: httpx.BaseTransport, wait: float = 10) -> None:
        self.inner = inner
        self.wait = wait
        self.queried = threading.Event()
        self.query_came: list[bool] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/query"):
            self.queried.set()
        elif request.method == "GET" and request.url.path.startswith("/v1/data_sources/"):
            self.query_came.append(self.queried.wait(self.wait))
        return self.inner.handle_request(request)


class Dropping(httpx.BaseTransport):
    """Takes ``name`` out of every row of the first query's answer (as if Notion had read that
    name as another property's id)."""

    def __init__(self, inner: httpx.BaseTransport, name: str) -> None:
        self.inner = inner
        self.name = name
        self.done = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.done or not request.url.path.endswith("/query"):
            return response
        self.done = True
        response.read()
        body = json.loads(response.content)
        for result in body["results"]:
            result["properties"].pop(self.name, None)
        return httpx.Response(response.status_code, json=body)


def gateway_over(transport: httpx.BaseTransport) -> NotionGateway:
    return NotionGateway(
        Secret(DEFAULT_TOKEN),
        base_url="http://127.0.0.1:8787",
        notion_version="2025-09-03",
        rate_limit=RateLimitSettings(rps=0),
        retry=FAST_RETRIES,
        http_client=httpx.Client(transport=transport),
    )


def test_first_query_goes_out_with_the_schema_get_by_names(emu: Emulator) -> None:
    """The first query is sent before the data source's GET answers, asking by names (the
    unmanaged Notes not among them), and the read costs the requests it cost before."""
    seed(emu)
    recorder = Recorder(httpx.WSGITransport(app=emu))
    held = HeldSchema(recorder)
    gateway = gateway_over(held)
    try:
        assert values(gateway) == ROWS
    finally:
        gateway.close()
    assert held.query_came == [True]
    assert asked(recorder) == [["Effort", "Name"]]
    assert sorted(s.endpoint for s in recorder.sent) == sorted([
        "GET /v1/users",
        f"GET /v1/databases/{TASKS_DB}",
        f"GET /v1/data_sources/{TASKS_DS}",
        f"POST /v1/data_sources/{TASKS_DS}/query",
    ])  # fmt: skip


def test_following_pages_continue_by_the_same_names(emu: Emulator, connect: GatewayFactory) -> None:
    """Past the first page the query goes on as it began (the cursor is that query's); every
    row is read once, in ceil(n/100) queries."""
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    emu.seed({"pages": [
        row_page(TASKS_DS, n, {"Name": {"title": text(f"row {n}")}, "Effort": {"number": n}})
        for n in range(1, 251)
    ]})  # fmt: skip
    gateway, recorder = connect()
    read = values(gateway)
    assert len(read) == 250
    assert read["row 250"] == {"Name": "row 250", "Effort": 250}
    assert asked(recorder) == [["Effort", "Name"]] * 3


def test_a_pending_rename_reads_the_former_name_in_the_same_requests(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """`Estimate` renamed from `Effort`, not renamed yet: the first page asks for both names and
    serves the read; no query more."""
    seed(emu)
    gateway, recorder = connect()
    renamed = replace(spec("Estimate", "number", format="number"), renamed_from="Effort")
    assert values(gateway, spec("Name", "title"), renamed) == ROWS
    assert asked(recorder) == [["Effort", "Estimate", "Name"]]


def test_names_refused_are_asked_again_by_ids(emu: Emulator, connect: GatewayFactory) -> None:
    """Notion refusing the first page (400, as it may refuse a name) costs one query more, by
    the ids the schema gave: the rows are the same."""
    seed(emu)
    inject(emu, "POST", "/query$", 400)
    gateway, recorder = connect()
    assert values(gateway) == ROWS
    source = emu.workspace.store.get(TASKS_DS)
    assert source is not None
    ids = source.body["properties"]
    by_name = {prop["name"]: pid for pid, prop in ids.items()}
    assert asked(recorder) == [["Effort", "Name"], sorted([by_name["Effort"], by_name["Name"]])]


def test_a_first_page_without_a_managed_property_is_asked_again_by_ids(emu: Emulator) -> None:
    """A first page whose rows lack a managed property under its name is not decoded (that would
    cost a page property request per row): one query more, by ids, reads the rows."""
    seed(emu)
    recorder = Recorder(httpx.WSGITransport(app=emu))
    gateway = gateway_over(Dropping(recorder, "Effort"))
    try:
        assert values(gateway) == ROWS
    finally:
        gateway.close()
    assert len(recorder.queries()) == 2
    assert not any("/properties/" in s.path for s in recorder.sent)


def test_a_rate_limited_first_page_is_retried_as_before(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A 429 on the first page is retried like any request: one retry, no query more."""
    seed(emu)
    inject(emu, "POST", "/query$", 429)
    gateway, recorder = connect()
    assert values(gateway) == ROWS
    assert asked(recorder) == [["Effort", "Name"]] * 2


def _failure(gateway: NotionGateway, schema_only: bool) -> NotionError:
    desired = desired_database("tasks", "Tasks", SPECS, id=TASKS_DB)
    specs = specs_of(desired)
    if schema_only:
        with pytest.raises(NotionError) as caught:
            gateway.read_schemas(specs, sources={})
    else:
        with pytest.raises(NotionError) as caught:
            gateway.read_state(specs)
    return caught.value


@pytest.mark.parametrize("status", [404, 403])
def test_a_failing_data_source_reads_as_before(
    emu: Emulator, connect: GatewayFactory, status: int
) -> None:
    """The data source's failure is the one reported, whatever the first page's, and in the
    words of a read that asks for the schema alone."""
    seed(emu)
    gateway, _ = connect()
    inject(emu, "GET", f"^/v1/data_sources/{TASKS_DS}$", status)
    alone = _failure(gateway, schema_only=True)
    inject(emu, "GET", f"^/v1/data_sources/{TASKS_DS}$", status)
    with_rows = _failure(gateway, schema_only=False)
    assert isinstance(with_rows, NotionAccessError)
    assert (type(with_rows), str(with_rows)) == (type(alone), str(alone))


def test_a_failing_first_page_reads_as_the_query_failed_before(
    emu: Emulator, connect: GatewayFactory
) -> None:
    """A 404 on the first page (the data source gone meanwhile) is raised as the query's, in
    the words of the query that follows the schema, and is not asked again."""
    seed(emu)
    gateway, recorder = connect()
    inject(emu, "POST", "/query$", 404)
    failure = _failure(gateway, schema_only=False)
    assert isinstance(failure, NotionAccessError)
    assert "the rows" in str(failure)
    assert len(recorder.queries()) == 1
    located = specs_of(desired_database("tasks", "Tasks", SPECS, id=TASKS_DB))[0]
    located = replace(located, data_source_id=TASKS_DS, row_count=1000)
    inject(emu, "POST", "/query$", 404)
    with pytest.raises(NotionAccessError) as before:
        gateway.read_rows(located, [page_id(n) for n in range(1, 30)])
    assert str(failure) == str(before.value)


# --- FirstPage.serving -------------------------------------------------------------------------


def _first(asked: tuple[str, ...], rows: list[dict[str, Any]]) -> FirstPage:
    page: Future[Body] = Future()
    page.set_result(Body({"object": "list", "results": rows}, "query"))
    return FirstPage(asked, page)


EFFORT = LiveProperty(id="e%3Af", name="Effort", type="number", config={})
NAME = LiveProperty(id="title", name="Name", type="title", config={})
LAYOUT = ReadLayout(managed=(NAME, EFFORT), key=NAME)


def test_serving_wants_every_property_asked_for_and_present() -> None:
    row = {"object": "page", "properties": {"Name": {}, "Effort": {}}}
    assert _first(("Name", "Effort"), [row]).serving(LAYOUT) is not None
    assert _first(("Name", "Effort"), []).serving(LAYOUT) is not None
    assert _first(("Name",), [row]).serving(LAYOUT) is None
    missing = {"object": "page", "properties": {"Name": {}}}
    assert _first(("Name", "Effort"), [row, missing]).serving(LAYOUT) is None


def test_serving_takes_a_refusal_as_not_serving_and_raises_other_failures() -> None:
    refused: Future[Body] = Future()
    refused.set_exception(NotionValidationError("refused", status=400))
    assert FirstPage(("Name",), refused).serving(LAYOUT) is None
    gone: Future[Body] = Future()
    gone.set_exception(NotionAccessError("gone", status=404))
    with pytest.raises(NotionAccessError):
        FirstPage(("Name",), gone).serving(LAYOUT)


def test_names_that_would_make_a_long_url_wait_for_the_schema(emu: Emulator) -> None:
    """Past ``FIRST_PAGE_NAMES_MAX`` quoted characters of names the first query is not sent
    early: it follows the schema's answer and asks by ids, as every query did before."""
    long_name = "Effort " + "é" * 400  # 800 bytes of UTF-8, each quoted to three characters
    seed_database(emu, TASKS_DB, TASKS_DS, "Tasks", {**SCHEMA, long_name: SCHEMA["Effort"]})
    recorder = Recorder(httpx.WSGITransport(app=emu))
    held = HeldSchema(recorder, wait=0.5)  # the ids asked for below prove the order too
    gateway = gateway_over(held)
    properties = (*SPECS, spec(long_name, "number", format="number"))
    assert _quoted_length([p.name for p in properties]) > FIRST_PAGE_NAMES_MAX
    try:
        assert values(gateway, *properties) == {}
    finally:
        gateway.close()
    assert held.query_came == [False]
    (ids,) = asked(recorder)
    assert long_name not in ids
    assert "Name" not in ids
