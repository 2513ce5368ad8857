"""One changed value of every writable property type: the smallest diff, read back as intended.

The manifest writes each type the way people write it (flow and block values, quoted and plain
scalars, formatted runs, ranges); each case changes one value of one row, as ``pull`` would with
what Notion holds, and pins the unified diff as a snapshot.
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

from reconciler.adopt.edit import SetValue
from reconciler.properties import codec_for
from tests.adopt.conftest import Repository, changed_lines, diff_of

PEOPLE = """\
database: people
title: People
key: Email
properties:
  Name: title
  Email: email
rows:
  - {Name: Ada Lovelace, Email: ada@example.com}
  - {Name: Grace Hopper, Email: grace@example.com}
"""

LAUNCHES = """\
# Launches: one row per product launch.
database: launches
title: Launches
key: Code
properties:
  Code: rich_text
  Name: title
  Notes: rich_text
  Budget: {type: number, format: dollar}
  Stage: {type: select, options: [Idea, Building, Shipped]}
  Tags: {type: multi_select, options: [web, mobile, api]}
  Progress: {type: status, options: [Not started, In progress, Done]}
  Window: date
  Kickoff: date
  Owners: people
  Lead: {type: relation, database: people}
  Assets: files
  Approved: checkbox
  Site: url
  Contact: email
  Phone: phone_number
  Venue: place
  Review: verification
rows:
  - Code: web-2026
    Name: Website relaunch        # the public name
    Notes:
      - "Ship the "
      - {text: new design, bold: true}
      - " with the "
      - {text: style guide, link: "https://example.com/style"}
    Budget: 25000
    Stage: Building
    Tags: [web, api]
    Progress: In progress
    Window: {start: 2026-09-01, end: 2026-12-15}
    Kickoff: 2026-09-01T09:00
    Owners: [ada@example.com]
    Lead: [ada@example.com]
    Assets: [https://example.com/brief.pdf]
    Approved: false
    Site: https://example.com/launch
    Contact: launch@example.com
    Phone: "+44 20 7946 0001"
    Venue: {lat: 51.5194, lon: -0.127, name: Bloomsbury office}
    Review: unverified
  - {Code: app-2027, Name: Mobile app, Stage: Idea, Tags: [mobile]}
"""

CHANGES: dict[str, object] = {
    "Name": "Website relaunch 2026",
    "Notes": [
        "Ship the ",
        {"text": "new design", "bold": True, "italic": True},
        " with the ",
        {"text": "style guide", "link": "https://example.com/style"},
    ],
    "Budget": 27500.5,
    "Stage": "Shipped",
    "Tags": ["web", "mobile", "api"],
    "Progress": "Done",
    "Window": {"start": "2026-09-01", "end": "2026-12-20"},
    "Kickoff": {"start": "2026-09-01T10:00:00.000+02:00", "time_zone": "Europe/Paris"},
    "Owners": ["ada@example.com", "grace@example.com"],
    "Lead": ["grace@example.com"],
    "Assets": [
        "https://example.com/brief.pdf",
        {"name": "Wireframes", "url": "https://example.com/wireframes.png"},
    ],
    "Approved": True,
    "Site": "https://example.com/launch-2026",
    "Contact": "launches@example.com",
    "Phone": "+44 20 7946 0002",
    "Venue": {"lat": 51.5194, "lon": -0.127, "name": "Gower Street office"},
    "Review": {"state": "verified", "date": "2026-12-31"},
}


@pytest.fixture
def launches(repo: Repository) -> Repository:
    repo.write("manifests/people.yaml", PEOPLE)
    repo.write("manifests/launches.yaml", LAUNCHES)
    return repo


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_changed_value_is_the_smallest_diff(
    launches: Repository, name: str, snapshot: SnapshotAssertion
) -> None:
    """The diff of one value: its line alone (one run, one item, one entry where it can)."""
    outcome = launches.edit(SetValue("launches", "web-2026", name, CHANGES[name]))
    assert outcome.not_applied == ()
    assert len(changed_lines(outcome)) == 2
    assert diff_of(outcome) == snapshot


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_changed_value_reads_back_as_written_and_a_second_edit_is_a_no_op(
    launches: Repository, name: str
) -> None:
    """After the edit the manifest loads to the value's canonical form; the same edit again
    changes nothing."""
    edit = SetValue("launches", "web-2026", name, CHANGES[name])
    launches.apply(edit)
    spec = launches.database("launches").property_named(name)
    assert spec is not None
    expected = codec_for(spec.type).from_manifest(CHANGES[name], spec.config)
    assert launches.values("launches", "web-2026")[name] == expected
    again = launches.edit(edit)
    assert (again.files, again.unchanged) == ((), (edit,))


def test_a_value_the_row_did_not_set_is_added_after_its_last_entry(launches: Repository) -> None:
    """The flow row gains `Approved: true` before its closing brace; nothing else changes."""
    outcome = launches.edit(SetValue("launches", "app-2027", "Approved", True))
    assert changed_lines(outcome) == [
        "-  - {Code: app-2027, Name: Mobile app, Stage: Idea, Tags: [mobile]}",
        "+  - {Code: app-2027, Name: Mobile app, Stage: Idea, Tags: [mobile], Approved: true}",
    ]


def test_a_value_set_to_none_removes_its_entry(launches: Repository) -> None:
    """Removing Venue from the block row takes its line away, and only that line."""
    outcome = launches.edit(SetValue("launches", "web-2026", "Venue", None))
    assert changed_lines(outcome) == [
        "-    Venue: {lat: 51.5194, lon: -0.127, name: Bloomsbury office}"
    ]
