"""How a response is judged against the recorded one."""

from __future__ import annotations

from reconciler.emulator.conformance.compare import Difference, compare
from tests.emulator.conformance.recorded import PAGE, ROOT, page


def test_ids_times_urls_and_request_ids_may_differ() -> None:
    """Volatile values are compared by type only."""
    recorded = page(PAGE, "Launch plan")
    answered = page("7330e46b-5f85-4f23-ae80-8e8512697c06", "Launch plan")
    answered.update(created_time="2026-01-01T09:00:00.000Z", request_id="another")
    answered["url"] = "https://www.notion.so/Launch-plan-7330e46b5f854f23ae808e8512697c06"
    assert compare(200, recorded, 200, answered) is None


def test_a_different_plain_text_is_reported_with_its_path() -> None:
    """The first differing value, where it is, what was expected and what came."""
    expected = Difference("properties.title.title[0].plain_text", "'Launch plan'", "'Launch'")
    answered = page(PAGE, "Launch plan")
    answered["properties"]["title"]["title"][0]["plain_text"] = "Launch"
    assert expected == compare(200, page(PAGE, "Launch plan"), 200, answered)


def test_a_missing_key_is_a_difference() -> None:
    """The set of keys at every level must be the same."""
    answered = page(PAGE, "Launch plan")
    del answered["is_locked"]
    found = compare(200, page(PAGE, "Launch plan"), 200, answered)
    assert found is not None
    expected = ("(body)", "missing ['is_locked']")
    assert expected == (found.path, found.got)


def test_a_value_of_another_json_type_is_a_difference_even_when_volatile() -> None:
    """Times are volatile but must still be strings."""
    answered = page(PAGE, "Launch plan")
    answered["created_time"] = None
    found = compare(200, page(PAGE, "Launch plan"), 200, answered)
    assert found is not None
    expected = "created_time"
    assert expected == found.path


def test_lists_of_another_length_differ() -> None:
    """has_more aside, a list answer must hold as many results."""
    recorded = {"object": "list", "results": [page(PAGE, "A"), page(ROOT, "B")], "has_more": False}
    answered = {"object": "list", "results": [page(PAGE, "A")], "has_more": False}
    expected = Difference("results", "2 items", "1 items")
    assert expected == compare(200, recorded, 200, answered)


def test_statuses_and_error_codes_must_match() -> None:
    """A refusal where Notion answered, or another error code, is a difference."""
    refusal = {
        "object": "error",
        "status": 400,
        "code": "validation_error",
        "message": "Title is not a property that exists.",
        "request_id": "r",
    }
    other = {**refusal, "code": "invalid_request"}
    expected = ("status", "code")
    found = (compare(200, page(PAGE, "A"), 400, refusal), compare(400, refusal, 400, other))
    assert expected == tuple(getattr(f, "path", None) for f in found)


def test_error_messages_are_compared_with_ids_left_out() -> None:
    """Notion's wording must match; the ids it names may not."""
    recorded = {
        "object": "error",
        "status": 404,
        "code": "object_not_found",
        "message": f"Could not find page with ID: {PAGE}.",
        "request_id": "r",
    }
    same = {**recorded, "message": "Could not find page with ID: 7330e46b5f854f23ae808e8512697c06."}
    worded = {**recorded, "message": f"No page {PAGE}."}
    expected = (None, "message")
    found = (compare(404, recorded, 404, same), compare(404, recorded, 404, worded))
    assert expected == tuple(getattr(f, "path", None) for f in found)


def test_formula_expressions_are_compared_without_their_property_references() -> None:
    """The ids inside ``{{notion:block_property:...}}`` differ; the rest of the formula may not."""
    ref = "{{notion:block_property:%3FB%3AW:3839ce7b-60a4-8168-ba4d-000b1ee50a86:ws}}"
    mine = "{{notion:block_property:abcd:7330e46b-5f85-4f23-ae80-8e8512697c06:ws2}}"
    recorded = {"formula": {"expression": f"{ref} * 2"}}
    assert compare(200, recorded, 200, {"formula": {"expression": f"{mine} * 2"}}) is None
    assert compare(200, recorded, 200, {"formula": {"expression": f"{mine} * 3"}}) is not None
