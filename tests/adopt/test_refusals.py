"""Edits the engine refuses, each reported with where and why, while the others still apply."""

from __future__ import annotations

import pytest

from reconciler.adopt.edit import AddRow, RemoveRow, SetValue
from tests.adopt.conftest import Repository, changed_lines

TASKS = """\
database: tasks
id: ${TASKS_DATABASE_ID:-}
title: Tasks
key: Slug
prune: true
x-defaults: &todo {Status: Todo}
properties:
  Slug: rich_text
  Name: title
  Status: {type: select, options: [Todo, Done]}
  Tags: multi_select
  Site: url
  Blocked by: {type: relation, database: tasks}
rows:
  - {Slug: docs, Name: Write the docs, Site: "${DOCS_SITE}", Tags: &shared [web, docs]}
  - {Slug: blog, Name: Write the blog, Tags: *shared}
  - <<: *todo
    Slug: ship
    Name: Ship it
rows_from: tasks.csv
"""

CSV = "Slug,Name,Status\nimport,Import the data,Todo\n"
ENVIRONMENT = {"DOCS_SITE": "https://docs.example.com"}


@pytest.fixture
def tasks(repo: Repository) -> Repository:
    repo.write("reconciler.yaml", 'manifests: manifests\nenv: ["*_ID", DOCS_SITE]\n')
    repo.write("manifests/tasks.yaml", TASKS)
    repo.write("manifests/tasks.csv", CSV)
    return repo


def _refusal(repo: Repository, edit: SetValue | AddRow | RemoveRow) -> str:
    """The one refusal of ``edit``, as shown (where: why); no file changes."""
    outcome = repo.edit(edit, environ=ENVIRONMENT)
    assert (outcome.files, outcome.applied) == ((), ())
    [refused] = outcome.not_applied
    assert refused.edit == edit
    return str(refused)


def test_a_value_from_an_environment_variable_is_never_overwritten(tasks: Repository) -> None:
    """Site is ${DOCS_SITE}: the edit is refused at the row's line, the reference stays."""
    reason = _refusal(tasks, SetValue("tasks", "docs", "Site", "https://example.com/docs"))
    assert reason == (
        "manifests/tasks.yaml:15: the value of 'Site' comes from an environment variable"
        " (${DOCS_SITE}): it is kept as written, never replaced by its value"
    )


def test_a_variable_elsewhere_in_the_file_does_not_stop_other_edits(tasks: Repository) -> None:
    """The database id and the docs row's Site are ${...}: the docs row's Name still changes."""
    outcome = tasks.edit(SetValue("tasks", "docs", "Name", "Write the manual"), environ=ENVIRONMENT)
    assert outcome.not_applied == ()
    assert changed_lines(outcome)[1] == (
        '+  - {Slug: docs, Name: Write the manual, Site: "${DOCS_SITE}", Tags: &shared [web, docs]}'
    )


def test_a_value_anchored_and_used_elsewhere_is_not_changed(tasks: Repository) -> None:
    """docs' Tags are &shared, which blog uses: changing them would change blog's too."""
    reason = _refusal(tasks, SetValue("tasks", "docs", "Tags", ["web"]))
    assert "the value of 'Tags' is anchored as &shared and other places use it" in reason


def test_a_value_that_is_an_alias_is_not_changed(tasks: Repository) -> None:
    """blog's Tags are *shared: refused, the anchor and its other uses stay as they are."""
    reason = _refusal(tasks, SetValue("tasks", "blog", "Tags", ["blog"]))
    assert "the value of 'Tags' is the alias *shared, shared with other places" in reason


def test_a_value_a_row_merges_from_shared_defaults_is_not_removed(tasks: Repository) -> None:
    """ship's Status comes from <<: *todo; removing it would need the shared defaults changed."""
    reason = _refusal(tasks, SetValue("tasks", "ship", "Status", None))
    assert reason.endswith("'Status' comes from a merged mapping (<<) shared by other rows")


def test_a_value_over_merged_defaults_is_written_in_the_row(tasks: Repository) -> None:
    """Setting ship's Status adds it to the row (the defaults stay for the others)."""
    outcome = tasks.edit(SetValue("tasks", "ship", "Status", "Done"), environ=ENVIRONMENT)
    assert changed_lines(outcome) == ["+    Status: Done"]


def test_a_value_its_property_cannot_take_is_refused(tasks: Repository) -> None:
    """Status 'Blocked' is no declared option: refused with the codec's own words."""
    reason = _refusal(tasks, SetValue("tasks", "blog", "Status", "Blocked"))
    assert reason.endswith(
        "the value of 'Status' cannot be written: 'Blocked' is not an option of this property"
    )


def test_a_value_that_would_not_read_back_is_not_applied_and_the_others_are(
    tasks: Repository,
) -> None:
    """Blocked by a row no manifest has: the reloaded manifests say so, the edit is refused
    with the reader's words; the other edit of the batch is written."""
    outcome = tasks.edit(
        SetValue("tasks", "blog", "Blocked by", ["nope"]),
        SetValue("tasks", "blog", "Name", "Write the blog post"),
        environ=ENVIRONMENT,
    )
    [refused] = outcome.not_applied
    assert refused.edit == SetValue("tasks", "blog", "Blocked by", ["nope"])
    assert refused.reason.startswith("the edited file would not read back as intended: ")
    assert "'nope' is not a key of database 'tasks'" in refused.reason
    assert outcome.applied == (SetValue("tasks", "blog", "Name", "Write the blog post"),)


def test_formatted_text_is_not_written_into_a_csv_cell(tasks: Repository) -> None:
    """The CSV row's Name with a bold run: CSV holds plain text only."""
    runs = ["Import ", {"text": "all", "bold": True}, " the data"]
    reason = _refusal(tasks, SetValue("tasks", "import", "Name", runs))
    assert (
        reason == "manifests/tasks.csv:2: a CSV cell holds plain text only, not formatting or links"
    )


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (SetValue("projects", "docs", "Name", "x"), "no manifest declares the database 'projects'"),
        (SetValue("tasks", "nope", "Name", "x"), "no row of 'tasks' has the key 'nope'"),
        (
            SetValue("tasks", "docs", "Owner", "x"),
            "'Owner' is not declared in manifests/tasks.yaml",
        ),
        (
            SetValue("tasks", "docs", "Slug", "manual"),
            "the key identifies the row: remove the row and add it with its new key",
        ),
        (
            AddRow("tasks", {"Slug": "docs", "Name": "Another"}),
            "a row with the key 'docs' exists: set its values instead",
        ),
    ],
)
def test_edits_naming_what_is_not_there_are_refused_saying_so(
    tasks: Repository, edit: SetValue | AddRow, reason: str
) -> None:
    """Unknown database, row or property, a key changed in place, a row added twice."""
    assert _refusal(tasks, edit).endswith(reason)


def test_removing_a_row_that_is_not_there_is_already_done(tasks: Repository) -> None:
    """RemoveRow of an unknown key: nothing to do, nothing refused."""
    outcome = tasks.edit(RemoveRow("tasks", "gone"), environ=ENVIRONMENT)
    assert (outcome.files, outcome.unchanged) == ((), (RemoveRow("tasks", "gone"),))


def test_an_anchor_nothing_else_uses_is_kept_while_its_value_changes(repo: Repository) -> None:
    """`&first` names a value no alias uses: the value changes, the anchor stays on it."""
    repo.write(
        "manifests/tasks.yaml",
        "database: tasks\ntitle: Tasks\nproperties: {Name: title, Tags: multi_select}\n"
        "rows:\n  - {Name: Docs, Tags: &first [web]}\n",
    )
    outcome = repo.edit(SetValue("tasks", "Docs", "Tags", ["web", "api"]))
    assert changed_lines(outcome)[1] == "+  - {Name: Docs, Tags: &first [web, api]}"


def test_every_edit_that_does_not_read_back_is_found_among_many(tasks: Repository) -> None:
    """Two bad links among six edits: both refused, the four others written."""
    names = [SetValue("tasks", "docs", "Name", f"Docs {n}") for n in range(2)]
    edits = [
        SetValue("tasks", "blog", "Blocked by", ["nope"]),
        SetValue("tasks", "blog", "Name", "Blog"),
        *names,
        SetValue("tasks", "ship", "Blocked by", ["missing"]),
        SetValue("tasks", "ship", "Name", "Ship"),
    ]
    outcome = tasks.edit(*edits, environ=ENVIRONMENT)
    assert [n.edit for n in outcome.not_applied] == [edits[0], edits[4]]
    assert outcome.applied == (edits[1], *names, edits[5])
