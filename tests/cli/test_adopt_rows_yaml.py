"""Rows written directly by ``dump_rows`` are the bytes PyYAML writes for them."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.manifest.yaml_writer import dump_rows, dump_yaml, plain_fits

# Texts the emitter styles differently: plain, single-quoted (dates, numbers and booleans of
# either schema, indicators, ': ', ' #', edges with spaces), escaped (${), folded (long ones).
TRICKY = st.sampled_from(
    ["2026-01-01", "yes", "No", "on", "1e3", "0o17", "0x1F", "1_000", "null", "~", "=", "<<",
     ": ", " #", "#", "-", "- ", "?", "@", "`", "&a", "*a", "!t", "|", ">", "%", "[", "]", "{",
     "}", ",", "'", '"', "${X}", "---", "...", " ", "  ", "a" * 40, "é", "\n", "\t", "\x85", ""]
)  # fmt: skip
TEXT = st.lists(st.one_of(TRICKY, st.text(alphabet="abz09 .:-_/@#'", max_size=6)), max_size=6).map(
    "".join
)
SCALAR = st.one_of(TEXT, st.integers(-(10**20), 10**20), st.booleans())
VALUE = st.one_of(
    SCALAR, st.lists(SCALAR, max_size=4), st.none(), st.floats(allow_nan=False), st.just({"a": 1})
)
ROW = st.dictionaries(st.one_of(TEXT, st.sampled_from(["Name", "_icon", "Due date"])), VALUE)


@settings(max_examples=400)
@given(st.lists(ROW, max_size=4), st.booleans())
def test_rows_are_written_as_pyyaml_writes_them(rows: list[dict[str, Any]], manifest: bool) -> None:
    """Any rows, plain or not, give exactly the text of PyYAML's dump of them."""
    expected = dump_yaml({"rows": rows}, manifest=manifest, block_depth=3)
    assert dump_rows(rows, manifest=manifest) == expected


def test_rows_sharing_a_list_write_it_out_in_each_row() -> None:
    """A list two rows share (the reader holds one copy of a repeated value) is written in
    full in both, never as an anchor and an alias, directly and by PyYAML alike."""
    tags = ["docs", "web"]
    rows: list[dict[str, Any]] = [{"Name": "a", "Tags": tags}, {"Name": "b", "Tags": tags}]
    expected = "rows:\n  - Name: a\n    Tags: [docs, web]\n  - Name: b\n    Tags: [docs, web]\n"
    assert dump_rows(rows, manifest=True) == expected
    assert dump_yaml({"rows": rows}, manifest=True, block_depth=3) == expected


def test_a_shared_value_pyyaml_writes_itself_has_no_anchor() -> None:
    """A shared mapping in a row the direct writer leaves to PyYAML is written out twice."""
    icon = {"emoji": "x"}
    rows: list[dict[str, Any]] = [{"Name": "a", "_icon": icon}, {"Name": "b", "_icon": icon}]
    written = dump_rows(rows, manifest=True)
    assert "&" not in written
    assert "*" not in written
    assert written.count("emoji: x") == 2


def test_plain_rows_are_written_in_block_style_with_flow_lists() -> None:
    """Keys in order, text plain or quoted as the core schema needs, lists in flow style."""
    rows = [{"Name": "Task 1: docs", "Due": "2026-01-01", "Estimate": 3, "Tags": ["a", "b"]}]
    expected = "rows:\n  - Name: 'Task 1: docs'\n    Due: '2026-01-01'\n    Estimate: 3\n"
    assert dump_rows(rows, manifest=True) == expected + "    Tags: [a, b]\n"


@settings(max_examples=500)
@given(st.text(alphabet="aZ09 ._/:#-", min_size=1, max_size=12))
def test_the_quick_analysis_agrees_with_the_emitter(text: str) -> None:
    """Where plain_fits answers, it gives the emitter's own flow and block verdicts."""
    fits = plain_fits(text)
    analysis = yaml.SafeDumper(io.StringIO()).analyze_scalar(text)
    emitter = (analysis.allow_flow_plain, analysis.allow_block_plain)
    assert fits is None or (fits, analysis.allow_single_quoted) == (emitter, True)


@pytest.mark.parametrize(
    "rows",
    [
        [{"Name": "a", "Notes": "hello\n\n"}, {"Name": "b"}],
        [{"_icon": ["\n"]}, {"_icon": ["\n"]}],
        [{"Name": "b"}, {"Name": "a", "Notes": "hello\n\n"}],
        [{"Name": "a", "Notes": "a\n...\n"}, {"Name": "b", "Notes": "...\n\n"}],
    ],
)
def test_text_keeping_its_trailing_newlines_ends_the_document_only_after_the_last_row(
    rows: list[dict[str, Any]],
) -> None:
    """A block scalar that keeps its trailing newlines (``|+``) makes the emitter close the
    document with ``...``: written after a row in the middle, it ended the document there and the
    file did not load (found by the property test above)."""
    text = dump_rows(rows, manifest=True)
    assert text == dump_yaml({"rows": rows}, manifest=True, block_depth=3)
    assert yaml.safe_load(text) == {"rows": rows}
