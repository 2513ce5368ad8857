"""Schema changes through PATCH /v1/data_sources/{id}, as Notion applies them."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from notion_client import APIResponseError

from reconciler.emulator import WORKSPACE_ID as WORKSPACE
from tests.emulator.conftest import create_database


def schema(notion: Any, source_id: str) -> dict[str, Any]:
    """The data source's properties, by name."""
    return dict(notion.data_sources.retrieve(data_source_id=source_id)["properties"])


def test_a_property_is_added_and_removed(notion: Any) -> None:
    """A new key adds a property; null removes it."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    added = notion.data_sources.update(data_source_id=source, properties={"Due": {"date": {}}})
    removed = notion.data_sources.update(data_source_id=source, properties={"Due": None})
    assert sorted(added["properties"]) == ["Due", "Name"]
    assert sorted(removed["properties"]) == ["Name"]


def test_removing_an_unknown_property_is_refused(notion: Any) -> None:
    """null for a property that is not there is Notion's "not a property that exists"."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.update(data_source_id=source, properties={"Due": None})
    assert str(refused.value) == "Due is not a property that exists."


def test_a_property_is_renamed_by_name_or_by_id_and_keeps_its_id(notion: Any) -> None:
    """{"name": ...} under the old name or the id renames in place."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}, "Due": {"date": {}}})
    due_id = schema(notion, source)["Due"]["id"]
    notion.data_sources.update(data_source_id=source, properties={"Due": {"name": "Deadline"}})
    notion.data_sources.update(data_source_id=source, properties={due_id: {"name": "Due date"}})
    assert due_id == schema(notion, source)["Due date"]["id"]


def test_a_removed_and_re_added_property_gets_a_new_id(notion: Any) -> None:
    """Property ids are never reused."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}, "Due": {"date": {}}})
    first = schema(notion, source)["Due"]["id"]
    notion.data_sources.update(data_source_id=source, properties={"Due": None})
    notion.data_sources.update(data_source_id=source, properties={"Due": {"date": {}}})
    assert first != schema(notion, source)["Due"]["id"]


def test_the_title_property_type_cannot_change(notion: Any) -> None:
    """Changing the title property's type is refused."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.update(data_source_id=source, properties={"Name": {"rich_text": {}}})
    assert refused.value.code == "validation_error"


def test_a_type_change_sends_the_full_config_under_the_same_key(notion: Any) -> None:
    """number -> formula keeps the property id and takes the new config."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}, "Score": {"number": {}}})
    before = schema(notion, source)["Score"]["id"]
    after = notion.data_sources.update(
        data_source_id=source,
        properties={"Score": {"formula": {"expression": 'prop("Name") + "!"'}}},
    )["properties"]["Score"]
    expected = f'{{{{notion:block_property:title:{source}:{WORKSPACE}}}}} + "!"'
    assert (before, "formula", expected) == (
        after["id"],
        after["type"],
        after["formula"]["expression"],
    )


def test_select_options_in_an_update_replace_the_whole_set(notion: Any) -> None:
    """Options kept by id or name stay (same id); omitted ones are deleted, and leave the rows."""
    options = [{"name": "Cat1", "color": "default"}, {"name": "Cat2", "color": "red"}]
    _, source = create_database(
        notion, "Tasks", {"Name": {"title": {}}, "Category": {"select": {"options": options}}}
    )
    cat1 = schema(notion, source)["Category"]["select"]["options"][0]
    row = notion.pages.create(
        parent={"data_source_id": source}, properties={"Category": {"select": {"name": "Cat2"}}}
    )
    replaced = notion.data_sources.update(
        data_source_id=source,
        properties={
            "Category": {
                "select": {"options": [{"id": cat1["id"]}, {"name": "Cat3", "color": "blue"}]}
            }
        },
    )["properties"]["Category"]["select"]["options"]
    assert [("Cat1", cat1["id"], "default"), ("Cat3", replaced[1]["id"], "blue")] == [
        (o["name"], o["id"], o["color"]) for o in replaced
    ]
    assert notion.pages.retrieve(page_id=row["id"])["properties"]["Category"]["select"] is None


def test_status_options_given_at_creation_land_in_to_do(notion: Any) -> None:
    """A status created with options puts them all in the To-do group."""
    _, source = create_database(
        notion,
        "Tasks",
        {
            "Name": {"title": {}},
            "State": {"status": {"options": [{"name": "Backlog"}, {"name": "Shipped"}]}},
        },
    )
    status = schema(notion, source)["State"]["status"]
    groups = {g["name"]: len(g["option_ids"]) for g in status["groups"]}
    assert groups == {"To-do": 2, "In progress": 0, "Complete": 0}


def test_a_status_without_options_gets_notions_defaults(notion: Any) -> None:
    """Not started / In progress / Done in To-do / In progress / Complete."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}, "State": {"status": {}}})
    status = schema(notion, source)["State"]["status"]
    shown = {
        g["name"]: [
            next(o["name"] for o in status["options"] if o["id"] == i) for i in g["option_ids"]
        ]
        for g in status["groups"]
    }
    assert shown == {"To-do": ["Not started"], "In progress": ["In progress"], "Complete": ["Done"]}
    assert [g["color"] for g in status["groups"]] == ["gray", "blue", "green"]


def test_unique_id_with_an_empty_config_keeps_its_prefix(notion: Any) -> None:
    """PATCH unique_id: {} leaves the prefix as it was (observed)."""
    _, source = create_database(
        notion, "Tasks", {"Name": {"title": {}}, "Key": {"unique_id": {"prefix": "TSK"}}}
    )
    after = notion.data_sources.update(data_source_id=source, properties={"Key": {"unique_id": {}}})
    assert after["properties"]["Key"]["unique_id"] == {"prefix": "TSK"}


def test_a_unique_id_added_later_numbers_the_existing_rows(notion: Any) -> None:
    """Rows that exist when a unique_id is added get numbers, oldest first."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    first = notion.pages.create(parent={"data_source_id": source}, properties={})
    notion.pages.create(parent={"data_source_id": source}, properties={})
    notion.data_sources.update(
        data_source_id=source, properties={"Key": {"unique_id": {"prefix": None}}}
    )
    third = notion.pages.create(parent={"data_source_id": source}, properties={})
    first_now = notion.pages.retrieve(page_id=first["id"])["properties"]["Key"]
    numbers = (first_now["unique_id"]["number"], third["properties"]["Key"]["unique_id"]["number"])
    assert numbers == (1, 3)


def test_a_dual_relation_creates_its_synced_property_in_the_target(notion: Any) -> None:
    """The back property is named "Related to <database> (<property>)" and linked both ways."""
    _, people = create_database(notion, "People", {"Name": {"title": {}}})
    _, tasks = create_database(notion, "Tasks", {"Name": {"title": {}}})
    relation = notion.data_sources.update(
        data_source_id=tasks,
        properties={"Assignee": {"relation": {"data_source_id": people, "dual_property": {}}}},
    )["properties"]["Assignee"]["relation"]
    back = schema(notion, people)["Related to Tasks (Assignee)"]
    assert relation["dual_property"] == {
        "synced_property_name": "Related to Tasks (Assignee)",
        "synced_property_id": back["id"],
    }
    assert (tasks, "dual_property") == (
        back["relation"]["data_source_id"],
        back["relation"]["type"],
    )


def test_renaming_a_synced_property_shows_on_the_other_side(notion: Any) -> None:
    """synced_property_name follows a rename of the back property."""
    _, people = create_database(notion, "People", {"Name": {"title": {}}})
    _, tasks = create_database(
        notion,
        "Tasks",
        {
            "Name": {"title": {}},
            "Assignee": {"relation": {"data_source_id": people, "dual_property": {}}},
        },
    )
    notion.data_sources.update(
        data_source_id=people, properties={"Related to Tasks (Assignee)": {"name": "Tasks"}}
    )
    assert (
        schema(notion, tasks)["Assignee"]["relation"]["dual_property"]["synced_property_name"]
        == "Tasks"
    )


def test_a_rollup_is_configured_by_names(notion: Any) -> None:
    """Rollups name the relation and the rolled property; ids are filled in, un-encoded."""
    _, people = create_database(notion, "People", {"Name": {"title": {}}, "Age": {"number": {}}})
    _, tasks = create_database(
        notion,
        "Tasks",
        {
            "Name": {"title": {}},
            "Who": {"relation": {"data_source_id": people, "single_property": {}}},
        },
    )
    rollup = notion.data_sources.update(
        data_source_id=tasks,
        properties={
            "Ages": {
                "rollup": {
                    "function": "sum",
                    "relation_property_name": "Who",
                    "rollup_property_name": "Age",
                }
            }
        },
    )["properties"]["Ages"]["rollup"]
    assert {
        "rollup_property_name": "Age",
        "relation_property_name": "Who",
        "rollup_property_id": unquote(schema(notion, people)["Age"]["id"]),
        "relation_property_id": unquote(schema(notion, tasks)["Who"]["id"]),
        "function": "sum",
    } == rollup


def test_a_formula_referencing_an_unknown_property_is_refused(notion: Any) -> None:
    """prop("X") must name a property of the data source."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.update(
            data_source_id=source, properties={"F": {"formula": {"expression": 'prop("Nope") + 1'}}}
        )
    assert refused.value.code == "validation_error"


def test_a_formula_with_a_leading_equals_sign_is_kept_as_written_and_computes_nothing(
    notion: Any,
) -> None:
    """Notion keeps ``=prop("Estimate")* 2`` with its spacing (the reference rewritten) and
    every row reads an empty string."""
    _, source = create_database(
        notion, "Tasks", {"Name": {"title": {}}, "Estimate": {"number": {}}}
    )
    updated = notion.data_sources.update(
        data_source_id=source,
        properties={"Double": {"formula": {"expression": '=prop("Estimate")* 2'}}},
    )
    estimate = updated["properties"]["Estimate"]["id"]
    row = notion.pages.create(
        parent={"data_source_id": source}, properties={"Estimate": {"number": 4}}
    )
    expected = (
        f"={{{{notion:block_property:{estimate}:{source}:{WORKSPACE}}}}}* 2",
        {"type": "string", "string": None},
    )
    assert expected == (
        updated["properties"]["Double"]["formula"]["expression"],
        row["properties"]["Double"]["formula"],
    )


def test_changing_a_dual_relation_to_single_leaves_a_one_way_back_property(notion: Any) -> None:
    """The target's synced property stays, as a one-way relation back to the source."""
    _, people = create_database(notion, "People", {"Name": {"title": {}}})
    _, tasks = create_database(
        notion,
        "Tasks",
        {
            "Name": {"title": {}},
            "Who": {"relation": {"data_source_id": people, "dual_property": {}}},
        },
    )
    notion.data_sources.update(
        data_source_id=tasks,
        properties={"Who": {"relation": {"data_source_id": people, "single_property": {}}}},
    )
    back = schema(notion, people)["Related to Tasks (Who)"]["relation"]
    assert (tasks, "single_property") == (back["data_source_id"], back["type"])


def test_making_a_relation_two_way_shows_its_existing_links_on_the_back_property(
    notion: Any,
) -> None:
    """single → dual: each related page lists the pages linking to it at once, as in Notion."""
    _, people = create_database(notion, "People", {"Name": {"title": {}}})
    _, tasks = create_database(
        notion,
        "Tasks",
        {"Name": {"title": {}}, "Who": {"relation": {"data_source_id": people}}},
    )
    ada = notion.pages.create(
        parent={"data_source_id": people},
        properties={"Name": {"title": [{"text": {"content": "Ada"}}]}},
    )["id"]
    task = notion.pages.create(
        parent={"data_source_id": tasks},
        properties={
            "Name": {"title": [{"text": {"content": "Write"}}]},
            "Who": {"relation": [{"id": ada}]},
        },
    )["id"]
    notion.data_sources.update(
        data_source_id=tasks,
        properties={"Who": {"relation": {"data_source_id": people, "dual_property": {}}}},
    )
    back = notion.pages.retrieve(ada)["properties"]["Related to Tasks (Who)"]["relation"]
    assert [link["id"] for link in back] == [task]


def test_renaming_a_property_that_is_not_there_is_refused(notion: Any) -> None:
    """A {"name"} change under an unknown key cannot add a property."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.update(
            data_source_id=source, properties={"Nope": {"name": "Still nope"}}
        )
    assert str(refused.value) == "Could not find property with name or id: Nope"
