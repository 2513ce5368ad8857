"""Long runs that read page bodies show their progress on stderr: pull, import and export.

Each command runs through the CLI against the embedded workspace (``tests.adopt.workspace``) on a
database of eight rows with body files, the progress threshold lowered to three bodies (the
shipped one is ``PROGRESS_FROM_BODIES``): a line "N/8 page bodies read" goes to stderr, never to
stdout nor into a file the command writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.cli import runtime
from tests.adopt.workspace import Team

ROWS = 8

DOCS = "".join(
    [
        "database: docs\ntitle: Docs\nkey: Slug\nbody_from: 'content/{Slug}.md'\n",
        "properties:\n  Name: title\n  Slug: rich_text\nrows:\n",
        *(f"  - {{Slug: page-{n}, Name: Page {n}}}\n" for n in range(ROWS)),
    ]
)
PROGRESS = f"docs: {ROWS}/{ROWS} page bodies read"


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    files = {"manifests/docs.yaml": DOCS}
    files.update({f"manifests/content/page-{n}.md": f"Body {n}.\n" for n in range(ROWS)})
    return Team.applied(tmp_path_factory.mktemp("progress"), files)


@pytest.fixture
def team(applied: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    """A copy of the applied team, its body cache emptied, progress from three bodies."""
    monkeypatch.setattr(runtime, "PROGRESS_FROM_BODIES", 3)
    copied = applied.copy(tmp_path)
    shutil.rmtree(copied.root / ".reconciler" / "cache", ignore_errors=True)
    return copied


def test_pull_shows_its_progress_reading_bodies(team: Team) -> None:
    """pull reads the eight managed bodies: progress on stderr, none on stdout."""
    result = team.expect(0, "pull")
    assert PROGRESS in result.stderr
    assert "page bodies read" not in result.stdout


def test_pull_is_silent_below_the_threshold(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer bodies than the threshold: no progress line."""
    monkeypatch.setattr(runtime, "PROGRESS_FROM_BODIES", ROWS + 1)
    result = team.expect(0, "pull")
    assert "page bodies read" not in result.stderr


def test_import_with_bodies_shows_its_progress(team: Team) -> None:
    """import --bodies into another folder: progress on stderr, none in the files."""
    with team.notion() as notion:
        source = team.source_id(notion, "Docs")
    result = team.expect(0, "import", source, "--bodies", "-o", "imported")
    assert PROGRESS in result.stderr
    written = [path.read_text("utf-8") for path in (team.root / "imported").rglob("*.*")]
    assert "_body: Body 7." in "".join(written)
    assert not [text for text in written if "page bodies read" in text]


def test_export_to_markdown_shows_its_progress(team: Team) -> None:
    """export --format markdown: progress on stderr, none in the pages written."""
    result = team.expect(0, "export", "--format", "markdown", "-o", "site")
    assert PROGRESS in result.stderr
    pages = list((team.root / "site").rglob("*.md"))
    assert len(pages) > ROWS
    assert not [p for p in pages if "page bodies read" in p.read_text("utf-8")]


def test_export_to_stdout_keeps_progress_out_of_the_data(team: Team) -> None:
    """export -o - writes the data to stdout: no progress line is mixed into it."""
    result = team.expect(0, "export", "--format", "json", "-o", "-")
    assert "page bodies read" not in result.stdout
