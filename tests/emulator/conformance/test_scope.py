"""Which recorded interactions the emulator is meant to answer."""

from __future__ import annotations

from reconciler.emulator.conformance.scope import (
    SKIP_CATEGORIES,
    Skip,
    out_of_scope,
    recording_out_of_scope,
    skip_of,
)
from tests.emulator.conformance.recorded import PAGE, one


def test_database_page_block_move_and_search_calls_are_in_scope() -> None:
    """The endpoints a reconciler uses are replayed, moving pages and block updates included."""
    calls = [
        one("POST", "/v1/databases"),
        one("PATCH", f"/v1/data_sources/{PAGE}"),
        one("POST", f"/v1/data_sources/{PAGE}/query"),
        one("GET", f"/v1/pages/{PAGE}/properties/title"),
        one("POST", f"/v1/pages/{PAGE}/move"),
        one("PATCH", f"/v1/blocks/{PAGE}"),
        one("POST", "/v1/search"),
        one("GET", "/v1/users/me"),
    ]
    expected = [None] * 8
    assert expected == [out_of_scope(c) for c in calls]


def test_comments_views_and_other_services_are_skipped_with_a_reason() -> None:
    """Each skip says why and belongs to a category the report explains; Markdown content is
    in scope."""
    expected = [
        Skip("comments", "comments are out of the emulator's scope"),
        Skip("views", "views are out of the emulator's scope"),
        None,
        Skip(
            "other-services",
            "/tasks/v1/users/@me/lists is not the Notion API (another service or a client test)",
        ),
    ]
    calls = [
        one("POST", "/v1/comments"),
        one("GET", "/v1/views"),
        one("GET", f"/v1/pages/{PAGE}/markdown"),
        one("GET", "/tasks/v1/users/@me/lists"),
    ]
    found = [skip_of(c) for c in calls]
    assert expected == found
    assert all(s.category in SKIP_CATEGORIES for s in found if s is not None)


def test_blocks_the_emulator_does_not_model_are_skipped() -> None:
    """An append of meeting notes is out of scope; tables, columns and paragraphs are not."""
    bodies = [
        {"children": [{"type": "meeting_notes", "meeting_notes": {}}]},
        {"children": [{"type": "table", "table": {"table_width": 2}}]},
        {"children": [{"type": "column_list", "column_list": {"children": []}}]},
        {"children": [{"type": "paragraph", "paragraph": {"rich_text": []}}]},
    ]
    expected = ["meeting_notes blocks are out of the emulator's scope", None, None, None]
    found = [out_of_scope(one("PATCH", f"/v1/blocks/{PAGE}/children", body)) for body in bodies]
    assert expected == found


def test_every_skip_category_says_why() -> None:
    """The report lists each category with a reason; none is left without one."""
    expected: list[str] = []
    assert expected == [key for key, c in SKIP_CATEGORIES.items() if not (c.title and c.why)]


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
