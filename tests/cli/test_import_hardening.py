"""``reconciler import`` against hostile titles, with ``--key``, in rows' creation order, with a
portable schema reference, and without links to a local workspace that Notion does not have.

The databases live in a ``--local`` workspace file filled through the emulator's API, as a person
would have filled them in Notion (``LocalNotion``).
"""

from __future__ import annotations

import importlib.resources
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.emulator import ROOT_PAGE_ID, Emulator
from reconciler.manifest import load_desired_state
from tests.cli import test_import_export_doctor as adoption
from tests.cli.test_import_export_doctor import BUILDER_TOKEN, LocalNotion, text
from tests.conftest import in_process_client

repo = adoption.repo  # an empty repository as the current directory, no token
notion = adoption.notion  # its --local workspace, filled through the API


def run(*args: str) -> Result:
    """The CLI in-process (click's runner), stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _import(*args: str) -> str:
    result = run("import", *args, "--local")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def _installed_schema() -> dict[str, Any]:
    schemas = importlib.resources.files("reconciler").joinpath("schemas")
    loaded = json.loads(schemas.joinpath("manifest.schema.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _written(repo: Path) -> tuple[str, dict[str, Any]]:
    """The text and data of the one manifest import wrote."""
    (path,) = (repo / "manifests").iterdir()
    content = path.read_text(encoding="utf-8")
    loaded = yaml.safe_load(content)
    assert isinstance(loaded, dict)
    return content, loaded


# --- titles that end a YAML line ------------------------------------------------------------


@pytest.mark.parametrize(
    "breaker", ["\u2028", "\u2029", "\x85", "\r"], ids=["LS", "PS", "NEL", "CR"]
)
def test_a_title_ending_a_yaml_line_cannot_write_a_manifest_key(
    notion: LocalNotion, repo: Path, breaker: str
) -> None:
    """`Roadmap<line break>prune_properties: true` imports cleanly and sets nothing."""
    title = f"Roadmap{breaker}prune_properties: true"
    database, _ = notion.database(title, {"Name": {"title": {}}})

    _import(database)

    content, loaded = _written(repo)
    state = load_desired_state(["manifests"])
    assert "prune_properties" not in loaded
    assert state.databases[0].prune_properties is False
    assert state.databases[0].title == title
    assert f"Roadmap\\u{ord(breaker):04x}" in content or f"Roadmap\\x{ord(breaker):02x}" in content


# --- the schema reference ---------------------------------------------------------------------


def test_import_without_schemas_copies_the_schema_and_names_it_relatively(
    notion: LocalNotion, repo: Path
) -> None:
    """No file:// of one machine: schemas/manifest.schema.json is written and named by a path
    relative to the manifest, which holds in every checkout."""
    database, _ = notion.database("Tasks", {"Name": {"title": {}}})

    output = _import(database)

    content, _ = _written(repo)
    first = content.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/manifest.schema.json"
    copied = json.loads((repo / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    assert copied["$id"] == _installed_schema()["$id"]
    assert (
        "Wrote schemas/manifest.schema.json: the manifest schema their first line names" in output
    )


def test_import_keeps_the_schema_a_repository_already_has(notion: LocalNotion, repo: Path) -> None:
    """A repository's own schemas/manifest.schema.json is referenced, never replaced."""
    own = repo / "schemas" / "manifest.schema.json"
    own.parent.mkdir()
    own.write_text('{"$id": "our own"}\n', encoding="utf-8")
    database, _ = notion.database("Tasks", {"Name": {"title": {}}})

    output = _import(database, "-o", "deep/manifests")

    first = (repo / "deep/manifests/tasks.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/manifest.schema.json"
    assert own.read_text(encoding="utf-8") == '{"$id": "our own"}\n'
    assert "the manifest schema" not in output


def test_import_outside_the_repository_keeps_the_schema_beside_the_manifests(
    notion: LocalNotion, repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """-o to a folder outside the repository: the schema goes next to the manifests."""
    outside = tmp_path_factory.mktemp("adopted")
    database, _ = notion.database("Tasks", {"Name": {"title": {}}})

    _import(database, "-o", str(outside))

    first = (outside / "tasks.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=manifest.schema.json"
    assert (outside / "manifest.schema.json").is_file()


# --- the order of rows ------------------------------------------------------------------------


class _Clock:
    """The emulator's clock, moved by the test (Notion keeps creation times to the minute)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_imported_rows_follow_creation_time_then_page_id(repo: Path) -> None:
    """Rows 1..10 of one minute come by page id (Notion's ids are time-ordered), never as
    10, 1, 2 by key text; a row of a later minute comes after them whatever its key."""
    LocalNotion(repo).close()  # the workspace file, as a first run makes it
    clock = _Clock()
    emulator = Emulator(
        store=str(repo / ".reconciler" / "local.sqlite"),
        tokens={BUILDER_TOKEN: "Fixture builder"},
        rate_limit=None,
        clock=clock,
    )
    api = in_process_client(emulator, token=BUILDER_TOKEN)
    created = api.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=text("Steps"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    source = created["data_sources"][0]["id"]
    pages: list[tuple[str, str]] = []
    for name in [str(n) for n in range(1, 11)]:
        page = api.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Name": {"title": text(name)}},
        )
        pages.append((page["id"], name))
    clock.now += timedelta(minutes=2)
    api.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": text("0")}},
    )
    emulator.close()

    _import(created["id"])

    _, loaded = _written(repo)
    assert [row["Name"] for row in loaded["rows"]] == [name for _, name in sorted(pages)] + ["0"]


# --- --key ------------------------------------------------------------------------------------


def _roadmap(notion: LocalNotion, codes: list[str | None]) -> str:
    """A roadmap whose titles are unique but change, and a Code that is the stable id."""
    database, source = notion.database(
        "Roadmap",
        {"Name": {"title": {}}, "Code": {"rich_text": {}}, "Tags": {"multi_select": {}}},
    )
    for number, code in enumerate(codes, start=1):
        values: dict[str, Any] = {"Name": {"title": text(f"Milestone {number}")}}
        if code is not None:
            values["Code"] = {"rich_text": text(code)}
        notion.row(source, values)
    return database


def test_key_makes_the_chosen_property_the_key(notion: LocalNotion, repo: Path) -> None:
    """--key Code: the manifest is keyed by Code (first in each row), and plans empty."""
    database = _roadmap(notion, ["RM-001", "RM-002", "RM-003"])

    output = _import(database, "--key", "Code")

    content, loaded = _written(repo)
    assert loaded["key"] == "Code"
    assert [next(iter(row)) for row in loaded["rows"]] == ["Code", "Code", "Code"]
    assert "chosen with --key: 'Code' (rich_text) has a unique, non-empty value in all 3" in (
        " ".join(line.lstrip("# ") for line in content.splitlines())
    )
    assert "key Code" in output
    assert run("plan", "--local", "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize(
    ("key", "codes", "says"),
    [
        ("Slug", ["RM-001"], "the database 'Roadmap' has no property 'Slug'"),
        ("Tags", ["RM-001"], "'Tags' is a multi_select property, which cannot be a key"),
        ("Code", ["RM-001", "RM-001", None], "1 row has no Code and 2 share their Code"),
    ],
    ids=["missing", "not-a-key-type", "not-unique"],
)
def test_a_key_that_cannot_tell_rows_apart_is_refused_and_nothing_is_written(
    notion: LocalNotion, repo: Path, key: str, codes: list[str | None], says: str
) -> None:
    """Exit 1 with the reason (and the rows concerned); no manifest is written."""
    database = _roadmap(notion, codes)

    result = run("import", database, "--local", "--key", key)

    assert result.exit_code == 1
    assert says in result.stderr
    assert "hint:" in result.stderr
    assert not (repo / "manifests").exists()


def test_the_refusal_names_the_rows_by_page_id_in_a_local_workspace(
    notion: LocalNotion, repo: Path
) -> None:
    """The rows a --key cannot identify are listed by page id, not by a notion.so link."""
    database = _roadmap(notion, ["RM-001", None])

    result = run("import", database, "--local", "--key", "Code")

    assert "notion.so" not in result.stderr
    assert re.search(r"cannot be the key \([0-9a-f-]{36}\)", result.stderr), result.stderr


# --- links of a local workspace ---------------------------------------------------------------


def test_a_local_import_writes_no_notion_links(notion: LocalNotion, repo: Path) -> None:
    """The local workspace's pages open nowhere: the manifest names no notion.so URL."""
    database = _roadmap(notion, ["RM-001", "RM-001"])

    _import(database)

    content, _ = _written(repo)
    assert "notion.so" not in content
    assert 'the database "Roadmap", 2 rows' in " ".join(content.split())
