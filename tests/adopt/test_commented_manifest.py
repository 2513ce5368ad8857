"""A heavily commented manifest and its CSV rows: changed, removed and added rows, nothing else.

Comments above, beside and between rows, flow and block rows, quoted and plain scalars, an
anchor merged into a row, and rows from a CSV file with quoted cells and CRLF line endings.
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

from reconciler.adopt.edit import AddRow, Edit, RemoveRow, SetValue
from tests.adopt.conftest import Repository, changed_lines, diff_of

CALENDAR = """\
# yaml-language-server: $schema=../schemas/manifest.schema.json
#
# The content calendar. Comments everywhere, on purpose.

database: calendar            # the handle
title: Content calendar
key: Slug
prune: true                   # trashed in Notion: removed here by pull

x-defaults: &draft            # shared by rows below
  Stage: Draft

properties:
  # what people see first
  Title: title
  Slug: rich_text             # the key
  Stage: {type: select, options: [Draft, Review, 'Published']}
  Tags: multi_select
  Due: date

rows:
  # --- January ---
  - {Slug: new-year, Title: "New year, new docs", Stage: Published,   # beside a flow row
     Tags: [docs], Due: 2026-01-05}

  # a block row
  - Slug: roadmap             # beside the key
    Title: 'The 2026 roadmap'
    # between two entries
    Stage: Review
    Tags:
      - product               # a block list
      - planning
    Due: 2026-01-12

  - <<: *draft                # anchored defaults
    Slug: hiring
    Title: We are hiring

  # --- February ---
  - {Slug: retro, Title: Retro of Q4, Stage: Draft}

  # the last inline row
  - Slug: launch
    Title: Launch day
    Stage: Draft
rows_from: data/calendar.csv  # older posts
"""

CSV = (
    "Slug,Title,Stage,Tags,Due\r\n"
    'archive-2025,"Archive, 2025",Published,docs; history,2025-12-30\r\n'
    "old-post,Old post,Published,,2025-11-02\r\n"
    '"quoted-slug","A ""quoted"" title",Published,docs,\r\n'
)

PULLED: tuple[Edit, ...] = (
    SetValue("calendar", "new-year", "Stage", "Review"),
    SetValue("calendar", "roadmap", "Tags", ["product", "planning", "hiring"]),
    SetValue("calendar", "roadmap", "Title", "The 2026 roadmap, revised"),
    SetValue("calendar", "hiring", "Stage", "Review"),
    SetValue("calendar", "archive-2025", "Title", "Archive, 2025 and before"),
    SetValue("calendar", "quoted-slug", "Due", "2026-02-01"),
    RemoveRow("calendar", "retro"),
    RemoveRow("calendar", "old-post"),
    AddRow("calendar", {"Slug": "summer", "Title": "Summer plans", "Stage": "Draft"}),
    AddRow(
        "calendar",
        {"Slug": "bold-move", "Title": ["A ", {"text": "bold", "bold": True}, " move"]},
    ),
)


@pytest.fixture
def calendar(repo: Repository) -> Repository:
    repo.write("manifests/calendar.yaml", CALENDAR)
    repo.write("manifests/data/calendar.csv", CSV)
    return repo


def test_every_comment_is_kept(calendar: Repository) -> None:
    """After changes, removals and additions every comment line is still there byte for byte,
    and every comment beside a value too (the removed row had none)."""
    calendar.apply(*PULLED)
    text = calendar.read("manifests/calendar.yaml")
    lines = CALENDAR.splitlines()
    whole = [line for line in lines if line.lstrip().startswith("#")]
    beside = [line[line.index("#") :] for line in lines if "#" in line and line not in whole]
    assert [line for line in whole if line not in text.splitlines()] == []
    assert [comment for comment in beside if comment not in text] == []


def test_the_diff_holds_only_the_changed_removed_and_added_rows(
    calendar: Repository, snapshot: SnapshotAssertion
) -> None:
    """Six lines go, nine come: the values changed, the two rows removed, the rows added (the
    one with formatted text in the manifest, since CSV cannot hold it)."""
    outcome = calendar.edit(*PULLED)
    assert (len(outcome.applied), outcome.not_applied) == (len(PULLED), ())
    lines = changed_lines(outcome)
    assert (sum(line[0] == "-" for line in lines), sum(line[0] == "+" for line in lines)) == (6, 9)
    assert diff_of(outcome) == snapshot


def test_the_csv_keeps_its_quoting_and_line_endings(calendar: Repository) -> None:
    """Quoted cells stay quoted, the new row ends with CRLF like the others."""
    calendar.apply(*PULLED)
    assert calendar.read("manifests/data/calendar.csv") == (
        "Slug,Title,Stage,Tags,Due\r\n"
        'archive-2025,"Archive, 2025 and before",Published,docs; history,2025-12-30\r\n'
        '"quoted-slug","A ""quoted"" title",Published,docs,2026-02-01\r\n'
        "summer,Summer plans,Draft,,\r\n"
    )


def test_the_edited_manifests_read_as_the_pulled_rows(calendar: Repository) -> None:
    """The rows removed are gone, the rows added are there, in the manifest reader's eyes."""
    calendar.apply(*PULLED)
    keys = [row.key for row in calendar.database("calendar").rows]
    assert keys == [
        "new-year", "roadmap", "hiring", "launch", "bold-move",
        "archive-2025", "quoted-slug", "summer",
    ]  # fmt: skip
    assert calendar.values("calendar", "hiring")["Stage"] == "Review"


def test_pulling_the_same_edits_again_changes_nothing(calendar: Repository) -> None:
    """A second run: no file changes, every edit is already so."""
    calendar.apply(*PULLED)
    again = calendar.edit(*PULLED)
    assert (again.files, again.applied, again.not_applied) == ((), (), ())
    assert len(again.unchanged) == len(PULLED)
