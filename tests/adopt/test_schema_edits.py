"""Schema edits (what ``pull --schema`` writes): options, new properties, renames, new types."""

from __future__ import annotations

import pytest

from reconciler.adopt.edit import (
    AddOption,
    AddRow,
    ChangeType,
    DeclareProperty,
    RenameProperty,
    SetValue,
)
from tests.adopt.conftest import Repository, changed_lines

PEOPLE = """\
database: people
title: People
key: Email
properties:
  Name: title
  Email: email
  Team:
    type: select
    options:                      # a name, or {name, color}
      - {name: Engineering, color: blue}
      - Design
  Level: {type: select, options: [Junior, Senior]}
  Mood: select                    # any option goes
  Desk:
    type: rich_text
    description: Where to find them
    sensitive: true
rows:
  - {Name: Ada Lovelace, Email: ada@example.com, Team: Engineering, Desk: 4.12}
  - Name: Grace Hopper
    Email: grace@example.com
    Team: Design
    Desk: 4.13
rows_from: people.csv
"""

CSV = "Email,Name,Desk\nalan@example.com,Alan Turing,2.01\n"


@pytest.fixture
def people(repo: Repository) -> Repository:
    repo.write("manifests/people.yaml", PEOPLE)
    repo.write("manifests/people.csv", CSV)
    return repo


def test_an_option_joins_a_flow_list_of_options(people: Repository) -> None:
    """Level's options in flow style: the new one goes at the end of the list."""
    outcome = people.edit(AddOption("people", "Level", "Staff"))
    assert changed_lines(outcome) == [
        "-  Level: {type: select, options: [Junior, Senior]}",
        "+  Level: {type: select, options: [Junior, Senior, Staff]}",
    ]


def test_an_option_joins_a_block_list_of_options_in_its_style(people: Repository) -> None:
    """Team's options one per line: the new option is a line of its own, colour included."""
    outcome = people.edit(AddOption("people", "Team", {"name": "Research", "color": "purple"}))
    assert changed_lines(outcome) == ["+      - {name: Research, color: purple}"]


def test_an_option_of_a_property_that_lists_none_is_already_accepted(people: Repository) -> None:
    """Mood declares no options, so every option is accepted: nothing to write."""
    outcome = people.edit(AddOption("people", "Mood", "Happy"))
    assert (outcome.files, outcome.unchanged) == ((), (AddOption("people", "Mood", "Happy"),))


def test_a_declared_property_goes_after_the_last_one(people: Repository) -> None:
    """A select with its options, and a date: each a line at the properties' indentation."""
    outcome = people.edit(
        DeclareProperty("people", "Office", {"type": "select", "options": ["London", "Paris"]}),
        DeclareProperty("people", "Started", "date"),
    )
    assert changed_lines(outcome) == [
        "+  Office: {type: select, options: [London, Paris]}",
        "+  Started: date",
    ]
    assert people.database("people").property_named("Started") is None  # not written yet


def test_declaring_a_property_declared_otherwise_is_refused(people: Repository) -> None:
    """Level is a select already: declaring it a number is a type change, not a declaration."""
    [refused] = people.edit(DeclareProperty("people", "Level", "number")).not_applied
    assert refused.reason == "'Level' is already declared as a select property"


def test_a_rename_renames_the_declaration_every_row_and_the_csv_header(people: Repository) -> None:
    """Desk becomes Location (renamed_from: Desk) in the declaration, both rows and the CSV."""
    outcome = people.apply(RenameProperty("people", "Desk", "Location"))
    assert changed_lines(outcome) == [
        "-Email,Name,Desk",
        "+Email,Name,Location",
        "-  Desk:",
        "+  Location:",
        "+    renamed_from: Desk",
        "-  - {Name: Ada Lovelace, Email: ada@example.com, Team: Engineering, Desk: 4.12}",
        "+  - {Name: Ada Lovelace, Email: ada@example.com, Team: Engineering, Location: 4.12}",
        "-    Desk: 4.13",
        "+    Location: 4.13",
    ]
    location = people.database("people").property_named("Location")
    assert location is not None
    alan = people.values("people", "alan@example.com")
    assert (location.renamed_from, alan["Location"]) == ("Desk", "2.01")


def test_a_rename_of_the_key_renames_key_too(people: Repository) -> None:
    """The key Email becomes Mail: `key:` follows, as `Email: email` becomes a mapping."""
    people.apply(RenameProperty("people", "Email", "Mail"))
    database = people.database("people")
    assert (database.key, database.property_named("Mail").renamed_from) == ("Mail", "Email")  # type: ignore[union-attr]
    assert "  Mail: {type: email, renamed_from: Email}\n" in people.read("manifests/people.yaml")


def test_a_rename_pulled_again_is_a_no_op(people: Repository) -> None:
    """The declaration already says renamed_from: Desk under its new name."""
    people.apply(RenameProperty("people", "Desk", "Location"))
    again = people.edit(RenameProperty("people", "Desk", "Location"))
    assert (again.files, again.unchanged) == ((), (RenameProperty("people", "Desk", "Location"),))


def test_a_type_change_keeps_the_description_and_sensitive(people: Repository) -> None:
    """Desk turns into a select: its description and sensitive: true stay."""
    declaration = {"type": "select", "options": ["4.12", "4.13", "2.01"]}
    people.apply(ChangeType("people", "Desk", declaration))
    desk = people.database("people").property_named("Desk")
    assert desk is not None
    assert (desk.type, desk.description, desk.sensitive) == ("select", "Where to find them", True)
    assert people.values("people", "ada@example.com")["Desk"] == "4.12"


def test_values_under_a_new_name_follow_its_rename_in_the_same_run(people: Repository) -> None:
    """Desk is renamed Location, then rows set Location: the renamed entries and the renamed
    CSV column take the values, no second entry or column appears."""
    outcome = people.apply(
        RenameProperty("people", "Desk", "Location"),
        SetValue("people", "grace@example.com", "Location", "5.01"),
        SetValue("people", "alan@example.com", "Location", "2.02"),
    )
    assert "+    Location: '5.01'" in changed_lines(outcome)
    assert (
        people.read("manifests/people.csv")
        == "Email,Name,Location\nalan@example.com,Alan Turing,2.02\n"
    )
    assert people.values("people", "grace@example.com")["Location"] == "5.01"


def test_a_row_added_with_a_property_declared_in_the_same_run(people: Repository) -> None:
    """Started is declared, then a new row sets it: the row lands in the CSV with a new column."""
    people.apply(
        DeclareProperty("people", "Started", "date"),
        AddRow("people", {"Email": "kj@example.com", "Name": "Katherine", "Started": "2026-01-05"}),
    )
    assert people.values("people", "kj@example.com")["Started"] == {
        "start": "2026-01-05",
        "end": None,
    }
    assert people.read("manifests/people.csv").endswith("kj@example.com,Katherine,,2026-01-05\n")


def test_after_a_type_change_a_value_set_to_none_removes_its_entry(people: Repository) -> None:
    """Desk becomes a number: Ada's `4.12` reads as 4.12 the new way, yet the edit that empties
    it still takes the entry away (the old text is never taken as the value pulled)."""
    people.apply(
        ChangeType("people", "Desk", "number"), SetValue("people", "ada@example.com", "Desk", None)
    )
    assert "Desk" not in people.read("manifests/people.yaml").split("Grace")[0].split("rows:")[1]
    assert people.values("people", "ada@example.com")["Desk"] is None
