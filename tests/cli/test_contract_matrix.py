"""The CLI contract (README: Commands, Exit codes) as a matrix: every command, option and exit
code, pinned.

The matrix follows the click command objects themselves (``matrix_support.commands``): a new
command or option fails ``test_every_*`` here until it has its exit codes
(``matrix_scenarios.CONTRACT_CODES``) and its test (``matrix_table.OPTION_TESTS``). Every exit code
of the contract runs with click's runner and as a subprocess of the installed program; the
cross-cutting promises are pinned across all commands: help with examples, one error message
without a traceback (``--debug`` shows it), colours only on a terminal and never with NO_COLOR,
the token nowhere, NOTION_BASE_URL refusals, a missing token explained, usage errors exiting 1.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import click
import httpx
import pytest
from click.testing import CliRunner, Result

import reconciler
from reconciler.cli import cli, cmd_emulator
from reconciler.emulator import Emulator, EmulatorServer
from tests.cli.matrix_scenarios import CONTRACT_CODES, SCENARIOS, Scenario, scenario_for, titled
from tests.cli.matrix_support import (
    ANSI,
    CANARY,
    CommandPath,
    Stage,
    TerminalRunner,
    commands,
    leaf_commands,
    named,
    process_env,
    run_on_terminal,
)
from tests.cli.matrix_table import OPTION_TESTS
from tests.conftest import ROOT_PAGE_ID, tcp_client

REPOSITORY: Final = Path(__file__).resolve().parents[2]
UNKNOWN_ID: Final = "0f0e0d0c-0b0a-4988-8776-655443322110"

PROOFS_WITHOUT_A_SCENARIO: Final[dict[tuple[CommandPath, int], tuple[str, ...]]] = {
    (("emulator", "serve"), 0): (
        "tests/cli/test_contract_matrix.py::test_serve_listens_where_told_and_accepts_only_its_token",
        "tests/emulator/test_tcp.py::test_the_cli_serves_until_interrupted",
        "tests/cli/test_contract_matrix.py::test_serve_stops_cleanly_on_sigterm",
    ),
    (("serve",), 0): (
        "tests/serve/test_cli.py::test_serve_converges_the_local_workspace_and_stops_on_sigterm_with_exit_0",
        "tests/serve/test_serve_process.py::test_sigterm_during_an_apply_loses_nothing_and_a_restart_finishes",
    ),
}
"""Exit codes a scenario cannot reach (serving runs until stopped), and the tests that do:
in-process first, then as a subprocess."""

FAILURES: Final = tuple(
    s for s in SCENARIOS if s.code in (1, 3, 4) and s.path not in ((), ("doctor",))
)
"""Scenarios ending in an error message (usage errors and doctor's checklist are pinned apart)."""

SUCCESSES: Final = tuple(s for s in SCENARIOS if s.code == 0 and s.path != ())


def ids(scenario: Scenario) -> str:
    return scenario.id


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    """A repository with the projects and tasks manifests and its own emulator over TCP."""
    with Stage.opened(tmp_path / "repo") as opened:
        yield opened


def errors(result: Result) -> list[str]:
    """The ``Error:`` lines a command printed on stderr."""
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")]


# --- the matrix is complete ----------------------------------------------------------------------


def test_every_command_has_its_contract_exit_codes_in_the_matrix() -> None:
    """A new command fails here until CONTRACT_CODES gives its exit codes."""
    expected = [(), *(path for path, _ in leaf_commands())]
    assert sorted(expected) == sorted(CONTRACT_CODES), "give each command its exit codes"


def test_every_contract_exit_code_has_a_scenario_or_named_proofs() -> None:
    """Each (command, exit code) of the contract is reached by a scenario or named tests."""
    unproven = [
        (named(path), code)
        for path, codes in CONTRACT_CODES.items()
        for code in sorted(codes)
        if scenario_for(path, code) is None and (path, code) not in PROOFS_WITHOUT_A_SCENARIO
    ]
    assert unproven == [], "add a Scenario (or named proofs) for these"


def test_every_parameter_of_every_command_has_a_test_in_the_matrix() -> None:
    """A new option or argument fails here until OPTION_TESTS names the test exercising it."""
    defined = {(path, param.name or "") for path, command in commands() for param in command.params}
    listed = set(OPTION_TESTS)
    untested = sorted(f"{named(p)} {n}" for p, n in defined - listed)
    gone = sorted(f"{named(p)} {n}" for p, n in listed - defined)
    assert (untested, gone) == ([], []), "name a test for each in matrix_table.OPTION_TESTS"


@functools.cache
def _module(file: str) -> tuple[str, ast.Module]:
    text = (REPOSITORY / file).read_text(encoding="utf-8")
    return text, ast.parse(text)


def source_of_test(node: str) -> tuple[str, str] | None:
    """(module text, function text) of a test named ``file::function``; None when missing."""
    file, _, name = node.partition("::")
    if not (REPOSITORY / file).is_file():
        return None
    text, tree = _module(file)
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == name:
            return text, ast.get_source_segment(text, statement) or ""
    return None


def _spellings(path: CommandPath, name: str) -> list[str]:
    """How a test names a parameter: an option's flags or variable, an argument's command."""
    command = dict(commands())[path]
    param = next(p for p in command.params if p.name == name)
    if isinstance(param, click.Option):
        envvars = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
        return [*param.opts, *param.secondary_opts, *envvars]
    return [f'"{path[-1]}"']


OPTION_REFERENCES: Final = [
    pytest.param(path, name, node, id=f"{named(path)} {name} {node.rsplit('::', 1)[-1]}")
    for (path, name), nodes in OPTION_TESTS.items()
    for node in nodes
]


@pytest.mark.parametrize(("path", "name", "node"), OPTION_REFERENCES)
def test_each_named_test_exists_runs_the_cli_and_spells_its_parameter(
    path: CommandPath, name: str, node: str
) -> None:
    """A test OPTION_TESTS names exists, runs click's runner, and spells the option it covers."""
    found = source_of_test(node)
    assert found is not None, f"{node} does not exist"
    module, function = found
    spelled = [s for s in _spellings(path, name) if s in function]
    assert ("CliRunner" in module, spelled != []) == (True, True), _spellings(path, name)


@pytest.mark.parametrize("node", [n for ns in PROOFS_WITHOUT_A_SCENARIO.values() for n in ns])
def test_each_named_exit_code_proof_exists(node: str) -> None:
    """The tests standing in for a scenario exist."""
    assert source_of_test(node) is not None, node


# --- exit codes, in-process and as a subprocess -------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=ids)
def test_exit_code_with_clicks_runner(scenario: Scenario, stage: Stage) -> None:
    """The contract's exit code for this command and situation, in-process."""
    extra = scenario.prepare(stage)
    result = stage.invoke(*scenario.args, *extra, env=scenario.env)
    assert scenario.code == result.exit_code, result.output


@dataclass(frozen=True)
class Finished:
    """A subprocess run: exit code, output, and the text of every file left in its folder."""

    code: int
    stdout: str
    stderr: str
    left: str


def _finished(stage: Stage, done: subprocess.CompletedProcess[str]) -> Finished:
    left = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in stage.files())
    return Finished(done.returncode, done.stdout, done.stderr, left)


def _closed_pipe(stage: Stage, *args: str) -> Finished:
    """The command with its stdout read by nobody (``reconciler ... | head -0``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        cwd=stage.root,
        env=process_env(stage.env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    return Finished(process.wait(timeout=120), "", stderr, "")


def _on_terminal(stage: Stage, *args: str, no_color: bool) -> Finished:
    code, shown = run_on_terminal(args, stage.root, {"NO_COLOR": "1" if no_color else None})
    return Finished(code, shown, "", "")


TERMINAL_RUNS: Final = {
    "plan on a terminal": (("plan", "--local", "--local-store", "ws.sqlite"), False),
    "doctor on a terminal": (("doctor", "--local", "--local-store", "ws.sqlite"), False),
    "plan on a terminal with NO_COLOR": (("plan", "--local", "--local-store", "ws.sqlite"), True),
    "doctor on a terminal with NO_COLOR": (
        ("doctor", "--local", "--local-store", "ws.sqlite"),
        True,
    ),
}
PIPE_RUNS: Final = {
    "validate into a closed pipe": ("validate",),
    "plan into a closed pipe": ("plan", "--local", "--local-store", "ws.sqlite"),
    "doctor into a closed pipe": ("doctor", "--local", "--local-store", "ws.sqlite"),
}


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Finished]]:
    """Every scenario, terminal run and closed-pipe run as a subprocess, run side by side."""
    jobs: dict[str, Callable[[], Finished]] = {}
    with contextlib.ExitStack() as stack:
        for scenario in SCENARIOS:
            stage = stack.enter_context(Stage.opened(tmp_path_factory.mktemp(scenario.id)))
            extra = scenario.prepare(stage)
            args, env = (*scenario.args, *extra), scenario.env
            jobs[scenario.id] = functools.partial(
                lambda st, a, e: _finished(st, st.run(*a, env=e)), stage, args, env
            )
        for name, (args, no_color) in TERMINAL_RUNS.items():
            stage = stack.enter_context(Stage.opened(tmp_path_factory.mktemp("terminal")))
            jobs[name] = functools.partial(_on_terminal, stage, *args, no_color=no_color)
        for name, args in PIPE_RUNS.items():
            stage = stack.enter_context(Stage.opened(tmp_path_factory.mktemp("pipe")))
            jobs[name] = functools.partial(_closed_pipe, stage, *args)
        with ThreadPoolExecutor(4) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            yield {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=ids)
def test_exit_code_as_a_subprocess(scenario: Scenario, processes: dict[str, Finished]) -> None:
    """The contract's exit code for this command and situation, from `python -m reconciler`."""
    finished = processes[scenario.id]
    assert scenario.code == finished.code, finished.stderr


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.code != 0], ids=ids)
def test_a_failing_subprocess_shows_no_traceback(
    scenario: Scenario, processes: dict[str, Finished]
) -> None:
    """Errors of the installed program are messages, never Python tracebacks."""
    finished = processes[scenario.id]
    assert "Traceback" not in finished.stdout + finished.stderr


def test_no_subprocess_output_or_file_holds_the_token(processes: dict[str, Finished]) -> None:
    """Across every run, stdout, stderr and the files left behind never hold the token."""
    leaking = [name for name, f in processes.items() if CANARY in f.stdout + f.stderr + f.left]
    assert leaking == []


@pytest.mark.parametrize("name", list(PIPE_RUNS))
def test_output_cut_short_by_a_closed_pipe_exits_1_quietly(
    name: str, processes: dict[str, Finished]
) -> None:
    """`reconciler ... | head`: the reader leaving is exit 1 without an error or a traceback."""
    finished = processes[name]
    said = ("Error" in finished.stderr, "Traceback" in finished.stderr)
    assert (finished.code, said) == (1, (False, False)), finished.stderr


# --- help ----------------------------------------------------------------------------------------


ALL_COMMANDS: Final = [pytest.param(path, id=named(path)) for path, _ in commands()]


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("path", ALL_COMMANDS)
def test_help_of_every_command_shows_examples(path: CommandPath, flag: str) -> None:
    """`--help` and `-h` of every command and group: exit 0 and an Examples section."""
    result = CliRunner().invoke(cli, [*path, flag])
    assert (result.exit_code, "Examples:\n" in result.stdout) == (0, True)


def help_examples(path: CommandPath) -> list[list[str]]:
    """The command lines of a command's Examples section, without the words after a pipe."""
    shown = CliRunner().invoke(cli, [*path, "--help"]).stdout
    section = shown.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    examples: list[list[str]] = []
    for line in section.splitlines():
        command = re.split(r"\s{2,}", line.strip())[0]
        words = shlex.split(command)
        while words and "=" in words[0]:
            words.pop(0)
        if words[:1] == ["reconciler"]:
            cut = next((i for i, w in enumerate(words) if w in ("|", ">")), len(words))
            examples.append(words[1:cut])
    return examples


EXAMPLES: Final = [
    pytest.param(words, id=" ".join(words))
    for path, _ in commands()
    for words in help_examples(path)
]


@pytest.mark.parametrize("words", EXAMPLES)
def test_every_example_in_help_names_options_the_command_has(words: list[str]) -> None:
    """Each example parses: its command and options exist (checked by parsing it with --help)."""
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output


# --- one clear error; --debug shows the traceback ------------------------------------------------


@pytest.mark.parametrize("scenario", FAILURES, ids=ids)
def test_an_error_is_one_message_without_a_traceback(scenario: Scenario, stage: Stage) -> None:
    """A failing command prints one `Error:` message (with its hint) and no traceback."""
    extra = scenario.prepare(stage)
    result = stage.invoke(*scenario.args, *extra, env=scenario.env)
    assert (len(errors(result)), "Traceback" in result.output) == (1, False), result.output


@pytest.mark.parametrize("scenario", FAILURES, ids=ids)
def test_debug_shows_the_traceback_then_the_same_message(scenario: Scenario, stage: Stage) -> None:
    """`COMMAND --debug`: the traceback, then the one message; same exit code; no token."""
    extra = scenario.prepare(stage)
    at = len(scenario.path)
    args = (*scenario.args[:at], "--debug", *scenario.args[at:], *extra)
    result = stage.invoke(*args, env=scenario.env)
    traceback_at = result.stderr.find("Traceback (most recent call last):")
    error_at = result.stderr.rfind("\nError: ")
    assert (scenario.code, True, False) == (
        result.exit_code,
        0 <= traceback_at < error_at,
        CANARY in result.output,
    ), result.output


def _with(scenario: Scenario, *words: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The scenario's command line with ``words`` right after the command."""
    at = len(scenario.path)
    return (*scenario.args[:at], *words, *scenario.args[at:], *extra)


def _before_the_error(stderr: str) -> list[str]:
    """The stderr lines before an ``Error:`` message (which runs to the end)."""
    lines = stderr.splitlines()
    end = next((n for n, line in enumerate(lines) if line.startswith("Error: ")), len(lines))
    return [line for line in lines[:end] if line.strip()]


@pytest.mark.parametrize("scenario", SUCCESSES + FAILURES, ids=ids)
def test_quiet_leaves_only_results_and_errors(scenario: Scenario, stage: Stage) -> None:
    """`COMMAND --quiet`: the same exit code, and nothing on stderr but the error message (no
    progress, notes, summaries or warnings)."""
    extra = tuple(scenario.prepare(stage))
    result = stage.invoke(*_with(scenario, "--quiet", extra=extra), env=scenario.env)
    assert (result.exit_code, _before_the_error(result.stderr)) == (scenario.code, [])


@pytest.mark.parametrize("scenario", SUCCESSES + FAILURES, ids=ids)
def test_log_format_json_makes_every_note_a_json_event(scenario: Scenario, stage: Stage) -> None:
    """`COMMAND --log-format json`: the same exit code, and every stderr line before the error
    message is one JSON event (notes, progress and logs alike)."""
    extra = tuple(scenario.prepare(stage))
    result = stage.invoke(*_with(scenario, "--log-format", "json", extra=extra), env=scenario.env)
    events = [json.loads(line) for line in _before_the_error(result.stderr)]
    assert result.exit_code == scenario.code
    assert all({"event", "level", "timestamp"} <= set(event) for event in events)


def test_log_format_is_text_by_default_in_ci_too(stage: Stage) -> None:
    """Without a terminal and without --log-format, notes and logs are text: no JSON line."""
    result = stage.invoke("apply", "--yes")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("{")] == []


def test_debug_before_the_command_shows_the_traceback(stage: Stage) -> None:
    """`reconciler --debug validate`: the group's --debug works as the command's does."""
    (stage.root / "manifests" / "bad.yaml").write_text("database: bad\n", encoding="utf-8")
    result = stage.invoke("--debug", "validate")
    assert (result.exit_code, "Traceback (most recent call last)" in result.stderr) == (1, True)


def test_emulator_group_accepts_debug_before_serve(stage: Stage) -> None:
    """`reconciler emulator --debug serve --host 0.0.0.0`: refused, with the traceback."""
    result = stage.invoke("emulator", "--debug", "serve", "--host", "0.0.0.0")
    assert (result.exit_code, "Traceback (most recent call last)" in result.stderr) == (1, True)


def test_doctor_with_debug_shows_the_error_behind_a_failed_check(stage: Stage) -> None:
    """doctor turns errors into ✗ lines; with --debug the error's traceback is logged too."""
    stage.write(
        {"database": "gone", "id": UNKNOWN_ID, "title": "Gone", "properties": {"Name": "title"}}
    )
    plain = stage.invoke("doctor")
    debug = stage.invoke("doctor", "--debug", "--log-format", "json")
    logged = [json.loads(line) for line in debug.stderr.splitlines() if line.startswith("{")]
    failed = [entry for entry in logged if entry["event"] == "doctor check failed"]
    assert (1, 1, "Traceback" in plain.output) == (plain.exit_code, debug.exit_code, False)
    assert [entry["error"] for entry in failed] == ["NotionAccessError"]
    assert "Traceback (most recent call last)" in failed[0]["exception"]


def test_doctor_with_debug_shows_debug_logs(stage: Stage) -> None:
    """--debug on doctor: debug-level log lines appear on stderr, none without it."""
    stage.write(
        {"database": "gone", "id": UNKNOWN_ID, "title": "Gone", "properties": {"Name": "title"}}
    )
    levels = [
        {
            json.loads(line)["level"]
            for line in stage.invoke("doctor", "--log-format", "json", *flag).stderr.splitlines()
            if line.startswith("{")
        }
        for flag in ((), ("--debug",))
    ]
    assert ["debug" in found for found in levels] == [False, True]


# --- usage errors exit 1 -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_COMMANDS)
def test_an_unknown_option_is_a_usage_error_exiting_1(path: CommandPath) -> None:
    """Every command and group: an option it lacks is click's usage message and exit 1."""
    result = CliRunner().invoke(cli, [*path, "--no-such-option"])
    shown = (result.exit_code, "No such option '--no-such-option'" in result.output)
    assert (shown, "Usage:" in result.output) == ((1, True), True)


GROUPS: Final = [pytest.param(p, id=named(p)) for p, c in commands() if isinstance(c, click.Group)]


@pytest.mark.parametrize("path", GROUPS)
def test_an_unknown_command_is_a_usage_error_exiting_1(path: CommandPath) -> None:
    """`reconciler nosuch`, `reconciler emulator nosuch`: exit 1, click's message."""
    result = CliRunner().invoke(cli, [*path, "nosuch"])
    assert (result.exit_code, "No such command 'nosuch'" in result.output) == (1, True)


def _bad_values(param: click.Parameter) -> list[str]:
    """Values click must refuse for this parameter's type (none for free text and flags)."""
    kind = param.type
    bad: list[str] = []
    if isinstance(kind, click.Choice):
        bad.append("bogus")
    if isinstance(kind, click.IntRange | click.types.IntParamType):
        bad.append("many")
    if isinstance(kind, click.FloatRange | click.types.FloatParamType):
        bad.append("fast")
    if isinstance(kind, click.IntRange | click.FloatRange) and kind.min is not None:
        bad.append(str(kind.min - 1))
    if isinstance(kind, click.Path) and not kind.dir_okay:
        bad.append(".")
    if isinstance(kind, click.Path) and not kind.file_okay:
        bad.append("reconciler.yaml")
    return bad


TYPED_VALUES: Final = [
    pytest.param(path, param.opts[0], value, id=f"{named(path)} {param.opts[0]} {value}")
    for path, command in commands()
    for param in command.params
    if isinstance(param, click.Option)
    for value in _bad_values(param)
]


@pytest.mark.parametrize(("path", "flag", "value"), TYPED_VALUES)
def test_a_value_an_option_cannot_take_is_a_usage_error_exiting_1(
    path: CommandPath, flag: str, value: str, stage: Stage
) -> None:
    """Every typed option (choices, numbers, ranges, file-or-folder paths) refuses bad values."""
    result = stage.invoke(*path, flag, value)
    shown = (result.exit_code, f"Invalid value for '{flag}'" in result.output)
    assert shown == (1, True), result.output


REQUIRED: Final = [
    pytest.param(path, id=named(path))
    for path, command in commands()
    if any(isinstance(p, click.Argument) and p.required for p in command.params)
]


@pytest.mark.parametrize("path", REQUIRED)
def test_a_missing_required_argument_is_a_usage_error_exiting_1(path: CommandPath) -> None:
    """`reconciler show`, `reconciler import`: click's missing-argument message, exit 1."""
    result = CliRunner().invoke(cli, list(path))
    assert (result.exit_code, "Missing argument" in result.output) == (1, True)


def test_version_prints_the_program_and_its_version() -> None:
    """`reconciler --version`: the program's name and the package version, exit 0."""
    result = CliRunner().invoke(cli, ["--version"])
    expected = (0, f"reconciler, version {reconciler.__version__}\n")
    assert expected == (result.exit_code, result.stdout)


# --- colours -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SUCCESSES, ids=ids)
def test_no_colour_when_stdout_is_not_a_terminal(scenario: Scenario, stage: Stage) -> None:
    """Captured output carries no escape sequences, even with click's colour stripping off."""
    extra = scenario.prepare(stage)
    result = stage.invoke(*scenario.args, *extra, env=scenario.env, color=True)
    assert (scenario.code, False) == (result.exit_code, ANSI in result.output)


COLOURED: Final = [
    s for s in SUCCESSES if s.path in (("plan",), ("show",), ("apply",), ("doctor",))
]


@pytest.mark.parametrize("scenario", COLOURED, ids=ids)
def test_a_terminal_gets_colours(scenario: Scenario, stage: Stage) -> None:
    """On a (simulated) terminal, plans and the doctor's marks are coloured."""
    extra = scenario.prepare(stage)
    result = stage.invoke(
        *scenario.args, *extra, env=scenario.env, runner=TerminalRunner(), color=True
    )
    assert (scenario.code, True) == (result.exit_code, ANSI in result.stdout)


@pytest.mark.parametrize("scenario", COLOURED, ids=ids)
def test_no_color_turns_colours_off_on_a_terminal(scenario: Scenario, stage: Stage) -> None:
    """NO_COLOR=1 on a (simulated) terminal: no escape sequence at all (https://no-color.org)."""
    extra = scenario.prepare(stage)
    env = {**scenario.env, "NO_COLOR": "1"}
    result = stage.invoke(*scenario.args, *extra, env=env, runner=TerminalRunner(), color=True)
    assert (scenario.code, False) == (result.exit_code, ANSI in result.output)


def test_an_empty_no_color_leaves_colours_on(stage: Stage) -> None:
    """NO_COLOR set but empty does not count (no-color.org: "present and not empty")."""
    result = stage.invoke("plan", env={"NO_COLOR": ""}, runner=TerminalRunner(), color=True)
    assert (result.exit_code, ANSI in result.stdout) == (0, True)


@pytest.mark.parametrize("name", ["plan on a terminal", "doctor on a terminal"])
def test_a_real_terminal_gets_colours(name: str, processes: dict[str, Finished]) -> None:
    """On a pseudo-terminal the installed program colours its output."""
    finished = processes[name]
    assert (finished.code, ANSI in finished.stdout) == (0, True)


@pytest.mark.parametrize(
    "name", ["plan on a terminal with NO_COLOR", "doctor on a terminal with NO_COLOR"]
)
def test_no_color_turns_colours_off_on_a_real_terminal(
    name: str, processes: dict[str, Finished]
) -> None:
    """NO_COLOR=1 on a pseudo-terminal: no escape sequence at all."""
    finished = processes[name]
    assert (finished.code, ANSI in finished.stdout) == (0, False)


# --- the token -----------------------------------------------------------------------------------


def test_the_token_never_appears_across_a_plan_apply_cycle_over_tcp(stage: Stage) -> None:
    """With --debug everywhere: doctor, plan -o, show, apply, a blocked and an approved trash,
    export, import and a rejected token; no output, plan, journal, audit log or undo plan holds
    the token."""
    outputs = [stage.run("--debug", "plan", "-o", "plan.json")]
    outputs.append(stage.run("--debug", "apply", "--yes", "plan.json"))
    source = titled(stage, "Tasks")
    (stage.root / "manifests" / "tasks.yaml").write_text(
        (stage.root / "manifests" / "tasks.yaml").read_text().split("- Slug: outline")[0]
    )
    side_by_side = [
        ("--debug", "show", "plan.json"),
        ("--debug", "doctor"),
        ("--debug", "export", "-o", "exported"),
        ("--debug", "import", source, "-o", "adopted"),
        ("--debug", "apply", "--yes"),
    ]
    with ThreadPoolExecutor(len(side_by_side)) as pool:
        outputs += pool.map(lambda args: stage.run(*args), side_by_side)
    outputs.append(stage.run("--debug", "apply", "--yes", "--allow-destroy"))
    outputs.append(stage.run("--debug", "plan", env={"NOTION_TOKEN": CANARY + "-wrong"}))
    codes = [done.returncode for done in outputs]
    files = {
        re.sub(r"/journal-[0-9a-f]{12}\.", "/journal-<workspace>.", name.split("/undo-")[0])
        for name in (p.relative_to(stage.root).as_posix() for p in stage.files())
    }
    leaks = [p for p in stage.files() if CANARY.encode() in p.read_bytes()]
    shown = [d.args[3:] for d in outputs if CANARY in d.stdout + d.stderr]
    assert codes == [0, 0, 0, 1, 0, 0, 3, 0, 1], [d.stderr[-400:] for d in outputs]
    written = {"plan.json", ".reconciler/journal-<workspace>.jsonl", ".reconciler/audit.jsonl"}
    assert written | {".reconciler/undo", "exported/tasks.yaml", "adopted/tasks.yaml"} <= files
    assert (leaks, shown) == ([], [])


# --- the environment: token and NOTION_BASE_URL --------------------------------------------------

NOTION_COMMANDS: Final = [
    pytest.param(path, id=named(path))
    for path, command in leaf_commands()
    if any(p.name == "local" for p in command.params)
]
ARGUMENTS: Final[dict[CommandPath, tuple[str, ...]]] = {("import",): (UNKNOWN_ID,)}


@pytest.mark.parametrize("path", NOTION_COMMANDS)
def test_a_missing_token_says_how_to_set_one_and_offers_local(
    path: CommandPath, stage: Stage
) -> None:
    """Every command that talks to Notion: no token → exit 1, `export NOTION_TOKEN=`, --local."""
    result = stage.invoke(*path, *ARGUMENTS.get(path, ()), env={"NOTION_TOKEN": None})
    said = ("export NOTION_TOKEN=" in result.output, "--local" in result.output)
    assert (result.exit_code, said, stage.emulator.requests()) == (1, (True, True), [])


REFUSED_URLS: Final = {
    "plain http beyond loopback": "http://api.notion.com",
    "plain http to a name ending like loopback": "http://127.0.0.1.nip.io",
    "plain http to a private address": "http://10.0.0.8:8787",
    "another scheme": "ftp://127.0.0.1:8787",
    "a file": "file:///etc/passwd",
    "no scheme": "api.notion.com",
    "a path": "https://api.notion.com/v1",
    "a query": "https://api.notion.com?debug=1",
    "a fragment": "https://api.notion.com#top",
    "credentials": "https://user:pw@api.notion.com",
    "a port that is no number": "http://127.0.0.1:port",
    "a port out of range": "http://127.0.0.1:99999",
    "an unclosed IPv6 bracket": "http://[::1",
}


@pytest.mark.parametrize("url", list(REFUSED_URLS.values()), ids=list(REFUSED_URLS))
def test_notion_base_url_is_refused_with_one_clear_message(url: str, stage: Stage) -> None:
    """NOTION_BASE_URL must be https, or http on loopback, and an origin only: else exit 1
    naming it, with a hint, before any request."""
    result = stage.invoke("plan", env={"NOTION_BASE_URL": url})
    shown = [line.startswith("Error: NOTION_BASE_URL") for line in errors(result)]
    assert (result.exit_code, shown, "  hint: " in result.stderr) == (1, [True], True)


def test_http_on_loopback_by_name_is_accepted(stage: Stage) -> None:
    """http://localhost:PORT is loopback: planning against the emulator there works."""
    url = stage.server.url.replace("127.0.0.1", "localhost")
    result = stage.invoke("plan", env={"NOTION_BASE_URL": url})
    assert result.exit_code == 0, result.output


# --- options without a test elsewhere ------------------------------------------------------------


def test_plan_local_store_is_the_workspace_it_reads(stage: Stage) -> None:
    """`plan --local --local-store FILE` plans against FILE (made on first use), not the default."""
    result = stage.invoke("plan", "--local", "--local-store", "ws.sqlite", "--detailed-exitcode")
    made = [(stage.root / name).exists() for name in ("ws.sqlite", ".reconciler/local.sqlite")]
    assert (result.exit_code, made) == (2, [True, False])


def test_apply_local_store_is_the_workspace_it_writes(stage: Stage) -> None:
    """`apply --local --local-store FILE --yes` fills FILE: planning it is empty, the default
    local workspace still has everything to create."""
    stage.invoke("apply", "--local", "--local-store", "ws.sqlite", "--yes")
    again = stage.invoke("plan", "--local", "--local-store", "ws.sqlite", "--detailed-exitcode")
    default = stage.invoke("plan", "--local", "--detailed-exitcode")
    assert (again.exit_code, default.exit_code) == (0, 2)


def test_show_format_json_is_the_document_plan_printed(stage: Stage) -> None:
    """`show plan.json --format json` prints the JSON `plan -o plan.json --format json` printed."""
    planned = stage.invoke("plan", "-o", "plan.json", "--format", "json")
    shown = stage.invoke("show", "plan.json", "--format", "json")
    assert (0, json.loads(planned.stdout)) == (shown.exit_code, json.loads(shown.stdout))


def test_show_format_markdown_is_the_comment_plan_printed(stage: Stage) -> None:
    """`show plan.json --format markdown` is the comment `plan --format markdown` made."""
    planned = stage.invoke("plan", "-o", "plan.json", "--format", "markdown")
    shown = stage.invoke("show", "plan.json", "--format", "markdown")
    assert (0, planned.stdout) == (shown.exit_code, shown.stdout)


def test_apply_of_a_manifest_path_applies_only_its_databases(stage: Stage) -> None:
    """`apply --yes manifests/projects.yaml`: projects is applied, tasks still waits."""
    applied = stage.invoke("apply", "--yes", "manifests/projects.yaml")
    projects = stage.invoke("plan", "manifests/projects.yaml", "--detailed-exitcode")
    everything = stage.invoke("plan", "--detailed-exitcode")
    codes = (applied.exit_code, projects.exit_code, everything.exit_code)
    assert codes == (0, 0, 2), applied.output


def test_apply_y_is_short_for_yes(stage: Stage) -> None:
    """`apply -y` applies without asking, like --yes."""
    result = stage.invoke("apply", "-y")
    assert (result.exit_code, "Apply: 12 done" in result.stdout) == (0, True)


def test_apply_keeps_its_journal_and_audit_log_where_told(stage: Stage) -> None:
    """--journal FILE and --audit-log FILE: the records are there, not in .reconciler/."""
    result = stage.invoke(
        "apply", "--yes", "--journal", "records/j.jsonl", "--audit-log", "records/a.jsonl"
    )
    found = [(stage.root / name).is_file() for name in ("records/j.jsonl", "records/a.jsonl")]
    elsewhere = list((stage.root / ".reconciler").glob("journal-*.jsonl"))
    assert (result.exit_code, found, elsewhere) == (0, [True, True], []), result.output


def test_apply_with_one_worker_applies_every_change(stage: Stage) -> None:
    """--workers 1: one request at a time, every change applied, the next plan empty."""
    applied = stage.invoke("apply", "--yes", "--workers", "1")
    again = stage.invoke("plan", "--detailed-exitcode")
    assert (applied.exit_code, again.exit_code) == (0, 0), applied.output


# --- emulator serve, in-process ------------------------------------------------------------------


def _serving_once(monkeypatch: pytest.MonkeyPatch, probe: Callable[[str], Any]) -> list[Any]:
    """Make `serve`, once it answers, run ``probe(url)`` then stop as on Ctrl-C."""
    started: list[EmulatorServer] = []
    seen: list[Any] = []
    start = EmulatorServer.start

    def recorded_start(server: EmulatorServer) -> None:
        start(server)
        started.append(server)

    def probe_then_ctrl_c() -> None:
        seen.append(probe(started[-1].url))
        raise KeyboardInterrupt

    monkeypatch.setattr(EmulatorServer, "start", recorded_start)
    monkeypatch.setattr(cmd_emulator, "wait_for_ctrl_c", probe_then_ctrl_c)
    return seen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status_with(url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2025-09-03"}
    return httpx.get(f"{url}/v1/users/me", headers=headers).status_code


def test_serve_listens_where_told_and_accepts_only_its_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--host, --port, --token: it answers there, to that token only, and never prints it."""
    port = _free_port()
    seen = _serving_once(
        monkeypatch, lambda url: (url, _status_with(url, "tok-matrix"), _status_with(url, "x"))
    )
    args = [
        "emulator",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--token",
        "tok-matrix",
    ]
    result = CliRunner().invoke(cli, args)
    expected = (0, [(f"http://127.0.0.1:{port}", 200, 401)], False)
    assert expected == (result.exit_code, seen, "tok-matrix" in result.output)


def test_serve_keeps_the_workspace_in_the_store_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--store FILE: a page made in one run is there in the next."""
    store = str(tmp_path / "emu.sqlite")

    def make_page(url: str) -> str:
        created = tcp_client(url, "secret_emulator").pages.create(
            parent={"page_id": ROOT_PAGE_ID},
            properties={"title": {"title": [{"text": {"content": "Kept"}}]}},
        )
        return str(created["id"])

    made = _serving_once(monkeypatch, make_page)
    CliRunner().invoke(cli, ["emulator", "serve", "--port", "0", "--store", store])
    found = _serving_once(
        monkeypatch, lambda url: tcp_client(url, "secret_emulator").pages.retrieve(made[0])["id"]
    )
    result = CliRunner().invoke(cli, ["emulator", "serve", "--port", "0", "--store", store])
    assert (0, made) == (result.exit_code, found)


@pytest.mark.parametrize(("given", "expected"), [("1.5", {"rps": 1.5, "burst": 10}), ("0", None)])
def test_serve_hands_the_rate_limit_to_the_emulator(
    given: str, expected: dict[str, float] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--rate-limit RPS is the emulator's limit (its admin API says so); 0 turns it off."""
    seen = _serving_once(
        monkeypatch, lambda url: httpx.put(f"{url}/_emulator/config", json={}).json()["rate_limit"]
    )
    result = CliRunner().invoke(cli, ["emulator", "serve", "--port", "0", "--rate-limit", given])
    assert (0, [expected]) == (result.exit_code, seen)


def test_serve_allow_remote_lets_a_non_loopback_host_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--host 0.0.0.0 --allow-remote: the server is asked to listen there (not actually bound)."""
    asked: list[tuple[str, int]] = []

    class Recorder:
        url = "http://0.0.0.0:8787"

        def __init__(self, _app: object, host: str, port: int) -> None:
            asked.append((host, port))

        def start(self) -> None:
            asked.append(("started", 0))

        def stop(self) -> None:
            asked.append(("stopped", 0))

    monkeypatch.setattr("reconciler.emulator.EmulatorServer", Recorder)
    monkeypatch.setattr(cmd_emulator, "wait_for_ctrl_c", _ctrl_c)
    result = CliRunner().invoke(cli, ["emulator", "serve", "--host", "0.0.0.0", "--allow-remote"])
    expected = [("0.0.0.0", 8787), ("started", 0), ("stopped", 0)]
    assert (0, expected) == (result.exit_code, asked)


def _ctrl_c() -> None:
    raise KeyboardInterrupt


def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """SIGTERM (docker stop) ends `emulator serve` as Ctrl-C does: 'stopping', exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert (
        first.startswith("Notion emulator listening on"),
        process.returncode,
        out.splitlines(keepends=True)[-1],
        err,
    ) == (True, 0, "stopping\n", "")


def test_stopping_a_server_that_never_served_returns(emulator: Emulator) -> None:
    """EmulatorServer.stop() right after construction releases the port and returns."""
    server = EmulatorServer(emulator, "127.0.0.1", 0)
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(timeout=2)
    hung = stopping.is_alive()
    if hung:  # a serve_forever that sees the shutdown request lets the stuck stop() return
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stopping.join(timeout=10)
    assert hung is False
