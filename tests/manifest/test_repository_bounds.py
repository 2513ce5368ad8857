"""What a repository's files may reach: manifests and the state folder stay inside it.

A pull request can add links and edit reconciler.yaml. A manifest that a link leads outside the
repository is refused unread (a link to a credentials file would otherwise be read, and its
content shown by ``validate``, the step fork pull requests run); a file that is no manifest is
named without echoing its content; ``state_dir`` cannot lead the lock, journal, audit log and
undo plans out of the repository.
"""

from __future__ import annotations

import os

from tests.manifest.conftest import Repository

TASKS = "database: tasks\ntitle: Tasks\nproperties: {Name: title}\n"
CREDENTIALS = "https://ada:ghp_credentialValue123@github.com\n"


def _outside(repo: Repository, name: str, text: str) -> str:
    """A file next to the repository (outside it); its path."""
    outside = repo.root.parent / f"outside-{repo.root.name}"
    outside.mkdir(exist_ok=True)
    path = outside / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_manifest_linked_to_a_file_outside_is_refused_unread(repo: Repository) -> None:
    """manifests/a.yaml -> ~/.git-credentials: refused, and nothing of the file is shown."""
    repo.write("reconciler.yaml", "manifests: manifests\n")
    repo.write("manifests/tasks.yaml", TASKS)
    os.symlink(_outside(repo, ".git-credentials", CREDENTIALS), repo.root / "manifests/a.yaml")

    problems = repo.problems("manifests")

    assert [(p.file, p.message.startswith("a link leads this manifest out")) for p in problems] == [
        ("manifests/a.yaml", True)
    ]
    assert "ghp_" not in str(problems[0])


def test_manifests_inside_a_folder_linked_outside_are_refused(repo: Repository) -> None:
    """A linked folder leads out as surely as a linked file."""
    repo.write("reconciler.yaml", "manifests: manifests\n")
    _outside(repo, "notes.yaml", TASKS.replace("tasks", "notes"))
    os.symlink(repo.root.parent / f"outside-{repo.root.name}", repo.root / "manifests")

    problems = repo.problems("manifests")

    assert [p.file for p in problems] == ["manifests/notes.yaml"]
    assert "a link leads this manifest out of the repository" in problems[0].message


def test_a_link_between_files_of_the_repository_is_followed(repo: Repository) -> None:
    """Links that stay inside are fine, as they are for rows_from."""
    repo.write("shared/tasks.yaml", TASKS)
    repo.root.joinpath("manifests").mkdir()
    os.symlink(repo.root / "shared/tasks.yaml", repo.root / "manifests/tasks.yaml")

    assert [db.handle for db in repo.load("manifests").databases] == ["tasks"]


def test_a_file_that_is_no_manifest_is_named_without_its_content(repo: Repository) -> None:
    """A credentials file that parses as YAML text is "not a mapping", no preview shown."""
    repo.write("manifests/creds.yaml", CREDENTIALS)

    problems = repo.problems("manifests")

    assert [(p.file, p.message) for p in problems] == [
        ("manifests/creds.yaml", "a manifest document must be a mapping, not text")
    ]


def test_a_mapping_with_no_manifest_field_is_one_problem_naming_no_key(repo: Repository) -> None:
    """machine/login/password: not listed key by key, just "not a manifest"."""
    repo.write("manifests/netrc.yaml", "machine: github.com\nlogin: ada\npassword: hunter2\n")

    problems = repo.problems("manifests")

    assert [p.message for p in problems] == [
        "this is not a manifest: it has none of the fields database, title, properties"
    ]
    assert "hunter2" not in str(problems[0])
    assert "password" not in str(problems[0])


def test_state_dir_leading_out_is_refused_at_its_line(repo: Repository) -> None:
    """state_dir: ../../elsewhere in reconciler.yaml names the file, the line and the way out."""
    repo.write("reconciler.yaml", "manifests: manifests\nstate_dir: ../../elsewhere\n")
    repo.write("manifests/tasks.yaml", TASKS)

    problems = repo.problems("manifests")

    assert [(p.file, p.line) for p in problems] == [("reconciler.yaml", 2)]
    assert "state_dir '../../elsewhere' leads out of the repository" in problems[0].message
    assert "RECONCILER_STATE_DIR" in problems[0].hint


def test_state_dir_linked_outside_is_refused(repo: Repository) -> None:
    """A state folder that is a link to a folder outside leads out too."""
    elsewhere = repo.root.parent / f"state-of-{repo.root.name}"
    elsewhere.mkdir()
    os.symlink(elsewhere, repo.root / ".state")
    repo.write("reconciler.yaml", "state_dir: .state\n")
    repo.write("manifests/tasks.yaml", TASKS)

    problems = repo.problems("manifests")

    assert [(p.file, p.line) for p in problems] == [("reconciler.yaml", 1)]
    assert "is a link to a folder outside the repository" in problems[0].message
