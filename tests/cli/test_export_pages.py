"""``reconciler export --format markdown|html``: a file per row with its body, and an index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import cli

MANIFEST = """\
database: docs
title: Docs
key: Slug
body_from: content/{Slug}.md
properties:
  Name: title
  Slug: rich_text
  Tags: {type: multi_select, options: [guide, api]}
rows:
  - {Slug: start, Name: "Getting <started>", Tags: [guide], _icon: "🚀"}
  - {Slug: api, Name: API reference, Tags: [api]}
"""

START = """\
# Getting started
Run **this** first: `reconciler plan`.
<script>alert("x")</script>
- [link](javascript:alert(1))
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Docs applied to a --local workspace: `start` has a body file, `api` none."""
    monkeypatch.chdir(tmp_path)
    for name in ("NOTION_TOKEN", "NOTION_TOKEN_FILE", "NOTION_BASE_URL", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "manifests" / "content").mkdir(parents=True)
    (tmp_path / "manifests" / "docs.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "manifests" / "content" / "start.md").write_text(START, encoding="utf-8")
    applied = run("apply", "--local", "--yes")
    assert applied.exit_code == 0, applied.output
    return tmp_path


def test_markdown_pages_hold_properties_as_front_matter_and_the_body(repo: Path) -> None:
    """One .md per row: the manifest-form values between `---` lines, then the body."""
    result = run("export", "--local", "--format", "markdown", "-o", "site")
    assert result.exit_code == 0, result.output
    assert "docs: 2 pages written to site/docs" in result.stdout
    page = (repo / "site" / "docs" / "start.md").read_text(encoding="utf-8")
    _, front, body = page.split("---\n", 2)
    assert yaml.safe_load(front) == {
        "Slug": "start",
        "Name": "Getting <started>",
        "Tags": ["guide"],
        "_icon": "🚀",
    }
    assert body.startswith("# Getting started\nRun **this** first")
    api = (repo / "site" / "docs" / "api.md").read_text(encoding="utf-8")
    assert api.endswith("---\n")  # no body in Notion: front matter only


def test_the_markdown_index_lists_the_pages(repo: Path) -> None:
    """index.md links every row's file by its key."""
    run("export", "--local", "--format", "markdown", "-o", "site")
    index = (repo / "site" / "docs" / "index.md").read_text(encoding="utf-8")
    assert index == "# docs\n\n- [api](api.md)\n- [start](start.md)\n"  # oldest first, then by key


def test_html_pages_escape_everything_from_notion(repo: Path) -> None:
    """Titles, values and bodies are text: no script, no javascript: link."""
    result = run("export", "--local", "--format", "html", "-o", "site")
    assert result.exit_code == 0, result.output
    page = (repo / "site" / "docs" / "start.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert "<td>Getting &lt;started&gt;</td>" in page
    assert "<h1>Getting started</h1>" in page
    index = (repo / "site" / "docs" / "index.html").read_text(encoding="utf-8")
    assert '<li><a href="start.html">start</a></li>' in index


def test_pages_cannot_go_to_stdout(repo: Path) -> None:
    """A file per row needs a folder: `-o -` is refused with the way out."""
    result = run("export", "--local", "--format", "html", "-o", "-")
    assert result.exit_code == 1
    assert "hint: choose one with --database HANDLE, or write files with -o DIR" in result.stderr


def test_import_with_bodies_writes_body_files_and_plans_empty(repo: Path) -> None:
    """`import --bodies` writes the rows' icons and bodies back; planning after shows nothing."""
    plan = run("plan", "--local", "--format", "json")
    database_id = json.loads(plan.stdout)["databases"][0]["database_id"]
    result = run("import", database_id, "--local", "--bodies", "-o", "adopted")
    assert result.exit_code == 0, result.output
    assert "1 body files" in result.stdout
    imported = yaml.safe_load((repo / "adopted" / "docs.yaml").read_text(encoding="utf-8"))
    rows = {row["Slug"]: row for row in imported["rows"]}
    assert rows["start"]["_icon"] == "🚀"
    assert rows["start"]["_body_from"] == "content/docs/getting-started.md"
    assert "_body" not in rows["api"]
    content = repo / "adopted" / "content" / "docs"
    body = (content / "getting-started.md").read_text(encoding="utf-8")
    assert body.startswith("# Getting started\n")
    (repo / "manifests" / "docs.yaml").unlink()
    again = run("plan", "--local", "adopted", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_import_without_bodies_reads_no_page_content(repo: Path) -> None:
    """Without `--bodies` page content is neither read nor written."""
    plan = run("plan", "--local", "--format", "json")
    database_id = json.loads(plan.stdout)["databases"][0]["database_id"]
    result = run("import", database_id, "--local", "-o", "adopted")
    assert result.exit_code == 0, result.output
    assert not (repo / "adopted" / "content").exists()
    assert "_body" not in (repo / "adopted" / "docs.yaml").read_text(encoding="utf-8")
