"""``reconciler pull --summary FILE``: the Markdown body of a drift pull request, per row who
edited it in Notion and when; safe to show (text from Notion escaped) and within GitHub's size.

The CLI runs in-process through click's CliRunner (``tests.adopt.workspace.Team``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.adopt import EditOutcome, Pulled, markdown_summary
from reconciler.adopt.pull import MARKER, Origin, RowChange, RowDrift
from reconciler.render import MAX_COMMENT
from tests.adopt.test_pull_checkout import TASKS
from tests.adopt.workspace import PERSON, Team


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team.applied(tmp_path_factory.mktemp("summary"), {"manifests/tasks.yaml": TASKS})


@pytest.fixture
def team(applied: Team, tmp_path: Path) -> Team:
    return applied.copy(tmp_path)


def _edit(team: Team) -> str:
    """The pages task's estimate set to 8 in Notion; its last_edited_time as Notion says it."""
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")["pages"]
        edited = notion.pages.update(page["id"], properties={"Estimate": {"number": 8}})
    return str(edited["last_edited_time"])


def test_the_summary_is_the_pull_request_body(team: Team, tmp_path: Path) -> None:
    """--summary FILE: a Markdown body with one table row per row pulled, naming who edited it
    in Notion and when (to the minute, in UTC); nothing of it goes into the checkout."""
    edited = _edit(team)
    body = tmp_path / "body.md"
    team.expect(0, "pull", "--summary", str(body))
    text = body.read_text(encoding="utf-8")
    when = f"{edited[:10]} {edited[11:16]} UTC"
    assert text.startswith(f"{MARKER}\n## Notion edits to accept into the manifests\n")
    assert "`reconciler pull` found 1 row edited in Notion and wrote it into 1 file." in text
    assert f" | changed in Notion | Estimate | {PERSON} | {when} |\n" in text
    assert team.git("status", "--porcelain") == " M manifests/tasks.yaml\n"


def test_the_summary_says_when_there_is_nothing_to_pull(team: Team, tmp_path: Path) -> None:
    """Nothing edited in Notion: the body says so (the workflow then has no diff to propose)."""
    body = tmp_path / "body.md"
    team.expect(0, "pull", "--summary", str(body))
    assert "No Notion edits to pull: the manifests say what Notion holds." in body.read_text(
        encoding="utf-8"
    )


def test_text_from_notion_in_the_summary_is_inert(team: Team, tmp_path: Path) -> None:
    """A row created in Notion whose key holds Markdown, HTML and a mention: shown as text."""
    with team.notion() as notion:
        notion.pages.create(
            parent={"data_source_id": team.source_id(notion, "Tasks")},
            properties={
                "Slug": {"rich_text": [{"text": {"content": "x|<img src=y>@ada](z)"}}]},
                "Name": {"title": [{"text": {"content": "Sneaky"}}]},
            },
        )
    body = tmp_path / "body.md"
    team.expect(0, "pull", "--summary", str(body))
    text = body.read_text(encoding="utf-8")
    assert "<img" not in text
    assert "x\\|&lt;img src=y&gt;@\u200bada\\](z)" in text


def _row(n: int) -> RowDrift:
    origin = Origin("tasks", f"task-{n:05d}", RowChange.CHANGED, "ada@example.com", "", "")
    return RowDrift(origin, ("Estimate", "Due"))


def test_a_long_summary_stays_within_githubs_size_and_says_how_many_rows_it_left_out() -> None:
    """Thousands of rows: the body stays under GitHub's limit and names how many are not
    listed."""
    pulled = Pulled(EditOutcome((), (), (), ()), tuple(_row(n) for n in range(5000)), (), ())
    body = markdown_summary(pulled)
    assert len(body.encode("utf-8")) <= MAX_COMMENT
    assert "… and 4700 more rows." in body


@pytest.mark.parametrize(
    ("url", "links", "cell"),
    [
        (
            "https://www.notion.so/Brief-1c29f0e2",
            True,
            "[brief](https://www.notion.so/Brief-1c29f0e2)",
        ),
        ("https://www.notion.so/Brief-1c29f0e2", False, "brief"),
        ("https://evil.example/x)[y](z", True, "brief"),
    ],
    ids=["notion-url", "local-workspace", "url-that-would-break-the-link"],
)
def test_a_row_links_to_its_notion_page_only_when_the_url_is_plain(
    url: str, links: bool, cell: str
) -> None:
    """The row's key links to its page; in a --local workspace, or when the URL holds anything
    that could end the link, the key is shown alone."""
    origin = Origin("tasks", "brief", RowChange.CHANGED, "", "", url)
    pulled = Pulled(EditOutcome((), (), (), ()), (RowDrift(origin, ("Estimate",)),), (), ())
    assert f"| tasks | {cell} | changed in Notion |" in markdown_summary(pulled, links=links)
