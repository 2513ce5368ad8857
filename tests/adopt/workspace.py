"""A team's repository for ``pull`` tests: manifests in a git checkout, the CLI, and Notion.

``Team`` is a git repository in a temporary folder whose ``reconciler`` commands run through
click's runner against the embedded workspace of ``--local`` (a SQLite file outside the checkout,
so it never shows in ``git status``). ``team.notion()`` opens that same workspace as a person
editing Notion in the app (a second integration, ``PERSON``, which Notion then names as the last
editor of what it touched), through the real ``notion_client``. ``applied(...)`` makes a template
team once (manifests applied and committed) that each test copies.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result
from notion_client import Client

from reconciler.cli import cli
from reconciler.emulator import Emulator

__all__ = ["PERSON", "Team", "plain"]

PERSON = "Notion app"
"""The integration a person's edits arrive through: Notion names it as their last editor."""
_PERSON_TOKEN = "secret_a_person_editing_in_notion"
_GIT = ("git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "-c",
        "commit.gpgsign=false")  # fmt: skip
_LOGGER = logging.getLogger("tests.notion_client")
_TALKS_TO_NOTION = frozenset({"plan", "apply", "pull", "import", "export", "doctor"})


def plain(items: Any) -> str:
    """The plain text of a rich-text array as Notion returns it."""
    return "".join(str(item.get("plain_text", "")) for item in items or [])


@dataclass
class Team:
    """A git checkout of manifests, the CLI against a local workspace, and Notion's app."""

    root: Path
    store: Path

    @classmethod
    def create(cls, folder: Path, files: Mapping[str, str]) -> Team:
        """A new checkout in ``folder`` holding ``files`` (committed), with an empty workspace."""
        team = cls(folder / "repo", folder / "workspace.sqlite")
        team.root.mkdir(parents=True)
        team.write("reconciler.yaml", "manifests: manifests\n")
        team.write(".gitignore", ".reconciler/\n")  # the journal and undo plans stay local
        for relative, text in files.items():
            team.write(relative, text)
        team.git("init", "-q", "-b", "main")
        team.commit("Manifests")
        return team

    @classmethod
    def applied(cls, folder: Path, files: Mapping[str, str]) -> Team:
        """A new checkout holding ``files``, applied to its workspace (``apply --yes``)."""
        team = cls.create(folder, files)
        team.expect(0, "apply", "--yes")
        return team

    def copy(self, folder: Path) -> Team:
        """The same checkout and workspace in another folder."""
        team = Team(folder / "repo", folder / "workspace.sqlite")
        shutil.copytree(self.root, team.root)
        shutil.copyfile(self.store, team.store)
        return team

    # --- files and git ---------------------------------------------------------------------

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def read(self, relative: str) -> str:
        return (self.root / relative).read_bytes().decode("utf-8")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            [*_GIT, *args], cwd=self.root, capture_output=True, text=True, check=True
        )
        return done.stdout

    def commit(self, message: str = "Pulled") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def diff(self) -> str:
        """``git diff`` of the working tree, without the index lines (blob ids vary)."""
        text = self.git("diff", "--no-color")
        return "".join(
            line for line in text.splitlines(keepends=True) if not line.startswith("index ")
        )

    # --- the CLI ---------------------------------------------------------------------------

    def run(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        """``reconciler ARGS`` in the checkout (``--local`` on commands that talk to Notion)."""
        words = list(args)
        if words and words[0] in _TALKS_TO_NOTION:
            words += ["--local", "--local-store", str(self.store)]
        with contextlib.chdir(self.root):
            return CliRunner().invoke(cli, words, env=env, catch_exceptions=False)

    def expect(self, code: int, *args: str) -> Result:
        result = self.run(*args)
        assert code == result.exit_code, result.output
        return result

    def plan_is_empty(self) -> None:
        self.expect(0, "plan", "--detailed-exitcode")

    # --- Notion ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def notion(self) -> Iterator[Any]:
        """notion-client as a person in the Notion app, on the same workspace."""
        emulator = Emulator(store=str(self.store), tokens={_PERSON_TOKEN: PERSON}, rate_limit=None)
        transport = httpx.Client(transport=httpx.WSGITransport(app=emulator))
        try:
            yield Client(
                auth=_PERSON_TOKEN,
                client=transport,
                base_url="http://notion.emulator",
                retry=False,
                logger=_LOGGER,
            )
        finally:
            transport.close()
            emulator.close()

    def source_id(self, client: Any, title: str) -> str:
        """The id of the data source titled ``title``."""
        found = client.search(query=title, filter={"property": "object", "value": "data_source"})
        [source] = [s for s in found["results"] if plain(s["title"]) == title]
        return str(source["id"])

    def rows(self, client: Any, title: str, key: str) -> dict[str, dict[str, Any]]:
        """The live pages of the data source titled ``title``, by their ``key`` as text."""
        pages = client.data_sources.query(self.source_id(client, title))["results"]
        by_key: dict[str, dict[str, Any]] = {}
        for page in pages:
            value = page["properties"][key]
            shown = value[value["type"]]
            by_key[shown if isinstance(shown, str) else plain(shown)] = page
        return by_key
