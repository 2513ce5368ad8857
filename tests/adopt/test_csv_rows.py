"""Rows in a ``rows_from`` CSV file: cells as the reader reads them, the file's own conventions."""

from __future__ import annotations

import pytest

from reconciler.adopt.edit import AddRow, RemoveRow, SetValue
from tests.adopt.conftest import Repository

EVENTS = """\
database: events
title: Events
key: Slug
properties:
  Slug: rich_text
  Name: title
  Tags: multi_select
  When: date
  Open: checkbox
  Slides: files
  Where: place
rows_from: events.csv
"""


@pytest.fixture
def events(repo: Repository) -> Repository:
    repo.write("manifests/events.yaml", EVENTS)
    repo.write(
        "manifests/events.csv",
        'Slug,Name,Tags,When\nmeetup,"Meetup\nin two lines",talks,2026-03-01\nparty,Party,,\n',
    )
    return repo


def test_cells_are_written_the_way_the_reader_reads_them(events: Repository) -> None:
    """Lists joined by '; ' (a ';' in an item escaped), a range as start/end, checkboxes as
    true/false, named files as a JSON list, a place as a JSON object; every value reads back."""
    values = {
        "Tags": ["talks", "a;b"],
        "When": {"start": "2026-03-01", "end": "2026-03-02"},
        "Open": True,
        "Slides": [{"name": "Deck", "url": "https://example.com/deck.pdf"}],
        "Where": {"lat": 52.52, "lon": 13.405, "name": "Berlin"},
    }
    events.apply(*(SetValue("events", "party", name, value) for name, value in values.items()))
    last = events.read("manifests/events.csv").splitlines()[-1]
    assert last == (
        "party,Party,talks; a\\;b,2026-03-01/2026-03-02,true,"
        '"[{""name"": ""Deck"", ""url"": ""https://example.com/deck.pdf""}]",'
        '"{""lat"": 52.52, ""lon"": 13.405, ""name"": ""Berlin""}"'
    )
    read = events.values("events", "party")
    assert (read["Open"], read["Tags"]) == (True, ["a;b", "talks"])


def test_a_property_the_header_lacks_gets_a_column_at_the_end(events: Repository) -> None:
    """Open is declared but has no column: the header and every record gain one, empty but in
    the row set."""
    events.apply(SetValue("events", "meetup", "Open", True))
    assert events.read("manifests/events.csv") == (
        'Slug,Name,Tags,When,Open\nmeetup,"Meetup\nin two lines",talks,2026-03-01,true\n'
        "party,Party,,,\n"
    )


def test_a_record_over_several_lines_is_edited_and_removed_whole(events: Repository) -> None:
    """The quoted line break stays inside its cell; removing the row removes both lines."""
    events.apply(SetValue("events", "meetup", "Tags", ["talks", "food"]))
    assert events.read("manifests/events.csv").splitlines()[1:3] == [
        'meetup,"Meetup',
        'in two lines",talks; food,2026-03-01',
    ]
    events.apply(RemoveRow("events", "meetup"))
    assert events.read("manifests/events.csv") == "Slug,Name,Tags,When\nparty,Party,,\n"


def test_a_file_that_quotes_every_cell_gets_rows_quoted_alike(repo: Repository) -> None:
    """Header and rows all quoted: the new row is too, its empty cells included."""
    repo.write("manifests/events.yaml", EVENTS)
    repo.write("manifests/events.csv", '"Slug","Name","Tags"\r\n"meetup","Meetup","talks"\r\n')
    repo.apply(AddRow("events", {"Slug": "party", "Name": "Party"}))
    assert repo.read("manifests/events.csv").endswith('"party","Party",""\r\n')


def test_a_date_with_a_time_zone_is_not_written_into_a_cell(events: Repository) -> None:
    """CSV has no place for the zone: refused, saying so."""
    when = {"start": "2026-03-01T18:00:00.000+01:00", "time_zone": "Europe/Berlin"}
    outcome = events.edit(SetValue("events", "party", "When", when))
    assert [str(n) for n in outcome.not_applied] == [
        "manifests/events.csv:4: a CSV cell cannot hold a date's time zone"
    ]
