"""Deletes, the changes that cannot be taken back by editing a file: guards, gates, thresholds.

An emptied manifest trashes nothing unless it says so; even then the trash is gated, and past
the thresholds of reconciler.yaml --allow-destroy alone is not enough; a protected database
never loses a row.
"""

from __future__ import annotations

from typing import Any

from tests.scenarios.conftest import BLOCKED, ROOT_PAGE_ID, Team


def inventory(count: int, **settings: Any) -> dict[str, Any]:
    """A warehouse inventory of ``count`` items keyed by Code, pruned."""
    return {
        "database": "inventory",
        "parent": ROOT_PAGE_ID,
        "title": "Inventory",
        "key": "Code",
        "prune": True,
        "properties": {"Code": "title", "Stock": "number"},
        "rows": [{"Code": f"ITEM-{n:03}", "Stock": n} for n in range(count)],
        **settings,
    }


def stocked(team: Team, count: int) -> None:
    """The inventory applied with ``count`` items."""
    team.write(inventory(count))
    team.apply()


def test_an_emptied_manifest_trashes_nothing(team: Team) -> None:
    """rows: [] with prune: the guard withholds every trash; apply writes nothing."""
    stocked(team, 4)
    team.write(inventory(0))
    plan = team.plan()
    [database] = plan["databases"]
    assert (
        database["changes"],
        [g["kind"] for g in database["guards"]],
    ) == ([], ["empty_manifest"])
    since = team.mark()
    team.apply()
    team.wrote_nothing(since)
    assert len(team.pages("Inventory")) == 4


def test_allow_empty_trashes_everything_but_only_with_approval(team: Team) -> None:
    """allow_empty: true: four trashes, held without approval, done with --allow-destroy."""
    stocked(team, 4)
    team.write(inventory(0, allow_empty=True))
    since = team.mark()
    blocked = team.expect(BLOCKED, "apply", "--yes")
    assert "4 changes need approval; nothing was written." in blocked.stderr
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    assert team.pages("Inventory") == []
    team.converged()


def test_a_protected_database_never_loses_a_row(team: Team) -> None:
    """protect: true: a removed row is guarded out of the plan; any approval changes nothing."""
    stocked(team, 4)
    team.write(inventory(2, protect=True))
    plan = team.plan()
    [database] = plan["databases"]
    assert [g["kind"] for g in database["guards"]] == ["protected"]
    since = team.mark()
    team.apply("--allow-destroy", "--force-thresholds")
    team.wrote_nothing(since)
    assert len(team.pages("Inventory")) == 4


def test_trashing_more_than_30_percent_needs_force_thresholds(team: Team) -> None:
    """4 of 12 rows (33%): --allow-destroy is held (exit 3, nothing written); with
    --force-thresholds the four are trashed."""
    stocked(team, 12)
    team.write(inventory(8))
    since = team.mark()
    blocked = team.expect(BLOCKED, "apply", "--yes", "--allow-destroy")
    assert "inventory: trashes 4 of 12 managed rows (33%)" in blocked.stderr
    team.wrote_nothing(since)
    team.apply("--allow-destroy", "--force-thresholds")
    assert len(team.pages("Inventory")) == 8
    team.converged()


def test_trashing_more_than_25_rows_in_one_apply_needs_force_thresholds(team: Team) -> None:
    """26 trashes across two databases (each under 30%) break gates.max_deletes."""
    team.configure("gates: {max_delete_fraction: 0.5}\n")
    second = inventory(60)
    second.update(database="archive", title="Archive")
    team.write(inventory(60), second)
    team.apply()
    fewer = inventory(47)
    fewer_archive = inventory(47)
    fewer_archive.update(database="archive", title="Archive")
    team.write(fewer, fewer_archive)
    since = team.mark()
    blocked = team.expect(BLOCKED, "apply", "--yes", "--allow-destroy")
    assert "the apply trashes 26 rows, more than gates.max_deletes (25)" in blocked.stderr
    team.wrote_nothing(since)
    team.apply("--allow-destroy", "--force-thresholds")
    team.converged()


def test_a_raised_threshold_lets_allow_destroy_through(team: Team) -> None:
    """gates.max_delete_fraction 0.5 in reconciler.yaml: 4 of 12 needs --allow-destroy only."""
    team.configure("gates: {max_delete_fraction: 0.5}\n")
    stocked(team, 12)
    team.write(inventory(8))
    team.apply("--allow-destroy")
    team.converged()


def test_the_approved_checksum_covers_the_thresholds_of_exactly_that_plan(team: Team) -> None:
    """--approve with the reviewed plan's checksum applies a mass trash; the same checksum no
    longer approves anything once one more row is dropped."""
    stocked(team, 12)
    team.write(inventory(8))
    reviewed = team.plan()["checksum"]
    team.write(inventory(7))
    since = team.mark()
    blocked = team.expect(BLOCKED, "apply", "--yes", "--approve", reviewed)
    assert "does not match this plan's checksum" in blocked.stderr
    team.wrote_nothing(since)
    team.write(inventory(8))
    team.apply("--approve", reviewed)
    assert len(team.pages("Inventory")) == 8
    team.converged()


def test_rows_without_a_key_are_pruned_with_approval(team: Team) -> None:
    """A blank page someone clicked into the database is trashed (gated), then converged."""
    stocked(team, 3)
    source = team.data_source("Inventory")["id"]
    team.human.pages.create(parent={"data_source_id": source}, properties={})
    plan = team.plan()
    [database] = plan["databases"]
    [change] = database["changes"]
    assert (change["action"], change["note"]) == ("trash_row", "a row without a key")
    team.apply("--allow-destroy")
    team.converged()
