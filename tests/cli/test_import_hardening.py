"""``reconciler import`` against hostile titles, with ``--key``, in rows' creation order, with a
portable schema reference, and without links to a local workspace that Notion does not have.

The databases live in a ``--local`` workspace file filled through the emulator's API, as a person
would have filled them in Notion (``LocalNotion``).
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.manifest import load_desired_state
from tests.cli.test_import_export_doctor import LocalNotion, run


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository without schemas/ as the current directory, without a token."""
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
