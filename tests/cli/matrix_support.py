"""Helpers of the CLI contract matrix: the commands as click sees them, and places to run them.

``commands()`` walks ``reconciler.cli.cli`` (groups included), so the matrix follows the real
command objects. A ``Stage`` is a repository folder next to its own emulator served over TCP,
accepting only ``CANARY`` as token: the CLI runs there in-process (``Stage.invoke``, click's
runner) or as the installed program (``run_process``, ``sys.executable -m reconciler``), and on a
real pseudo-terminal (``run_on_terminal``). Used by ``test_contract_matrix.py`` and
``matrix_scenarios.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import subprocess
import sys
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import click
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.cli.app import load_all
from reconciler.emulator import Emulator, EmulatorServer
from tests.apply.conftest import PEOPLE, PROJECTS, TASKS
from tests.conftest import in_process_client

__all__ = [
    "ANSI",
    "CANARY",
    "CommandPath",
    "Stage",
    "TerminalRunner",
    "commands",
    "leaf_commands",
    "named",
    "process_env",
    "run_on_terminal",
    "run_process",
]

CommandPath = tuple[str, ...]
"""A command as typed after ``reconciler``: ``()`` the group itself, ``("emulator", "serve")``."""

CANARY: Final = "canary-token-5f2c8e1a-never-print-me"
"""The token of every stage: recognisable, and shaped unlike Notion's (``secret_``/``ntn_``), so
only the CLI's own care, not a pattern, keeps it out of the output."""

ANSI: Final = "\x1b["
"""The start of every colour or style escape sequence."""

_INTEGRATION: Final = "Matrix Integration"
_ENV_RESET: Final = ("NOTION_TOKEN", "NOTION_TOKEN_FILE", "NOTION_BASE_URL", "RECONCILER_APPROVE")


def commands() -> list[tuple[CommandPath, click.Command]]:
    """Every command and group of the CLI, the root group first, as click builds them."""
    found: list[tuple[CommandPath, click.Command]] = []

    def walk(command: click.Command, path: CommandPath) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], (*path, name))

    walk(load_all(), ())
    return found


def leaf_commands() -> list[tuple[CommandPath, click.Command]]:
    """The commands that do something (not groups)."""
    return [(p, c) for p, c in commands() if not isinstance(c, click.Group)]


def named(path: CommandPath) -> str:
    """``reconciler emulator serve``: a command path as a user types it."""
    return " ".join(("reconciler", *path))


def process_env(extra: Mapping[str, str | None]) -> dict[str, str]:
    """This process's environment without Notion settings, colours or approvals, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in (*_ENV_RESET, "NO_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_process(
    args: Sequence[str], cwd: Path, env: Mapping[str, str | None], *, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m reconciler ARGS`` of this virtual environment, stdin and stdout not terminals."""
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        env=process_env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_on_terminal(
    args: Sequence[str], cwd: Path, env: Mapping[str, str | None]
) -> tuple[int, str]:
    """``python -m reconciler ARGS`` with stdin, stdout and stderr on a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        env=process_env(env),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    shown = bytearray()
    with contextlib.suppress(OSError):  # EIO: the terminal closed with the process
        while chunk := os.read(leader, 65536):
            shown += chunk
    os.close(leader)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


class TerminalRunner(CliRunner):
    """Click's runner with a stdout that says it is a terminal (colours are decided on it)."""

    @contextlib.contextmanager
    def isolation(
        self,
        input: str | bytes | IO[Any] | None = None,
        env: Mapping[str, str | None] | None = None,
        color: bool = False,
    ) -> Generator[tuple[io.BytesIO, io.BytesIO, io.BytesIO]]:
        with super().isolation(input=input, env=env, color=color) as streams:
            sys.stdout.isatty = lambda: True  # type: ignore[method-assign]
            yield streams


@dataclass
class Stage:
    """A repository folder and its own emulator over TCP (people seeded, no rate limit)."""

    root: Path
    emulator: Emulator
    server: EmulatorServer
    env: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    @contextlib.contextmanager
    def opened(cls, root: Path) -> Iterator[Stage]:
        """A stage in ``root`` with the projects and tasks manifests, closed after the block."""
        emulator = Emulator(store=":memory:", tokens={CANARY: _INTEGRATION}, rate_limit=None)
        emulator.reset()
        emulator.seed({"users": PEOPLE})
        root.mkdir(parents=True, exist_ok=True)
        (root / "manifests").mkdir(exist_ok=True)
        (root / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n", encoding="utf-8")
        try:
            with emulator.serve() as server:
                stage = cls(root, emulator, server)
                stage.env = {"NOTION_TOKEN": CANARY, "NOTION_BASE_URL": server.url}
                stage.write(PROJECTS, TASKS)
                yield stage
        finally:
            emulator.close()

    def write(self, *manifests: Mapping[str, Any]) -> None:
        """Write manifests as ``manifests/<handle>.yaml``."""
        for manifest in manifests:
            text = yaml.safe_dump(dict(manifest), sort_keys=False)
            path = self.root / "manifests" / f"{manifest['database']}.yaml"
            path.write_text(text, encoding="utf-8")

    def environment(self, extra: Mapping[str, str | None] = {}) -> dict[str, str | None]:
        """The Notion settings of this stage, no approval or NO_COLOR, then ``extra``."""
        cleared: dict[str, str | None] = dict.fromkeys((*_ENV_RESET, "NO_COLOR"))
        return {**cleared, **self.env, **extra}

    def invoke(
        self,
        *args: str,
        env: Mapping[str, str | None] = {},
        runner: CliRunner | None = None,
        color: bool = False,
    ) -> Result:
        """The CLI in-process in this folder (click's runner; stdout and stderr apart)."""
        with contextlib.chdir(self.root):
            return (runner or CliRunner()).invoke(
                cli, list(args), env=self.environment(env), color=color, catch_exceptions=False
            )

    def run(
        self, *args: str, env: Mapping[str, str | None] = {}
    ) -> subprocess.CompletedProcess[str]:
        """The installed CLI as a subprocess in this folder."""
        return run_process(args, self.root, {**self.env, **env})

    def notion(self) -> Any:
        """A notion-client Client straight into this stage's emulator (typed as conftest's)."""
        return in_process_client(self.emulator, token=CANARY)

    def files(self) -> Iterator[Path]:
        """Every file the commands left in the folder (plans, journals, undo plans, exports)."""
        return (path for path in self.root.rglob("*") if path.is_file())
