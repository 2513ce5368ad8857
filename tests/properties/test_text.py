"""Title and rich_text: runs, merging, long text splitting and the characters that must survive."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for
from reconciler.properties.text import (
    ANNOTATIONS,
    _run_from_response,
    canonical_runs,
    runs_from_response,
    split_utf16,
    text_is_canonical,
    utf16_length,
)

TEXT = codec_for("rich_text")
TITLE = codec_for("title")
REFS = WorkspaceReferences()


def _item(content: str, **annotations: object) -> dict[str, Any]:
    """A rich text item as Notion returns it."""
    full: dict[str, Any] = {
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
    }
    full |= {"code": False, "color": "default"} | annotations
    return {
        "type": "text",
        "text": {"content": content, "link": None},
        "annotations": full,
        "plain_text": content,
        "href": None,
    }


def test_plain_text_is_a_string() -> None:
    """Unformatted text is canonically just its string."""
    expected = "Write the docs"
    assert expected == TEXT.from_manifest("Write the docs", {})


def test_empty_text_is_the_empty_string() -> None:
    """null, "" and [] all mean empty text, and Notion's [] reads back as ""."""
    expected = ""
    assert expected == TEXT.from_manifest(None, {})
    assert expected == TEXT.from_manifest([], {})
    assert expected == TEXT.from_response({"type": "rich_text", "rich_text": []}, {})


def test_default_annotations_are_dropped_and_plain_runs_collapse_to_a_string() -> None:
    """Runs with explicit false annotations and default colour are plain text."""
    value = [{"text": "Hello ", "bold": False, "color": "default"}, "world"]
    expected = "Hello world"
    assert expected == TEXT.from_manifest(value, {})


def test_formatted_runs_keep_only_non_default_keys() -> None:
    """A bold run and a linked run keep exactly what differs from the default."""
    value = [{"text": "Read ", "bold": True}, {"text": "this", "link": "https://example.com/a"}]
    expected = [{"text": "Read ", "bold": True}, {"text": "this", "link": "https://example.com/a"}]
    assert expected == TEXT.from_manifest(value, {})


def test_adjacent_runs_with_the_same_formatting_merge() -> None:
    """Two bold runs next to each other are one run, as Notion would show them."""
    value = [{"text": "Ada ", "bold": True}, {"text": "Lovelace", "bold": True}, " wrote"]
    expected = [{"text": "Ada Lovelace", "bold": True}, {"text": " wrote"}]
    assert expected == TEXT.from_manifest(value, {})


def test_empty_runs_are_dropped_before_merging() -> None:
    """An empty italic run between two bold runs does not keep them apart."""
    value = [{"text": "a", "bold": True}, {"text": "", "italic": True}, {"text": "b", "bold": True}]
    expected = [{"text": "ab", "bold": True}]
    assert expected == TEXT.from_manifest(value, {})


def test_notion_items_with_annotations_decode_to_runs() -> None:
    """Colour and code annotations from a response become run keys."""
    items = [_item("Note: ", bold=True), _item("x = 1", code=True, color="red_background")]
    expected = [
        {"text": "Note: ", "bold": True},
        {"text": "x = 1", "code": True, "color": "red_background"},
    ]
    assert expected == runs_from_response(items)


def test_equation_runs_round_trip() -> None:
    """A manifest may write an inline equation; it is sent as an equation item."""
    value = ["Energy: ", {"equation": "E = mc^2", "bold": True}]
    canonical = TEXT.from_manifest(value, {})
    expected = [
        {"type": "text", "text": {"content": "Energy: "}},
        {"type": "equation", "equation": {"expression": "E = mc^2"}, "annotations": {"bold": True}},
    ]
    assert expected == TEXT.to_request(canonical, {}, REFS)


def test_live_mentions_become_runs_with_their_text() -> None:
    """A user mention reads as its @name text plus the minimal mention it points at."""
    mention = {
        "type": "mention",
        "mention": {
            "type": "user",
            "user": {"object": "user", "id": "00000000-0000-4000-8000-0000000000fa"},
        },
        "annotations": _item("")["annotations"],
        "plain_text": "@Test User",
        "href": None,
    }
    expected = [
        {"text": "Hi "},
        {"text": "@Test User", "mention": {"user": "00000000-0000-4000-8000-0000000000fa"}},
    ]
    assert expected == runs_from_response([_item("Hi "), mention])


def test_date_mentions_keep_a_canonical_date() -> None:
    """A date mention's date is normalised like a date property."""
    mention = {
        "type": "mention",
        "mention": {
            "type": "date",
            "date": {"start": "2026-12-01T10:00:00.000+01:00", "end": None},
        },
        "plain_text": "2026-12-01T10:00:00.000+01:00",
    }
    expected = [
        {
            "text": "2026-12-01T10:00:00.000+01:00",
            "mention": {"date": {"start": "2026-12-01T09:00Z", "end": None}},
        }
    ]
    assert expected == runs_from_response([mention])


def test_a_page_mention_is_written_by_page_id() -> None:
    """Mentions read from Notion can be written back (undo plans) by id."""
    value: Any = [{"text": "Roadmap", "mention": {"page": "38c9ce7b-60a4-81cd-a0c1-e95f9ee9c504"}}]
    expected = [
        {"type": "mention", "mention": {"page": {"id": "38c9ce7b-60a4-81cd-a0c1-e95f9ee9c504"}}}
    ]
    assert expected == TEXT.to_request(value, {}, REFS)


def test_long_text_is_split_into_items_of_2000_characters() -> None:
    """4,500 characters become items of 2,000, 2,000 and 500, nothing lost."""
    text = "abcdefghij" * 450
    payload: Any = TEXT.to_request(text, {}, REFS)
    assert isinstance(payload, list)
    expected = [2000, 2000, 500]
    assert expected == [len(item["text"]["content"]) for item in payload]
    assert text == TEXT.from_response(
        {"rich_text": [_item(i["text"]["content"]) for i in payload]}, {}
    )


def test_splitting_counts_astral_characters_twice_and_never_splits_them() -> None:
    """Emoji outside the BMP count 2 UTF-16 units; a piece never ends between a pair."""
    text = "a" + "😀" * 1500
    pieces = split_utf16(text)
    expected = text
    assert expected == "".join(pieces)
    assert all(utf16_length(piece) <= 2000 for piece in pieces)
    units = [1999, 1002]
    assert units == [utf16_length(piece) for piece in pieces]


def test_linked_long_text_keeps_the_link_on_every_piece() -> None:
    """Each piece of a long linked run carries the link."""
    payload: Any = TEXT.to_request([{"text": "x" * 2001, "link": "https://example.com"}], {}, REFS)
    assert isinstance(payload, list)
    expected = [{"url": "https://example.com"}] * 2
    assert expected == [item["text"]["link"] for item in payload]


@pytest.mark.parametrize(
    "text",
    [
        "Ünïcödé ✓ and emoji 👩‍👩‍👧‍👦 with ZWJ",
        "مرحبا بالعالم — right to left",
        "zero\u200bwidth\u200djoiner\ufeff",
        "astral \U0001d518\U0001d52b\U0001d526 𠜎 🀄",
        "line one\nline two\ttabbed",
    ],
)
def test_unusual_characters_survive_unchanged(text: str) -> None:
    """Emoji, RTL, zero-width and astral characters come back exactly."""
    payload: Any = TEXT.to_request(TEXT.from_manifest(text, {}), {}, REFS)
    assert isinstance(payload, list)
    expected = text
    assert expected == TEXT.from_response(
        {"rich_text": [_item(i["text"]["content"]) for i in payload]}, {}
    )


def test_more_than_100_items_is_a_value_problem() -> None:
    """Text needing 101 items (201,000 characters) is refused, saying why."""
    with pytest.raises(ValueProblem) as caught:
        TEXT.from_manifest("x" * 201_000, {})
    assert "101 rich text items" in caught.value.message
    assert "at most 100" in caught.value.message


def test_a_run_with_an_unknown_key_points_at_that_key() -> None:
    """`bolt: true` in the second run is reported at [1]['bolt']."""
    with pytest.raises(ValueProblem) as caught:
        TEXT.from_manifest(["a", {"text": "b", "bolt": True}], {})
    expected = (1, "bolt")
    assert expected == caught.value.path


def test_a_run_with_a_bad_colour_is_a_value_problem() -> None:
    """Colours are Notion's named colours only."""
    with pytest.raises(ValueProblem) as caught:
        TEXT.from_manifest([{"text": "b", "color": "magenta"}], {})
    expected = (0, "color")
    assert expected == caught.value.path


def test_a_run_link_with_a_javascript_url_is_refused() -> None:
    """Links inside text are checked like url values."""
    with pytest.raises(ValueProblem) as caught:
        TEXT.from_manifest([{"text": "click", "link": "javascript:alert(1)"}], {})
    expected = (0, "link")
    assert expected == caught.value.path


def test_manifest_mentions_are_refused_with_a_hint() -> None:
    """Mentions are read-only from the manifest side."""
    with pytest.raises(ValueProblem) as caught:
        TEXT.from_manifest([{"text": "@Ada", "mention": {"user": "x"}}], {})
    assert "link" in caught.value.hint


def test_text_must_be_a_string_or_runs() -> None:
    """A boolean is not text."""
    with pytest.raises(ValueProblem) as caught:
        TITLE.from_manifest(True, {})
    expected = "text must be a string or a list of runs, not a boolean (true)"
    assert expected == caught.value.message


def test_a_yaml_number_in_a_text_property_is_its_text() -> None:
    """`Slug: 2026` in YAML is the text "2026"."""
    expected = "2026"
    assert expected == TEXT.from_manifest(2026, {})


def test_key_text_is_the_plain_text() -> None:
    """A formatted title gives its plain text as row key."""
    expected = "Write the docs"
    assert expected == TITLE.key_text([{"text": "Write", "bold": True}, {"text": " the docs"}])


def test_empty_title_gives_no_key() -> None:
    """An empty title is no key at all."""
    assert TITLE.key_text("") is None


def test_display_is_one_line() -> None:
    """Newlines are shown escaped so a plan line stays one line."""
    expected = "first\\nsecond"
    assert expected == TEXT.display("first\nsecond")


def test_a_response_with_25_mentions_may_be_partial() -> None:
    """Page objects cut mentions at 25; such a value is re-read through the property endpoint."""
    mention: Any = {
        "type": "mention",
        "mention": {"type": "page", "page": {"id": "x"}},
        "plain_text": "p",
    }
    assert TEXT.is_partial({"rich_text": [mention] * 25})
    assert not TEXT.is_partial({"rich_text": [mention] * 3})


_ANNOTATED = st.fixed_dictionaries(
    {},
    optional={
        "bold": st.booleans(),
        "italic": st.booleans(),
        "code": st.booleans(),
        "color": st.sampled_from(["default", "red", "blue_background"]),
    },
)
_RESPONSE_ITEMS = st.lists(
    st.builds(
        lambda content, annotations, link, kind: {
            "type": kind,
            "text": {"content": content, "link": link},
            "plain_text": content,
            **({"annotations": annotations} if annotations is not None else {}),
        },
        st.text(max_size=8),
        st.none() | _ANNOTATED,
        st.none() | st.just({"url": "https://example.com"}),
        st.sampled_from(["text", "text", "equation"]),
    )
    | st.just("not an item"),
    max_size=5,
)


@given(_RESPONSE_ITEMS)
def test_unstyled_runs_decode_as_the_general_canonicalisation_does(items: list[Any]) -> None:
    """The shortcut for runs without style or link gives what merging every run gives."""
    runs = [_run_from_response(item) for item in items if isinstance(item, dict)]
    assert runs_from_response(items) == canonical_runs(runs)


def test_an_unstyled_response_decodes_to_its_joined_text() -> None:
    """Plain items (default annotations, no link) become one string, empty ones dropped."""
    items = [_item("Write "), _item(""), _item("the docs")]
    assert runs_from_response(items) == "Write the docs"


def test_text_of_at_most_50000_characters_is_taken_without_counting_items() -> None:
    """Plain text that fits in 100 items for sure is its own canonical form."""
    text = "\U0001f600" * 50_000  # 100,000 UTF-16 units: 50 items
    assert TEXT.from_manifest(text, {}) == text


def test_longer_text_is_still_counted_and_refused_past_100_items() -> None:
    """Past the sure bound the items are counted: 100,001 astral characters need 101."""
    with pytest.raises(ValueProblem, match="at most 100"):
        TEXT.from_manifest("\U0001f600" * 100_001, {})


_ANNOTATION_VALUES = st.sampled_from([False, True, 0, 1, None, "default", "red"])
_NOTION_RUNS = st.lists(
    st.fixed_dictionaries(
        {"type": st.just("text"), "text": st.fixed_dictionaries({"content": st.text(max_size=4)})},
        optional={
            "annotations": st.dictionaries(
                st.sampled_from([*ANNOTATIONS, "color"]), _ANNOTATION_VALUES, max_size=6
            ),
            "plain_text": st.text(max_size=4),
        },
    ),
    max_size=3,
)


@given(_NOTION_RUNS)
def test_unstyled_runs_decode_as_the_runs_they_are(items: list[dict[str, Any]]) -> None:
    """The shortcut for runs without link or style (joined text) gives what decoding each run
    and canonicalising them gives, whatever annotations Notion sends."""
    general = canonical_runs([_run_from_response(item) for item in items])
    assert runs_from_response(items) == general


@settings(deadline=None)
@given(st.text(max_size=50) | st.sampled_from(["", " ", "x" * 50_000, "x" * 50_001]))
def test_a_text_said_canonical_is_what_from_manifest_gives_back(text: str) -> None:
    """``text_is_canonical`` (which the row builder trusts instead of calling the codec) holds
    only of texts that title and rich_text codecs give back as they are, the same object."""
    if text_is_canonical(text):
        for type_name in ("title", "rich_text"):
            assert codec_for(type_name).from_manifest(text, {}) is text
    assert text_is_canonical(text) == (len(text) <= 50_000)


def test_only_a_text_is_canonical_as_it_is() -> None:
    """Numbers, runs and lists go through the codec (a YAML number is the text written)."""
    assert not any(text_is_canonical(value) for value in (7, 7.5, None, [], {"text": "x"}, ["x"]))
