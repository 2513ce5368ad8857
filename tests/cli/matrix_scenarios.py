"""Exit-code scenarios of the CLI contract matrix: one per command and exit code of the README.

Each ``Scenario`` prepares a ``Stage`` (in-process, through the CLI itself where it can), then
names the command line whose exit code is the contract's. ``test_contract_matrix.py`` runs every
scenario twice: with click's runner and as a subprocess of the installed ``reconciler``; the
scenarios expected to fail also drive the error-message, ``--debug`` and colour checks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tests.apply.conftest import TASKS
from tests.cli.matrix_support import CommandPath, Stage

__all__ = ["CONTRACT_CODES", "SCENARIOS", "Scenario", "scenario_for", "titled"]

CONTRACT_CODES: Final[dict[CommandPath, frozenset[int]]] = {
    (): frozenset({0, 1}),
    ("validate",): frozenset({0, 1}),
    ("plan",): frozenset({0, 1, 2}),
    ("show",): frozenset({0, 1}),
    ("apply",): frozenset({0, 1, 3, 4}),
    ("import",): frozenset({0, 1}),
    ("export",): frozenset({0, 1}),
    ("pull",): frozenset({0, 1, 2}),
    ("doctor",): frozenset({0, 1}),
    ("emulator", "serve"): frozenset({0, 1}),
    ("serve",): frozenset({0, 1}),
}
"""README, Exit codes: 0 success, 1 error, 2 changes (--detailed-exitcode), 3 gate, 4 stale plan."""


Prepare = Callable[[Stage], Sequence[str]]
"""Sets the stage up; returns words to append to the command line (ids known only then)."""


def _nothing(_stage: Stage) -> Sequence[str]:
    return ()


@dataclass(frozen=True)
class Scenario:
    """A command line, the state it runs in, and the exit code the contract gives it."""

    name: str
    path: CommandPath
    code: int
    args: tuple[str, ...]
    prepare: Prepare = _nothing
    env: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{' '.join(self.path) or 'reconciler'}-{self.code}-{self.name}"


def _ok(stage: Stage, *args: str) -> None:
    result = stage.invoke(*args)
    assert result.exit_code == 0, f"setting up with {args}: {result.output}"


def _applied(stage: Stage) -> Sequence[str]:
    _ok(stage, "apply", "--yes")
    return ()


def _tasks_with(rows: list[dict[str, Any]]) -> dict[str, Any]:
    tasks = copy.deepcopy(TASKS)
    tasks["rows"] = rows
    return tasks


def _title_of(found: Mapping[str, Any]) -> str:
    if found["object"] == "data_source":
        rich = found["title"]
    else:
        rich = next((p["title"] for p in found["properties"].values() if p["type"] == "title"), [])
    return "".join(part["plain_text"] for part in rich)


def titled(stage: Stage, title: str, kind: str = "data_source") -> str:
    """The id of the one live data source (or page) with exactly this title."""
    found = stage.notion().search(query=title)["results"]
    ids = [r["id"] for r in found if r["object"] == kind and _title_of(r) == title]
    assert len(ids) == 1, f"one {kind} titled {title!r}: {ids}"
    return str(ids[0])


def _trash_pending(stage: Stage) -> Sequence[str]:
    _applied(stage)
    stage.write(_tasks_with(TASKS["rows"][:2]))
    return ()


def _stale_plan(stage: Stage) -> Sequence[str]:
    """A saved plan updating a row that someone then edits in Notion."""
    _applied(stage)
    edited = _tasks_with(copy.deepcopy(TASKS["rows"]))
    edited["rows"][1]["Estimate"] = 8
    stage.write(edited)
    _ok(stage, "plan", "-o", "plan.json")
    page = titled(stage, "Design the pages", "page")
    stage.notion().pages.update(page, properties={"Done": {"checkbox": True}})
    return ()


def _healthy(stage: Stage) -> Sequence[str]:
    """Applied, and reconciler.yaml within Notion's rate (doctor fails a limit that is off)."""
    _applied(stage)
    (stage.root / "reconciler.yaml").write_text("rate_limit: {rps: 3}\n", encoding="utf-8")
    return ()


def _saved_plan(stage: Stage) -> Sequence[str]:
    _ok(stage, "plan", "-o", "plan.json")
    return ()


def _invalid_manifest(stage: Stage) -> Sequence[str]:
    (stage.root / "manifests" / "bad.yaml").write_text("database: bad\n", encoding="utf-8")
    return ()


def _tasks_id(stage: Stage) -> Sequence[str]:
    _applied(stage)
    return (titled(stage, "Tasks"),)


def _edited_in_notion(stage: Stage) -> Sequence[str]:
    """Applied, then a task's estimate changed in Notion: pull has a value to write."""
    _applied(stage)
    page = titled(stage, "Design the pages", "page")
    stage.notion().pages.update(page, properties={"Estimate": {"number": 8}})
    return ()


NO_TOKEN: Final[Mapping[str, str | None]] = {"NOTION_TOKEN": None}

SCENARIOS: Final[tuple[Scenario, ...]] = (
    Scenario("version", (), 0, ("--version",)),
    Scenario("unknown-command", (), 1, ("nosuch",)),
    Scenario("valid", ("validate",), 0, ("validate",)),
    Scenario("invalid-manifest", ("validate",), 1, ("validate",), _invalid_manifest),
    Scenario("changes", ("plan",), 0, ("plan",)),
    Scenario("no-changes-detailed", ("plan",), 0, ("plan", "--detailed-exitcode"), _applied),
    Scenario("changes-detailed", ("plan",), 2, ("plan", "--detailed-exitcode")),
    Scenario("no-token", ("plan",), 1, ("plan", "--detailed-exitcode"), env=NO_TOKEN),
    Scenario("saved-plan", ("show",), 0, ("show", "plan.json"), _saved_plan),
    Scenario("missing-plan-file", ("show",), 1, ("show", "missing.json")),
    Scenario("yes", ("apply",), 0, ("apply", "--yes")),
    Scenario("no-yes-no-terminal", ("apply",), 1, ("apply",)),
    Scenario("trash-unapproved", ("apply",), 3, ("apply", "--yes"), _trash_pending),
    Scenario("stale-plan", ("apply",), 4, ("apply", "--yes", "plan.json"), _stale_plan),
    Scenario("adopt", ("import",), 0, ("import", "-o", "adopted"), _tasks_id),
    Scenario("not-an-id", ("import",), 1, ("import", "tasks")),
    Scenario("applied", ("export",), 0, ("export", "-o", "out"), _applied),
    Scenario("unknown-format", ("export",), 1, ("export", "--format", "xml")),
    Scenario("nothing-to-pull", ("pull",), 0, ("pull", "--detailed-exitcode"), _applied),
    Scenario("no-token", ("pull",), 1, ("pull",), env=NO_TOKEN),
    Scenario("edited-in-notion", ("pull",), 2, ("pull", "--detailed-exitcode"), _edited_in_notion),
    Scenario("healthy", ("doctor",), 0, ("doctor",), _healthy),
    Scenario("no-token", ("doctor",), 1, ("doctor",), env=NO_TOKEN),
    Scenario("remote-host", ("emulator", "serve"), 1, ("emulator", "serve", "--host", "0.0.0.0")),
    Scenario("no-token", ("serve",), 1, ("serve",), env=NO_TOKEN),
)


def scenario_for(path: CommandPath, code: int) -> Scenario | None:
    """The first scenario of this command ending with this code."""
    return next((s for s in SCENARIOS if (s.path, s.code) == (path, code)), None)
