"""Request payloads built from plan changes: row values through the codecs, schema batches."""

from __future__ import annotations

import pytest

from reconciler.apply.payloads import (
    initial_schema,
    new_row_properties,
    relation_keys,
    row_properties,
    schema_update,
)
from reconciler.model import JSON, LiveUser
from reconciler.plan import (
    Action,
    Change,
    ChangeClass,
    DatabasePlan,
    PlannedProperty,
    PriorProperty,
)
from reconciler.properties import ValueProblem, WorkspaceReferences

ADA = "0000000a-0000-4000-8000-00000000000a"
PROJECTS_DS = "5b2c3d4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
WEBSITE = "3f6b8e4c-2d5a-4b7c-8e9f-000000000001"

TASKS = DatabasePlan(
    handle="tasks",
    title="Tasks",
    key="Slug",
    properties=(
        PlannedProperty(
            "Name",
            "title",
            prior=PriorProperty("title", "Name", "title"),
        ),
        PlannedProperty(
            "Slug",
            "rich_text",
            prior=PriorProperty("a%3Bb", "Slug", "rich_text"),
        ),
        PlannedProperty(
            "Estimate",
            "number",
            {"format": "number"},
            prior=PriorProperty("c%3Dd", "Estimate", "number"),
        ),
        PlannedProperty(
            "Owner",
            "people",
            prior=PriorProperty("e%40f", "Owner", "people"),
        ),
        PlannedProperty(
            "Project",
            "relation",
            {"database": "projects"},
            prior=PriorProperty("g%3Ah", "Project", "relation"),
        ),
        PlannedProperty(
            "State",
            "status",
            {"options": [{"name": "Todo"}]},
            prior=PriorProperty("i%3Fj", "State", "status"),
        ),
        PlannedProperty(
            "Priority",
            "select",
            {"options": [{"name": "High", "color": "red"}, {"name": "Low"}]},
            prior=PriorProperty("k%3Bl", "Priority", "select"),
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
        Change(
            Action.ADD_PROPERTY,
            "tasks",
            "Due",
            ChangeClass.SAFE,
            after={"type": "date", "config": {}},
        ),
        Change(
            Action.RENAME_PROPERTY,
            "tasks",
            "Estimate",
            ChangeClass.SAFE,
            before={"name": "Effort"},
            after={"name": "Estimate"},
        ),
        Change(
            Action.UPDATE_PROPERTY,
            "tasks",
            "Estimate",
            ChangeClass.SAFE,
            before={"type": "number", "config": {"format": "number"}},
            after={"type": "number", "config": {"format": "percent"}},
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
        Change(Action.REMOVE_PROPERTY, "tasks", "Legacy", ChangeClass.DESTRUCTIVE),
        Change(
            Action.REMOVE_OPTIONS,
            "tasks",
            "Priority",
            ChangeClass.LOSSY,
            before={"options": ["Medium"]},
            after={"options": []},
        ),
    ]
    expected = {
        "Legacy": None,
        "k%3Bl": {"select": {"options": [{"name": "High", "color": "red"}, {"name": "Low"}]}},
    }
    assert expected == schema_update(TASKS, changes, references())


def test_a_new_databases_schema_is_built_by_the_codecs() -> None:
    """The initial schema of a database create, relations to known data sources included."""
    properties: dict[str, JSON] = {
        "Name": {"type": "title", "config": {}},
        "Project": {
            "type": "relation",
            "config": {"database": "projects", "type": "single_property", "synced_property": None},
        },
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
