"""Writing the edited files: atomic, faithful to the file's bytes, never over a newer version."""

from __future__ import annotations

import stat

import pytest

from reconciler.adopt.edit import FilesChanged, SetValue, write_changes
from tests.adopt.conftest import Repository

NOTES = "database: notes\ntitle: Notes\nproperties:\n  Name: title\n  Done: checkbox\nrows:\n"
ROWS = "  - {Name: Plan, Done: false}\n"


def test_a_byte_order_mark_and_crlf_line_endings_are_kept(repo: Repository) -> None:
    """A Windows-saved manifest stays one: BOM first, CRLF on every line, the new one too."""
    text = (NOTES + ROWS).replace("\n", "\r\n")
    (repo.root / "manifests" / "notes.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    repo.apply(SetValue("notes", "Plan", "Done", True))
    written = (repo.root / "manifests" / "notes.yaml").read_bytes()
    expected = b"\xef\xbb\xbf" + text.replace("false", "true").encode()
    assert written == expected


def test_a_new_line_in_a_crlf_file_ends_with_crlf(repo: Repository) -> None:
    """A block row gains an entry: its line ends like the others."""
    text = (NOTES + "  - Name: Plan\r\n").replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    repo.write("manifests/notes.yaml", text)
    repo.apply(SetValue("notes", "Plan", "Done", True))
    assert repo.read("manifests/notes.yaml").endswith("  - Name: Plan\r\n    Done: true\r\n")


def test_permissions_are_kept_and_no_temporary_file_is_left(repo: Repository) -> None:
    """The manifest keeps its mode (0640 here); the folder holds only what it held."""
    repo.write("manifests/notes.yaml", NOTES + ROWS)
    path = repo.root / "manifests" / "notes.yaml"
    path.chmod(0o640)
    repo.apply(SetValue("notes", "Plan", "Done", True))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["notes.yaml"]


def test_nothing_is_written_when_a_file_changed_since_it_was_read(repo: Repository) -> None:
    """Someone saves one of the two files meanwhile: FilesChanged, and neither file changes."""
    repo.write("manifests/notes.yaml", NOTES + ROWS)
    repo.write("manifests/todo.yaml", NOTES.replace("notes", "todo") + ROWS)
    outcome = repo.edit(
        SetValue("notes", "Plan", "Done", True), SetValue("todo", "Plan", "Done", True)
    )
    assert len(outcome.files) == 2
    repo.write("manifests/todo.yaml", NOTES.replace("notes", "todo") + "  - {Name: Plan}\n")
    with pytest.raises(FilesChanged) as caught:
        write_changes(outcome, repo.root)
    assert "manifests/todo.yaml changed after it was read; nothing was written" in str(caught.value)
    assert repo.read("manifests/notes.yaml") == NOTES + ROWS
    assert sorted(p.name for p in (repo.root / "manifests").iterdir()) == [
        "notes.yaml",
        "todo.yaml",
    ]


def test_the_outcome_shows_each_file_as_a_unified_diff(repo: Repository) -> None:
    """a/ and b/ paths relative to the repository, as git shows them."""
    repo.write("manifests/notes.yaml", NOTES + ROWS)
    [change] = repo.edit(SetValue("notes", "Plan", "Done", True)).files
    assert change.unified_diff() == (
        "--- a/manifests/notes.yaml\n"
        "+++ b/manifests/notes.yaml\n"
        "@@ -4,4 +4,4 @@\n"
        "   Name: title\n"
        "   Done: checkbox\n"
        " rows:\n"
        "-  - {Name: Plan, Done: false}\n"
        "+  - {Name: Plan, Done: true}\n"
    )
