"""Manifests and reconciler.yaml read only the variables the repository allows (``env:``).

A pull request edits manifests and reconciler.yaml; what they read from the environment shows in
plans, pull-request comments and Notion, and reconciler.yaml's values (a Redis URL) choose where
the reconciler connects. So ``${VAR}`` reads the variables of ``env:`` (default: names ending in
_ID or _PAGE), never a secret, and a refusal names the file, the line and the variable, never
its value.
"""

from __future__ import annotations

from tests.manifest.conftest import Repository

TOKEN_VALUE = "ntn_the_real_integration_token"
ENVIRONMENT = {"NOTION_TOKEN": TOKEN_VALUE, "GITHUB_TOKEN": "ghs_runner_token_value"}
TASKS = "database: tasks\ntitle: {title}\nproperties:\n  Name: title\n  Notes: rich_text\n"


def test_a_title_reading_the_token_is_refused_at_its_line(repo: Repository) -> None:
    """title: "Leak ${NOTION_TOKEN}": file:line, the variable named, the value nowhere."""
    repo.write("manifests/tasks.yaml", TASKS.format(title='"Leak ${NOTION_TOKEN}"'))

    problems = repo.problems("manifests", environ=ENVIRONMENT)

    assert [(p.file, p.line) for p in problems] == [("manifests/tasks.yaml", 2)]
    assert problems[0].message == (
        "${NOTION_TOKEN} is refused: NOTION_TOKEN looks like a secret, and secrets are never"
        " read into manifests"
    )
    assert TOKEN_VALUE not in str(problems[0])


def test_a_row_reading_a_secret_with_a_default_is_refused(repo: Repository) -> None:
    """Notes: "${GITHUB_TOKEN:-none}" does not quietly fall back to its default."""
    repo.write(
        "manifests/tasks.yaml",
        TASKS.format(title="Tasks") + 'rows:\n  - {Name: a, Notes: "${GITHUB_TOKEN:-none}"}\n',
    )

    problems = repo.problems("manifests", environ=ENVIRONMENT)

    assert [(p.line, "GITHUB_TOKEN looks like a secret" in p.message) for p in problems] == [
        (7, True)
    ]


def test_an_id_reading_the_token_never_echoes_it(repo: Repository) -> None:
    """id: ${NOTION_TOKEN} used to fail as a malformed id, showing the token."""
    repo.write("manifests/tasks.yaml", TASKS.format(title="Tasks") + "id: ${NOTION_TOKEN}\n")

    problems = repo.problems("manifests", environ=ENVIRONMENT)

    assert len(problems) == 1
    assert TOKEN_VALUE not in str(problems[0])


def test_a_redis_url_reading_the_token_is_refused_in_reconciler_yaml(repo: Repository) -> None:
    """The settings file is held to the same rule: the token never travels to a chosen host."""
    repo.write("reconciler.yaml", 'rate_limit:\n  redis_url: "redis://:${NOTION_TOKEN}@host"\n')
    repo.write("manifests/tasks.yaml", TASKS.format(title="Tasks"))

    problems = repo.problems("manifests", environ=ENVIRONMENT)

    assert [(p.file, p.line) for p in problems] == [("reconciler.yaml", 2)]
    assert "NOTION_TOKEN looks like a secret" in problems[0].message


def test_variables_listed_in_env_may_be_read(repo: Repository) -> None:
    """env: [TEAM] lets manifests read TEAM (and replaces the default list)."""
    repo.write("reconciler.yaml", "env: [TEAM]\n")
    repo.write("manifests/tasks.yaml", TASKS.format(title="${TEAM} tasks"))

    state = repo.load("manifests", environ={"TEAM": "Platform"})

    assert state.databases[0].title == "Platform tasks"
    assert state.settings.env == ("TEAM",)


def test_an_empty_env_list_allows_no_variable(repo: Repository) -> None:
    """env: [] locks expansion down: even an id variable is refused."""
    repo.write("reconciler.yaml", "env: []\n")
    repo.write("manifests/tasks.yaml", TASKS.format(title="Tasks") + "id: ${TASKS_ID:-}\n")

    problems = repo.problems("manifests", environ={})

    assert [p.message for p in problems] == [
        "${TASKS_ID} is refused: TASKS_ID is not an allowed variable (allowed: nothing)"
    ]


def test_a_secret_listed_in_env_is_refused_at_its_line(repo: Repository) -> None:
    """env: [TEAM, NOTION_TOKEN]: the list itself is wrong, at the entry's line."""
    repo.write("reconciler.yaml", "env:\n  - TEAM\n  - NOTION_TOKEN\n")
    repo.write("manifests/tasks.yaml", TASKS.format(title="Tasks"))

    problems = repo.problems("manifests", environ=ENVIRONMENT)

    assert [(p.file, p.line, p.message) for p in problems] == [
        (
            "reconciler.yaml",
            3,
            "env: NOTION_TOKEN looks like a secret, and secrets are never read into manifests",
        )
    ]


def test_env_entries_are_read_literally_not_expanded(repo: Repository) -> None:
    """env: ["${ALLOWED}"] cannot make the list depend on the environment."""
    repo.write("reconciler.yaml", 'env: ["${ALLOWED_ID}"]\n')
    repo.write("manifests/tasks.yaml", TASKS.format(title="Tasks"))

    problems = repo.problems("manifests", environ={"ALLOWED_ID": "NOTION_TOKEN"})

    assert [(p.file, p.line) for p in problems] == [("reconciler.yaml", 1)]
    assert "is not a variable name or a pattern" in problems[0].message
