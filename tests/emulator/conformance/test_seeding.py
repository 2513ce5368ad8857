"""What a replay seeds: the objects a recording uses without creating them."""

from __future__ import annotations

from pathlib import Path

from reconciler.emulator.conformance.catalog import Catalog
from reconciler.emulator.conformance.recordings import load_recording
from reconciler.emulator.conformance.seeding import plan_seed
from tests.emulator.conformance.recorded import (
    PAGE,
    ROOT,
    create_page,
    interaction,
    page,
    recording,
    root_page,
    write,
)

OLD_PAGE = "3839ce7b-60a4-81c8-867a-f81fd71aa55c"
SOURCE = "3839ce7b-60a4-8180-9ad3-000ba3a62e53"
DATABASE = "00000000-0000-4000-8000-00000000000b"


def seeded_titles(plan_pages: list[dict[str, object]]) -> dict[str, str]:
    """Seeded page id -> plain title."""
    out = {}
    for item in plan_pages:
        properties = item.get("properties") or {}
        assert isinstance(properties, dict)
        title = properties.get("title", {}).get("title", [])
        out[str(item["id"])] = "".join(t.get("plain_text", "") for t in title)
    return out


def test_a_page_used_but_not_created_is_seeded_as_the_recording_shows_it(tmp_path: Path) -> None:
    """The old page and its parent (the root page) are seeded; the page created is not."""
    rec = recording(
        tmp_path,
        [
            interaction("GET", f"/v1/pages/{OLD_PAGE}", page(OLD_PAGE, "Run first Marathon")),
            interaction("GET", f"/v1/pages/{ROOT}", root_page()),
            create_page("Launch plan"),
        ],
    )
    plan = plan_seed(rec, Catalog.of([rec]))
    expected = {ROOT: "Tests", OLD_PAGE: "Run first Marathon"}
    assert expected == seeded_titles(plan.payload["pages"])


def test_an_id_notion_did_not_find_is_not_seeded(tmp_path: Path) -> None:
    """A recorded 404 means the object did not exist."""
    missing = {
        "object": "error",
        "status": 404,
        "code": "object_not_found",
        "message": f"Could not find page with ID: {OLD_PAGE}.",
        "request_id": "r",
    }
    rec = recording(tmp_path, [interaction("GET", f"/v1/pages/{OLD_PAGE}", missing, status=404)])
    plan = plan_seed(rec, Catalog.of([rec]))
    assert OLD_PAGE not in plan.seeded


def test_a_data_source_schema_comes_from_a_context_recording(tmp_path: Path) -> None:
    """A fixture recording shows the schema; the scored one only queries the data source."""
    schema = {
        "object": "data_source",
        "id": SOURCE,
        "title": [],
        "parent": {"type": "database_id", "database_id": DATABASE},
        "database_parent": {"type": "page_id", "page_id": ROOT},
        "properties": {
            "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
            "Email": {"id": "SqMd", "name": "Email", "type": "email", "email": {}},
        },
    }
    fixture = write(tmp_path, "fixtures/mod_contacts_db.json", [
        interaction("GET", f"/v1/data_sources/{SOURCE}", schema)
    ])  # fmt: skip
    scored = recording(tmp_path, [
        interaction("POST", f"/v1/data_sources/{SOURCE}/query", {"object": "list", "results": []})
    ])  # fmt: skip
    catalog = Catalog.of([load_recording(fixture, "fixture"), scored])
    plan = plan_seed(scored, catalog)
    sources = [s for d in plan.payload["databases"] for s in d["data_sources"]]
    expected = [(SOURCE, ["Name", "Email"])]
    assert expected == [(s["id"], list(s["properties"])) for s in sources]


def test_a_workspace_without_the_root_page_gets_it_trashed(tmp_path: Path) -> None:
    """The emulator starts with a root page; a recording that never shows it must not see it."""
    parent = "393abc1e-edcd-80f3-813b-e205934558c6"
    body = {"parent": {"page_id": parent}, "properties": {}}
    created = interaction("POST", "/v1/pages", page(PAGE, "Launch plan", parent), body=body)
    rec = recording(tmp_path, [created])
    plan = plan_seed(rec, Catalog.of([rec]))
    expected = [(ROOT, True), (parent, None)]
    assert expected == [(p["id"], p.get("in_trash")) for p in plan.payload["pages"]]
