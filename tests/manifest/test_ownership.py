"""``owner: git | notion`` in manifests: per property, as the database default, its mistakes."""

from __future__ import annotations

from tests.manifest.conftest import Repository

TASKS = """\
database: tasks
title: Tasks
key: Slug
{database_owner}ignore: [Notes]
properties:
  Name: title
  Slug: rich_text
  Status: {{type: select, options: [Todo, Done]{status_owner}}}
  Estimate: number
  Effort: {{type: formula, expression: prop("Estimate") * 8{formula_owner}}}
  Notes: {{type: rich_text{notes_owner}}}
rows:
  - {{Slug: write-docs, Name: Write the docs, Status: Todo}}
"""


def _manifest(
    *,
    database_owner: str = "",
    status_owner: str = "",
    formula_owner: str = "",
    notes_owner: str = "",
    key_declaration: str = "",
) -> str:
    text = TASKS.format(
        database_owner=f"owner: {database_owner}\n" if database_owner else "",
        status_owner=f", owner: {status_owner}" if status_owner else "",
        formula_owner=f", owner: {formula_owner}" if formula_owner else "",
        notes_owner=f", owner: {notes_owner}" if notes_owner else "",
    )
    if key_declaration:
        text = text.replace("  Slug: rich_text\n", f"  Slug: {key_declaration}\n")
    return text


def _owners(repo: Repository) -> dict[str, str]:
    [tasks] = repo.load("tasks.yaml").databases
    return {spec.name: spec.owner for spec in tasks.properties}


def test_properties_are_owned_by_git_by_default(repo: Repository) -> None:
    """No owner anywhere: every property's values are git's."""
    repo.write("tasks.yaml", _manifest())
    assert set(_owners(repo).values()) == {"git"}


def test_a_property_can_be_owned_by_notion(repo: Repository) -> None:
    """`owner: notion` on Status: Status is Notion's, the others stay git's."""
    repo.write("tasks.yaml", _manifest(status_owner="notion"))
    owners = _owners(repo)
    assert (owners["Status"], owners["Name"], owners["Estimate"]) == ("notion", "git", "git")


def test_the_database_owner_is_the_default_of_its_writable_properties_but_the_key(
    repo: Repository,
) -> None:
    """Database `owner: notion`: Name, Status and Estimate are Notion's; the key Slug, the formula
    and the ignored Notes stay git's."""
    repo.write("tasks.yaml", _manifest(database_owner="notion"))
    expected = {
        "Name": "notion",
        "Slug": "git",
        "Status": "notion",
        "Estimate": "notion",
        "Effort": "git",
        "Notes": "git",
    }
    assert expected == _owners(repo)


def test_a_property_owner_overrides_the_database_default(repo: Repository) -> None:
    """Database `owner: notion` and `owner: git` on Status: Status is git's."""
    repo.write("tasks.yaml", _manifest(database_owner="notion", status_owner="git"))
    owners = _owners(repo)
    assert (owners["Status"], owners["Name"]) == ("git", "notion")


def test_an_owner_on_the_key_is_a_problem_at_its_line(repo: Repository) -> None:
    """`owner: notion` on the key Slug: refused where it is written, saying why and what to do."""
    repo.write("tasks.yaml", _manifest(key_declaration="{type: rich_text, owner: notion}"))
    [problem] = repo.problems("tasks.yaml")
    assert (problem.file, problem.line) == ("tasks.yaml", 7)
    assert "the key property 'Slug' is always owned by git" in problem.message
    assert problem.hint == "remove `owner` from 'Slug'"


def test_an_owner_on_a_read_only_property_is_a_problem(repo: Repository) -> None:
    """`owner: notion` on a formula: Notion computes it, nobody owns its values."""
    repo.write("tasks.yaml", _manifest(formula_owner="notion"))
    [problem] = repo.problems("tasks.yaml")
    assert (problem.file, problem.line) == ("tasks.yaml", 10)
    assert "'Effort' is a formula property: Notion computes its values" in problem.message
    assert problem.hint == "remove `owner` from 'Effort'"


def test_an_owner_on_an_ignored_property_is_a_problem(repo: Repository) -> None:
    """`owner: notion` on the ignored Notes: refused, suggesting either fix."""
    repo.write("tasks.yaml", _manifest(notes_owner="notion"))
    [problem] = repo.problems("tasks.yaml")
    assert (problem.file, problem.line) == ("tasks.yaml", 11)
    assert "'Notes' is listed under `ignore`" in problem.message
    assert "remove it from `ignore`" in problem.hint


def test_an_unknown_owner_is_a_problem_naming_the_choices(repo: Repository) -> None:
    """`owner: github`: not a known owner, did you mean git, the choices in the hint."""
    repo.write("tasks.yaml", _manifest(status_owner="github"))
    [problem] = repo.problems("tasks.yaml")
    assert (problem.file, problem.line) == ("tasks.yaml", 8)
    assert "'github' is not a known owner" in problem.message
    assert "did you mean 'git'?" in problem.message
    assert problem.hint == "one of: git, notion"


def test_an_unknown_database_owner_is_a_problem(repo: Repository) -> None:
    """Database `owner: Notion` (capitalised): refused at its line."""
    repo.write("tasks.yaml", _manifest(database_owner="Notion"))
    [problem] = repo.problems("tasks.yaml")
    assert (problem.file, problem.line) == ("tasks.yaml", 4)
    assert "'Notion' is not a known owner" in problem.message
