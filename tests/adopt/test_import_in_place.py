"""``reconciler import`` of a database that already has a manifest updates it in place, with the
machinery of ``pull``: comments, ``prune``, ``renamed_from`` and hand edits stay, Notion's
changes arrive as a minimal diff; ``--force`` still rewrites the manifest from scratch."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adopt.workspace import Team

PROJECTS = """\
# Our projects: hand-written, imported again now and then.
database: projects
title: Projects
key: Name
prune: true                     # we list every project
properties:
  Name: title
  Budget: {type: number, renamed_from: Cost}   # was "Cost" once
rows:
  - {Name: Website, Budget: 12000}   # the big one
  - {Name: Handbook, Budget: 3000}
"""


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    team = Team.applied(tmp_path_factory.mktemp("projects"), {"manifests/projects.yaml": PROJECTS})
    text = team.read("manifests/projects.yaml")
    with team.notion() as notion:
        database = team.source_id(notion, "Projects")
        database_id = notion.data_sources.retrieve(database)["parent"]["database_id"]
    team.write(
        "manifests/projects.yaml",
        text.replace("title: Projects", f"id: {database_id}\ntitle: Projects"),
    )
    team.commit("Pin the id")
    return team


@pytest.fixture
def team(applied: Team, tmp_path: Path) -> Team:
    team = applied.copy(tmp_path)
    with team.notion() as notion:
        rows = team.rows(notion, "Projects", "Name")
        notion.pages.update(rows["Handbook"]["id"], properties={"Budget": {"number": 4500}})
        notion.pages.create(
            parent={"data_source_id": team.source_id(notion, "Projects")},
            properties={"Name": {"title": [{"text": {"content": "Analytics"}}]}},
        )
    return team


def _database_id(team: Team) -> str:
    lines = team.read("manifests/projects.yaml").splitlines()
    return next(line for line in lines if line.startswith("id: ")).removeprefix("id: ")


def test_import_updates_the_manifest_in_place_keeping_what_people_wrote(team: Team) -> None:
    """The changed budget and the new row arrive as three lines; every comment, prune: true and
    renamed_from stay; the plan is empty afterwards."""
    before = team.read("manifests/projects.yaml")
    imported = team.expect(0, "import", _database_id(team))
    assert "Updated in place from local workspace" in imported.stdout
    assert team.read("manifests/projects.yaml") == before.replace(
        "  - {Name: Handbook, Budget: 3000}\n",
        "  - {Name: Handbook, Budget: 4500}\n  - {Name: Analytics}\n",
    )
    team.plan_is_empty()


def test_import_in_place_refuses_a_manifest_with_uncommitted_changes(team: Team) -> None:
    """An uncommitted hand edit in the manifest: import refuses it, saying to commit first (or
    that --force rewrites from scratch), and writes nothing."""
    edited = team.read("manifests/projects.yaml") + "# a note\n"
    team.write("manifests/projects.yaml", edited)
    refused = team.expect(1, "import", _database_id(team))
    assert "manifests/projects.yaml has uncommitted changes" in refused.stderr
    assert "`import --force` rewrites the manifests from scratch" in refused.stderr
    assert team.read("manifests/projects.yaml") == edited


def test_force_rewrites_the_manifest_from_scratch(team: Team) -> None:
    """--force: the manifest is written as a first import writes it (its comments gone)."""
    team.expect(0, "import", _database_id(team), "--force")
    text = team.read("manifests/projects.yaml")
    assert "Imported from Notion by `reconciler import`" in text
    assert "# we list every project" not in text
