"""Rows in JSON and YAML ``rows_from`` files, and manifests holding several databases."""

from __future__ import annotations

import json

import pytest

from reconciler.adopt.edit import AddRow, RemoveRow, SetValue
from tests.adopt.conftest import Repository, changed_lines

MANIFESTS = """\
# two databases in one file
database: teams
title: Teams
properties:
  Name: title
  Size: number
rows:
  - {Name: Platform, Size: 4}
---
# the second document
database: services
title: Services
key: Slug
properties:
  Slug: rich_text
  Name: title
  Team: {type: relation, database: teams}
  Tags: multi_select
rows_from: [services.json, more.yaml]
"""

SERVICES = [
    {"Slug": "gateway", "Name": "API gateway", "Team": ["Platform"], "Tags": ["edge", "http"]},
    {"Slug": "billing", "Name": "Billing"},
]

MORE = """\
# services kept by hand
- Slug: search      # full-text
  Name: Search
  Tags: [index]
- {Slug: mail, Name: "Mail: outbound"}
"""


@pytest.fixture
def services(repo: Repository) -> Repository:
    repo.write("manifests/all.yaml", MANIFESTS)
    repo.write("manifests/services.json", json.dumps(SERVICES, indent=2) + "\n")
    repo.write("manifests/more.yaml", MORE)
    return repo


def test_a_json_file_keeps_its_layout_one_entry_per_line(services: Repository) -> None:
    """A new tag is a line of its own after a comma; a changed name keeps JSON's escapes."""
    outcome = services.edit(
        SetValue("services", "gateway", "Tags", ["edge", "http", "grpc"]),
        SetValue("services", "gateway", "Name", 'API gateway "v2"'),
    )
    assert changed_lines(outcome) == [
        '-    "Name": "API gateway",',
        '+    "Name": "API gateway \\"v2\\"",',
        '-      "http"',
        '+      "http",',
        '+      "grpc"',
    ]


def test_a_row_added_to_a_json_file_is_written_like_the_others(services: Repository) -> None:
    """The new object follows the last one, indented as json.dumps(indent=2) writes it."""
    services.write(
        "manifests/all.yaml",
        MANIFESTS.replace("[services.json, more.yaml]", "[more.yaml, services.json]"),
    )
    services.apply(AddRow("services", {"Slug": "queue", "Name": "Queue", "Team": ["Platform"]}))
    written = json.loads(services.read("manifests/services.json"))
    assert written == [*SERVICES, {"Slug": "queue", "Name": "Queue", "Team": ["Platform"]}]
    assert services.read("manifests/services.json").endswith(
        '  {\n    "Slug": "queue",\n    "Name": "Queue",\n    "Team": [\n      "Platform"\n'
        "    ]\n  }\n]\n"
    )


def test_the_last_row_removed_from_a_json_file_takes_its_comma(services: Repository) -> None:
    """billing goes: the comma after gateway's object goes with it; the file is still JSON."""
    services.apply(RemoveRow("services", "billing"))
    assert json.loads(services.read("manifests/services.json")) == SERVICES[:1]


def test_a_yaml_data_file_is_edited_like_a_manifest(services: Repository) -> None:
    """Quoting where the text needs it, a flow row gains an entry, its comments stay."""
    outcome = services.edit(
        SetValue("services", "search", "Name", "Search: full text"),
        SetValue("services", "mail", "Tags", ["smtp"]),
    )
    assert changed_lines(outcome) == [
        "-  Name: Search",
        "+  Name: 'Search: full text'",
        '-- {Slug: mail, Name: "Mail: outbound"}',
        '+- {Slug: mail, Name: "Mail: outbound", Tags: [smtp]}',
    ]


def test_new_rows_go_where_the_database_keeps_its_last_rows(services: Repository) -> None:
    """Teams' rows are in the manifest's first document, the services' last ones in
    more.yaml: each new row follows its database's last row."""
    outcome = services.edit(
        AddRow("teams", {"Name": "Data", "Size": 2}),
        AddRow("services", {"Slug": "queue", "Name": "Queue", "Team": ["Data"]}),
    )
    assert [change.path for change in outcome.files] == [
        "manifests/all.yaml",
        "manifests/more.yaml",
    ]
    assert changed_lines(outcome) == [
        "+  - {Name: Data, Size: 2}",
        "+- {Slug: queue, Name: Queue, Team: [Data]}",
    ]


def test_a_value_set_and_its_row_removed_leave_the_row_removed(services: Repository) -> None:
    """An edit of a row that another edit removes is refused; the removal is made."""
    outcome = services.edit(
        RemoveRow("services", "billing"),
        SetValue("services", "billing", "Name", "Billing v2"),
    )
    assert outcome.applied == (RemoveRow("services", "billing"),)
    assert [str(n) for n in outcome.not_applied] == [
        "manifests/services.json:13: another edit removes this row"
    ]


def test_the_last_inline_row_removed_leaves_an_empty_list(repo: Repository) -> None:
    """A manifest whose only row goes keeps `rows: []` (null would not be a list of rows)."""
    repo.write("manifests/teams.yaml", MANIFESTS.split("---\n", maxsplit=1)[0])
    outcome = repo.apply(RemoveRow("teams", "Platform"))
    assert changed_lines(outcome) == ["-rows:", "-  - {Name: Platform, Size: 4}", "+rows: []"]


def test_rows_added_to_a_manifest_without_rows_start_a_block_list(repo: Repository) -> None:
    """No `rows:` yet: it is added after the last entry, one `- {...}` line per row."""
    repo.write("manifests/teams.yaml", "database: teams\ntitle: Teams\nproperties: {Name: title}\n")
    outcome = repo.apply(AddRow("teams", {"Name": "Data"}), AddRow("teams", {"Name": "Web"}))
    assert changed_lines(outcome) == ["+rows:", "+  - {Name: Data}", "+  - {Name: Web}"]


def test_rows_added_to_an_empty_list_replace_it_with_a_block_list(repo: Repository) -> None:
    """`rows: []` becomes a block list of the new rows."""
    repo.write(
        "manifests/teams.yaml",
        "database: teams\ntitle: Teams\nproperties: {Name: title}\nrows: []\n",
    )
    repo.apply(AddRow("teams", {"Name": "Data"}))
    assert repo.read("manifests/teams.yaml").endswith("rows:\n  - {Name: Data}\n")
