"""Which Notion page a manifest row means, across the ways people break identity.

The promises: a row is never duplicated, never updated in place of another, never deleted
unless the manifest opts in and someone approves; rows people edit by hand in properties the
manifest does not manage are left exactly as they are.
"""

from __future__ import annotations

import copy
import shutil
from typing import Any

import pytest

from tests.scenarios.conftest import BLOCKED, ROOT_PAGE_ID, STALE, Team


def rota(*, prune: bool = False, **extra: Any) -> dict[str, Any]:
    """An on-call rota keyed by Shift, each shift with its engineer."""
    return {
        "database": "rota",
        "parent": ROOT_PAGE_ID,
        "title": "On-call rota",
        "key": "Shift",
        "prune": prune,
        "properties": {
            "Shift": "title",
            "Engineer": "rich_text",
            "Hours": "number",
            **extra.pop("properties", {}),
        },
        "rows": [
            {"Shift": "2026-W40", "Engineer": "Ada", "Hours": 40},
            {"Shift": "2026-W41", "Engineer": "Grace", "Hours": 38},
            {"Shift": "2026-W42", "Engineer": "Alan", "Hours": 40},
        ],
        **extra,
    }


def engineers(team: Team) -> dict[str, str]:
    """Shift → engineer of every live page (a key seen twice fails)."""
    found: dict[str, str] = {}
    for page in team.pages("On-call rota"):
        shift = team.key_of(page, "Shift")
        assert shift not in found, f"two live pages for {shift}"
        found[shift] = team.key_of(page, "Engineer")
    return found


def create_by_hand(team: Team, shift: str, engineer: str) -> dict[str, Any]:
    """A colleague adds a page in Notion."""
    source = team.data_source("On-call rota")["id"]
    page: dict[str, Any] = team.human.pages.create(
        parent={"data_source_id": source},
        properties={
            "Shift": {"title": [{"text": {"content": shift}}]},
            "Engineer": {"rich_text": [{"text": {"content": engineer}}]},
        },
    )
    return page


# --- a key changes in the manifest -------------------------------------------------------------


def test_a_changed_key_without_prune_creates_and_leaves_the_old_row(team: Team) -> None:
    """2026-W42 renamed to 2026-W43: a new row; the old page is left alone, not rewritten."""
    team.write(rota())
    team.apply()
    moved = rota()
    moved["rows"][2]["Shift"] = "2026-W43"
    team.write(moved)
    planned = ["rota/create_row/2026-W43"]
    assert planned == team.changes()
    team.apply()
    expected = {"2026-W40": "Ada", "2026-W41": "Grace", "2026-W42": "Alan", "2026-W43": "Alan"}
    assert expected == engineers(team)
    team.converged()


def test_a_changed_key_with_prune_creates_then_trashes_with_approval(team: Team) -> None:
    """With prune: a create and a gated trash of the old page, never an update of it."""
    team.write(rota(prune=True))
    team.apply()
    old_page = team.page("On-call rota", "Shift", "2026-W42")["id"]
    moved = rota(prune=True)
    moved["rows"][2]["Shift"] = "2026-W43"
    team.write(moved)
    planned = ["rota/create_row/2026-W43", "rota/trash_row/2026-W42"]
    assert planned == team.changes()
    since = team.mark()
    team.expect(BLOCKED, "apply", "--yes")
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    shifts = {"2026-W40", "2026-W41", "2026-W43"}
    assert shifts == set(engineers(team))
    assert team.human.pages.retrieve(old_page)["in_trash"] is True
    team.converged()


# --- a key a person also created in Notion ---------------------------------------------------


def test_a_key_created_twice_by_hand_is_guarded_not_touched(team: Team) -> None:
    """A colleague adds a second 2026-W41 page: neither page is updated, nothing is trashed,
    both URLs are listed, the rest of the rota still applies, and a drift check (exit 2) keeps
    saying so until the extra page is gone; then the held changes go ahead."""
    team.write(rota(prune=True))
    team.apply()
    duplicate = create_by_hand(team, "2026-W41", "Linus")
    changed = rota(prune=True)
    changed["rows"][1]["Engineer"] = "Barbara"
    changed["rows"][0]["Hours"] = 32
    del changed["rows"][2]
    team.write(changed)
    plan = team.run("plan")
    assert "guard (duplicate_keys)" in plan.stdout
    assert duplicate["url"] in plan.stdout
    planned = ["rota/update_row/2026-W40"]
    assert planned == team.changes()
    team.apply()
    pages = [p for p in team.pages("On-call rota") if team.key_of(p, "Shift") == "2026-W41"]
    both = ["Grace", "Linus"]
    assert both == sorted(team.key_of(p, "Engineer") for p in pages)
    assert "2026-W42" in team.keys("On-call rota", "Shift")
    held = team.expect(2, "plan", "--detailed-exitcode")  # a drift check keeps reporting it
    assert ("guard (duplicate_keys)" in held.stdout, team.changes()) == (True, [])
    team.human.pages.update(duplicate["id"], in_trash=True)
    released = ["rota/update_row/2026-W41", "rota/trash_row/2026-W42"]
    assert released == team.changes()  # what the guard held back
    team.apply("--allow-destroy")
    team.converged()


# --- the trash ---------------------------------------------------------------------------------


def test_a_pruned_row_whose_key_comes_back_is_restored_not_created(team: Team) -> None:
    """Pruned, then put back in the manifest: the same page comes out of the trash."""
    team.write(rota(prune=True))
    team.apply()
    page = team.page("On-call rota", "Shift", "2026-W42")["id"]
    shorter = rota(prune=True)
    del shorter["rows"][2]
    team.write(shorter)
    team.apply("--allow-destroy")
    team.converged()
    team.write(rota(prune=True))
    planned = ["rota/restore_row/2026-W42"]
    assert planned == team.changes()
    team.apply()
    assert page == team.page("On-call rota", "Shift", "2026-W42")["id"]
    assert not team.keys("On-call rota", "Shift", in_trash=True)
    team.converged()


def test_a_row_trashed_by_hand_is_restored_with_the_manifest_values(team: Team) -> None:
    """A colleague trashes 2026-W40 and the manifest changes its hours: one restore, same page."""
    team.write(rota())
    team.apply()
    page = team.page("On-call rota", "Shift", "2026-W40")["id"]
    team.human.pages.update(page, in_trash=True)
    changed = rota()
    changed["rows"][0]["Hours"] = 36
    team.write(changed)
    planned = {"rota/restore_row/2026-W40": [("Hours", 40, 36)]}
    assert planned == team.diffs()
    team.apply()
    restored = team.page("On-call rota", "Shift", "2026-W40")
    assert (page, 36) == (restored["id"], restored["properties"]["Hours"]["number"])
    team.converged()


# --- keys of other types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "keys", "changed", "extra"),
    [
        ("number", [7, 2.5, 1000000], 7, 70),
        (
            "email",
            ["ada@example.com", "Grace@Example.com", "alan@example.org"],
            "ada@example.com",
            "ADA@example.com",
        ),
        (
            "url",
            ["https://example.com/a", "https://example.com/a?b=1", "https://example.org/"],
            "https://example.com/a",
            "https://example.com/a/",
        ),
        (
            "phone_number",
            ["+44 20 7946 0001", "+1 555 0100", "555-0199"],
            "+1 555 0100",
            "+1 555 01000",
        ),
    ],
)
def test_a_key_of_another_type_identifies_rows(
    team: Team, kind: str, keys: list[Any], changed: Any, extra: Any
) -> None:
    """A non-text key: rows created once, one changed by one update, a near-twin key added as
    a new row (never matched to its look-alike); converged after each step."""
    manifest: dict[str, Any] = {
        "database": "ledger",
        "parent": ROOT_PAGE_ID,
        "title": "Ledger",
        "key": "Key",
        "properties": {"Name": "title", "Key": kind},
        "rows": [{"Key": key, "Name": f"Entry {n}"} for n, key in enumerate(keys)],
    }
    team.write(manifest)
    team.apply()
    team.converged()
    edited = copy.deepcopy(manifest)
    for row in edited["rows"]:
        if row["Key"] == changed:
            row["Name"] = "Entry renamed"
    team.write(edited)
    [change] = team.changes()
    assert change.startswith("ledger/update_row/")
    team.apply()
    assert len(keys) == len(team.pages("Ledger"))
    team.converged()
    edited["rows"].append({"Key": extra, "Name": "Entry added"})
    team.write(edited)
    [change] = team.changes()
    assert change.startswith("ledger/create_row/")
    team.apply()
    assert len(keys) + 1 == len(team.pages("Ledger"))
    team.converged()


def test_keys_differing_by_case_or_trailing_space_are_distinct_rows(team: Team) -> None:
    """Mug, MUG and "Mug " are three rows, created once each and stable afterwards."""
    manifest: dict[str, Any] = {
        "database": "labels",
        "parent": ROOT_PAGE_ID,
        "title": "Labels",
        "key": "Label",
        "properties": {"Label": "title", "Size": "number"},
        "rows": [
            {"Label": "Mug", "Size": 1},
            {"Label": "MUG", "Size": 2},
            {"Label": "Mug ", "Size": 3},
        ],
    }
    team.write(manifest)
    team.apply()
    labels = ["MUG", "Mug", "Mug "]
    assert labels == team.keys("Labels", "Label")
    team.converged()
    edited = copy.deepcopy(manifest)
    edited["rows"][2]["Size"] = 30
    team.write(edited)
    planned = {"labels/update_row/Mug ": [("Size", 3, 30)]}
    assert planned == team.diffs()
    team.apply()
    team.converged()


# --- people in Notion between plan and apply ---------------------------------------------------


def test_a_row_deleted_between_plan_and_apply_makes_the_plan_stale(team: Team) -> None:
    """plan -o, a colleague trashes the row the plan updates: exit 4, nothing written."""
    team.write(rota())
    team.apply()
    changed = rota()
    changed["rows"][1]["Hours"] = 20
    team.write(changed)
    team.expect(0, "plan", "-o", "plan.json")
    page = team.page("On-call rota", "Shift", "2026-W41")["id"]
    team.human.pages.update(page, in_trash=True)
    since = team.mark()
    stale = team.expect(STALE, "apply", "--yes", "plan.json")
    assert "rota/2026-W41" in stale.stderr
    assert "moved to the trash" in stale.stderr
    team.wrote_nothing(since)


def test_edits_in_unmanaged_properties_are_neither_diffs_nor_overwritten(team: Team) -> None:
    """A colleague adds and fills Notes (ignored by the manifest) and Pager (undeclared): no
    diff; an apply of another change leaves both as they wrote them."""
    team.write(rota(ignore=["Notes"], properties={"Notes": "rich_text"}))
    team.apply()
    source = team.data_source("On-call rota")["id"]
    team.human.data_sources.update(
        source, properties={"Notes": {"rich_text": {}}, "Pager": {"phone_number": {}}}
    )
    page = team.page("On-call rota", "Shift", "2026-W41")["id"]
    team.human.pages.update(
        page,
        properties={
            "Notes": {"rich_text": [{"text": {"content": "swapped with Ada"}}]},
            "Pager": {"phone_number": "+44 7700 900123"},
        },
    )
    team.converged()
    changed = rota(ignore=["Notes"], properties={"Notes": "rich_text"})
    changed["rows"][1]["Hours"] = 30
    team.write(changed)
    planned = {"rota/update_row/2026-W41": [("Hours", 38, 30)]}
    assert planned == team.diffs()
    team.apply()
    after = team.human.pages.retrieve(page)["properties"]
    note = "swapped with Ada"
    assert note == after["Notes"]["rich_text"][0]["plain_text"]
    pager_and_hours = ("+44 7700 900123", 30)
    assert pager_and_hours == (after["Pager"]["phone_number"], after["Hours"]["number"])
    team.converged()


# --- a saved plan applied twice, or after someone else did the work ----------------------------


def grown_rota() -> dict[str, Any]:
    """The rota with a new shift."""
    grown = rota()
    grown["rows"].append({"Shift": "2026-W43", "Engineer": "Linus", "Hours": 40})
    return grown


def test_a_saved_plan_rerun_without_its_journal_does_not_create_twice(team: Team) -> None:
    """apply plan.json, then again on a fresh runner (no .reconciler/): stale, exit 4, no
    second 2026-W43."""
    team.write(rota())
    team.apply()
    team.write(grown_rota())
    team.expect(0, "plan", "-o", "plan.json")
    team.apply("plan.json")
    shutil.rmtree(team.root / ".reconciler")
    since = team.mark()
    stale = team.expect(STALE, "apply", "--yes", "plan.json")
    assert "rota/2026-W43" in stale.stderr
    assert "a row with this key exists in Notion now" in stale.stderr
    team.wrote_nothing(since)
    shifts = ["2026-W40", "2026-W41", "2026-W42", "2026-W43"]
    assert shifts == team.keys("On-call rota", "Shift")


def test_a_row_created_by_hand_after_the_plan_makes_it_stale(team: Team) -> None:
    """plan -o creates 2026-W43; a colleague adds it in Notion first: exit 4, one 2026-W43."""
    team.write(rota())
    team.apply()
    team.write(grown_rota())
    team.expect(0, "plan", "-o", "plan.json")
    create_by_hand(team, "2026-W43", "Linus")
    since = team.mark()
    team.expect(STALE, "apply", "--yes", "plan.json")
    team.wrote_nothing(since)
    assert team.keys("On-call rota", "Shift").count("2026-W43") == 1


def test_a_saved_plan_creating_a_database_is_not_applied_twice(team: Team) -> None:
    """A plan that creates the rota, applied, then applied again without the journal: exit 4
    naming the database; still one On-call rota."""
    team.write(rota())
    team.expect(0, "plan", "-o", "plan.json")
    team.apply("plan.json")
    shutil.rmtree(team.root / ".reconciler")
    since = team.mark()
    stale = team.expect(STALE, "apply", "--yes", "plan.json")
    assert "rota/On-call rota (database " in stale.stderr
    team.wrote_nothing(since)
    assert team.database_id("On-call rota")
