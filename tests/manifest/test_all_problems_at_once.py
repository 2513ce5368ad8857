"""Every problem of a run is reported at once, even where one problem hides behind another."""

from __future__ import annotations

from tests.manifest.conftest import Repository

# The first row's quoted number makes the row invalid; its key must still count.
MANIFEST = """\
database: tasks
title: Tasks
key: Slug
properties: {Name: title, Slug: rich_text, Estimate: number}
rows:
  - {Slug: a, Name: A, Estimate: "3"}
  - {Slug: a, Name: B}
"""


def test_a_duplicate_key_is_reported_even_when_the_first_row_has_a_bad_value(
    repo: Repository,
) -> None:
    """Row 1's quoted number and row 2's duplicate key come out together, in line order."""
    repo.write("tasks.yaml", MANIFEST)
    found = [(p.line, p.message) for p in repo.problems(".")]
    assert [line for line, _ in found] == [6, 7]
    assert found[0][1].startswith("Estimate")
    assert found[1][1].startswith("duplicate row key 'a' in database 'tasks' (first at tasks.yaml")
