"""Fixtures of the scenario suite: a team's repository, the real CLI, and a person in Notion.

``team`` gives a ``Team``: a repository in ``tmp_path`` (``reconciler.yaml`` with the rate limit
off, manifests under ``manifests/``) whose ``reconciler`` commands run through click's runner
against the emulator served over TCP (``NOTION_BASE_URL``, ``NOTION_TOKEN``), exactly as a user's
shell would. ``team.human`` is a notion-client bound to the same emulator: the colleague who edits
Notion by hand between two runs. ``team.writes_since(mark)`` lists the write requests the
emulator answered, the proof that a run wrote (or did not write) something.

Every scenario ends with ``team.converged()``: the plan is empty (``--detailed-exitcode`` 0) and
a second ``apply --yes`` sends no write at all.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.emulator import Emulator, EmulatorServer
from tests.apply.conftest import PEOPLE, writes
from tests.conftest import ROOT_PAGE_ID, TOKEN, in_process_client

__all__ = ["BLOCKED", "CHANGES", "ROOT_PAGE_ID", "STALE", "Team", "plain", "title_of"]

CHANGES, BLOCKED, STALE = 2, 3, 4


def plain(items: Any) -> str:
    """The plain text of a rich-text array as Notion returns it."""
    return "".join(str(item.get("plain_text", "")) for item in items or [])


def title_of(page: Mapping[str, Any]) -> str:
    """The plain text of a page's title property."""
    for value in page["properties"].values():
        if value.get("type") == "title":
            return plain(value["title"])
    return ""


@dataclasses.dataclass
class Team:
    """A repository of manifests, the CLI that applies them, and Notion as people see it."""

    root: Path
    emulator: Emulator
    human: Any
    """notion-client bound in-process to the emulator: a person editing Notion by hand."""

    # --- the repository ----------------------------------------------------------------------

    def write(self, *manifests: Mapping[str, Any]) -> None:
        """Write (or rewrite) these manifests, one file per database."""
        for manifest in manifests:
            text = yaml.safe_dump(
                copy.deepcopy(dict(manifest)), sort_keys=False, allow_unicode=True
            )
            path = self.root / "manifests" / f"{manifest['database']}.yaml"
            path.write_text(text, encoding="utf-8")

    def remove(self, handle: str) -> None:
        (self.root / "manifests" / f"{handle}.yaml").unlink()

    def configure(self, text: str) -> None:
        """Replace reconciler.yaml (the rate limit stays off unless the text sets it)."""
        if "rate_limit" not in text:
            text = "rate_limit: {rps: 0}\n" + text
        (self.root / "reconciler.yaml").write_text(text, encoding="utf-8")

    # --- the CLI -----------------------------------------------------------------------------

    def run(self, *args: str, stdin: str | None = None, **env: str) -> Result:
        """``reconciler ARGS`` in the repository (exceptions propagate: a traceback fails)."""
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=stdin, env=env or None, catch_exceptions=False)

    def expect(self, expected: int, *args: str, **env: str) -> Result:
        """``reconciler ARGS``, which must exit with ``expected`` (its output shown when not)."""
        result = self.run(*args, **env)
        assert expected == result.exit_code, result.output
        return result

    def apply(self, *args: str) -> Result:
        """``reconciler apply --yes ARGS``, which must succeed."""
        return self.expect(0, "apply", "--yes", *args)

    @staticmethod
    def undo_plan(applied: Result) -> str:
        """The undo plan an apply printed (``Undo plan: PATH (...)``)."""
        for line in applied.stdout.splitlines():
            if line.startswith("Undo plan: "):
                command = line.split("to put back what this apply did: ", 1)[1].rstrip(")")
                return next(word for word in shlex.split(command) if word.endswith(".json"))
        raise AssertionError(f"no undo plan in: {applied.stdout}")

    def plan(self, *args: str) -> dict[str, Any]:
        """The plan as ``plan --format json`` prints it."""
        result = self.expect(0, "plan", "--format", "json", *args)
        document: dict[str, Any] = json.loads(result.stdout)
        return document

    def changes(self, *args: str) -> list[str]:
        """The ids of the planned changes, in plan order."""
        return [c["id"] for db in self.plan(*args)["databases"] for c in db["changes"]]

    def diffs(self, *args: str) -> dict[str, list[tuple[str, Any, Any]]]:
        """Change id → its field diffs (path, old, new)."""
        return {
            c["id"]: [(d["path"], d["old"], d["new"]) for d in c["diffs"]]
            for db in self.plan(*args)["databases"]
            for c in db["changes"]
        }

    def converged(self, *args: str) -> None:
        """The plan is empty and a second apply writes nothing."""
        self.expect(0, "plan", "--detailed-exitcode", *args)
        since = self.mark()
        again = self.apply(*args)
        assert "Nothing to apply." in again.stdout
        self.wrote_nothing(since)

    # --- the emulator ------------------------------------------------------------------------

    def mark(self) -> int:
        """The emulator's request count now, for ``writes_since``."""
        return len(self.emulator.requests())

    def writes_since(self, mark: int) -> list[str]:
        return writes(self.emulator, mark)

    def wrote_nothing(self, since: int) -> None:
        """No write request reached Notion since the mark."""
        written = self.writes_since(since)
        assert not written, f"{len(written)} writes: {written}"

    # --- Notion as people see it -------------------------------------------------------------

    def database_id(self, title: str) -> str:
        """The id of the database with this title under the root page."""
        children = self.human.blocks.children.list(ROOT_PAGE_ID, page_size=100)["results"]
        found = [
            block["id"]
            for block in children
            if block["type"] == "child_database" and block["child_database"]["title"] == title
        ]
        assert len(found) == 1, f"{len(found)} databases titled {title!r}"
        return str(found[0])

    def data_source(self, title: str) -> dict[str, Any]:
        """The data source (with its schema) of the database with this title."""
        database = self.human.databases.retrieve(self.database_id(title))
        source: dict[str, Any] = self.human.data_sources.retrieve(database["data_sources"][0]["id"])
        return source

    def pages(self, title: str, *, in_trash: bool = False) -> list[dict[str, Any]]:
        """Every page of the database (or every trashed one), oldest first."""
        source = self.data_source(title)["id"]
        pages: list[dict[str, Any]] = []
        cursor = None
        while True:
            body: dict[str, Any] = {"page_size": 100, "start_cursor": cursor}
            if in_trash:
                body["in_trash"] = True
            answer = self.human.data_sources.query(source, **body)
            pages.extend(p for p in answer["results"] if p.get("in_trash", False) == in_trash)
            cursor = answer.get("next_cursor")
            if not answer.get("has_more") or not cursor:
                return pages

    def page(self, title: str, key_property: str, key: str) -> dict[str, Any]:
        """The one live page of the database whose key property reads ``key``."""
        found = [p for p in self.pages(title) if self.key_of(p, key_property) == key]
        assert len(found) == 1, f"{len(found)} pages of {title!r} with {key_property} {key!r}"
        return found[0]

    @staticmethod
    def key_of(page: Mapping[str, Any], key_property: str) -> str:
        value = page["properties"][key_property]
        kind = value["type"]
        if kind in ("title", "rich_text"):
            return plain(value[kind])
        return str(value[kind])

    def keys(self, title: str, key_property: str, *, in_trash: bool = False) -> list[str]:
        """The keys of the live (or trashed) pages, sorted."""
        pages = self.pages(title, in_trash=in_trash)
        return sorted(self.key_of(p, key_property) for p in pages)


@pytest.fixture
def team(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    emulator: Emulator,
    emulator_server: EmulatorServer,
) -> Team:
    """A repository whose CLI talks to the emulator over TCP; two people in the workspace."""
    emulator.seed({"users": PEOPLE})
    (tmp_path / "manifests").mkdir()
    (tmp_path / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    monkeypatch.setenv("NOTION_BASE_URL", emulator_server.url)
    monkeypatch.delenv("RECONCILER_APPROVE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Team(tmp_path, emulator, in_process_client(emulator))
