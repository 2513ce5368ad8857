"""YAML written by import and export reads back as exactly the text written."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.manifest import load_desired_state
from reconciler.manifest.yaml_writer import dump_yaml

# Characters YAML, PyYAML or our reader treat specially, mixed into arbitrary text.
SPECIAL = st.sampled_from(
    ["\x85", "\u2028", "\u2029", "\r", "\n", "\t", " ", "'", '"', "#", ":", "${", "\\", "-", "é"]
)
TEXT = st.lists(st.one_of(SPECIAL, st.text(max_size=5)), max_size=12).map("".join)


def read_back(text: str) -> object:
    """The rich text value of a one-row manifest written by dump_yaml, loaded again."""
    manifest = {
        "database": "notes",
        "title": "Notes",
        "key": "Name",
        "properties": {"Name": "title", "Body": "rich_text"},
        "rows": [{"Name": "n", "Body": text}],
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "notes.yaml").write_text(dump_yaml(manifest, manifest=True), encoding="utf-8")
        state = load_desired_state(["notes.yaml"], environ={}, cwd=root, root=root)
    return state.databases[0].rows[0].values["Body"]


def expected(text: str) -> object:
    """The same text loaded from a manifest written by hand with JSON-style escapes."""
    manifest = (
        "database: notes\ntitle: Notes\nkey: Name\nproperties: {Name: title, Body: rich_text}\n"
        f"rows:\n  - Name: n\n    Body: {_json_string(text)}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "notes.yaml").write_text(manifest, encoding="utf-8")
        state = load_desired_state(["notes.yaml"], environ={}, cwd=root, root=root)
    return state.databases[0].rows[0].values["Body"]


def _json_string(text: str) -> str:
    """Double-quoted YAML with every other character escaped; ``${`` written as ``$${``."""
    literal = text.replace("${", "$${")
    return (
        '"' + "".join(ch if ch.isascii() and ch.isalnum() else _escape(ch) for ch in literal) + '"'
    )


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def test_line_separators_other_than_newline_survive() -> None:
    """NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are not turned into spaces or line breaks."""
    for text in ("x\x85y", "x\u2028y", "x\u2029y", "a\x85\nb"):
        assert read_back(text) == expected(text), repr(text)


@settings(max_examples=150, deadline=None)
@given(TEXT.filter(lambda t: t.strip() == t and "\x00" not in t))
def test_any_text_reads_back_as_written(text: str) -> None:
    """Arbitrary text with YAML's special characters: what import writes loads as the same."""
    assert read_back(text) == expected(text)
