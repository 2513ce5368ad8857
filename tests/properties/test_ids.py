"""Notion ids told apart from other text (e-mails, keys) without parsing what cannot be one."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.properties.checks import looks_like_notion_id, parses_as_notion_id

_HEX = "0123456789abcdefABCDEF"


def _near_ids(draw: st.DrawFn) -> str:
    """A UUID in one of its written forms, sometimes damaged: a character changed, dropped or
    added, braces, a urn prefix, a line break."""
    value = uuid.UUID(int=draw(st.integers(min_value=0, max_value=2**128 - 1)))
    text = draw(st.sampled_from([str(value), value.hex, value.hex.upper(), f"{{{value}}}"]))
    text = draw(st.sampled_from(["", "urn:uuid:"])) + text
    edit = draw(st.sampled_from(["keep", "change", "drop", "add", "newline"]))
    at = draw(st.integers(min_value=0, max_value=len(text) - 1))
    extra = draw(st.sampled_from([*_HEX, "-", "g", " ", "\n", "@"]))
    if edit == "change":
        text = text[:at] + extra + text[at + 1 :]
    elif edit == "drop":
        text = text[:at] + text[at + 1 :]
    elif edit == "add":
        text = text[:at] + extra + text[at:]
    elif edit == "newline":
        text += "\n"
    return text


TEXTS = st.composite(_near_ids)() | st.text(alphabet=_HEX + "-{}:@.\n gx", max_size=40) | st.text()


@settings(max_examples=1000, deadline=None)
@given(text=TEXTS)
def test_an_id_is_recognised_exactly_as_parsing_it_would(text: str) -> None:
    """Whatever the text, the answer is the one parsing it gives: texts of another length than
    an id's are refused without parsing, and give the same answer as if they were parsed."""
    assert looks_like_notion_id(text) == parses_as_notion_id(text)


def test_an_email_address_is_not_an_id() -> None:
    """People are named by e-mail or id: an e-mail address is never taken for an id."""
    assert not looks_like_notion_id("ada@example.com")
    assert looks_like_notion_id("1429989fe8ac4effbc8f57f56486db54")
    assert looks_like_notion_id("1429989f-e8ac-4eff-bc8f-57f56486db54")
