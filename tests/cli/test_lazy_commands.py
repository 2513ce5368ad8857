"""Commands are imported only when they run; the group's help lists them without importing them.

``reconciler --help`` and ``reconciler validate`` must start quickly (the benchmark's start-up
figures): these tests pin what they import, and that the help they show is exactly what click
shows with every command imported.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reconciler.cli import commands

_IMPORTED = """
import json, sys
from reconciler.cli import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write(json.dumps(sorted(sys.modules)))
"""


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules a fresh ``reconciler ARGS`` process has imported when it ends."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    """What a start-up should not need: the gateway, plan, apply, adopt, serve, emulator, and
    structlog (nothing logs before them)."""
    heavy = ("notion_client", "httpx", "deepdiff", "tenacity", "structlog")
    inside = ("notion", "plan", "apply", "adopt", "serve", "emulator", "render")
    return {
        name
        for name in modules
        if name.split(".")[0] in heavy or name.split(".")[:2] in [["reconciler", i] for i in inside]
    }


def test_group_help_imports_no_command(tmp_path: Path) -> None:
    """`reconciler --help` imports none of the command modules, nor what they use."""
    modules = _modules_after(["--help"], tmp_path)
    assert not {name for name in modules if name.startswith("reconciler.cli.cmd_")}
    assert not _heavy(modules)


def test_validate_imports_only_what_validating_needs(tmp_path: Path) -> None:
    """`reconciler validate` imports its own command module and the manifest reader only."""
    (tmp_path / "manifests").mkdir()
    modules = _modules_after(["validate"], tmp_path)
    commands_imported = {name for name in modules if name.startswith("reconciler.cli.cmd_")}
    assert commands_imported == {"reconciler.cli.cmd_validate"}
    assert "reconciler.manifest" in modules
    assert not _heavy(modules)


def test_plan_against_notion_imports_no_emulator(tmp_path: Path) -> None:
    """`reconciler plan` without --local never needs the embedded emulator: it is not imported
    (it costs a tenth of a second of every start)."""
    (tmp_path / "manifests").mkdir()
    modules = _modules_after(["plan"], tmp_path)
    assert "reconciler.cli.cmd_plan" in modules
    assert "reconciler.cli.runtime" in modules
    assert not {name for name in modules if name.startswith("reconciler.emulator")}


def test_apply_against_notion_imports_only_what_its_run_may_need(tmp_path: Path) -> None:
    """`reconciler apply` without --local imports no emulator, no Redis client (only a Redis
    lock or limiter needs it), no controller, no adopt, no DeepDiff (imported by the first
    row that differs) and no Markdown parser (imported by the first body): each is start-up
    time before the first request."""
    (tmp_path / "manifests").mkdir()
    modules = _modules_after(["apply", "--yes"], tmp_path)
    assert "reconciler.cli.cmd_apply" in modules
    unwanted = (
        *("reconciler.emulator", "reconciler.serve", "reconciler.adopt", "redis", "deepdiff"),
        *("reconciler.bodies.blocks", "reconciler.bodies.canonical", "reconciler.bodies.html"),
    )
    assert not {name for name in modules if name.startswith(unwanted)}


def _imported_by(module: str) -> set[str]:
    """The modules a fresh interpreter holds once it has imported ``module``."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


_NEVER_AT_START = (
    # the inspector (import, doctor), the Redis lease (a shared lock), the inline Markdown
    # parser (the first body or signed link), time zones (the first named zone), and the codecs
    # of the property types a run does not meet (each imported by its type's first use)
    *("reconciler.notion.inspect", "reconciler.apply.records.shared_lock"),
    *("reconciler.apply.records.redis_lease", "reconciler.bodies.inline", "zoneinfo"),
    *(f"reconciler.properties.{name}" for name in ("computed", "files", "place", "relation")),
    *(f"reconciler.properties.{name}" for name in ("stamps", "verification")),
    # the renderers of the formats a run does not show (plan: the one asked for; apply: text)
    *("reconciler.render.json", "reconciler.render.markdown"),
)


def test_plan_imports_nothing_of_apply_nor_what_a_run_may_not_need() -> None:
    """Importing `reconciler plan` brings neither the apply, the gates, nor any renderer:
    each is start-up time before the first request (its format's renderer comes with the
    rendering)."""
    modules = _imported_by("reconciler.cli.cmd_plan")
    unwanted = ("reconciler.apply", "reconciler.gates", "reconciler.render.text", *_NEVER_AT_START)
    assert not {name for name in modules if name.startswith(unwanted)}


def test_apply_imports_only_the_text_renderer_and_not_what_a_run_may_not_need() -> None:
    """Importing `reconciler apply` brings the text it shows the plan in, and nothing above."""
    modules = _imported_by("reconciler.cli.cmd_apply")
    assert {"reconciler.apply.running.executor", "reconciler.render.text"} <= modules
    assert not {name for name in modules if name.startswith(_NEVER_AT_START)}


def _help(code: str, cwd: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, "--help"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "100"},
    ).stdout


def test_group_help_lists_what_the_imported_commands_say(tmp_path: Path) -> None:
    """The listing read from the sources is the one click makes with every command imported."""
    lazy = _help("from reconciler.cli import main; main()", tmp_path)
    eager = _help(
        "from reconciler.cli.app import load_all; load_all()(prog_name='reconciler')", tmp_path
    )
    assert "Commands:" in lazy
    assert lazy == eager
    for name in commands.names():
        listed, loaded = commands.listing(name), commands.load(name)
        assert listed.get_short_help_str(80) == loaded.get_short_help_str(80), name
        assert listed.hidden == loaded.hidden, name


def test_every_command_module_names_its_command_after_itself() -> None:
    """`cmd_<name>.py` defines the command `<name>`: the group finds it by its module name."""
    for name in commands.names():
        assert commands.load(name).name == name


def _described(source: str, name: str = "demo") -> click.Command | None:
    return commands._described(ast.parse(source), name)


def test_a_plain_decorator_is_read_with_its_docstring() -> None:
    """`@click.command("demo", hidden=True)` with a docstring: that help, hidden, no import."""
    command = _described(
        '@click.command("demo", hidden=True, epilog="x")\n'
        'def command():\n    """Do the demo thing.\n\n    At length."""\n'
    )
    assert command is not None
    assert command.hidden
    assert command.get_short_help_str(80) == "Do the demo thing."


def test_an_explicit_short_help_wins_over_the_docstring() -> None:
    """`short_help=` is what the listing shows, as click would."""
    command = _described(
        '@click.command("demo", short_help="Short.")\ndef command():\n    """Long."""\n'
    )
    assert command is not None
    assert command.get_short_help_str(80) == "Short."


@pytest.mark.parametrize(
    "source",
    [
        '@click.command("demo", help=HELP)\ndef command():\n    pass\n',
        '@click.command("demo", **OPTIONS)\ndef command():\n    pass\n',
        '@click.command("other")\ndef command():\n    pass\n',
        "@command_factory()\ndef command():\n    pass\n",
        'command = click.Command("demo")\n',
    ],
    ids=["computed help", "options spread", "another name", "own decorator", "no function"],
)
def test_a_command_not_plainly_written_is_not_read_from_source(source: str) -> None:
    """Anything but a plain literal decorator: None, so the group imports the module instead."""
    assert _described(source) is None
