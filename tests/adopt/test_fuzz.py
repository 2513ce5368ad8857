"""Any text, in any place a row can be written: it reads back exactly, or the edit is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.adopt.edit import SetValue, write_changes
from tests.adopt.conftest import Repository

NOTES = """\
database: notes
title: Notes
key: Slug
properties:
  Slug: rich_text
  Name: title
  Text: rich_text
rows:
  - {Slug: flow, Name: Flow, Text: "quoted"}
  - Slug: block
    Name: Block
    Text: plain text     # a comment
rows_from: notes.csv
"""

TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
)


@pytest.mark.parametrize("key", ["flow", "block", "csv"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_text_reads_back_exactly_or_is_refused(tmp_path: Path, key: str, text: str) -> None:
    """Whatever the characters (quotes, colons, #, line breaks, ${...}, control characters):
    after the edit the manifest reads the text back unchanged, or nothing is written."""
    repo = Repository(tmp_path)
    repo.write("reconciler.yaml", "manifests: manifests\n")
    repo.write("manifests/notes.yaml", NOTES)
    repo.write("manifests/notes.csv", "Slug,Name,Text\ncsv,CSV,x\n")
    outcome = repo.edit(SetValue("notes", key, "Text", text))
    if outcome.not_applied:
        assert outcome.files == ()
        return
    write_changes(outcome, repo.root)
    expected = repo.edit(SetValue("notes", key, "Text", text))
    assert (expected.files, expected.not_applied) == ((), ())
