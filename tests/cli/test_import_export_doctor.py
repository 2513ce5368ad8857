"""``reconciler import``, ``export`` and ``doctor``: options, output and exit codes.

The databases live in a ``--local`` workspace file, filled through the Notion API of the emulator
by a second integration, as a person would have filled them in Notion. Commands run in-process
with click's runner and, for each command, as a subprocess of the virtualenv's ``reconciler``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.adopt import parse_database_id as database_id_from
from reconciler.adopt.manifests import handle_for
from reconciler.adopt.values import (
    Naming,
    NotExpressible,
    declaration,
    manifest_form,
    manifest_value,
)
from reconciler.cli import cli
from reconciler.cli.runtime import LOCAL_USERS, open_workspace
from reconciler.config import Settings
from reconciler.emulator import ROOT_PAGE_ID, Emulator, EmulatorServer
from reconciler.errors import ConfigError
from reconciler.manifest import load_desired_state
from reconciler.model import JSON, LiveProperty, LiveUser
from reconciler.properties.checks import looks_like_notion_id
from tests.conftest import TOKEN, in_process_client

BUILDER_TOKEN = "secret_fixture_builder"
ADA, GRACE, ALAN = (str(user["id"]) for user in LOCAL_USERS)
UNKNOWN_ID = "1f2e3d4c-5b6a-4798-8776-655443322110"
RECONCILER = Path(sys.executable).with_name("reconciler")
ROOT = Path(__file__).resolve().parents[2]


def text(content: str, **annotations: Any) -> list[dict[str, Any]]:
    """A one-run rich text request."""
    run: dict[str, Any] = {"type": "text", "text": {"content": content}}
    if annotations:
        run["annotations"] = annotations
    return [run]


class LocalNotion:
    """The --local workspace of a repository, filled through the API by a fixture integration."""

    def __init__(self, root: Path, store: str | None = None) -> None:
        with open_workspace(Settings(), root, local=True, local_store=store):
            pass  # creates .reconciler/local.sqlite with the demo users, as a first run does
        self.store = Path(store) if store else root / ".reconciler" / "local.sqlite"
        self._emulator = Emulator(
            store=str(self.store), tokens={BUILDER_TOKEN: "Fixture builder"}, rate_limit=None
        )
        self.api = in_process_client(self._emulator, token=BUILDER_TOKEN)

    def database(self, title: str, properties: dict[str, Any]) -> tuple[str, str]:
        """(database id, data source id) of a new database under the workspace's root page."""
        database = self.api.databases.create(
            parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
            title=text(title),
            initial_data_source={"properties": properties},
        )
        return database["id"], database["data_sources"][0]["id"]

    def add_properties(self, data_source_id: str, properties: dict[str, Any]) -> None:
        self.api.data_sources.update(data_source_id, properties=properties)

    def row(self, data_source_id: str, properties: dict[str, Any]) -> str:
        """The page id of a new row."""
        page = self.api.pages.create(
            parent={"type": "data_source_id", "data_source_id": data_source_id},
            properties=properties,
        )
        return str(page["id"])

    def close(self) -> None:
        self._emulator.close()


@dataclass(frozen=True)
class Workspace:
    """Ids of the example databases: people, projects and tasks (every property type)."""

    people: str
    projects: str
    tasks: str
    tasks_source: str


def fill_every_type(notion: LocalNotion) -> Workspace:
    """People, Projects and Tasks; Tasks uses every property type Notion has."""
    people, people_source = notion.database(
        "People",
        {"Name": {"title": {}}, "Email": {"email": {}}, "Account": {"people": {}}},
    )
    projects, projects_source = notion.database(
        "Projects",
        {
            "Name": {"title": {}},
            "Budget": {"number": {"format": "euro"}},
            "Lead": {"relation": {"data_source_id": people_source, "single_property": {}}},
        },
    )
    tasks, tasks_source = notion.database("Tasks", _task_schema(projects_source))
    notion.add_properties(tasks_source, _task_links(tasks_source, projects_source))
    ada = notion.row(
        people_source,
        {
            "Name": {"title": text("Ada Lovelace")},
            "Email": {"email": "ada@example.com"},
            "Account": {"people": [{"id": ADA}]},
        },
    )
    grace = notion.row(
        people_source,
        {"Name": {"title": text("Grace Hopper")}, "Email": {"email": "grace@example.com"}},
    )
    website = notion.row(
        projects_source,
        {
            "Name": {"title": text("Website")},
            "Budget": {"number": 25000},
            "Lead": {"relation": [{"id": grace}]},
        },
    )
    _fill_tasks(notion, tasks_source, website=website, ada_row=ada)
    return Workspace(people=people, projects=projects, tasks=tasks, tasks_source=tasks_source)


def _task_schema(projects_source: str) -> dict[str, Any]:
    return {
        "Name": {"title": {}},
        "Slug": {"rich_text": {}},
        "Notes": {"rich_text": {}},
        "Estimate": {"number": {"format": "number_with_commas"}},
        "Priority": {
            "select": {
                "options": [
                    {"name": "High", "color": "red", "description": "Do it first"},
                    {"name": "Low", "color": "gray"},
                ]
            }
        },
        "Tags": {"multi_select": {"options": [{"name": "docs"}, {"name": "web", "color": "blue"}]}},
        "Status": {"status": {}},
        "Due": {"date": {}},
        "Owner": {"people": {}},
        "Brief": {"files": {}},
        "Done": {"checkbox": {}},
        "Site": {"url": {}},
        "Contact": {"email": {}},
        "Phone": {"phone_number": {}},
        "Office": {"place": {}},
        "Reviewed": {"verification": {}},
        "Created": {"created_time": {}},
        "Creator": {"created_by": {}},
        "Edited": {"last_edited_time": {}},
        "Editor": {"last_edited_by": {}},
        "Ticket": {"unique_id": {"prefix": "TSK"}},
        "Press": {"button": {}},
        "Project": {
            "relation": {
                "data_source_id": projects_source,
                "dual_property": {"synced_property_name": "Tasks"},
            }
        },
    }


def _task_links(tasks_source: str, projects_source: str) -> dict[str, Any]:
    """A self-relation, a rollup across databases and a formula over other properties."""
    return {
        "Blocked by": {"relation": {"data_source_id": tasks_source, "single_property": {}}},
        "Budget": {
            "rollup": {
                "relation_property_name": "Project",
                "rollup_property_name": "Budget",
                "function": "sum",
            }
        },
        "Hours": {"formula": {"expression": 'if(prop("Done"), 0, prop("Estimate") * 8)'}},
    }


def _fill_tasks(notion: LocalNotion, source: str, *, website: str, ada_row: str) -> None:
    brief = notion.row(
        source,
        {
            "Name": {"title": text("Write the brief")},
            "Slug": {"rich_text": text("write-brief")},
            "Notes": {
                "rich_text": [
                    *text("Costs ${BUDGET}, see "),
                    *text("the style guide", bold=True, color="blue"),
                ]
            },
            "Estimate": {"number": 2.5},
            "Priority": {"select": {"name": "High"}},
            "Tags": {"multi_select": [{"name": "docs"}, {"name": "web"}]},
            "Status": {"status": {"name": "Done"}},
            "Due": {"date": {"start": "2026-09-15T09:30:00+02:00", "end": "2026-09-16"}},
            "Owner": {"people": [{"id": ADA}, {"id": GRACE}]},
            "Brief": {
                "files": [
                    {"name": "brief.pdf", "external": {"url": "https://example.com/brief.pdf"}},
                    {"name": "Wireframes", "external": {"url": "https://example.com/w.png"}},
                ]
            },
            "Done": {"checkbox": True},
            "Site": {"url": "https://example.com/docs"},
            "Contact": {"email": "docs@example.com"},
            "Phone": {"phone_number": "+44 20 7946 0001"},
            "Office": {"place": {"lat": 51.5194, "lon": -0.127, "name": "Bloomsbury"}},
            "Reviewed": {"verification": {"state": "verified", "date": {"start": "2026-12-31"}}},
            "Project": {"relation": [{"id": website}]},
        },
    )
    notion.row(
        source,
        {
            "Name": {"title": text("1e3")},  # text the YAML core schema would read as a number
            "Slug": {"rich_text": text("ship-site")},
            "Estimate": {"number": 1000},
            "Due": {"date": {"start": "2026-10-01"}},
            "Blocked by": {"relation": [{"id": brief}]},
            "Project": {"relation": [{"id": website}]},
        },
    )
    assert ada_row


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository (reconciler.yaml only) as the current directory, without a token."""
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("NOTION_TOKEN", "NOTION_TOKEN_FILE", "NOTION_BASE_URL", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def notion(repo: Path) -> Iterator[LocalNotion]:
    local = LocalNotion(repo)
    yield local
    local.close()


@pytest.fixture
def workspace(notion: LocalNotion) -> Workspace:
    return fill_every_type(notion)


def run(*args: str) -> Result:
    """The CLI in-process; the result has separate stdout and stderr."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_process(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``reconciler`` as a subprocess in ``cwd`` (no token unless given)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_")}
    environ.update(env)
    return subprocess.run(
        [str(RECONCILER), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manifest(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def import_all(ws: Workspace, *more: str) -> Result:
    result = run("import", ws.people, ws.projects, ws.tasks, "--local", *more)
    assert (result.exit_code, result.stderr) == (0, "")
    return result


# --- import ---------------------------------------------------------------------------------


def test_planning_right_after_an_import_is_empty_for_every_property_type(
    workspace: Workspace,
) -> None:
    """Import then plan --detailed-exitcode exits 0: nothing to change, for every type."""
    import_all(workspace)

    planned = run("plan", "--local", "--detailed-exitcode")

    assert (
        planned.exit_code,
        planned.stdout.strip().splitlines()[-3],
    ) == (0, "No changes: Notion matches the manifests.")


def test_importing_the_applied_worked_example_plans_empty(repo: Path) -> None:
    """The example manifests (every writable type), applied locally, imported back: no changes."""
    shutil.copytree(ROOT / "manifests", repo / "manifests")
    assert run("apply", "--local", "--yes").exit_code == 0
    planned = json.loads(run("plan", "--local", "--format", "json").stdout)
    ids = [database["database_id"] for database in planned["databases"]]

    imported = run("import", *ids, "--local", "-o", "adopted")
    replanned = run("plan", "adopted", "--local", "--detailed-exitcode")

    assert (imported.exit_code, replanned.exit_code) == (0, 0)
    assert sorted(p.name for p in (repo / "adopted").iterdir()) == [
        "people.yaml",
        "projects.yaml",
        "tasks.yaml",
    ]


def test_import_writes_one_manifest_per_database_named_after_its_title(
    workspace: Workspace, repo: Path
) -> None:
    """people.yaml, projects.yaml and tasks.yaml appear in the manifests folder."""
    import_all(workspace)

    assert sorted(p.name for p in (repo / "manifests").iterdir()) == [
        "people.yaml",
        "projects.yaml",
        "tasks.yaml",
    ]


def test_imported_manifest_starts_with_the_schema_modeline(
    workspace: Workspace, repo: Path
) -> None:
    """Editors find the JSON Schema: the first line is the yaml-language-server modeline."""
    import_all(workspace)

    first = (repo / "manifests" / "tasks.yaml").read_text(encoding="utf-8").splitlines()[0]

    assert first.startswith("# yaml-language-server: $schema=")
    assert first.endswith("manifest.schema.json")


def test_imported_manifest_pins_the_database_id_and_keeps_prune_off(
    workspace: Workspace, repo: Path
) -> None:
    """`id:` is the live database's, `prune: false` is written out, with a comment why."""
    import_all(workspace)
    path = repo / "manifests" / "tasks.yaml"

    written = manifest(path)

    assert (workspace.tasks, "Tasks", False) == (
        written["id"],
        written["title"],
        written["prune"],
    )
    assert "# `prune` is left off on purpose" in path.read_text(encoding="utf-8")


def test_every_property_is_declared_with_its_configuration(
    workspace: Workspace, repo: Path
) -> None:
    """Options with colours and descriptions, formats, relations, rollup, formula, prefix."""
    import_all(workspace)

    declared = manifest(repo / "manifests" / "tasks.yaml")["properties"]

    expected = {
        "Priority": {
            "type": "select",
            "options": [
                {"name": "High", "color": "red", "description": "Do it first"},
                {"name": "Low", "color": "gray"},
            ],
        },
        "Estimate": {"type": "number", "format": "number_with_commas"},
        "Project": {"type": "relation", "database": "projects", "synced_property": "Tasks"},
        "Blocked by": {"type": "relation", "database": "tasks"},
        "Budget": {
            "type": "rollup",
            "relation": "Project",
            "property": "Budget",
            "function": "sum",
        },
        "Hours": {"type": "formula", "expression": 'if(prop("Done"), 0, prop("Estimate") * 8)'},
        "Ticket": {"type": "unique_id", "prefix": "TSK"},
        "Created": "created_time",
        "Press": "button",
    }

    assert {name: declared[name] for name in expected} == expected


def test_rows_hold_values_in_manifest_form(workspace: Workspace, repo: Path) -> None:
    """People by e-mail, relations by key, dates as ISO text, runs for formatted text."""
    import_all(workspace)

    rows = manifest(repo / "manifests" / "tasks.yaml")["rows"]
    brief = next(row for row in rows if row["Name"] == "Write the brief")

    expected = {
        "Owner": ["ada@example.com", "grace@example.com"],
        "Project": ["Website"],
        "Due": {"start": "2026-09-15T07:30Z", "end": "2026-09-16"},
        "Notes": [
            "Costs $${BUDGET}, see ",  # $${ is a literal ${ for the manifest reader
            {"text": "the style guide", "bold": True, "color": "blue"},
        ],
        "Brief": [
            "https://example.com/brief.pdf",
            {"name": "Wireframes", "url": "https://example.com/w.png"},
        ],
        "Reviewed": {"state": "verified", "date": "2026-12-31"},
    }

    assert {name: brief[name] for name in expected} == expected


def test_read_only_properties_are_declared_but_never_given_row_values(
    workspace: Workspace, repo: Path
) -> None:
    """Formula, rollup, unique_id, created/edited and button values stay out of the rows."""
    import_all(workspace)
    read_only = {"Budget", "Hours", "Ticket", "Created", "Creator", "Edited", "Editor", "Press"}

    rows = manifest(repo / "manifests" / "tasks.yaml")["rows"]

    assert set() == {name for row in rows for name in row} & read_only


def test_text_holding_dollar_brace_is_escaped_so_it_is_not_an_environment_variable(
    workspace: Workspace, repo: Path
) -> None:
    """`${BUDGET}` in Notion is written `$${BUDGET}` and loads back as `${BUDGET}`."""
    import_all(workspace)

    desired = load_desired_state([str(repo / "manifests")], environ={})
    tasks = desired.database("tasks")
    assert tasks is not None
    notes = {row.key: row.values["Notes"] for row in tasks.rows}["Write the brief"]

    assert notes == [
        {"text": "Costs ${BUDGET}, see "},
        {"text": "the style guide", "bold": True, "color": "blue"},
    ]


def test_an_untitled_database_imports_by_id_and_plans_empty(
    notion: LocalNotion, repo: Path
) -> None:
    """A database with an empty title: the manifest keeps `title: ''` with its `id`, loads, and
    planning right after is empty."""
    database, source = notion.database("", {"Name": {"title": {}}})
    notion.row(source, {"Name": {"title": text("only")}})

    imported = run("import", database, "--local")
    replanned = run("plan", "--local", "--detailed-exitcode")

    assert (imported.exit_code, replanned.exit_code) == (0, 0), imported.stderr + replanned.stderr
    written = manifest(next((repo / "manifests").glob("*.yaml")))
    assert (written["title"], written["id"]) == ("", database)


def test_importing_a_database_without_its_relation_targets_plans_empty(
    workspace: Workspace, repo: Path
) -> None:
    """Tasks alone: its relation to Projects cannot name rows by key; the plan stays empty."""
    assert run("import", workspace.tasks, "--local").exit_code == 0

    rows = manifest(repo / "manifests" / "tasks.yaml")["rows"]
    targets = [target for row in rows for target in row.get("Project", [])]

    assert "Website" not in targets  # a page id at most: Projects' keys are not known
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


def test_key_is_the_title_when_its_values_are_unique(workspace: Workspace, repo: Path) -> None:
    """Every task has its own name, so Name is the key, and a comment says why."""
    import_all(workspace)
    path = repo / "manifests" / "tasks.yaml"

    assert manifest(path)["key"] == "Name"
    assert "the title 'Name' has a unique, non-empty value" in path.read_text(encoding="utf-8")


def test_key_falls_back_to_an_identifier_when_titles_repeat(
    notion: LocalNotion, repo: Path
) -> None:
    """Two rows share a title; the unique Slug becomes the key and the plan stays empty."""
    database, source = notion.database("Docs", {"Name": {"title": {}}, "Slug": {"rich_text": {}}})
    for slug in ("intro", "intro-2"):
        notion.row(source, {"Name": {"title": text("Intro")}, "Slug": {"rich_text": text(slug)}})

    assert run("import", database, "--local").exit_code == 0
    assert manifest(repo / "manifests" / "docs.yaml")["key"] == "Slug"
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


def test_rows_the_key_cannot_identify_are_left_out_and_listed(
    notion: LocalNotion, repo: Path
) -> None:
    """Untitled and repeated rows are not written, a comment lists them, the plan is empty."""
    database, source = notion.database("Ideas", {"Name": {"title": {}}})
    for name in ("Launch", "Launch", "", "Blog"):
        notion.row(source, {"Name": {"title": text(name) if name else []}})

    assert run("import", database, "--local").exit_code == 0
    path = repo / "manifests" / "ideas.yaml"

    assert manifest(path)["rows"] == [{"Name": "Blog"}]
    assert "# Left out: 3 rows the key cannot identify" in path.read_text(encoding="utf-8")
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


def test_text_with_mentions_is_declared_but_ignored(notion: LocalNotion, repo: Path) -> None:
    """A manifest cannot write @-mentions: Notes goes to `ignore` and the plan stays empty."""
    database, source = notion.database("Log", {"Name": {"title": {}}, "Notes": {"rich_text": {}}})
    mention = {"type": "mention", "mention": {"type": "user", "user": {"id": ADA}}}
    notion.row(source, {"Name": {"title": text("Kick-off")}, "Notes": {"rich_text": [mention]}})

    assert run("import", database, "--local").exit_code == 0
    written = manifest(repo / "manifests" / "log.yaml")

    assert (written["ignore"], written["rows"]) == (["Notes"], [{"Name": "Kick-off"}])
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


def test_import_reports_each_manifest_and_what_to_do_next(workspace: Workspace) -> None:
    """One line per file with rows, properties and key, then the plan command to run."""
    result = import_all(workspace)

    assert [result.stdout.splitlines()[1], result.stdout.splitlines()[-1]] == [
        "  manifests/people.yaml    people: 2 rows, 3 properties, key Name",
        (
            "Next: read the comments in each file, then `reconciler plan --local` (it shows no"
            " changes)."
        ),
    ]


def test_import_refuses_to_overwrite_existing_manifests(workspace: Workspace, repo: Path) -> None:
    """A second import without --force exits 1, names the file and leaves it unchanged."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "people.yaml").write_text("# mine\n", encoding="utf-8")

    result = run("import", workspace.people, "--local")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: not overwriting manifests/people.yaml\n")
    assert (repo / "manifests" / "people.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_import_updates_in_place_the_manifest_that_already_manages_the_database(
    workspace: Workspace, repo: Path
) -> None:
    """A manifest pinning the same id elsewhere in the folder (through a variable's default) is
    updated in place: its own lines stay as written, it gains the rows and properties Notion
    has, no second manifest is written, and the plan is empty."""
    (repo / "manifests").mkdir()
    mine = (
        f"database: team    # our name for it\nid: ${{TEAM_ID:-{workspace.people}}}\n"
        "title: People\nproperties: {Name: title}\n"
    )
    (repo / "manifests" / "team.yaml").write_text(mine, encoding="utf-8")

    result = run("import", workspace.people, "--local")

    assert result.exit_code == 0, result.stderr
    text = (repo / "manifests" / "team.yaml").read_text(encoding="utf-8")
    assert text.startswith(mine.split("properties:", maxsplit=1)[0])
    assert "Updated in place from local workspace" in result.stdout
    assert {row["Name"] for row in manifest(repo / "manifests" / "team.yaml")["rows"]} == {
        "Ada Lovelace",
        "Grace Hopper",
    }
    assert not (repo / "manifests" / "people.yaml").exists()
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


def test_importing_again_changes_nothing_in_a_manifest_already_up_to_date(
    workspace: Workspace, repo: Path
) -> None:
    """A second import of the same databases without --force: no file changes, exit 0."""
    import_all(workspace)
    before = {p.name: p.read_bytes() for p in (repo / "manifests").iterdir()}

    again = import_all(workspace)

    assert {p.name: p.read_bytes() for p in (repo / "manifests").iterdir()} == before
    assert "Already up to date with local workspace" in again.stdout


def test_force_refuses_a_database_another_manifest_already_manages(
    workspace: Workspace, repo: Path
) -> None:
    """With --force (rewrite from scratch), a manifest pinning the same id under another name
    is refused: two manifests of one database would undo each other."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "team.yaml").write_text(
        f"database: team\nid: {workspace.people}\ntitle: People\nproperties: {{Name: title}}\n",
        encoding="utf-8",
    )

    result = run("import", workspace.people, "--local", "--force")

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: database 'People' ({workspace.people}) is already managed by manifests/team.yaml"
    )
    assert not (repo / "manifests" / "people.yaml").exists()


def test_import_picks_a_free_handle_when_the_folder_already_uses_one(
    workspace: Workspace, repo: Path
) -> None:
    """Another manifest named `people` (another database): the import becomes people-2."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "staff.yaml").write_text(
        "database: people\ntitle: Staff\nproperties: {Name: title}\n", encoding="utf-8"
    )

    result = run("import", workspace.people, "--local")

    assert result.exit_code == 0
    assert manifest(repo / "manifests" / "people-2.yaml")["database"] == "people-2"


def test_import_with_force_replaces_existing_manifests(workspace: Workspace, repo: Path) -> None:
    """--force overwrites the file with the imported manifest."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "people.yaml").write_text("# mine\n", encoding="utf-8")

    result = run("import", workspace.people, "--local", "--force")

    assert result.exit_code == 0
    assert manifest(repo / "manifests" / "people.yaml")["database"] == "people"


def test_force_never_replaces_the_manifest_of_another_database(
    workspace: Workspace, repo: Path
) -> None:
    """people.yaml pins another database: even with --force the import becomes people-2 and
    people.yaml is left as it was."""
    (repo / "manifests").mkdir()
    mine = f"database: people\nid: {UNKNOWN_ID}\ntitle: Staff\nproperties: {{Name: title}}\n"
    (repo / "manifests" / "people.yaml").write_text(mine, encoding="utf-8")

    result = run("import", workspace.people, "--local", "--force")

    assert result.exit_code == 0, result.stderr
    assert (repo / "manifests" / "people.yaml").read_text(encoding="utf-8") == mine
    assert manifest(repo / "manifests" / "people-2.yaml")["id"] == workspace.people


def test_importing_again_with_force_rewrites_the_same_manifest(
    workspace: Workspace, repo: Path
) -> None:
    """The manifest pinning the database is the one rewritten, so it is no conflict."""
    import_all(workspace)
    before = (repo / "manifests" / "tasks.yaml").read_text(encoding="utf-8")

    again = run(
        "import", workspace.people, workspace.projects, workspace.tasks, "--local", "--force"
    )

    assert again.exit_code == 0
    assert (repo / "manifests" / "tasks.yaml").read_text(encoding="utf-8") == before


def test_import_writes_into_the_folder_given_with_output(workspace: Workspace, repo: Path) -> None:
    """-o DIR creates the folder, and the suggested plan command names it."""
    result = run("import", workspace.people, "--local", "-o", "adopted")

    assert (repo / "adopted" / "people.yaml").is_file()
    assert "`reconciler plan adopted --local`" in result.stdout


def test_import_reads_the_workspace_file_given_with_local_store(
    notion: LocalNotion, repo: Path
) -> None:
    """--local-store FILE is another workspace: its database is found there, not elsewhere."""
    other = LocalNotion(repo, store=str(repo / "other.sqlite"))
    database, _source = other.database("Elsewhere", {"Name": {"title": {}}})
    other.close()

    found = run("import", database, "--local", "--local-store", "other.sqlite")
    missing = run("import", database, "--local", "-o", "default")

    assert (found.exit_code, missing.exit_code) == (0, 1)
    assert found.stdout.startswith("Imported 1 database from local workspace other.sqlite:")


def test_import_accepts_a_data_source_id_and_a_notion_url(workspace: Workspace, repo: Path) -> None:
    """The data source id and the database URL name the same database as its id."""
    url = f"https://www.notion.so/acme/Tasks-{workspace.tasks.replace('-', '')}?v={'0' * 32}"

    by_source = run("import", workspace.tasks_source, "--local", "-o", "a")
    by_url = run("import", url, "--local", "-o", "b")

    assert (by_source.exit_code, by_url.exit_code) == (0, 0)
    assert manifest(repo / "a" / "tasks.yaml") == manifest(repo / "b" / "tasks.yaml")


def test_import_of_an_unknown_id_exits_1_with_the_sharing_hint(notion: LocalNotion) -> None:
    """No database has this id: exit 1, one message saying how to share the database."""
    result = run("import", UNKNOWN_ID, "--local")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: database {UNKNOWN_ID} cannot be reached")
    assert "Connections" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_with_debug_shows_the_traceback_then_the_message(notion: LocalNotion) -> None:
    """--debug adds the traceback before the same one-line error; the exit code stays 1."""
    result = run("import", UNKNOWN_ID, "--local", "--debug")

    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert f"Error: database {UNKNOWN_ID} cannot be reached" in result.stderr


def test_import_of_text_that_is_no_id_exits_1(repo: Path) -> None:
    """A malformed id is refused before anything is read."""
    result = run("import", "tasks", "--local")

    assert (
        result.exit_code,
        result.stderr.splitlines()[0],
    ) == (1, "Error: 'tasks' is not a Notion database id or URL")


def test_import_without_arguments_is_a_usage_error(repo: Path) -> None:
    """DATABASE_ID is required: a usage error, exit 1 (2 means "changes present")."""
    result = run("import", "--local")

    assert result.exit_code == 1
    assert "Missing argument 'DATABASE_ID...'" in result.stderr


def test_import_without_a_token_exits_1_saying_how_to_set_one(repo: Path) -> None:
    """Against Notion, NOTION_TOKEN is needed; the message says so and offers --local."""
    result = run("import", UNKNOWN_ID)

    assert (
        result.exit_code,
        result.stderr.splitlines()[0],
    ) == (1, "Error: no Notion token: NOTION_TOKEN is not set")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1f2e3d4c5b6a47988776655443322110", "1f2e3d4c-5b6a-4798-8776-655443322110"),
        ("1F2E3D4C-5B6A-4798-8776-655443322110", "1f2e3d4c-5b6a-4798-8776-655443322110"),
        (
            (
                "https://www.notion.so/acme/Tasks-1f2e3d4c5b6a47988776655443322110"
                "?v=2a2b2c2d2e2f40008000000000000001"
            ),
            "1f2e3d4c-5b6a-4798-8776-655443322110",
        ),
    ],
)
def test_database_ids_are_read_from_ids_and_urls(given: str, expected: str) -> None:
    """Dashes and case do not matter; in a URL the view id after ?v= is not the database."""
    assert expected == database_id_from(given)


def test_an_id_with_a_wrong_variant_digit_is_refused() -> None:
    """Notion refuses ids whose 17th digit is not 8, 9, a or b; so does import."""
    with pytest.raises(ConfigError, match="17th hex digit"):
        database_id_from("1f2e3d4c5b6a47980776655443322110")


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("Product Roadmap", [], "product-roadmap"),
        ("Café & Crème", [], "cafe-creme"),
        ("2026 Goals", [], "db-2026-goals"),
        ("🚀", [], "database"),
        ("Tasks", ["tasks", "tasks-2"], "tasks-3"),
    ],
)
def test_handles_are_derived_from_titles_and_unique(
    title: str, taken: list[str], expected: str
) -> None:
    """Lower-case ASCII words joined by dashes, starting with a letter, numbered when taken."""
    assert expected == handle_for(title, taken)


# --- live values and schemas back into manifest form -----------------------------------------

NAMING = Naming(
    users=(
        LiveUser(ADA, "Ada Lovelace", "ada@example.com", "person"),
        LiveUser("0000000d-0000-4000-8000-00000000000d", "Sync bot", None, "bot"),
    ),
    keys={"projects": {"11111111-1111-4111-8111-111111111111": "Website"}},
    data_sources={"projects": "22222222-2222-4222-8222-222222222222"},
)


def prop(name: str, kind: str, **config: Any) -> LiveProperty:
    return LiveProperty(id=name[:4].lower(), name=name, type=kind, config=config)


@pytest.mark.parametrize(
    ("live", "value", "written"),
    [
        (prop("Due", "date"), {"start": "2026-12-01", "end": None}, "2026-12-01"),
        (
            prop("Due", "date"),
            {"start": "2026-12-01T09:00Z", "end": "2026-12-01T10:30Z"},
            {"start": "2026-12-01T09:00Z", "end": "2026-12-01T10:30Z"},
        ),
        (
            prop("Owner", "people"),
            [ADA, "0000000d-0000-4000-8000-00000000000d"],
            ["ada@example.com", "0000000d-0000-4000-8000-00000000000d"],
        ),
        (
            prop("Project", "relation", database="projects", type="single_property"),
            [{"page_id": "11111111-1111-4111-8111-111111111111"}],
            ["Website"],
        ),
        (
            prop("Brief", "files"),
            [{"name": "scan.pdf", "hosted": True}],
            [{"name": "scan.pdf", "hosted": True}],
        ),
        (prop("Reviewed", "verification"), {"state": "verified", "date": None}, "verified"),
        (prop("Name", "title"), "1e3", "1e3"),
    ],
)
def test_live_values_are_written_in_manifest_form(
    live: LiveProperty, value: JSON, written: object
) -> None:
    """Dates as ISO text, people by e-mail (bots by id), relations by key, hosted files by name."""
    assert manifest_value(live, value, NAMING) == written


@pytest.mark.parametrize(
    ("live", "value", "reason"),
    [
        (
            prop("Notes", "rich_text"),
            [{"text": "ping ", "mention": {"user": ADA}}],
            "it holds @-mentions, which manifests cannot write",
        ),
        (
            prop("Reviewed", "verification"),
            {"state": "expired", "date": {"start": "2025-01-01", "end": None}},
            "a verification is expired, which only Notion can set",
        ),
    ],
)
def test_values_a_manifest_cannot_write_are_not_expressible(
    live: LiveProperty, value: JSON, reason: str
) -> None:
    """@-mentions and expired verifications: import ignores such a property, saying why."""
    with pytest.raises(NotExpressible, match=reason):
        manifest_value(live, value, NAMING)


def test_exports_keep_what_manifests_cannot_write_as_data() -> None:
    """Outside strict mode a mention run and an expired verification stay as they are."""
    mention: JSON = [{"text": "ping ", "mention": {"user": ADA}}]
    expired: JSON = {"state": "expired", "date": {"start": "2025-01-01", "end": None}}

    assert (
        manifest_form(prop("Notes", "rich_text"), mention, NAMING, strict=False),
        manifest_form(prop("Reviewed", "verification"), expired, NAMING, strict=False),
    ) == (mention, {"state": "expired", "date": "2025-01-01"})


@pytest.mark.parametrize(
    ("live", "declared"),
    [
        (prop("Estimate", "number", format="number"), "number"),
        (prop("Price", "number", format="euro"), {"type": "number", "format": "euro"}),
        (prop("Ticket", "unique_id", prefix=None), "unique_id"),
        (
            prop(
                "Stage",
                "select",
                options=[
                    {"id": "a", "name": "Todo", "color": "default"},
                    {"id": "b", "name": "Done", "color": "green", "description": "Shipped"},
                ],
            ),
            {
                "type": "select",
                "options": ["Todo", {"name": "Done", "color": "green", "description": "Shipped"}],
            },
        ),
        (
            prop(
                "Project",
                "relation",
                database="projects",
                type="dual_property",
                synced_property=None,
            ),
            {"type": "relation", "database": "projects", "dual": True},
        ),
        (
            prop(
                "Source",
                "relation",
                database="a2222222-2222-4222-8222-222222222222",
                type="single_property",
                synced_property=None,
            ),
            {"type": "relation", "database": "a2222222-2222-4222-8222-222222222222"},
        ),
        (
            # A data source id that starts with a digit is a valid target too.
            prop(
                "Source",
                "relation",
                database="62222222-2222-4222-8222-222222222222",
                type="single_property",
                synced_property=None,
            ),
            {"type": "relation", "database": "62222222-2222-4222-8222-222222222222"},
        ),
    ],
)
def test_live_schemas_are_declared_as_manifests_write_them(
    live: LiveProperty, declared: object
) -> None:
    """Defaults become the shorthand; options keep colours and descriptions; relations by target."""
    assert declaration(live, NAMING) == declared


@pytest.mark.parametrize(
    ("live", "reason"),
    [
        (prop("Calc", "formula", expression=None), "Notion did not return its expression"),
        (
            prop("Size", "select", options=[{"id": "a", "name": "S, M", "color": "red"}]),
            "without commas",
        ),
        (prop("Spot", "location"), "does not know location properties"),
    ],
)
def test_schemas_a_manifest_cannot_state_are_not_expressible(
    live: LiveProperty, reason: str
) -> None:
    """No expression, an option name with a comma, an unknown type, a refused declaration."""
    with pytest.raises(NotExpressible, match=reason):
        declaration(live, NAMING)


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def imported(workspace: Workspace) -> Workspace:
    import_all(workspace)
    return workspace


def test_export_writes_yaml_rows_in_manifest_form_by_default(
    imported: Workspace, repo: Path
) -> None:
    """export/<handle>.yaml per database: a list of rows usable as rows_from."""
    result = run("export", "--local")

    people = yaml.safe_load((repo / "export" / "people.yaml").read_text(encoding="utf-8"))

    assert result.exit_code == 0
    assert "people: 2 rows written to export/people.yaml" in result.stdout.splitlines()
    assert people == [
        {"Name": "Ada Lovelace", "Email": "ada@example.com", "Account": ["ada@example.com"]},
        {"Name": "Grace Hopper", "Email": "grace@example.com"},
    ]


def test_export_as_json_writes_the_same_rows(imported: Workspace, repo: Path) -> None:
    """--format json gives the rows YAML gives."""
    run("export", "--local")
    result = run("export", "--local", "--format", "json")

    as_json = json.loads((repo / "export" / "tasks.json").read_text(encoding="utf-8"))
    as_yaml = yaml.safe_load((repo / "export" / "tasks.yaml").read_text(encoding="utf-8"))

    assert result.exit_code == 0
    assert as_yaml == as_json


def test_export_as_csv_has_a_header_and_joins_lists_with_semicolons(
    imported: Workspace, repo: Path
) -> None:
    """Lists "a; b", date ranges start/end, place as JSON, text without formatting."""
    run("export", "--local", "--format", "csv", "-o", "out")

    lines = (repo / "out" / "tasks.csv").read_text(encoding="utf-8").splitlines()
    brief = next(row for row in csv.DictReader(lines) if row["Name"] == "Write the brief")
    expected = {
        "Owner": "ada@example.com; grace@example.com",
        "Tags": "docs; web",
        "Due": "2026-09-15T07:30Z/2026-09-16",
        "Notes": "Costs ${BUDGET}, see the style guide",
        "Done": "true",
        "Office": '{"lat": 51.5194, "lon": -0.127, "name": "Bloomsbury"}',
        "Project": "Website",
    }

    assert lines[0].split(",")[0] == "Name"
    assert {name: brief[name] for name in expected} == expected


def test_exported_csv_reads_back_as_the_same_rows_through_rows_from(
    imported: Workspace, repo: Path
) -> None:
    """A people manifest with `rows_from: people.csv` holds the rows Notion holds."""
    run("export", "manifests/people.yaml", "--local", "--format", "csv", "-o", "manifests/data")
    text_ = (repo / "manifests" / "people.yaml").read_text(encoding="utf-8")
    before = text_.split("\nrows:\n")[0]
    (repo / "manifests" / "people.yaml").write_text(
        before + "\nrows_from: data/people.csv\n", encoding="utf-8"
    )

    assert run("plan", "manifests/people.yaml", "--local", "--detailed-exitcode").exit_code == 0


def test_export_reads_the_workspace_file_given_with_local_store(
    imported: Workspace, repo: Path
) -> None:
    """--local-store FILE: an empty workspace there has none of the databases."""
    result = run("export", "--local", "--local-store", "empty.sqlite")

    assert result.exit_code == 1
    assert "cannot be reached" in result.stderr


def test_export_to_stdout_writes_one_database(imported: Workspace) -> None:
    """-o - prints the file instead of writing it."""
    result = run("export", "manifests/people.yaml", "--local", "--format", "json", "-o", "-")

    assert result.exit_code == 0
    assert [row["Name"] for row in json.loads(result.stdout)] == ["Ada Lovelace", "Grace Hopper"]


def test_export_of_one_related_database_to_stdout(imported: Workspace) -> None:
    """--database tasks -o -: only tasks, its relations still written as the targets' keys (the
    related databases are read, not written)."""
    result = run("export", "--database", "tasks", "--local", "--format", "json", "-o", "-")

    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    projects = {name for row in rows for name in row.get("Project", [])}
    assert projects
    assert all(not looks_like_notion_id(name) for name in projects)


def test_export_to_stdout_of_several_databases_exits_1(imported: Workspace) -> None:
    """-o - takes exactly one database."""
    result = run("export", "--local", "-o", "-")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: -o - writes one database to stdout")
    assert "--database HANDLE" in result.stderr


def test_export_with_an_unknown_format_exits_1(imported: Workspace) -> None:
    """--format xml is refused with the formats there are."""
    result = run("export", "--local", "--format", "xml")

    assert (result.exit_code, result.stderr) == (
        1,
        (
            "Error: --format 'xml' is not an export format\n"
            "  hint: use --format yaml, json or csv (a file per database), or markdown or html"
            " (a file per row)\n"
        ),
    )


def test_export_of_invalid_manifests_exits_1(repo: Path) -> None:
    """Manifests are checked first; problems are reported as validate reports them."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "bad.yaml").write_text("database: bad\n", encoding="utf-8")

    result = run("export", "--local")

    assert result.exit_code == 1
    assert "missing field 'title'" in result.stderr


def test_export_says_which_databases_do_not_exist_yet(notion: LocalNotion, repo: Path) -> None:
    """A manifest whose database was never created is named on stderr, not exported."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "todo.yaml").write_text(
        "database: todo\ntitle: Todo\nproperties: {Name: title}\n", encoding="utf-8"
    )

    result = run("export", "--local")

    assert (
        result.exit_code,
        result.stderr,
    ) == (0, "todo: not exported, its database does not exist yet\n")


def test_export_shows_a_progress_bar_only_on_a_terminal(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large databases get a bar on a terminal's stderr (click shows its label where it cannot
    draw), redirected output gets none."""
    import reconciler.cli.cmd_export as cmd_export

    monkeypatch.setattr(cmd_export, "PROGRESS_FROM_ROWS", 2)
    plain = run("export", "--local")
    monkeypatch.setattr(cmd_export, "_is_terminal", lambda: True)
    on_terminal = run("export", "--local")

    assert (plain.stderr, on_terminal.stderr) == ("", "Reading 3 databases...\npeople\ntasks\n")


# --- doctor ---------------------------------------------------------------------------------


def test_doctor_passes_on_a_healthy_local_workspace(imported: Workspace) -> None:
    """Every check passes: exit 0, a ✓ line per database, and a closing line."""
    result = run("doctor", "--local")

    assert result.exit_code == 0
    assert "✓ database tasks: 'Tasks' reachable, 26 properties" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "All checks passed."


def test_doctor_names_an_unshared_database_and_how_to_share_it(
    notion: LocalNotion, repo: Path
) -> None:
    """A manifest pinned to an id the integration cannot see: ✗ with the sharing fix, exit 1."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "gone.yaml").write_text(
        f"database: gone\nid: {UNKNOWN_ID}\ntitle: Gone\nproperties: {{Name: title}}\n",
        encoding="utf-8",
    )

    result = run("doctor", "--local")
    lines = result.stdout.splitlines()
    at = lines.index("✗ database gone: not found or not shared with the integration")

    assert result.exit_code == 1
    assert "Connections → add your integration" in lines[at + 1]
    assert lines[-1] == "1 check failed."


def test_doctor_checks_only_the_databases_of_the_manifests_given(imported: Workspace) -> None:
    """PATH limits the database checks to those manifests."""
    result = run("doctor", "manifests/people.yaml", "--local")
    checked = [line for line in result.stdout.splitlines() if line.startswith("✓ database ")]

    assert result.exit_code == 0
    assert checked == ["✓ database people: 'People' reachable, 3 properties"]


def test_doctor_uses_the_workspace_file_given_with_local_store(
    imported: Workspace, repo: Path
) -> None:
    """--local-store FILE: in an empty workspace the imported databases are not found."""
    result = run("doctor", "--local", "--local-store", "empty.sqlite")

    assert result.exit_code == 1
    assert "✗ database people: not found or not shared with the integration" in (
        result.stdout.splitlines()
    )


def test_doctor_says_where_a_database_without_id_will_be_created(
    notion: LocalNotion, repo: Path
) -> None:
    """Without `id`, the database is looked for by title under its parent page."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "todo.yaml").write_text(
        "database: todo\ntitle: Todo\nproperties: {Name: title}\n", encoding="utf-8"
    )

    result = run("doctor", "--local")

    assert result.exit_code == 0
    assert "✓ database todo: not created yet; apply creates it under page 'Workspace root'" in (
        result.stdout.splitlines()
    )


def test_doctor_never_suggests_pinning_a_local_workspace_id(
    notion: LocalNotion, repo: Path
) -> None:
    """Found by title in the --local workspace: no `id:` tip (local ids mean nothing in Notion),
    and the local integration's capabilities are not something to go and check."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "todo.yaml").write_text(
        "database: todo\ntitle: Todo\nproperties: {Name: title}\n", encoding="utf-8"
    )
    assert run("apply", "--local", "--yes").exit_code == 0

    result = run("doctor", "--local")
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("✓ database todo: found by"))

    assert result.exit_code == 0
    assert not lines[at + 1].startswith("    tip:")
    assert "pin it" not in result.stdout
    assert "✓ capabilities: the local workspace's integration has all of them" in lines
    assert "without writing" not in result.stdout


def test_doctor_without_a_token_fails_and_still_checks_offline(repo: Path) -> None:
    """No token: ✗ with how to set one; settings, rate limit and state folder still checked."""
    result = run("doctor")

    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:2] + result.stdout.splitlines()[3:5] == [
        "✗ token: no Notion token: NOTION_TOKEN is not set",
        "- Notion checks skipped: no usable token or base URL",
        "- manifests: none (manifests/ does not exist)",
    ]


def test_doctor_reports_a_rejected_token(
    emulator_server: EmulatorServer, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notion answers 401: ✗ token rejected, with where to copy the secret again."""
    monkeypatch.setenv("NOTION_BASE_URL", emulator_server.url)
    monkeypatch.setenv("NOTION_TOKEN", "secret_not_this_one")

    result = run("doctor")

    assert result.exit_code == 1
    assert "✗ token rejected by Notion (401 unauthorized)" in result.stdout.splitlines()


def test_doctor_tells_a_missing_read_capability_from_a_missing_share(
    emulator: Emulator, emulator_server: EmulatorServer, repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Notion's 403 restricted_resource on a read means the Read content capability is off."""
    client = in_process_client(emulator)
    database = client.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=text("Tasks"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    emulator.configure(
        {"faults": [{"method": "GET", "path": "/v1/databases/", "status": 403,
                     "code": "restricted_resource", "times": 5}]}
    )  # fmt: skip
    (repo / "manifests").mkdir()
    (repo / "manifests" / "tasks.yaml").write_text(
        f"database: tasks\nid: {database['id']}\ntitle: Tasks\nproperties: {{Name: title}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NOTION_BASE_URL", emulator_server.url)
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)

    result = run("doctor")
    lines = result.stdout.splitlines()
    at = lines.index("✗ database tasks: the integration may not read it (403 restricted_resource)")

    assert result.exit_code == 1
    assert lines[at + 1].endswith("Content capabilities: 'Read content'")


def test_doctor_fails_a_rate_above_notions_limit(repo: Path) -> None:
    """rate_limit.rps 10 is more than Notion's 3 per second: ✗ with the setting to use."""
    (repo / "reconciler.yaml").write_text("rate_limit: {rps: 10}\n", encoding="utf-8")

    result = run("doctor")
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("✗ rate limit: 10 requests/s"))

    assert lines[at + 1] == "    fix: set rate_limit: {rps: 3} in reconciler.yaml"


def test_doctor_fails_when_the_state_folder_cannot_be_written(repo: Path) -> None:
    """state_dir under a file cannot be created: ✗ with the fix, exit 1."""
    (repo / "blocker").write_text("", encoding="utf-8")
    (repo / "reconciler.yaml").write_text("state_dir: blocker/state\n", encoding="utf-8")

    result = run("doctor")

    assert result.exit_code == 1
    assert any(
        line.startswith("✗ state folder blocker/state/ is not writable")
        for line in result.stdout.splitlines()
    )


def test_doctor_reports_invalid_manifests(notion: LocalNotion, repo: Path) -> None:
    """Manifests that do not load: ✗ with the first problem and `reconciler validate`."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "bad.yaml").write_text("database: bad\n", encoding="utf-8")

    result = run("doctor", "--local")

    assert result.exit_code == 1
    assert "✗ manifests: 2 problems in the manifests:" in result.stdout.splitlines()


def test_doctor_output_has_no_colour_when_not_on_a_terminal(imported: Workspace) -> None:
    """Captured output carries no ANSI escapes."""
    assert "\x1b[" not in run("doctor", "--local").stdout


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["import", "export", "doctor"])
def test_help_shows_examples_and_the_local_option(name: str) -> None:
    """--help of each command has an Examples section and --local."""
    result = run(name, "--help")

    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "--local" in result.stdout


# --- as a subprocess ------------------------------------------------------------------------


def test_import_export_and_doctor_run_as_commands(workspace: Workspace, repo: Path) -> None:
    """The installed `reconciler`: import, plan, export and doctor against --local, exit 0."""
    steps = [
        ["import", workspace.people, workspace.projects, workspace.tasks, "--local"],
        ["plan", "--local", "--detailed-exitcode"],
        ["export", "--local", "--format", "csv"],
        ["doctor", "--local"],
    ]

    codes = [run_process(*step, cwd=repo).returncode for step in steps]

    assert codes == [0, 0, 0, 0]
    assert (repo / "export" / "tasks.csv").is_file()


def test_commands_fail_with_exit_1_and_one_message(workspace: Workspace, repo: Path) -> None:
    """Unknown id, existing files, bad format: exit 1, one `Error:` line and a hint each."""
    (repo / "manifests").mkdir()
    (repo / "manifests" / "people.yaml").write_text("# mine\n", encoding="utf-8")
    commands = [
        ("import", UNKNOWN_ID, "--local"),
        ("import", workspace.people, "--local"),
        ("export", "--local", "--format", "xml"),
    ]
    with ThreadPoolExecutor(len(commands)) as pool:
        failures = list(pool.map(lambda args: run_process(*args, cwd=repo), commands))

    expected = [
        f"Error: database {UNKNOWN_ID} cannot be reached",
        "Error: not overwriting manifests/people.yaml",
        "Error: --format 'xml' is not an export format",
    ]

    assert [f.returncode for f in failures] == [1, 1, 1]
    firsts = [f.stderr.splitlines()[0] for f in failures]
    assert [line[: len(e)] for line, e in zip(firsts, expected, strict=True)] == expected
    assert all("  hint: " in f.stderr for f in failures)


def test_doctor_uses_ascii_marks_when_the_output_is_not_utf8(repo: Path) -> None:
    """With an ASCII stdout, [ok] and [FAIL] replace ✓ and ✗, and arrows become ->."""
    result = run_process("doctor", cwd=repo, PYTHONIOENCODING="ascii")

    assert result.returncode == 1
    assert "[FAIL] token: no Notion token: NOTION_TOKEN is not set" in result.stdout.splitlines()
    assert result.stdout.isascii()
