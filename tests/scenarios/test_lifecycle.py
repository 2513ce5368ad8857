"""Whole cycles: the newest Notion-Version, the undo plan of a mixed apply, renames that touch the
key or reuse an old name, and a second apply that must write nothing.
"""

from __future__ import annotations

from typing import Any

from tests.scenarios.conftest import ROOT_PAGE_ID, Team


def roadmap(**extra: Any) -> dict[str, Any]:
    """A product roadmap keyed by Slug, with a status, a quarter and an owner."""
    manifest: dict[str, Any] = {
        "database": "roadmap",
        "parent": ROOT_PAGE_ID,
        "title": "Roadmap",
        "key": "Slug",
        "prune": True,
        "properties": {
            "Name": "title",
            "Slug": "rich_text",
            "Stage": {"type": "status", "options": ["Idea", "Building", "Shipped"]},
            "Quarter": {"type": "select", "options": ["Q1", "Q2", "Q3"]},
            "Owner": "people",
            "Effort": "number",
        },
        "rows": [
            {"Slug": "sso", "Name": "Single sign-on", "Stage": "Building", "Quarter": "Q1",
             "Owner": ["ada@example.com"], "Effort": 5},
            {"Slug": "audit", "Name": "Audit log", "Stage": "Idea", "Quarter": "Q2", "Effort": 3},
            {"Slug": "export", "Name": "CSV export", "Stage": "Shipped", "Quarter": "Q1",
             "Owner": ["grace@example.com"], "Effort": 2},
        ],
    }  # fmt: skip
    manifest.update(extra)
    return manifest


def snapshot(team: Team) -> dict[str, dict[str, Any]]:
    """Slug → every property value as Notion shows it (ids and times left out)."""
    rows = {}
    for page in team.pages("Roadmap"):
        values = {}
        for name, prop in page["properties"].items():
            raw = prop[prop["type"]]
            if prop["type"] in ("title", "rich_text"):
                raw = "".join(item["plain_text"] for item in raw)
            elif prop["type"] in ("select", "status"):
                raw = raw["name"] if raw else None
            elif prop["type"] == "people":
                raw = sorted(person["id"] for person in raw)
            values[name] = raw
        rows[team.key_of(page, "Slug")] = values
    return rows


def test_a_full_cycle_at_notion_version_2026_03_11(team: Team) -> None:
    """notion_version 2026-03-11: create, update, trash with approval, restore; each converges."""
    team.configure('notion_version: "2026-03-11"\n')
    team.write(roadmap())
    team.apply()
    team.converged()
    changed = roadmap()
    changed["rows"][0]["Stage"] = "Shipped"
    del changed["rows"][1]
    team.write(changed)
    team.apply("--allow-destroy")
    assert team.keys("Roadmap", "Slug") == ["export", "sso"]
    team.converged()
    team.write(roadmap())
    plan = team.plan()
    assert plan["notion_version"] == "2026-03-11"
    planned = ["roadmap/restore_row/audit", "roadmap/update_row/sso"]
    assert planned == sorted(c["id"] for db in plan["databases"] for c in db["changes"])
    team.apply()
    team.converged()


def test_the_undo_plan_puts_back_a_mixed_apply(team: Team) -> None:
    """A create, an update, a trash, an added property and a rename, applied; the undo plan,
    applied with approval, gives back the rows and schema as they were."""
    team.write(roadmap())
    team.apply()
    before = snapshot(team)
    schema_before = sorted(team.data_source("Roadmap")["properties"])
    mixed = roadmap()
    properties = mixed["properties"]
    properties["Size"] = {"type": "number", "renamed_from": "Effort"}
    del properties["Effort"]
    properties["Risk"] = {"type": "select", "options": ["Low", "High"]}
    for row in mixed["rows"]:
        row["Size"] = row.pop("Effort")
    mixed["rows"][0]["Quarter"] = "Q3"
    mixed["rows"][1]["Risk"] = "High"
    del mixed["rows"][2]
    mixed["rows"].append({"Slug": "billing", "Name": "Usage billing", "Stage": "Idea"})
    team.write(mixed)
    applied = team.apply("--allow-destroy")
    undo = team.undo_plan(applied)
    team.apply(undo, "--allow-destroy")
    assert sorted(team.data_source("Roadmap")["properties"]) == schema_before
    assert snapshot(team) == before
    team.write(roadmap())
    team.converged()


def test_renaming_a_property_and_reusing_its_old_name(team: Team) -> None:
    """Effort becomes Estimate (renamed_from) while a new Effort property is declared: the old
    property keeps its values under the new name, a new Effort is added; then converged."""
    team.write(roadmap())
    team.apply()
    reused = roadmap()
    reused["properties"]["Estimate"] = {"type": "number", "renamed_from": "Effort"}
    reused["properties"]["Effort"] = {"type": "select", "options": ["S", "M", "L"]}
    for row, size in zip(reused["rows"], ["L", "M", "S"], strict=True):
        row["Estimate"] = row.pop("Effort")
        row["Effort"] = size
    team.write(reused)
    team.apply()
    estimates = {slug: row["Estimate"] for slug, row in snapshot(team).items()}
    assert estimates == {"sso": 5, "audit": 3, "export": 2}
    sizes = {slug: row["Effort"] for slug, row in snapshot(team).items()}
    assert sizes == {"sso": "L", "audit": "M", "export": "S"}
    team.converged()


def test_renaming_the_key_property_keeps_every_row(team: Team) -> None:
    """Slug renamed to Code (renamed_from): one rename, no create, no trash; then converged."""
    team.write(roadmap())
    team.apply()
    pages = {p["id"] for p in team.pages("Roadmap")}
    renamed = roadmap(key="Code")
    properties = renamed["properties"]
    properties["Code"] = {"type": "rich_text", "renamed_from": "Slug"}
    del properties["Slug"]
    for row in renamed["rows"]:
        row["Code"] = row.pop("Slug")
    team.write(renamed)
    assert team.changes() == ["roadmap/rename_property/Code"]
    team.apply()
    assert {p["id"] for p in team.pages("Roadmap")} == pages
    team.converged()


def test_renaming_the_title_property_keeps_every_row(team: Team) -> None:
    """Name renamed to Feature (renamed_from): one rename; the titles stay; then converged."""
    team.write(roadmap())
    team.apply()
    renamed = roadmap()
    properties = renamed["properties"]
    properties = {"Feature": {"type": "title", "renamed_from": "Name"}, **properties}
    del properties["Name"]
    renamed["properties"] = properties
    for row in renamed["rows"]:
        row["Feature"] = row.pop("Name")
    team.write(renamed)
    assert team.changes() == ["roadmap/rename_property/Feature"]
    team.apply()
    titles = {slug: row["Feature"] for slug, row in snapshot(team).items()}
    assert titles == {"sso": "Single sign-on", "audit": "Audit log", "export": "CSV export"}
    team.converged()


def test_an_option_renamed_in_notion_is_put_back(team: Team) -> None:
    """A colleague renames the Q1 option to "Quarter 1": the plan adds Q1 back and moves the two
    rows to it, leaves "Quarter 1" alone (no prune_options); then converged."""
    team.write(roadmap())
    team.apply()
    source = team.data_source("Roadmap")
    options = source["properties"]["Quarter"]["select"]["options"]
    renamed = [
        {"id": o["id"], "name": "Quarter 1" if o["name"] == "Q1" else o["name"]} for o in options
    ]
    team.human.data_sources.update(
        source["id"], properties={"Quarter": {"select": {"options": renamed}}}
    )
    planned = team.changes()
    assert planned[0] == "roadmap/update_property/Quarter"
    assert sorted(planned[1:]) == ["roadmap/update_row/export", "roadmap/update_row/sso"]
    team.apply()
    quarters = {slug: row["Quarter"] for slug, row in snapshot(team).items()}
    assert quarters == {"sso": "Q1", "audit": "Q2", "export": "Q1"}
    team.converged()


def test_a_status_set_by_hand_to_its_default_is_put_back(team: Team) -> None:
    """A row created without a status stays empty; a colleague sets one: one update clears it
    (lossy, approved); then converged."""
    team.write(roadmap())
    team.apply()
    grown = roadmap()
    grown["rows"].append({"Slug": "search", "Name": "Search"})
    team.write(grown)
    team.apply()
    assert snapshot(team)["search"]["Stage"] is None
    page = team.page("Roadmap", "Slug", "search")["id"]
    team.human.pages.update(page, properties={"Stage": {"status": {"name": "Idea"}}})
    assert team.diffs() == {"roadmap/update_row/search": [("Stage", "Idea", None)]}
    team.apply("--allow-destroy")
    team.converged()


def test_a_manifest_applied_again_after_a_colleagues_edit_writes_only_that_row(
    team: Team,
) -> None:
    """A colleague changes one effort: the next apply writes that one row back, nothing else."""
    team.write(roadmap())
    team.apply()
    page = team.page("Roadmap", "Slug", "audit")["id"]
    team.human.pages.update(page, properties={"Effort": {"number": 8}})
    since = team.mark()
    team.apply()
    assert team.writes_since(since) == [f"PATCH /v1/pages/{page}"]
    team.converged()


def test_the_undo_of_a_type_change_gives_the_old_type_back(team: Team) -> None:
    """Effort turned into text and approved; its undo plan applies cleanly (it wrote the text
    values into the number property and failed): the property is a number again, and applying
    the old manifest puts the numbers back."""
    team.write(roadmap())
    team.apply()
    as_text = roadmap()
    as_text["properties"]["Effort"] = "rich_text"
    for row in as_text["rows"]:
        row["Effort"] = f"{row['Effort']} days"
    team.write(as_text)
    undo = team.undo_plan(team.apply("--allow-destroy"))
    team.apply(undo, "--allow-destroy")
    assert team.data_source("Roadmap")["properties"]["Effort"]["type"] == "number"
    team.write(roadmap())
    team.apply()
    efforts = {slug: row["Effort"] for slug, row in snapshot(team).items()}
    assert efforts == {"sso": 5, "audit": 3, "export": 2}
    team.converged()


def test_an_undo_plan_is_refused_once_a_row_it_puts_back_was_edited(team: Team) -> None:
    """A colleague edits a row after the apply: its undo is stale (exit 4), nothing written."""
    team.write(roadmap())
    team.apply()
    changed = roadmap()
    changed["rows"][0]["Effort"] = 9
    team.write(changed)
    undo = team.undo_plan(team.apply())
    page = team.page("Roadmap", "Slug", "sso")["id"]
    team.human.pages.update(page, properties={"Effort": {"number": 11}})
    since = team.mark()
    stale = team.expect(4, "apply", "--yes", undo)
    assert "roadmap/sso" in stale.stderr
    team.wrote_nothing(since)
