"""The editing engine writes page bodies: a row's ``_body`` in place, a body file whole.

``SetBody`` sets a row's body where the manifest takes it from; ``AddRow`` with a body writes a
new file where the database's ``body_from`` names one for the new row. Each result is loaded back
through the manifest reader before anything is written.
"""

from __future__ import annotations

import os

import pytest

from reconciler.adopt.edit import AddRow, FilesChanged, SetBody, SetValue, write_changes
from reconciler.bodies import body_hash
from tests.adopt.conftest import Repository

DOCS = """\
database: docs
title: Docs
key: Slug
body_from: "content/{Slug}.md"
properties:
  Name: title
  Slug: rich_text
rows:
  # the guide's body is in content/guide.md
  - {Slug: guide, Name: Guide}
  - Slug: notes
    Name: Notes
    _body: Short notes.
  - Slug: own
    Name: Own
    _body_from: other/own.md
"""


def _docs(repo: Repository, manifest: str = DOCS) -> None:
    repo.write("manifests/docs.yaml", manifest)
    repo.write("manifests/content/guide.md", "# Guide\r\n\r\nHello *there*\r\n")
    repo.write("manifests/other/own.md", "Own body\n")


def _body(repo: Repository, key: str) -> str:
    row = next(r for r in repo.database("docs").rows if r.key == key)
    assert row.body is not None
    return row.body.markdown


def test_a_body_file_is_rewritten_whole_with_its_line_endings(repo: Repository) -> None:
    """The guide's file gets the new Markdown with the CRLF endings it had; nothing else
    changes."""
    _docs(repo)
    outcome = repo.apply(SetBody("docs", "guide", "# Guide\nHello _world_"))
    assert [change.path for change in outcome.files] == ["manifests/content/guide.md"]
    assert repo.read("manifests/content/guide.md") == "# Guide\r\nHello _world_\r\n"
    assert repo.read("manifests/docs.yaml") == DOCS


def test_a_row_own_body_file_is_rewritten(repo: Repository) -> None:
    """A ``_body_from`` file is the row's own: it is the one rewritten."""
    _docs(repo)
    repo.apply(SetBody("docs", "own", "Own body, edited"))
    assert repo.read("manifests/other/own.md") == "Own body, edited\n"


def test_an_inline_body_of_several_lines_becomes_a_block_scalar(repo: Repository) -> None:
    """``_body`` on its own line in a block row: several lines are written as ``|``."""
    _docs(repo)
    outcome = repo.apply(SetBody("docs", "notes", "Line one\nLine two"))
    assert [change.path for change in outcome.files] == ["manifests/docs.yaml"]
    assert "    _body: |\n      Line one\n      Line two\n  - Slug: own" in repo.read(
        "manifests/docs.yaml"
    )
    assert _body(repo, "notes") == "Line one\nLine two\n"


def test_an_inline_body_of_one_line_keeps_its_style(repo: Repository) -> None:
    """A one-line body replaces the old one on its line; comments elsewhere stay."""
    _docs(repo)
    repo.apply(SetBody("docs", "notes", "Short notes, edited."))
    text = repo.read("manifests/docs.yaml")
    assert "    _body: Short notes, edited.\n" in text
    assert "  # the guide's body is in content/guide.md\n" in text


def test_a_body_that_means_the_same_is_already_so(repo: Repository) -> None:
    """Markdown that differs only where Notion normalises (blank lines, ``*`` emphasis) is
    the same body: no file changes."""
    _docs(repo)
    outcome = repo.edit(SetBody("docs", "guide", "# Guide\nHello _there_"))
    assert (outcome.files, len(outcome.unchanged)) == ((), 1)


def test_a_body_from_a_variable_is_not_overwritten(repo: Repository) -> None:
    """``_body: ${NOTES}`` stays as written: the edit is reported, nothing changes."""
    _docs(repo, DOCS.replace("_body: Short notes.", "_body: ${NOTES_PAGE}"))
    outcome = repo.edit(SetBody("docs", "notes", "From Notion"), environ={"NOTES_PAGE": "Mine"})
    (refused,) = outcome.not_applied
    assert outcome.files == ()
    assert "environment variable" in refused.reason


def test_a_body_file_named_through_a_link_is_not_written(repo: Repository) -> None:
    """A body file that is a symbolic link is left alone, with the reason."""
    _docs(repo)
    repo.write("manifests/shared/guide.md", "Shared guide\n")
    os.remove(repo.root / "manifests/content/guide.md")
    os.symlink(repo.root / "manifests/shared/guide.md", repo.root / "manifests/content/guide.md")
    outcome = repo.edit(SetBody("docs", "guide", "Changed"))
    (refused,) = outcome.not_applied
    assert "symbolic link" in refused.reason
    assert outcome.files == ()


def test_a_row_whose_body_is_not_managed_gets_no_body(repo: Repository) -> None:
    """Without ``_body``, ``_body_from`` or a template file the edit is refused."""
    _docs(repo, DOCS.replace('body_from: "content/{Slug}.md"\n', ""))
    outcome = repo.edit(SetBody("docs", "guide", "Anything"))
    (refused,) = outcome.not_applied
    assert "not managed" in refused.reason


def test_an_added_row_body_goes_where_body_from_names(repo: Repository) -> None:
    """A new row with a body: the row is appended and its file made under the template's
    path; the manifests read back with that body."""
    _docs(repo)
    outcome = repo.apply(AddRow("docs", {"Slug": "fresh", "Name": "Fresh"}, "# Fresh\nNew"))
    created = [change.path for change in outcome.files if change.created]
    assert created == ["manifests/content/fresh.md"]
    assert repo.read("manifests/content/fresh.md") == "# Fresh\nNew\n"
    assert body_hash(_body(repo, "fresh")) == body_hash("# Fresh\nNew")


def test_an_added_row_body_never_overwrites_a_file(repo: Repository) -> None:
    """A file already where the new row's body would go is kept: the row is not added."""
    _docs(repo)
    repo.write("manifests/content/fresh.md", "Someone else's file\n")
    outcome = repo.edit(AddRow("docs", {"Slug": "fresh", "Name": "Fresh"}, "New"))
    (refused,) = outcome.not_applied
    assert "exists already" in refused.reason
    assert outcome.files == ()


def test_a_new_body_file_that_appeared_meanwhile_stops_the_write(repo: Repository) -> None:
    """Between the edit and the write someone creates the file: nothing is written."""
    _docs(repo)
    outcome = repo.edit(AddRow("docs", {"Slug": "fresh", "Name": "Fresh"}, "New"))
    repo.write("manifests/content/fresh.md", "Meanwhile\n")
    with pytest.raises(FilesChanged, match="appeared after the edits were made"):
        write_changes(outcome, repo.root)
    assert repo.read("manifests/content/fresh.md") == "Meanwhile\n"
    assert "fresh" not in repo.read("manifests/docs.yaml")


def test_values_of_rows_with_body_files_can_be_edited(repo: Repository) -> None:
    """The reload that checks an edit reads the rows' body files too (a ``_body_from`` row
    once stopped every edit of its manifest)."""
    _docs(repo)
    outcome = repo.apply(SetValue("docs", "own", "Name", "Own, renamed"))
    assert [change.path for change in outcome.files] == ["manifests/docs.yaml"]
