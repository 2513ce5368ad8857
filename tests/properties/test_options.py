"""select, multi_select and status: values by name and option sets that Notion replaces whole."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.properties import ConfigChange, ValueProblem, WorkspaceReferences, codec_for

SELECT = codec_for("select")
MULTI = codec_for("multi_select")
STATUS = codec_for("status")
REFS = WorkspaceReferences()
DECLARED = SELECT.parse_config({"options": ["Todo", "Doing", {"name": "Done", "color": "green"}]})


def _live(*options: tuple[str, str, str]) -> dict[str, Any]:
    """A live select config from (id, name, color) triples."""
    prop: Any = {"select": {"options": [{"id": i, "name": n, "color": c} for i, n, c in options]}}
    return SELECT.config_from_response(prop, REFS)


def test_options_parse_from_names_and_mappings() -> None:
    """Names and {name, color} mappings give canonical options in declared order."""
    expected = {
        "options": [{"name": "Todo"}, {"name": "Doing"}, {"name": "Done", "color": "green"}]
    }
    assert expected == DECLARED


def test_a_select_value_is_its_option_name() -> None:
    """Todo in YAML and {id, name, color} from Notion are both "Todo"."""
    expected = "Todo"
    assert expected == SELECT.from_manifest("Todo", DECLARED)
    assert expected == SELECT.from_response(
        {"select": {"id": "x", "name": "Todo", "color": "red"}}, {}
    )


def test_an_undeclared_option_is_a_value_problem_listing_the_options() -> None:
    """A typo in a row names the options that exist."""
    with pytest.raises(ValueProblem) as caught:
        SELECT.from_manifest("Dne", DECLARED)
    expected = "'Dne' is not an option of this property"
    assert expected == caught.value.message
    assert "Todo, Doing, Done" in caught.value.hint


def test_any_name_is_accepted_when_no_options_are_declared() -> None:
    """Without declared options Notion creates the option on write."""
    expected = "Anything"
    assert expected == SELECT.from_manifest("Anything", {"options": []})


def test_multi_select_is_a_sorted_set() -> None:
    """Order and repetition do not matter: [b, a, b] is [a, b]."""
    expected = ["Doing", "Todo"]
    assert expected == MULTI.from_manifest(["Todo", "Doing", "Todo"], DECLARED)
    response: Any = {"multi_select": [{"name": "Todo"}, {"name": "Doing"}]}
    assert expected == MULTI.from_response(response, {})


def test_multi_select_undeclared_option_points_at_its_index() -> None:
    """The second item being wrong is reported at path (1,)."""
    with pytest.raises(ValueProblem) as caught:
        MULTI.from_manifest(["Todo", "Nope"], DECLARED)
    expected = (1,)
    assert expected == caught.value.path


def test_multi_select_of_more_than_100_options_is_refused() -> None:
    """Notion takes at most 100 options in one value."""
    with pytest.raises(ValueProblem) as caught:
        MULTI.from_manifest([f"tag{i}" for i in range(101)], {"options": []})
    assert "at most 100" in caught.value.message


def test_requests_name_the_options() -> None:
    """Values are sent by name: {name} for select, [{name}] for multi_select, null to clear."""
    expected = ({"name": "Done"}, None, [{"name": "a"}, {"name": "b"}])
    actual = (
        SELECT.to_request("Done", DECLARED, REFS),
        SELECT.to_request(None, DECLARED, REFS),
        MULTI.to_request(["a", "b"], {}, REFS),
    )
    assert expected == actual


def test_declared_options_present_live_are_no_change() -> None:
    """Same names, declared colour matching, undeclared colours ignored: nothing to do."""
    live = _live(("1", "Todo", "gray"), ("2", "Doing", "blue"), ("3", "Done", "green"))
    assert not SELECT.config_changes(DECLARED, live, REFS)


def test_undeclared_live_options_are_left_alone_without_prune() -> None:
    """An extra live option is not a change unless prune_options is set."""
    live = _live(
        ("1", "Todo", "gray"), ("2", "Doing", "blue"), ("3", "Done", "green"), ("4", "Old", "red")
    )
    assert not SELECT.config_changes(DECLARED, live, REFS)


def test_pruning_an_undeclared_option_is_lossy() -> None:
    """With prune_options the extra option's removal is a lossy change."""
    live = _live(
        ("1", "Todo", "gray"), ("2", "Doing", "blue"), ("3", "Done", "green"), ("4", "Old", "red")
    )
    expected = (
        ConfigChange(("options", "Old"), {"name": "Old", "color": "red"}, None, lossy=True),
    )
    assert expected == SELECT.config_changes(DECLARED, live, REFS, prune_options=True)


def test_a_missing_option_and_a_colour_change_are_safe_changes() -> None:
    """Adding Done and recolouring are not lossy."""
    declared = SELECT.parse_config({"options": [{"name": "Todo", "color": "red"}, "Done"]})
    live = _live(("1", "Todo", "gray"))
    expected = (
        ConfigChange(("options", "Todo", "color"), "gray", "red"),
        ConfigChange(("options", "Done"), None, {"name": "Done"}),
    )
    assert expected == SELECT.config_changes(declared, live, REFS)


def test_an_update_keeps_every_live_option_by_id_and_adds_new_ones() -> None:
    """Notion replaces the set, so kept options go back with their ids, new ones by name."""
    declared = SELECT.parse_config({"options": [{"name": "Todo", "color": "red"}, "Done"]})
    live = _live(("1", "Todo", "gray"), ("4", "Old", "brown"))
    expected = {
        "options": [
            {"id": "1", "name": "Todo", "color": "red"},
            {"id": "4", "name": "Old", "color": "brown"},
            {"name": "Done"},
        ]
    }
    assert expected == SELECT.config_update_request(declared, live, REFS)


def test_a_pruning_update_leaves_out_undeclared_options() -> None:
    """With prune_options the undeclared live option is not sent, so Notion deletes it."""
    live = _live(("1", "Todo", "gray"), ("4", "Old", "brown"))
    declared = SELECT.parse_config({"options": ["Todo"]})
    expected = {"options": [{"id": "1", "name": "Todo", "color": "gray"}]}
    assert expected == SELECT.config_update_request(declared, live, REFS, prune_options=True)


def test_create_request_lists_the_declared_options() -> None:
    """A new property is created with its declared options (colours where given)."""
    expected = {
        "options": [{"name": "Todo"}, {"name": "Doing"}, {"name": "Done", "color": "green"}]
    }
    assert expected == SELECT.config_to_request(DECLARED, REFS)


def test_status_groups_are_read_with_option_names() -> None:
    """Status groups come back as {name, color, options: [names]}."""
    prop: Any = {
        "status": {
            "options": [
                {"id": "a", "name": "Not started", "color": "default"},
                {"id": "b", "name": "Done", "color": "green"},
            ],
            "groups": [
                {"id": "g1", "name": "To-do", "color": "gray", "option_ids": ["a"]},
                {"id": "g3", "name": "Complete", "color": "green", "option_ids": ["b"]},
            ],
        }
    }
    expected = [
        {"name": "To-do", "color": "gray", "options": ["Not started"]},
        {"name": "Complete", "color": "green", "options": ["Done"]},
    ]
    assert expected == STATUS.config_from_response(prop, REFS)["groups"]


def test_status_groups_never_show_as_a_change() -> None:
    """Groups are read-only; only declared options are compared."""
    live = STATUS.config_from_response(
        {
            "status": {
                "options": [{"id": "a", "name": "Done", "color": "green"}],
                "groups": [{"name": "Complete"}],
            }
        },
        REFS,
    )
    assert not STATUS.config_changes(STATUS.parse_config({"options": ["Done"]}), live, REFS)


@pytest.mark.parametrize(
    ("options", "path"),
    [
        (["Todo", "Todo"], ("options", 1)),
        (["a, b"], ("options", 0, "name")),
        (["x" * 101], ("options", 0, "name")),
        ([{"name": "x", "color": "teal"}], ("options", 0, "color")),
        ([{"name": "x", "colour": "red"}], ("options", 0, "colour")),
        ([True], ("options", 0)),
    ],
)
def test_bad_option_declarations_point_at_the_option(
    options: list[object], path: tuple[object, ...]
) -> None:
    """Duplicates, commas, unknown colours, unknown keys and non-names are located exactly."""
    with pytest.raises(ValueProblem) as caught:
        SELECT.parse_config({"options": options})
    assert path == caught.value.path


def test_an_unknown_setting_is_a_value_problem() -> None:
    """`format` does not apply to a select."""
    with pytest.raises(ValueProblem) as caught:
        SELECT.parse_config({"type": "select", "format": "percent"})
    expected = ("format",)
    assert expected == caught.value.path


def test_status_groups_cannot_be_declared() -> None:
    """Groups are read-only through the API; the hint says where options land."""
    with pytest.raises(ValueProblem) as caught:
        STATUS.parse_config({"options": ["Done"], "groups": [{"name": "Complete"}]})
    expected = ("groups",)
    assert expected == caught.value.path
    assert "To-do" in caught.value.hint
