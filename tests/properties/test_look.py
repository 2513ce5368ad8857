"""Icons and covers: what a manifest may write, how Notion's answers read, what goes back."""

from __future__ import annotations

import pytest

from reconciler.properties import ValueProblem
from reconciler.properties.look import (
    cover_from_manifest,
    expressible,
    icon_from_manifest,
    look_from_response,
    look_to_request,
)


@pytest.mark.parametrize("icon", ["🚀", "👩🏽‍💻", "https://example.com/icon.png"])
def test_an_icon_is_an_emoji_or_an_https_image(icon: str) -> None:
    """Emoji (joined ones too) and https URLs are taken as written."""
    assert icon_from_manifest(icon) == icon


@pytest.mark.parametrize("value", [None, ""])
def test_no_icon_is_the_empty_text(value: object) -> None:
    """null and "" ask for no icon."""
    assert icon_from_manifest(value) == ""


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("rocket", "neither an emoji nor an https URL"),
        ("http://example.com/i.png", "not an https URL"),
        ("javascript:alert(1)", "neither an emoji nor an https URL"),
        (42, "must be an emoji or an https URL"),
    ],
)
def test_anything_else_is_refused(value: object, words: str) -> None:
    """A word, plain http, another scheme or a number is refused with what to write."""
    with pytest.raises(ValueProblem, match=words):
        icon_from_manifest(value)


def test_a_cover_is_an_https_image() -> None:
    """Covers take https URLs only."""
    assert cover_from_manifest("https://example.com/c.png") == "https://example.com/c.png"
    with pytest.raises(ValueProblem, match="not an https URL"):
        cover_from_manifest("🚀")


@pytest.mark.parametrize(
    ("answer", "canonical"),
    [
        ({"type": "emoji", "emoji": "🚀"}, "🚀"),
        ({"type": "external", "external": {"url": "https://e.com/i.png"}}, "https://e.com/i.png"),
        (
            {"type": "file", "file": {"url": "https://s3.us-west-2.amazonaws.com/a/i.png"
                                             "?X-Amz-Signature=abc&X-Amz-Expires=3600"}},
            "https://s3.us-west-2.amazonaws.com/a/i.png",
        ),
        ({"type": "icon", "icon": {"name": "book", "color": "blue"}},
         "https://www.notion.so/icons/book_blue.svg"),
        ({"type": "custom_emoji", "custom_emoji": {"id": "ce1"}}, "custom_emoji:ce1"),
        (None, ""),
    ],
    ids=["emoji", "external", "signed file", "notion icon", "custom emoji", "none"],
)  # fmt: skip
def test_notions_answer_reads_in_canonical_form(answer: object, canonical: str) -> None:
    """Each kind of icon Notion answers has one canonical text; a signed link loses its query."""
    assert look_from_response(answer) == canonical  # type: ignore[arg-type]


def test_requests_name_emoji_and_images_by_url() -> None:
    """The canonical text back to Notion's request objects; "" removes."""
    assert look_to_request("🚀") == {"type": "emoji", "emoji": "🚀"}
    assert look_to_request("https://e.com/i.png") == {
        "type": "external",
        "external": {"url": "https://e.com/i.png"},
    }
    assert look_to_request("") is None


@pytest.mark.parametrize(
    ("value", "writable"),
    [
        ("🚀", True),
        ("https://e.com/i.png", True),
        ("https://www.notion.so/icons/book_blue.svg", True),
        ("https://prod-files-secure.s3.us-west-2.amazonaws.com/a/i.png", False),
        ("custom_emoji:ce1", False),
        ("", False),
    ],
)
def test_import_writes_only_what_a_manifest_can_ask_for(value: str, writable: bool) -> None:
    """Uploaded files (links that expire) and custom emoji stay out of imported manifests."""
    assert expressible(value) is writable
