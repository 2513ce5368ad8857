"""``reconciler pull`` writes page bodies back: edited in Notion, pulled, planned empty.

A team's checkout (``tests.adopt.workspace.Team``: git, the CLI against the embedded workspace)
manages a ``docs`` database whose rows keep their bodies in files named by ``body_from``, one row
in its own ``_body_from`` file and one in an inline ``_body``. Bodies are edited as a person would
in the Notion app, through the real notion_client (the Markdown endpoint, or blocks), then
``pull`` runs. The reads are counted on a gateway onto the emulator: pull reads the managed
bodies only, through the read cache, as a plan does.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from reconciler.adopt import PullRequest, pull_manifests
from reconciler.bodies import canonical_markdown
from reconciler.emulator import Emulator
from tests.adopt.workspace import Team
from tests.apply.conftest import PEOPLE, gateway_for
from tests.conftest import in_process_client
from tests.e2e.test_bodies import DOCS as DOCS_DATABASE
from tests.e2e.test_bodies import Docs

DOCS = """\
database: docs
title: Docs
key: Slug
prune: true
body_from: "content/{Slug}.md"
properties:
  Name: title
  Slug: rich_text
rows:
  # guide's body: content/guide.md; unwritten has no file (its body is not managed)
  - {Slug: guide, Name: Guide}
  - {Slug: unwritten, Name: Unwritten}
  - Slug: own
    Name: Own
    _body_from: other/own.md
  - Slug: notes
    Name: Notes
    _body: Short notes.
"""

GUIDE = "# Guide\r\n\r\nRead *this* first.\r\n"
EDITED = "# Guide\n\nRead *this* first, then **that**.\n\n* one\n* two\n"


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    """The docs manifest and its body files, applied to the workspace and committed."""
    return Team.applied(
        tmp_path_factory.mktemp("docs"),
        {
            "manifests/docs.yaml": DOCS,
            "manifests/content/guide.md": GUIDE,
            "manifests/other/own.md": "Own body.\n",
        },
    )


@pytest.fixture
def team(applied: Team, tmp_path: Path) -> Team:
    return applied.copy(tmp_path)


def _pages(team: Team, client: Any) -> dict[str, str]:
    return {key: page["id"] for key, page in team.rows(client, "Docs", "Slug").items()}


def _edit_body(team: Team, key: str, markdown: str) -> None:
    with team.notion() as notion:
        notion.pages.update_markdown(
            _pages(team, notion)[key],
            type="replace_content",
            replace_content={"new_str": markdown},
        )


def test_a_body_file_edited_in_notion_is_pulled_and_the_plan_is_empty(team: Team) -> None:
    """The guide's file holds Notion's canonical Markdown (its CRLF endings kept), pull exits 2
    with --detailed-exitcode, the plan is empty, and a second pull changes nothing."""
    _edit_body(team, "guide", EDITED)
    team.expect(2, "pull", "--detailed-exitcode")
    expected = canonical_markdown(EDITED) + "\n"
    assert team.read("manifests/content/guide.md") == expected.replace("\n", "\r\n")
    assert team.git("status", "--porcelain") == " M manifests/content/guide.md\n"
    team.plan_is_empty()
    team.commit()
    again = team.expect(0, "pull", "--detailed-exitcode")
    assert (team.diff(), again.stdout) == ("", "")


def test_a_row_own_body_file_is_pulled(team: Team) -> None:
    """A row's ``_body_from`` file is rewritten; the manifest is untouched."""
    _edit_body(team, "own", "Own body, edited in Notion.")
    team.expect(0, "pull")
    assert team.read("manifests/other/own.md") == "Own body, edited in Notion.\n"
    assert team.read("manifests/docs.yaml") == DOCS
    team.plan_is_empty()


def test_an_inline_body_is_edited_in_place_as_a_block(team: Team) -> None:
    """``_body`` is replaced in the manifest's own lines, several lines as a ``|`` block."""
    _edit_body(team, "notes", "Notes from Notion\n\n- a point")
    team.expect(0, "pull")
    diff = team.diff()
    assert "-    _body: Short notes.\n+    _body: |\n+      Notes from Notion\n" in diff
    assert "+      - a point\n" in diff
    team.plan_is_empty()


def test_a_body_edited_through_blocks_is_pulled(team: Team) -> None:
    """A paragraph appended as a block (the block endpoints) reads back as Markdown."""
    with team.notion() as notion:
        paragraph = {"rich_text": [{"type": "text", "text": {"content": "Added as a block."}}]}
        notion.blocks.children.append(
            _pages(team, notion)["own"], children=[{"type": "paragraph", "paragraph": paragraph}]
        )
    team.expect(0, "pull")
    assert team.read("manifests/other/own.md") == "Own body.\nAdded as a block.\n"
    team.plan_is_empty()


def test_a_body_with_a_block_markdown_cannot_show_is_reported_not_written(team: Team) -> None:
    """A bookmark in the page: the body is left as the file says, and pull says why."""
    with team.notion() as notion:
        bookmark = {"type": "bookmark", "bookmark": {"url": "https://example.com"}}
        notion.blocks.children.append(_pages(team, notion)["guide"], children=[bookmark])
    result = team.expect(0, "pull", "--detailed-exitcode")
    assert team.read("manifests/content/guide.md") == GUIDE
    assert "row 'guide', its body was edited in Notion but not pulled" in result.stdout
    assert "Markdown cannot show" in result.stdout


def test_a_dry_run_lists_the_body_files_and_writes_nothing(team: Team) -> None:
    """--dry-run shows the body file's diff and names it, and writes no file."""
    _edit_body(team, "guide", EDITED)
    result = team.expect(2, "pull", "--dry-run", "--detailed-exitcode")
    assert "+++ b/manifests/content/guide.md" in result.stdout
    assert "1 page body from Notion: manifests/content/guide.md" in result.stdout
    assert team.git("status", "--porcelain") == ""


def test_the_pull_request_body_names_body_files_not_their_text(team: Team) -> None:
    """The drift PR body lists the body files written and the rows, never the bodies."""
    _edit_body(team, "guide", "Secret plans for the launch.")
    _edit_body(team, "notes", "More secret plans.")
    team.expect(0, "pull", "--summary", "summary.md")
    summary = team.read("summary.md")
    assert "### 2 page bodies written" in summary
    assert "- manifests/content/guide.md\n" in summary
    assert "- docs, row 'notes': its \\_body\n" in summary
    assert "plans" not in summary


def test_a_row_created_in_notion_gets_its_body_under_body_from(team: Team) -> None:
    """The database prunes: a row created in Notion is added, and its body written to the
    file the template names for it; the plan is empty afterwards."""
    with team.notion() as notion:
        title = [{"type": "text", "text": {"content": "Fresh"}}]
        slug = [{"type": "text", "text": {"content": "fresh"}}]
        notion.pages.create(
            parent={"data_source_id": team.source_id(notion, "Docs")},
            properties={"Name": {"title": title}, "Slug": {"rich_text": slug}},
            markdown="# Fresh\n\nWritten in *Notion*.",
        )
    result = team.expect(0, "pull")
    assert team.read("manifests/content/fresh.md") == "# Fresh\nWritten in _Notion_.\n"
    assert "  - Slug: fresh\n    Name: Fresh\n" in team.read("manifests/docs.yaml")
    assert "1 page body from Notion: manifests/content/fresh.md" in result.stdout
    team.plan_is_empty()


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["", "--force"])
def test_a_body_edited_here_and_in_notion_is_a_conflict(team: Team, force: tuple[str, ...]) -> None:
    """A hand edit of a body is never lost, --force or not: a body edited both here and in
    Notion stops the pull (nothing written), naming the file and the row."""
    team.write("manifests/content/guide.md", "My own draft.\n")
    _edit_body(team, "guide", EDITED)
    result = team.expect(1, "pull", *force)
    assert "manifests/content/guide.md: docs, row 'guide', its body" in result.output
    assert "edited here (uncommitted)" in result.output
    assert team.read("manifests/content/guide.md") == "My own draft.\n"


def test_with_force_a_hand_edited_body_notion_left_alone_is_kept(team: Team) -> None:
    """Notion still holds the committed body: the hand edit is kept (apply will write it), and
    the other rows' Notion edits are pulled."""
    team.write("manifests/content/guide.md", "My own draft.\n")
    _edit_body(team, "own", "Own body, edited in Notion.")
    result = team.expect(0, "pull", "--force")
    assert "your uncommitted body is kept" in result.output
    assert team.read("manifests/content/guide.md") == "My own draft.\n"
    assert team.read("manifests/other/own.md") == "Own body, edited in Notion.\n"


# --- what pull reads -----------------------------------------------------------------------


def _reads(emulator: Emulator, since: int) -> list[str]:
    return [
        str(r["path"])
        for r in emulator.requests()[since:]
        if r["method"] == "GET" and str(r["path"]).endswith("/markdown")
    ]


def test_pull_reads_managed_bodies_only_and_through_the_cache(
    tmp_path: Path, emulator: Emulator
) -> None:
    """Ten rows with body files and one without: pull reads the ten bodies once (the row
    without a file: never), and after one edit in Notion the next pull reads that one."""
    emulator.seed({"users": PEOPLE})
    gateway = gateway_for(emulator, body_cache=tmp_path / ".reconciler" / "cache")
    project = Docs(tmp_path, emulator, gateway)
    manifest = copy.deepcopy(DOCS_DATABASE)
    manifest["rows"] = [{"Slug": f"page-{n}", "Name": f"Page {n}"} for n in range(11)]
    for n in range(10):
        project.body(f"page-{n}", f"Body of page {n}.\n")
    project.write(manifest)
    project.converge_plan()
    emulator.configure({"clock_offset_s": 600})  # past the minute margin of the cache
    start = len(emulator.requests())
    request = PullRequest(("manifests",))
    pulled = pull_manifests(gateway, project.desired(), request, cwd=tmp_path, environ={})
    assert (len(_reads(emulator, start)), pulled.changed) == (10, False)
    unmanaged = project.page("page-10")
    assert not [path for path in _reads(emulator, 0) if unmanaged in path]
    in_process_client(emulator).pages.update_markdown(
        project.page("page-3"), type="replace_content", replace_content={"new_str": "Edited."}
    )
    start = len(emulator.requests())
    pulled = pull_manifests(gateway, project.desired(), request, cwd=tmp_path, environ={})
    assert len(_reads(emulator, start)) == 1
    assert [change.path for change in pulled.outcome.files] == ["manifests/content/page-3.md"]
    gateway.close()
