"""The CLI's wiring: the --local workspace, manifests without id or parent, unusable stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.cli.runtime import LOCAL_USERS, load_manifests, open_workspace
from reconciler.config import Settings
from reconciler.emulator import ROOT_PAGE_ID
from reconciler.errors import ConfigError

MANIFEST = """\
database: notes
title: Notes
properties:
  Name: title
rows:
  - Name: first
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "notes.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_local_mode_puts_databases_without_id_or_parent_under_the_root_page(project: Path) -> None:
    """--local: a database with neither id nor parent is found or created under the root page."""
    desired = load_manifests(["manifests"], local=True)
    assert [db.parent for db in desired.databases] == [ROOT_PAGE_ID]


def test_against_notion_a_database_needs_an_id_or_a_parent(project: Path) -> None:
    """Without --local there is nowhere to create it: the error names it and says what to set."""
    with pytest.raises(ConfigError) as caught:
        load_manifests(["manifests"], local=False)
    assert "notes (manifests/notes.yaml:1:1)" in caught.value.message
    assert "parent:" in str(caught.value.hint)


def test_a_new_local_workspace_knows_the_example_people(project: Path) -> None:
    """The example manifests name ada, grace and alan: a new local workspace has them."""
    settings = Settings()
    with open_workspace(settings, project, local=True) as workspace:
        emails = {user.email for user in workspace.gateway.read_users()}
    assert {str(user["person"]["email"]) for user in LOCAL_USERS} <= emails
    assert (project / ".reconciler" / "local.sqlite").exists()


def test_an_unreadable_local_store_is_one_clear_error(project: Path) -> None:
    """A corrupt .reconciler/local.sqlite: exit 1, the file named, a hint, no traceback."""
    (project / ".reconciler").mkdir()
    (project / ".reconciler" / "local.sqlite").write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--local", "manifests"])
    assert result.exit_code == 1
    assert "local.sqlite cannot be opened" in result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output
