"""Schema configurations: number formats, unique_id, rollup, formula and common declaration keys."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.model import ALL_TYPES
from reconciler.properties import ConfigChange, ValueProblem, WorkspaceReferences, codec_for

REFS = WorkspaceReferences()
SOURCE = "74383151-a2c1-4f9f-a70e-265e295cda3d"


def _refs() -> WorkspaceReferences:
    refs = WorkspaceReferences()
    refs.add_schema(SOURCE, {"title": "Name", "ocH%3E": "Category"})
    return refs


def test_number_format_defaults_to_number() -> None:
    """No format declared is the plain number format."""
    expected = {"format": "number"}
    assert expected == codec_for("number").parse_config({})


def test_an_unknown_number_format_is_refused() -> None:
    """Formats are Notion's named ones."""
    with pytest.raises(ValueProblem) as caught:
        codec_for("number").parse_config({"format": "bitcoin"})
    expected = ("format",)
    assert expected == caught.value.path


def test_a_number_format_change_is_a_config_change() -> None:
    """percent live, dollar desired: one change on format."""
    codec = codec_for("number")
    live = codec.config_from_response({"number": {"format": "percent"}}, REFS)
    expected = (ConfigChange(("format",), "percent", "dollar"),)
    assert expected == codec.config_changes({"format": "dollar"}, live, REFS)


def test_number_config_request() -> None:
    """The format goes out as {format}."""
    expected = {"format": "euro"}
    assert expected == codec_for("number").config_to_request({"format": "euro"}, REFS)


def test_unique_id_prefix_round_trips_and_compares() -> None:
    """A declared prefix equals the live prefix; a missing prefix is None."""
    codec = codec_for("unique_id")
    desired = codec.parse_config({"prefix": "TASK"})
    live = codec.config_from_response({"unique_id": {"prefix": "TASK"}}, REFS)
    assert not codec.config_changes(desired, live, REFS)
    expected = {"prefix": None}
    assert expected == codec.parse_config({})


def test_a_unique_id_prefix_with_spaces_is_refused() -> None:
    """Prefixes are single words."""
    with pytest.raises(ValueProblem):
        codec_for("unique_id").parse_config({"prefix": "MY TASK"})


def test_rollup_config_round_trips() -> None:
    """{relation, property, function} goes out with Notion's names and reads back equal."""
    codec = codec_for("rollup")
    desired = codec.parse_config({"relation": "Tasks", "property": "Estimate", "function": "sum"})
    expected_request = {
        "relation_property_name": "Tasks",
        "rollup_property_name": "Estimate",
        "function": "sum",
    }
    assert expected_request == codec.config_to_request(desired, REFS)
    live: Any = {
        "rollup": {**expected_request, "relation_property_id": "a", "rollup_property_id": "b"}
    }
    assert not codec.config_changes(desired, codec.config_from_response(live, REFS), REFS)


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"relation": "Tasks", "property": "Estimate"}, ()),
        ({"relation": "Tasks", "property": "Estimate", "function": "total"}, ("function",)),
        ({"relation": 3, "property": "Estimate", "function": "sum"}, ("relation",)),
    ],
)
def test_bad_rollups_are_located(raw: dict[str, object], path: tuple[object, ...]) -> None:
    """Missing keys, unknown functions and non-names."""
    with pytest.raises(ValueProblem) as caught:
        codec_for("rollup").parse_config(raw)
    assert path == caught.value.path


def test_a_formula_equals_notions_rewritten_form() -> None:
    """prop("Category") written equals Notion's {{notion:block_property:...}} answer."""
    codec = codec_for("formula")
    desired = codec.parse_config({"expression": 'prop("Category")'})
    answer: Any = {
        "formula": {
            "expression": "{{notion:block_property:ocH%3E:"
            + SOURCE
            + ":00000000-0000-4000-8000-0000000000f0}}"
        }
    }
    live = codec.config_from_response(answer, _refs())
    expected = {"expression": 'prop("Category")'}
    assert expected == live
    assert not codec.config_changes(desired, live, _refs())


def test_a_formula_is_sent_as_written() -> None:
    """The manifest's own text is what Notion receives."""
    codec = codec_for("formula")
    config = codec.parse_config({"expression": ' prop("Name")+"!" '})
    expected = {"expression": 'prop("Name")+"!"'}
    assert expected == codec.config_to_request(config, REFS)


def test_a_different_formula_is_a_change_shown_canonically() -> None:
    """A real difference shows both sides in canonical form."""
    codec = codec_for("formula")
    desired = codec.parse_config({"expression": 'prop("Name") + "?"'})
    live = {"expression": 'prop("Name") + "!"'}
    expected = (ConfigChange(("expression",), 'prop("Name") + "!"', 'prop("Name") + "?"'),)
    assert expected == codec.config_changes(desired, live, REFS)


def test_a_formula_that_does_not_parse_is_a_value_problem_with_its_position() -> None:
    """An unclosed call points at the expression and says where parsing stopped."""
    with pytest.raises(ValueProblem) as caught:
        codec_for("formula").parse_config({"expression": 'if(prop("Done"), 1'})
    expected = ("expression",)
    assert expected == caught.value.path
    assert "at character 19" in caught.value.message


def test_a_formula_needs_an_expression() -> None:
    """`{type: formula}` alone is incomplete."""
    with pytest.raises(ValueProblem):
        codec_for("formula").parse_config({})


@pytest.mark.parametrize("type_name", sorted(ALL_TYPES))
def test_common_declaration_keys_are_accepted_by_every_type(type_name: str) -> None:
    """type, renamed_from, sensitive, prune_options and description belong to the loader."""
    raw: dict[str, object] = {"type": type_name, "renamed_from": "Old", "sensitive": True}
    required: dict[str, dict[str, object]] = {
        "relation": {"database": "projects"},
        "rollup": {"relation": "R", "property": "P", "function": "sum"},
        "formula": {"expression": "1"},
    }
    config = codec_for(type_name).parse_config(raw | required.get(type_name, {}))
    assert "renamed_from" not in config


@pytest.mark.parametrize("type_name", sorted(ALL_TYPES))
def test_unknown_settings_are_refused_by_every_type(type_name: str) -> None:
    """A misspelt setting is reported at its key, with the type's settings as hint."""
    with pytest.raises(ValueProblem) as caught:
        codec_for(type_name).parse_config({"colour": "red"})
    expected = ("colour",)
    assert expected == caught.value.path
