"""people and relation: values that point at users and rows, mapped through References."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.model import LiveUser
from reconciler.properties import ConfigChange, ValueProblem, WorkspaceReferences, codec_for

PEOPLE = codec_for("people")
RELATION = codec_for("relation")
ADA = "00000000-0000-4000-8000-0000000000fa"
GRACE = "00000000-0000-4000-8000-0000000000fb"
TASKS_SOURCE = "6804d25f-0b33-46bf-9d2c-0304cd5bbdfe"
WEBSITE = "38c9ce7b-60a4-81a6-b314-f47eef8f5f8c"
DOCS = "38c9ce7b-60a4-8186-b51f-ce28be392a4a"
UNMANAGED = "38c9ce7b-60a4-81d9-974f-fa8f2972d797"
PROJECTS = RELATION.parse_config({"database": "projects"})


def _refs() -> WorkspaceReferences:
    refs = WorkspaceReferences(
        [
            LiveUser(ADA, "Ada Lovelace", "Ada@Example.com", "person"),
            LiveUser(GRACE, "Grace Hopper", None, "person"),
        ]
    )
    refs.add_data_source("projects", TASKS_SOURCE)
    refs.add_page("projects", "website", WEBSITE)
    refs.add_page("projects", "docs", DOCS)
    return refs


# --- people ------------------------------------------------------------------------------------


def test_people_keep_lowercased_emails_and_ids_sorted() -> None:
    """E-mails are matched case-insensitively, ids normalised, the list sorted and unique."""
    value = ["Ada@Example.com", GRACE.replace("-", "").upper(), "ada@example.com"]
    expected = [GRACE, "ada@example.com"]
    assert expected == PEOPLE.from_manifest(value, {})


def test_a_single_person_may_be_written_without_a_list() -> None:
    """`Owner: ada@example.com` is a one-person list."""
    expected = ["ada@example.com"]
    assert expected == PEOPLE.from_manifest("ada@example.com", {})


def test_resolving_maps_emails_to_user_ids() -> None:
    """The desired side meets the live side: e-mails become the users' ids."""
    expected = [ADA, GRACE]
    assert expected == PEOPLE.resolve_desired(["ada@example.com", GRACE], {}, _refs())


def test_an_unknown_email_is_a_value_problem_with_a_hint() -> None:
    """Nobody with that e-mail: the plan stops and says what to check."""
    with pytest.raises(ValueProblem) as caught:
        PEOPLE.resolve_desired(["bob@example.com"], {}, _refs())
    expected = "no user of the workspace has the e-mail 'bob@example.com'"
    assert expected == caught.value.message
    assert "user id" in caught.value.hint


def test_people_live_values_are_ids_and_requests_are_user_objects() -> None:
    """Full user objects read as ids; ids are sent as {object: user, id}."""
    answer: Any = {"type": "people", "people": [{"object": "user", "id": GRACE, "name": "G"}]}
    expected_value = [GRACE]
    assert expected_value == PEOPLE.from_response(answer, {})
    expected_request = [{"object": "user", "id": ADA}]
    assert expected_request == PEOPLE.to_request(["ada@example.com"], {}, _refs())


def test_people_display_uses_email_or_name() -> None:
    """Labels: e-mail when known, else name."""
    expected = "Ada@Example.com, Grace Hopper"
    assert expected == PEOPLE.display([ADA, GRACE], _refs())


def test_people_neither_email_nor_id_is_refused() -> None:
    """A bare name cannot be matched to a user."""
    with pytest.raises(ValueProblem) as caught:
        PEOPLE.from_manifest(["ada@example.com", "Ada"], {})
    expected = (1,)
    assert expected == caught.value.path


# --- relation values ---------------------------------------------------------------------------


def test_relation_values_are_sorted_keys_then_page_ids() -> None:
    """Keys sort first, then {page_id} mappings by id; duplicates go."""
    value = [{"page_id": UNMANAGED}, "website", "docs", "website"]
    expected = ["docs", "website", {"page_id": UNMANAGED}]
    assert expected == RELATION.from_manifest(value, PROJECTS)


def test_live_page_ids_of_managed_rows_become_keys() -> None:
    """resolve_live maps ids of the target database's rows to keys, keeps the others."""
    answer: Any = {"relation": [{"id": WEBSITE}, {"id": UNMANAGED}], "has_more": False}
    live = RELATION.from_response(answer, PROJECTS)
    expected = ["website", {"page_id": UNMANAGED}]
    assert expected == RELATION.resolve_live(live, PROJECTS, _refs())


def test_a_manifest_page_id_of_a_managed_row_meets_its_key() -> None:
    """Writing {page_id} of a managed row compares equal to the live key."""
    desired = RELATION.from_manifest([{"page_id": WEBSITE}], PROJECTS)
    expected = ["website"]
    assert expected == RELATION.resolve_desired(desired, PROJECTS, _refs())


def test_relation_requests_carry_page_ids() -> None:
    """Keys are looked up, page ids passed through."""
    expected = [{"id": DOCS}, {"id": UNMANAGED}]
    assert expected == RELATION.to_request(["docs", {"page_id": UNMANAGED}], PROJECTS, _refs())


def test_a_key_without_a_row_is_a_value_problem_at_its_index() -> None:
    """A key the target database does not hold cannot be sent."""
    with pytest.raises(ValueProblem) as caught:
        RELATION.to_request(["docs", "blog"], PROJECTS, _refs())
    expected = (1,)
    assert expected == caught.value.path
    assert "'blog'" in caught.value.message


def test_keys_need_a_managed_target() -> None:
    """A relation to a data source id takes only page ids."""
    config = RELATION.parse_config({"database": TASKS_SOURCE})
    expected = [{"page_id": WEBSITE}]
    assert expected == RELATION.from_manifest([WEBSITE], config)
    with pytest.raises(ValueProblem):
        RELATION.from_manifest(["website"], config)


def test_more_than_100_related_pages_is_refused() -> None:
    """Notion takes at most 100 pages in one relation value."""
    with pytest.raises(ValueProblem) as caught:
        RELATION.from_manifest([f"row-{i}" for i in range(101)], PROJECTS)
    assert "at most 100" in caught.value.message


def test_has_more_marks_a_partial_relation() -> None:
    """A page object lists 25 relations with has_more: true; the rest must be fetched."""
    assert RELATION.is_partial({"relation": [{"id": WEBSITE}], "has_more": True})
    assert not RELATION.is_partial({"relation": [{"id": WEBSITE}], "has_more": False})


# --- relation configuration --------------------------------------------------------------------


def test_relation_config_defaults_to_single_property() -> None:
    """`{database: projects}` is a one-way relation."""
    expected = {"database": "projects", "type": "single_property", "synced_property": None}
    assert expected == PROJECTS


def test_relation_config_request_names_the_data_source() -> None:
    """The handle is sent as its data source id."""
    config = RELATION.parse_config(
        {"database": "projects", "dual": True, "synced_property": "Tasks"}
    )
    expected = {
        "data_source_id": TASKS_SOURCE,
        "type": "dual_property",
        "dual_property": {"synced_property_name": "Tasks"},
    }
    assert expected == RELATION.config_to_request(config, _refs())


def test_relation_config_without_a_data_source_yet_is_a_value_problem() -> None:
    """A target not created yet cannot be referred to."""
    with pytest.raises(ValueProblem):
        RELATION.config_to_request(RELATION.parse_config({"database": "later"}), _refs())


def test_live_relation_config_maps_the_data_source_to_its_handle() -> None:
    """Notion's data_source_id of a managed database reads as its handle."""
    prop: Any = {
        "relation": {
            "database_id": "d8b00736-bcde-457a-930e-c6d6b6205ac2",
            "data_source_id": TASKS_SOURCE,
            "type": "dual_property",
            "dual_property": {"synced_property_id": "o_yF", "synced_property_name": "Tasks"},
        }
    }
    expected = {"database": "projects", "type": "dual_property", "synced_property": "Tasks"}
    assert expected == RELATION.config_from_response(prop, _refs())


def test_an_unstated_synced_property_is_no_change() -> None:
    """Notion names the back property itself; a manifest that does not care sees no diff."""
    desired = RELATION.parse_config({"database": "projects", "dual": True})
    live = {"database": "projects", "type": "dual_property", "synced_property": "Related to X"}
    assert not RELATION.config_changes(desired, live, _refs())


def test_a_data_source_id_in_the_manifest_meets_the_live_handle() -> None:
    """Writing the managed target's data source id compares equal to its handle."""
    desired = RELATION.parse_config({"database": TASKS_SOURCE})
    live = {"database": "projects", "type": "single_property", "synced_property": None}
    assert not RELATION.config_changes(desired, live, _refs())


def test_turning_a_dual_relation_single_is_lossy() -> None:
    """Dropping the back property loses it in the target database."""
    live = {"database": "projects", "type": "dual_property", "synced_property": "Tasks"}
    expected = (ConfigChange(("type",), "dual_property", "single_property", lossy=True),)
    assert expected == RELATION.config_changes(PROJECTS, live, _refs())


def test_a_relation_needs_its_database() -> None:
    """No target, no relation."""
    with pytest.raises(ValueProblem):
        RELATION.parse_config({"type": "relation"})


def test_a_synced_property_implies_a_dual_relation() -> None:
    """Naming the back property asks for dual_property."""
    config = RELATION.parse_config({"database": "projects", "synced_property": "Tasks"})
    expected = {"database": "projects", "type": "dual_property", "synced_property": "Tasks"}
    assert expected == config


def test_a_synced_property_on_a_single_relation_is_refused() -> None:
    """A one-way relation has no back property to name."""
    with pytest.raises(ValueProblem) as caught:
        RELATION.parse_config({"database": "projects", "dual": False, "synced_property": "T"})
    expected = ("synced_property",)
    assert expected == caught.value.path


def test_dual_must_be_a_boolean() -> None:
    """`dual: yes please` is refused at `dual`."""
    with pytest.raises(ValueProblem) as caught:
        RELATION.parse_config({"type": "relation", "database": "projects", "dual": "yes please"})
    expected = ("dual",)
    assert expected == caught.value.path


def test_the_kind_may_be_spelt_as_notion_does() -> None:
    """A loader may pass Notion's own `type: dual_property` for the relation kind."""
    config = RELATION.parse_config({"database": "projects", "type": "dual_property"})
    expected = "dual_property"
    assert expected == config["type"]


def test_one_relation_key_alone_is_a_one_item_list_whatever_its_kind() -> None:
    """`ToB: b`, `ToB: 2` and `ToB: [2]` are the same relation (keys are text)."""
    relation = codec_for("relation")
    config = {"database": "targets"}
    assert relation.from_manifest("b", config) == ["b"]
    assert relation.from_manifest(2, config) == relation.from_manifest([2], config) == ["2"]
