"""Request payloads built from plan changes: row values through the codecs, schema batches."""

from __future__ import annotations

import pytest

from reconciler.apply.running.payloads import (
    initial_schema,
    new_row_properties,
    relation_keys,
    row_properties,
    schema_update,
)
from reconciler.model import JSON, LiveUser
from reconciler.plan import (
    AddProperty,
    Change,
    ChangeClass,
    DatabasePlan,
    PlannedProperty,
    PriorProperty,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    UpdateProperty,
)
from reconciler.properties import ValueProblem, WorkspaceReferences

ADA = "0000000a-0000-4000-8000-00000000000a"
PROJECTS_DS = "5b2c3d4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
WEBSITE = "3f6b8e4c-2d5a-4b7c-8e9f-000000000001"


def managed(
    name: str, kind: str, config: dict[str, JSON] | None = None, *, id: str
) -> PlannedProperty:
    """A managed property that exists live under its declared name."""
    return PlannedProperty(name, kind, config or {}, prior=PriorProperty(id, name, kind))


TASKS = DatabasePlan(
    handle="tasks",
    title="Tasks",
    key="Slug",
    properties=(
        managed("Name", "title", id="title"),
        managed("Slug", "rich_text", id="a%3Bb"),
        managed("Estimate", "number", {"format": "number"}, id="c%3Dd"),
        managed("Owner", "people", id="e%40f"),
        managed("Project", "relation", {"database": "projects"}, id="g%3Ah"),
        managed("State", "status", {"options": [{"name": "Todo"}]}, id="i%3Fj"),
        managed(
            "Priority",
            "select",
            {"options": [{"name": "High", "color": "red"}, {"name": "Low"}]},
            id="k%3Bl",
        ),
    ),
    changes=(),
    database_id="1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d",
    data_source_id="2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e",
)


def references() -> WorkspaceReferences:
    refs = WorkspaceReferences([LiveUser(ADA, "Ada Lovelace", "ada@example.com", "person")])
    refs.add_data_source("projects", PROJECTS_DS)
    refs.add_page("projects", "Website", WEBSITE)
    return refs


def test_row_values_become_notion_property_payloads() -> None:
    """Each value goes under its name and type, people by id, relation keys as page ids."""
    values: dict[str, JSON] = {"Estimate": 3, "Owner": [ADA], "Project": ["Website"]}
    expected = {
        "Estimate": {"number": 3},
        "Owner": {"people": [{"object": "user", "id": ADA}]},
        "Project": {"relation": [{"id": WEBSITE}]},
    }
    assert expected == row_properties(TASKS, values, references())


def test_a_relation_key_without_a_page_is_a_problem_naming_the_property() -> None:
    """A key the workspace does not hold fails the change, saying which property and key."""
    with pytest.raises(ValueProblem) as caught:
        row_properties(TASKS, {"Project": ["Handbook"]}, references())
    expected = "property 'Project': no row of projects has the key 'Handbook'"
    assert expected == str(caught.value)


def test_a_value_of_an_unknown_property_is_refused() -> None:
    """A plan writing a property it does not manage is refused, not sent."""
    with pytest.raises(ValueProblem):
        row_properties(TASKS, {"Secret": "x"}, references())


def test_a_new_row_clears_the_status_notion_would_fill_in() -> None:
    """Without a status value, a create sends status null so Notion sets no default."""
    expected: dict[str, JSON] = {
        "Slug": {"rich_text": [{"type": "text", "text": {"content": "a"}}]},
        "State": {"status": None},
    }
    assert expected == new_row_properties(TASKS, {"Slug": "a"}, references())


def test_relation_keys_lists_the_rows_values_point_at() -> None:
    """(target database, key) for each key; page ids are not keys."""
    values: dict[str, JSON] = {"Project": ["Website", {"page_id": WEBSITE}], "Estimate": 2}
    expected = {("projects", "Website")}
    assert expected == relation_keys(TASKS, values)


def test_schema_changes_of_a_stage_merge_into_one_body() -> None:
    """Add by name, rename and update by property id; a rename and an update share one entry."""
    changes = [
        Change("tasks", "Due", ChangeClass.SAFE, AddProperty(PropertyShape("date", {}))),
        Change("tasks", "Estimate", ChangeClass.SAFE, RenameProperty("Effort", "Estimate")),
        Change(
            "tasks",
            "Estimate",
            ChangeClass.SAFE,
            UpdateProperty(
                PropertyShape("number", {"format": "number"}),
                PropertyShape("number", {"format": "percent"}),
            ),
        ),
    ]
    expected = {
        "Due": {"date": {}},
        "c%3Dd": {"name": "Estimate", "number": {"format": "percent"}},
    }
    assert expected == schema_update(TASKS, changes, references())


def test_removals_send_null_and_option_removals_the_declared_options() -> None:
    """A removed property is null; pruning options sends exactly the declared ones."""
    changes = [
        Change(
            "tasks", "Legacy", ChangeClass.DESTRUCTIVE, RemoveProperty(PropertyShape("rich_text"))
        ),
        Change("tasks", "Priority", ChangeClass.LOSSY, RemoveOptions(("Medium",))),
    ]
    expected = {
        "Legacy": None,
        "k%3Bl": {"select": {"options": [{"name": "High", "color": "red"}, {"name": "Low"}]}},
    }
    assert expected == schema_update(TASKS, changes, references())


def test_a_new_databases_schema_is_built_by_the_codecs() -> None:
    """The initial schema of a database create, relations to known data sources included."""
    properties = {
        "Name": PropertyShape("title", {}),
        "Project": PropertyShape(
            "relation",
            {"database": "projects", "type": "single_property", "synced_property": None},
        ),
    }
    expected = {
        "Name": {"title": {}},
        "Project": {
            "relation": {
                "data_source_id": PROJECTS_DS,
                "type": "single_property",
                "single_property": {},
            }
        },
    }
    assert expected == initial_schema(properties, references())
