"""Which recorded interactions the emulator is meant to answer."""

from __future__ import annotations

from reconciler.emulator.conformance.scope import out_of_scope, recording_out_of_scope
from tests.emulator.conformance.recorded import PAGE, one


def test_database_page_and_search_calls_are_in_scope() -> None:
    """The endpoints a reconciler uses are replayed."""
    calls = [
        one("POST", "/v1/databases"),
        one("PATCH", f"/v1/data_sources/{PAGE}"),
        one("POST", f"/v1/data_sources/{PAGE}/query"),
        one("GET", f"/v1/pages/{PAGE}/properties/title"),
        one("POST", "/v1/search"),
        one("GET", "/v1/users/me"),
    ]
    expected = [None] * 6
    assert expected == [out_of_scope(c) for c in calls]


def test_comments_views_and_other_services_are_skipped_with_a_reason() -> None:
    """Each skip says why."""
    expected = [
        "comments are out of the emulator's scope",
        "views are out of the emulator's scope",
        "/tasks/v1/users/@me/lists is not the Notion API (another service or a client test)",
        "block updates are out of the emulator's scope",
    ]
    calls = [
        one("POST", "/v1/comments"),
        one("GET", "/v1/views"),
        one("GET", "/tasks/v1/users/@me/lists"),
        one("PATCH", f"/v1/blocks/{PAGE}"),
    ]
    assert expected == [out_of_scope(c) for c in calls]


def test_blocks_other_than_text_are_skipped() -> None:
    """An append of a table is out of scope; one of paragraphs is not."""
    table = {"children": [{"type": "table", "table": {"table_width": 2}}]}
    text = {"children": [{"type": "paragraph", "paragraph": {"rich_text": []}}]}
    expected = [
        "table blocks are out of the emulator's scope (it models text blocks)",
        None,
    ]
    found = [
        out_of_scope(one("PATCH", f"/v1/blocks/{PAGE}/children", body)) for body in (table, text)
    ]
    assert expected == found


def test_a_recording_that_only_sets_up_comments_is_skipped_whole() -> None:
    """Writes around an out-of-scope call, and no in-scope read: the recording is skipped."""
    calls = [
        one("POST", "/v1/pages"),
        one("POST", "/v1/comments"),
        one("DELETE", f"/v1/blocks/{PAGE}"),
    ]
    reading = [*calls, one("GET", f"/v1/pages/{PAGE}")]
    expected = ("comments are out of the emulator's scope", None)
    assert expected == (recording_out_of_scope(calls), recording_out_of_scope(reading))
