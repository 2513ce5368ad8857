"""Read-only types: formula, rollup, unique_id, timestamps, users and button values."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.model import READ_ONLY_TYPES
from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

REFS = WorkspaceReferences()
USER = "00000000-0000-4000-8000-0000000000f1"


def _formula(kind: str, value: object) -> dict[str, Any]:
    return {"type": "formula", "formula": {"type": kind, kind: value}}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (_formula("number", 4.0), 4),
        (_formula("number", None), None),
        (_formula("string", "✅ Done"), "✅ Done"),
        (_formula("string", ""), None),
        (_formula("boolean", False), False),
        (
            _formula("date", {"start": "2026-06-27T17:57:00.000+01:00", "end": None}),
            {"start": "2026-06-27T16:57Z", "end": None},
        ),
    ],
)
def test_formula_results_take_their_result_types_canonical_form(
    answer: dict[str, Any], expected: object
) -> None:
    """Numbers, text, booleans and dates from a formula are canonical like their own types."""
    assert expected == codec_for("formula").from_response(answer, {})


def test_a_number_rollup_is_a_number() -> None:
    """{type: number, number: 12.0} is 12."""
    answer: Any = {"rollup": {"type": "number", "number": 12.0, "function": "sum"}}
    expected = 12
    assert expected == codec_for("rollup").from_response(answer, {})


def test_an_array_rollup_lists_canonical_values() -> None:
    """show_original of a title rolls up texts, each decoded by its own codec."""
    item: Any = {
        "type": "title",
        "title": [{"type": "text", "text": {"content": "Item 1"}, "plain_text": "Item 1"}],
    }
    answer: Any = {"rollup": {"type": "array", "array": [item, item], "function": "show_original"}}
    expected = ["Item 1", "Item 1"]
    assert expected == codec_for("rollup").from_response(answer, {})


def test_a_date_rollup_is_a_date_value() -> None:
    """earliest_date gives a canonical date."""
    answer: Any = {"rollup": {"type": "date", "date": {"start": "2026-07-01", "end": None}}}
    expected = {"start": "2026-07-01", "end": None}
    assert expected == codec_for("rollup").from_response(answer, {})


def test_unique_id_reads_with_and_without_prefix() -> None:
    """{prefix: TASK, number: 12} is "TASK-12"; without prefix "12"."""
    codec = codec_for("unique_id")
    expected = ["TASK-12", "12"]
    actual = [
        codec.from_response({"unique_id": {"prefix": "TASK", "number": 12}}, {}),
        codec.from_response({"unique_id": {"prefix": None, "number": 12}}, {}),
    ]
    assert expected == actual


def test_timestamps_are_utc_minutes() -> None:
    """created_time "2026-06-27T17:00:00.000Z" reads as "2026-06-27T17:00Z"."""
    expected = "2026-06-27T17:00Z"
    answer: Any = {"created_time": "2026-06-27T17:00:00.000Z"}
    assert expected == codec_for("created_time").from_response(answer, {})


def test_user_stamps_are_user_ids() -> None:
    """created_by and last_edited_by read as the user id."""
    answer: Any = {"last_edited_by": {"object": "user", "id": USER}}
    expected = USER
    assert expected == codec_for("last_edited_by").from_response(answer, {})


def test_a_button_has_no_value() -> None:
    """button reads as None."""
    assert codec_for("button").from_response({"button": {}}, {}) is None


@pytest.mark.parametrize("type_name", sorted(READ_ONLY_TYPES))
def test_read_only_types_refuse_manifest_values(type_name: str) -> None:
    """A row cannot set a computed property; the hint says where it belongs."""
    with pytest.raises(ValueProblem) as caught:
        codec_for(type_name).from_manifest("anything", {})
    assert "computed by Notion" in caught.value.message


@pytest.mark.parametrize("type_name", sorted(READ_ONLY_TYPES))
def test_read_only_types_refuse_to_build_requests(type_name: str) -> None:
    """to_request on a computed type is refused, never sent."""
    with pytest.raises(ValueProblem):
        codec_for(type_name).to_request(None, {}, REFS)


def test_computed_values_display_in_one_line() -> None:
    """Booleans, numbers and lists display readably."""
    codec = codec_for("rollup")
    expected = ["true", "2.5", "a, b"]
    assert expected == [codec.display(True), codec.display(2.5), codec.display(["a", "b"])]
