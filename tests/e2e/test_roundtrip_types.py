"""Every property type through plan and apply against the emulator: applied, the plan is empty;
changed, the plan shows exactly that change; applied again, the plan is empty again."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from reconciler.model import READ_ONLY_TYPES, WRITABLE_TYPES
from reconciler.plan import Action, Plan
from tests.apply.conftest import PEOPLE, Project, gateway_for
from tests.conftest import ROOT_PAGE_ID


@dataclass(frozen=True)
class Case:
    """A property of one type, the value row `one` starts with and the value it changes to."""

    type: str
    declaration: dict[str, Any]
    first: Any = None
    second: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    """More properties the case needs (a relation for a rollup, a number for a formula)."""
    changed_declaration: dict[str, Any] | None = None


WRITABLE = [
    Case("title", {"type": "title"}, "The first title", "A second, longer title"),
    Case(
        "rich_text",
        {"type": "rich_text"},
        "plain words",
        [
            {"text": "bold", "bold": True},
            " and ",
            {"text": "a link", "link": "https://example.com"},
        ],
    ),
    Case("number", {"type": "number", "format": "euro"}, 3, 2.5),
    Case("select", {"type": "select", "options": ["Low", "High"]}, "Low", "High"),
    Case(
        "multi_select",
        {"type": "multi_select", "options": ["docs", "web", "data"]},
        ["docs"],
        ["data", "web"],
    ),
    Case("status", {"type": "status", "options": ["Todo", "Doing", "Done"]}, "Doing", "Done"),
    Case("date", {"type": "date"}, "2026-12-01", "2026-12-02T09:30:00+02:00"),
    Case(
        "people", {"type": "people"}, ["ada@example.com"], ["ada@example.com", "grace@example.com"]
    ),
    Case(
        "files",
        {"type": "files"},
        ["https://example.com/brief.pdf"],
        [{"name": "Spec", "url": "https://example.com/spec.pdf"}],
    ),
    Case("checkbox", {"type": "checkbox"}, True, False),
    Case("url", {"type": "url"}, "https://example.com/a", "https://example.org/b?x=1"),
    Case("email", {"type": "email"}, "ada@example.com", "grace@example.com"),
    Case("phone_number", {"type": "phone_number"}, "+44 20 7946 0001", "+1 555 0100"),
    Case("relation", {"type": "relation", "database": "catalog"}, ["two"], ["three", "two"]),
    Case(
        "place",
        {"type": "place"},
        {"lat": 51.5074, "lon": -0.1278, "name": "London"},
        {"lat": 48.8566, "lon": 2.3522, "name": "Paris", "address": "Place de la Concorde"},
    ),
    Case(
        "verification",
        {"type": "verification"},
        {"state": "verified", "date": "2026-10-01"},
        {"state": "verified", "date": "2026-11-15"},
    ),
]

READ_ONLY = [
    Case(
        "formula",
        {"type": "formula", "expression": 'prop("Points") * 2'},
        extra={"Points": "number"},
        changed_declaration={"type": "formula", "expression": 'prop("Points") + 1'},
    ),
    Case(
        "rollup",
        {"type": "rollup", "relation": "Link", "property": "Points", "function": "sum"},
        extra={"Points": "number", "Link": {"type": "relation", "database": "catalog"}},
        changed_declaration={
            "type": "rollup",
            "relation": "Link",
            "property": "Points",
            "function": "max",
        },
    ),
    Case(
        "unique_id",
        {"type": "unique_id", "prefix": "CAT"},
        changed_declaration={"type": "unique_id", "prefix": "ITEM"},
    ),
    Case("created_time", {"type": "created_time"}),
    Case("created_by", {"type": "created_by"}),
    Case("last_edited_time", {"type": "last_edited_time"}),
    Case("last_edited_by", {"type": "last_edited_by"}),
    Case("button", {"type": "button"}),
]


def test_the_cases_cover_every_type() -> None:
    """No property type is left out of the round trips."""
    writable, read_only = set(WRITABLE_TYPES), set(READ_ONLY_TYPES)
    assert writable == {case.type for case in WRITABLE}
    assert read_only == {case.type for case in READ_ONLY}


def manifest(case: Case, declaration: dict[str, Any], value: Any) -> dict[str, Any]:
    """A catalog database keyed by Code, with the case's property as `Value`."""
    properties: dict[str, Any] = {"Code": "rich_text"}
    if case.type != "title":
        properties["Name"] = "title"
    properties["Value"] = declaration
    properties.update(case.extra)
    rows: list[dict[str, Any]] = [{"Code": code} for code in ("one", "two", "three")]
    for row in rows:
        if case.type != "title":
            row["Name"] = f"Row {row['Code']}"
    if case.type == "title":
        rows[1]["Value"], rows[2]["Value"] = "Row two", "Row three"
    if value is not None:
        rows[0]["Value"] = value
    if "Points" in case.extra:
        rows[0]["Points"], rows[1]["Points"] = 4, 6
    if "Link" in case.extra:
        rows[0]["Link"] = ["two"]
    return {
        "database": "catalog",
        "parent": ROOT_PAGE_ID,
        "title": f"Catalog of {case.type}",
        "key": "Code",
        "properties": properties,
        "rows": rows,
    }


@pytest.fixture
def catalog(tmp_path: Path, emulator: Emulator) -> Project:
    emulator.seed({"users": PEOPLE})
    return Project(tmp_path, emulator, gateway_for(emulator))


def converge(project: Project) -> Plan:
    """Apply the manifests; the plan that was applied (checked complete)."""
    plan, live = project.plan()
    result = project.apply(plan, live=live)
    assert result.complete, [(o.change.id, o.message) for o in result.failures]
    return plan


@pytest.mark.parametrize("case", WRITABLE, ids=lambda case: case.type)
def test_a_writable_type_applies_and_plans_empty(catalog: Project, case: Case) -> None:
    """Created with a value, the database and rows plan empty afterwards."""
    catalog.write(manifest(case, case.declaration, case.first))
    converge(catalog)
    plan, _ = catalog.plan()
    assert not [change.id for change in plan.changes]


@pytest.mark.parametrize("case", WRITABLE, ids=lambda case: case.type)
def test_a_changed_value_is_exactly_one_update_then_empty(catalog: Project, case: Case) -> None:
    """Changing the value gives one update of `Value` on row one; applied, the plan is empty."""
    catalog.write(manifest(case, case.declaration, case.first))
    converge(catalog)
    catalog.write(manifest(case, case.declaration, case.second))
    changed, _ = catalog.plan()
    expected = [("catalog/update_row/one", ("Value",))]
    assert expected == [(c.id, tuple(d.path for d in c.diffs)) for c in changed.changes]
    converge(catalog)
    plan, _ = catalog.plan()
    assert not [change.id for change in plan.changes]


@pytest.mark.parametrize(
    "case", [c for c in WRITABLE if c.type != "title"], ids=lambda case: case.type
)
def test_a_value_set_on_an_empty_row_is_one_update(catalog: Project, case: Case) -> None:
    """A row created without the value gets it by one update; then the plan is empty.

    (Not for title: every row has one.)"""
    catalog.write(manifest(case, case.declaration, None))
    converge(catalog)
    catalog.write(manifest(case, case.declaration, case.first))
    changed, _ = catalog.plan()
    expected = ["catalog/update_row/one"]
    assert expected == [c.id for c in changed.changes]
    converge(catalog)
    plan, _ = catalog.plan()
    assert plan.is_empty


@pytest.mark.parametrize("case", READ_ONLY, ids=lambda case: case.type)
def test_a_declared_read_only_type_applies_and_plans_empty(catalog: Project, case: Case) -> None:
    """A computed property declared in the manifest is created once and then left alone."""
    catalog.write(manifest(case, case.declaration, None))
    converge(catalog)
    plan, _ = catalog.plan()
    assert not [change.id for change in plan.changes]


@pytest.mark.parametrize(
    "case", [c for c in READ_ONLY if c.changed_declaration], ids=lambda case: case.type
)
def test_a_changed_computed_configuration_is_one_update_then_empty(
    catalog: Project, case: Case
) -> None:
    """A new formula, rollup function or id prefix is one property update; then empty."""
    catalog.write(manifest(case, case.declaration, None))
    converge(catalog)
    assert case.changed_declaration is not None
    catalog.write(manifest(case, case.changed_declaration, None))
    changed, _ = catalog.plan()
    expected = [(Action.UPDATE_PROPERTY, "Value")]
    assert expected == [(c.action, c.target) for c in changed.changes]
    converge(catalog)
    plan, _ = catalog.plan()
    assert plan.is_empty
