"""Values Notion stores its own way: people, long and formatted text, mentions, dates and zones.

Each scenario applies values, checks Notion holds them, and that planning again shows nothing
(no diff that is not real), or exactly the change a colleague made by hand.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.scenarios.conftest import ROOT_PAGE_ID, Team, plain

ADA = "0000000a-0000-4000-8000-00000000000a"


def notes(**row: Any) -> dict[str, Any]:
    """A meeting-notes database with one row holding these values."""
    return {
        "database": "notes",
        "parent": ROOT_PAGE_ID,
        "title": "Meeting notes",
        "key": "Meeting",
        "properties": {
            "Meeting": "title",
            "Attendees": "people",
            "Summary": "rich_text",
            "When": "date",
        },
        "rows": [{"Meeting": "Kick-off", **row}],
    }


def value(team: Team, name: str) -> Any:
    """The raw Notion value of ``name`` on the kick-off page."""
    page = team.page("Meeting notes", "Meeting", "Kick-off")
    prop = page["properties"][name]
    return prop[prop["type"]]


# --- people ------------------------------------------------------------------------------------


def test_an_unknown_email_is_a_clear_error(team: Team) -> None:
    """A typo in an e-mail: exit 1 naming the file, row, property and address; nothing written."""
    team.write(notes(Attendees=["ada@example.com", "grace@exmaple.com"]))
    since = team.mark()
    result = team.expect(1, "plan")
    assert "manifests/notes.yaml:" in result.stderr
    assert "property 'Attendees': no user of the workspace has the e-mail" in result.stderr
    assert "'grace@exmaple.com'" in result.stderr
    assert "Traceback" not in result.output
    team.wrote_nothing(since)


def test_emails_in_another_case_are_no_change(team: Team) -> None:
    """Ada@Example.COM in the manifest is ada@example.com in Notion: applied once, then empty."""
    team.write(notes(Attendees=["Ada@Example.COM", "GRACE@example.com"]))
    team.apply()
    assert len(value(team, "Attendees")) == 2
    team.converged()


def test_more_than_25_people_converge(team: Team) -> None:
    """30 attendees, then 26: each exact in Notion (past the page's 25-item cap), then empty."""
    staff = [
        {
            "object": "user",
            "id": f"0000{n:04x}-0000-4000-8000-{n:012x}",
            "name": f"Engineer {n}",
            "avatar_url": None,
            "type": "person",
            "person": {"email": f"engineer{n}@example.com"},
        }
        for n in range(100, 130)
    ]
    team.emulator.seed({"users": staff})
    emails = [f"engineer{n}@example.com" for n in range(100, 130)]
    team.write(notes(Attendees=emails))
    team.apply()
    team.converged()
    team.write(notes(Attendees=emails[:26]))
    [change] = team.changes()
    assert change == "notes/update_row/Kick-off"
    team.apply()
    team.converged()


# --- text --------------------------------------------------------------------------------------


def test_long_text_with_an_emoji_at_the_split_converges(team: Team) -> None:
    """4,500 characters with an emoji across each 2,000-unit boundary: one create, then empty."""
    text = "a" * 1999 + "🚀" + "b" * 1998 + "🎉" + "c" * 500
    team.write(notes(Summary=text))
    team.apply()
    assert text == plain(value(team, "Summary"))
    team.converged()


def test_formatted_runs_and_trailing_spaces_converge(team: Team) -> None:
    """Bold, italic, code, colour and link runs, and a trailing space: applied once, then empty."""
    runs = [
        {"text": "Decision: ", "bold": True},
        {"text": "ship ", "italic": True, "color": "green"},
        {"text": "v2.1", "code": True},
        " after the ",
        {"text": "design review", "link": "https://example.com/review"},
        "  ",
    ]
    team.write(notes(Summary=runs))
    team.apply()
    shown = "Decision: ship v2.1 after the design review  "
    assert shown == plain(value(team, "Summary"))
    team.converged()


def test_a_mention_added_by_hand_is_a_real_change_and_apply_restores_the_text(
    team: Team,
) -> None:
    """A colleague appends @Ada to the summary: the plan shows it; applying puts back the text."""
    team.write(notes(Summary="Agreed on the roadmap."))
    team.apply()
    page = team.page("Meeting notes", "Meeting", "Kick-off")["id"]
    team.human.pages.update(
        page,
        properties={
            "Summary": {
                "rich_text": [
                    {"type": "text", "text": {"content": "Agreed on the roadmap. "}},
                    {"type": "mention", "mention": {"type": "user", "user": {"id": ADA}}},
                ]
            }
        },
    )
    [(path, old, new)] = team.diffs()["notes/update_row/Kick-off"]
    assert (path, new) == ("Summary", "Agreed on the roadmap.")
    assert isinstance(old, list)
    assert any("mention" in run for run in old)
    team.apply()
    assert [item["type"] for item in value(team, "Summary")] == ["text"]
    team.converged()


def test_a_line_break_and_unicode_text_converge(team: Team) -> None:
    """Several lines, accents, CJK and a flag emoji (two code points) stay exactly as written."""
    text = "Première ligne\nsecond line — 第二行\n🇬🇧 done"
    team.write(notes(Summary=text))
    team.apply()
    assert text == plain(value(team, "Summary"))
    team.converged()


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "start"),
    [
        ("2026-12-01", "2026-12-01"),
        ("2026-12-01T09:30:00+05:30", "2026-12-01T04:00:00.000+00:00"),
        ("2026-12-01T09:30:45Z", "2026-12-01T09:30:00.000+00:00"),
        ({"start": "2026-07-01T09:00", "time_zone": "America/New_York"}, None),
        # Europe/London: 01:30 does not exist on 29 March 2026 and happens twice on 25 October.
        ({"start": "2026-03-29T01:30", "time_zone": "Europe/London"}, None),
        ({"start": "2026-10-25T01:30", "time_zone": "Europe/London"}, None),
        ({"start": "2026-12-01", "end": "2026-12-03"}, "2026-12-01"),
        (
            {"start": "2026-12-01T09:00", "end": "2026-12-01T17:30", "time_zone": "Asia/Tokyo"},
            None,
        ),
    ],
    ids=[
        "date",
        "offset",
        "seconds",
        "zone",
        "dst-gap",
        "dst-overlap",
        "date-range",
        "datetime-range-zone",
    ],
)
def test_a_date_converges(team: Team, written: Any, start: str | None) -> None:
    """The date is applied once and plans empty afterwards (no false diff from precision,
    offsets or zones)."""
    team.write(notes(When=written))
    team.apply()
    if start is not None:
        assert start == _utc(value(team, "When")["start"])
    team.converged()


def _utc(text: str) -> str:
    """A Notion datetime at UTC (date-only text unchanged)."""
    import datetime as dt

    if len(text) == 10:
        return text
    moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    return moment.isoformat(timespec="milliseconds")


def test_the_same_instant_entered_by_hand_in_another_zone_is_no_change(team: Team) -> None:
    """09:00 UTC in the manifest; a colleague re-enters 10:00 Berlin time: no change."""
    team.write(notes(When="2026-12-01T09:00:00Z"))
    team.apply()
    page = team.page("Meeting notes", "Meeting", "Kick-off")["id"]
    team.human.pages.update(
        page,
        properties={
            "When": {"date": {"start": "2026-12-01T10:00:00", "time_zone": "Europe/Berlin"}}
        },
    )
    team.converged()


def test_an_end_removed_from_a_range_clears_it(team: Team) -> None:
    """A range becomes a single day: one update; Notion holds no end any more."""
    team.write(notes(When={"start": "2026-12-01", "end": "2026-12-03"}))
    team.apply()
    team.write(notes(When="2026-12-01"))
    planned = {"notes/update_row/Kick-off": ("When", "2026-12-01")}
    diffs = team.diffs()
    assert planned == {change: (path, new["start"]) for change, [(path, _, new)] in diffs.items()}
    team.apply()
    assert value(team, "When")["end"] is None
    team.converged()


def test_values_left_out_of_a_row_are_cleared_with_approval(team: Team) -> None:
    """Attendees and summary dropped from the row: a lossy update, held; approved, both empty."""
    full = notes(Attendees=["ada@example.com"], Summary="Agreed.", When="2026-12-01")
    team.write(full)
    team.apply()
    emptied = copy.deepcopy(full)
    del emptied["rows"][0]["Attendees"]
    del emptied["rows"][0]["Summary"]
    team.write(emptied)
    since = team.mark()
    team.expect(3, "apply", "--yes")
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    assert (value(team, "Attendees"), value(team, "Summary")) == ([], [])
    team.converged()
