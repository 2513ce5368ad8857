"""Planning and applying a subset of the databases with ``--database``, live and saved.

A team owns one database of a larger repository: its plan and apply touch that database only,
even when its rows link to rows of databases it leaves out, and a saved ``--database`` plan
applies on its own (it records where the rows it links to live).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.scenarios.conftest import ROOT_PAGE_ID, Team


def customers() -> dict[str, Any]:
    """Customers keyed by Name."""
    return {
        "database": "customers",
        "parent": ROOT_PAGE_ID,
        "title": "Customers",
        "key": "Name",
        "properties": {"Name": "title", "Tier": {"type": "select", "options": ["Gold", "Silver"]}},
        "rows": [
            {"Name": "Acme", "Tier": "Gold"},
            {"Name": "Globex", "Tier": "Silver"},
            {"Name": "Initech", "Tier": "Silver"},
        ],
    }


def tickets() -> dict[str, Any]:
    """Support tickets keyed by Ticket, each for a customer."""
    return {
        "database": "tickets",
        "parent": ROOT_PAGE_ID,
        "title": "Tickets",
        "key": "Ticket",
        "properties": {
            "Ticket": "title",
            "Customer": {"type": "relation", "database": "customers"},
        },
        "rows": [
            {"Ticket": "T-1", "Customer": ["Acme"]},
            {"Ticket": "T-2", "Customer": ["Globex"]},
        ],
    }


def changed_both() -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer's tier changes and a new ticket for Initech is filed; T-2 moves to Acme."""
    people, work = customers(), tickets()
    people["rows"][1]["Tier"] = "Gold"
    work["rows"].append({"Ticket": "T-3", "Customer": ["Initech"]})
    work["rows"][1]["Customer"] = ["Acme"]
    return people, work


def customer_of(team: Team) -> dict[str, str]:
    """Ticket → the name of its customer."""
    names = {p["id"]: team.key_of(p, "Name") for p in team.pages("Customers")}
    return {
        team.key_of(p, "Ticket"): ", ".join(
            names[r["id"]] for r in p["properties"]["Customer"]["relation"]
        )
        for p in team.pages("Tickets")
    }


def tier_of(team: Team, name: str) -> str:
    page = team.page("Customers", "Name", name)
    return str(page["properties"]["Tier"]["select"]["name"])


def test_a_plan_of_one_database_shows_and_applies_only_its_changes(team: Team) -> None:
    """--database tickets: the ticket changes only; customers stay as they are in Notion."""
    team.write(customers(), tickets())
    team.apply()
    team.write(*changed_both())
    shown = team.run("plan", "--database", "tickets").stdout
    assert "customers  (" not in shown
    assert "Not planned (--database): customers; left untouched." in shown
    planned = ["tickets/create_row/T-3", "tickets/update_row/T-2"]
    assert planned == sorted(team.changes("--database", "tickets"))
    team.apply("--database", "tickets")
    assert tier_of(team, "Globex") == "Silver"
    assert customer_of(team) == {"T-1": "Acme", "T-2": "Acme", "T-3": "Initech"}
    team.converged("--database", "tickets")
    remaining = ["customers/update_row/Globex"]
    assert remaining == team.changes()


def test_a_saved_subset_plan_applies_links_to_rows_it_leaves_out(team: Team) -> None:
    """plan --database tickets -o plan.json, then apply plan.json: the tickets link to the
    customers' pages, and customers are not written."""
    team.write(customers(), tickets())
    team.apply()
    team.write(*changed_both())
    team.expect(0, "plan", "--database", "tickets", "-o", "plan.json")
    shown = team.expect(0, "show", "plan.json").stdout
    assert "customers  (" not in shown
    team.apply("plan.json")
    assert customer_of(team) == {"T-1": "Acme", "T-2": "Acme", "T-3": "Initech"}
    assert tier_of(team, "Globex") == "Silver"
    team.converged("--database", "tickets")


def test_the_undo_of_a_saved_subset_plan_puts_the_links_back(team: Team) -> None:
    """The undo plan of that apply moves T-2 back to Globex and trashes T-3 (approved)."""
    team.write(customers(), tickets())
    team.apply()
    team.write(*changed_both())
    team.expect(0, "plan", "--database", "tickets", "-o", "plan.json")
    applied = team.apply("plan.json")
    undo = team.undo_plan(applied)
    team.apply(undo, "--allow-destroy")
    assert customer_of(team) == {"T-1": "Acme", "T-2": "Globex"}
    team.write(customers(), tickets())
    team.converged()


def test_a_subset_plan_records_the_related_database_without_changes(team: Team) -> None:
    """--format json: tickets planned; customers skipped, and recorded as related (its data
    source, no changes)."""
    team.write(customers(), tickets())
    team.apply()
    team.write(*changed_both())
    plan = team.plan("--database", "tickets")
    planned = (["tickets"], ["customers"])
    assert planned == ([db["handle"] for db in plan["databases"]], plan["skipped_databases"])
    [related] = plan["related_databases"]
    assert not related["changes"]
    recorded = ("customers", team.data_source("Customers")["id"])
    assert recorded == (related["handle"], related["data_source_id"])


def test_a_subset_plan_does_not_read_unrelated_databases(team: Team) -> None:
    """--database customers reads customers alone (tickets relate to it, not the reverse)."""
    team.write(customers(), tickets())
    team.apply()
    plan = team.plan("--database", "customers")
    assert [db["handle"] for db in plan["databases"]] == ["customers"]
    assert "related_databases" not in plan
    document = json.dumps(plan)
    assert "Tickets" not in document
    edited = copy.deepcopy(customers())
    edited["rows"][2]["Tier"] = "Gold"
    team.write(edited)
    team.apply("--database", "customers")
    team.converged()
