"""``reconciler pull`` of a heavily commented manifest and its CSV rows, edited in the Notion app.

The manifest of the editing engine's tests (``test_commented_manifest``): comments above, beside
and between rows, flow and block rows, quoted and plain scalars, an anchor merged into a row,
and rows from a CSV file with quoted cells and CRLF line endings. In Notion a person changes
values of five rows, trashes two and creates two (``prune: true``: pull adds them); the pull
keeps every comment and changes only those rows' lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.adopt.test_commented_manifest import CALENDAR, CSV
from tests.adopt.workspace import PERSON, Team


def _title(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"title": [{"type": "text", **run} for run in runs]}


def _text(content: str) -> dict[str, Any]:
    return {"text": {"content": content}}


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team.applied(
        tmp_path_factory.mktemp("calendar"),
        {"manifests/calendar.yaml": CALENDAR, "manifests/data/calendar.csv": CSV},
    )


@pytest.fixture
def calendar(applied: Team, tmp_path: Path) -> Team:
    """The calendar as the team left it, then edited in Notion by a person."""
    team = applied.copy(tmp_path)
    with team.notion() as notion:
        rows = team.rows(notion, "Content calendar", "Slug")
        stage = {"Stage": {"select": {"name": "Review"}}}
        notion.pages.update(rows["new-year"]["id"], properties=stage)
        notion.pages.update(rows["hiring"]["id"], properties=stage)
        notion.pages.update(
            rows["roadmap"]["id"],
            properties={
                "Title": _title(_text("The 2026 roadmap, revised")),
                "Tags": {"multi_select": [{"name": n} for n in ("product", "planning", "hiring")]},
            },
        )
        notion.pages.update(
            rows["archive-2025"]["id"],
            properties={"Title": _title(_text("Archive, 2025 and before"))},
        )
        notion.pages.update(
            rows["quoted-slug"]["id"], properties={"Due": {"date": {"start": "2026-02-01"}}}
        )
        notion.pages.update(rows["retro"]["id"], in_trash=True)
        notion.pages.update(rows["old-post"]["id"], in_trash=True)
        source = {"data_source_id": team.source_id(notion, "Content calendar")}
        bold = {**_text("bold"), "annotations": {"bold": True}}
        for slug, title in (
            ("summer", _title(_text("Summer plans"))),
            ("bold-move", _title(_text("A "), bold, _text(" move"))),
        ):
            notion.pages.create(
                parent=source,
                properties={"Slug": {"rich_text": [_text(slug)]}, "Title": title}
                | ({"Stage": {"select": {"name": "Draft"}}} if slug == "summer" else {}),
            )
    return team


def test_every_comment_line_is_kept(calendar: Team) -> None:
    """Every comment line, and every comment beside a value, is still there byte for byte."""
    calendar.expect(0, "pull")
    text = calendar.read("manifests/calendar.yaml")
    lines = CALENDAR.splitlines()
    whole = [line for line in lines if line.lstrip().startswith("#")]
    beside = [line[line.index("#") :] for line in lines if "#" in line and line not in whole]
    assert [line for line in whole if line not in text.splitlines()] == []
    assert [comment for comment in beside if comment not in text] == []


def test_the_diff_holds_only_the_rows_changed_trashed_and_created(
    calendar: Team, snapshot: SnapshotAssertion
) -> None:
    """Only the lines of the changed values, the trashed rows and the created rows (the one with
    formatted text in the manifest, since CSV cannot hold it) change; the CSV keeps CRLF."""
    calendar.expect(0, "pull")
    assert calendar.diff() == snapshot
    assert calendar.read("manifests/data/calendar.csv") == (
        "Slug,Title,Stage,Tags,Due\r\n"
        'archive-2025,"Archive, 2025 and before",Published,docs; history,2025-12-30\r\n'
        '"quoted-slug","A ""quoted"" title",Published,docs,2026-02-01\r\n'
        "summer,Summer plans,Draft,,\r\n"
    )


def test_after_the_pull_the_plan_is_empty_and_a_second_pull_changes_nothing(
    calendar: Team,
) -> None:
    """What was pulled plans to nothing; pulling again writes nothing."""
    calendar.expect(0, "pull")
    calendar.plan_is_empty()
    calendar.commit()
    calendar.expect(0, "pull", "--detailed-exitcode")
    assert calendar.diff() == ""


def test_the_report_says_per_row_what_notion_changed_and_who(calendar: Team) -> None:
    """One line per row: changed (which properties), trashed, created; the person's edits.
    (The two rows created in the same minute come in page-id order: compared as a set.)"""
    pulled = calendar.expect(0, "pull")
    rows = [line for line in pulled.stdout.splitlines() if line.startswith("calendar, row")]
    assert sorted(line.split(";")[0] for line in rows) == sorted(
        [
            "calendar, row 'new-year': changed in Notion (Stage)",
            "calendar, row 'roadmap': changed in Notion (Title, Tags)",
            "calendar, row 'hiring': changed in Notion (Stage)",
            "calendar, row 'retro': moved to the trash in Notion: removed here",
            "calendar, row 'archive-2025': changed in Notion (Title)",
            "calendar, row 'old-post': moved to the trash in Notion: removed here",
            "calendar, row 'quoted-slug': changed in Notion (Due)",
            "calendar, row 'summer': created in Notion: added here (Title, Stage)",
            "calendar, row 'bold-move': created in Notion: added here (Title)",
        ]
    )
    assert all(f"last edited in Notion by {PERSON} on " in line for line in rows)
