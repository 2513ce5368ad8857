"""What the CLI prints passes one guard: no secret and no foreign escape sequence gets through.

Everything goes through ``sys.stdout`` and ``sys.stderr``, which the command group wraps for the
length of a command (``reconciler.cli.output``): stderr always shows control characters as
escapes (errors relayed from Notion end up in CI logs read in terminals and browsers), stdout
does so on a terminal only, and both mask the values of secrets.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler import logs
from reconciler.cli import cli
from reconciler.cli.output import GuardedStream, guarded_output
from tests.hostile.notion import hostile_notion_server

OSC_TITLE = "\x1b]0;owned\x07"
HOSTILE_MESSAGE = f"{OSC_TITLE}Could not find database\x1b[2J\x1b]8;;https://evil.example\x07"


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def hostile_notion() -> Iterator[str]:
    with hostile_notion_server(HOSTILE_MESSAGE, status=400, code="validation_error") as url:
        yield url


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_error_relayed_from_notion_shows_its_escapes_even_off_a_terminal(
    project: Path, hostile_notion: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notion's message reaches stderr with its OSC sequences (window title, hyperlink) as
    visible text; click itself drops CSI sequences off a terminal."""
    (project / "manifests" / "tasks.yaml").write_text(
        "database: tasks\nid: 1429989fe8ac4effbc8f57f56486db54\ntitle: Tasks\n"
        "properties: {Name: title}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NOTION_TOKEN", "ntn_output_guard_test_token")
    monkeypatch.setenv("NOTION_BASE_URL", hostile_notion)

    result = CliRunner().invoke(cli, ["plan"])

    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert "\\x1b]0;owned\\x07Could not find database" in result.stderr
    assert "\\x1b]8;;https://evil.example\\x07" in result.stderr


def test_a_secrets_value_written_in_a_manifest_never_reaches_the_output(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The value of GITHUB_TOKEN, pasted literally into a title, is masked in the plan."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_pastedByMistake42")
    (project / "manifests" / "tasks.yaml").write_text(
        "database: tasks\ntitle: Tasks ghs_pastedByMistake42\nproperties: {Name: title}\n",
        encoding="utf-8",
    )

    result = CliRunner().invoke(cli, ["plan", "--local"])

    assert result.exit_code == 0, result.output
    assert "ghs_pastedByMistake42" not in result.stdout + result.stderr
    assert "create database Tasks ********" in result.stdout


def test_stdout_on_a_terminal_shows_escapes_and_keeps_own_colours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal a title's escapes are shown, while the reconciler's own colours pass."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with guarded_output():
        sys.stdout.write(f"\x1b[32m+\x1b[0m {OSC_TITLE}Roadmap\u202e\n")
    assert terminal.getvalue() == "\x1b[32m+\x1b[0m \\x1b]0;owned\\x07Roadmap\\u202e\n"


def test_piped_stdout_keeps_data_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off a terminal stdout is data (export -o -, JSON): control characters stay."""
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stdout", pipe)
    with guarded_output():
        sys.stdout.write("a\rb\tc\u2028\n")
    assert pipe.getvalue() == "a\rb\tc\u2028\n"


def test_the_streams_are_put_back_after_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guarding is for the length of a command; nesting does not wrap twice."""
    original = io.StringIO()
    monkeypatch.setattr(sys, "stdout", original)
    with guarded_output():
        outer = sys.stdout
        with guarded_output():
            assert sys.stdout is outer
        assert isinstance(outer, GuardedStream)
        assert outer.wrapped is original
    assert sys.stdout is original


def test_every_colour_the_plan_paints_passes_the_guard() -> None:
    """The guard's list of own sequences covers the renderer's colours and click's styles."""
    import click

    painted = "".join(
        click.style("x", fg=colour, bold=bold)
        for colour in ("green", "red", "yellow", "bright_black")
        for bold in (False, True)
    )
    assert logs.printable(painted, keep=logs.OWN_SEQUENCES) == painted


def test_a_progress_line_redrawn_in_place_keeps_its_carriage_return(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A write that starts with CR redraws a line (apply's progress); a CR inside is shown."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with guarded_output():
        sys.stderr.write("\r[###---] 3/6 rows")
        sys.stderr.write("Error: Notion said\rfake")
    assert terminal.getvalue() == "\r[###---] 3/6 rowsError: Notion said\\x0dfake"
