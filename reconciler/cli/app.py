"""The ``reconciler`` command group; each command lives in its own module, imported when it runs.

``reconciler --help`` lists the commands from their modules' source without importing them, and
``reconciler validate`` imports only what validating needs (``reconciler.cli.commands``): a
start-up that stays short however much the other commands import.
"""

from __future__ import annotations

import gc
from typing import Any

import click

from reconciler import __version__
from reconciler.cli import commands
from reconciler.cli.common import debug_option
from reconciler.cli.output import guarded_output

__all__ = ["cli", "load_all", "main"]


class _UsageErrorExitingOne(click.ClickException):
    """A usage error shown exactly as click shows it, exiting with 1 instead of 2."""

    exit_code = 1

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.message)
        self.original = original

    def show(self, file: Any = None) -> None:
        self.original.show(file)


_LISTING = "reconciler.listing"
"""Set in a context's meta while the group's help lists its commands."""


class ReconcilerGroup(click.Group):
    """A group whose usage errors exit with 1 (in this CLI, 2 means "changes present"), whose
    commands print only through the guarded streams (``reconciler.cli.output``), and whose
    commands are imported only when one runs (``reconciler.cli.commands``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(commands.names()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in commands.names():
            return None
        if ctx.meta.get(_LISTING):
            return commands.listing(cmd_name)
        command = commands.load(cmd_name)
        self.add_command(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx.meta[_LISTING] = False

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with guarded_output():
            return super().main(*args, **kwargs)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _UsageErrorExitingOne(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _UsageErrorExitingOne(exc) from None


@click.group(
    cls=ReconcilerGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  reconciler validate                  check the manifests offline (no token needed)
  reconciler plan --local              preview against the embedded workspace
  reconciler apply --local --yes       make the embedded workspace match the manifests
  reconciler plan --help               each command has its options and examples
""",
)
@click.version_option(__version__, prog_name="reconciler")
@debug_option
def cli() -> None:
    """Notion databases managed like infrastructure.

    YAML manifests describe what Notion databases hold; `plan` shows the difference from the live
    workspace and `apply` makes it so, asking before anything that can lose data.

    \b
    Exit codes: 0 ok (no changes with --detailed-exitcode), 1 error, 2 changes present
    (--detailed-exitcode), 3 blocked by a gate, 4 stale plan.
    """


def load_all() -> click.Group:
    """The group with every command imported and attached (for tools that walk
    ``cli.commands``, such as the CLI contract tests)."""
    for name in commands.names():
        if name not in cli.commands:
            cli.add_command(commands.load(name))
    return cli


def main() -> None:
    """Console-script entry point.

    Whatever the command did is frozen out of the garbage collector (``gc.freeze``) once it
    ends: the interpreter's last collections would otherwise walk every object a large read left
    (60 ms at the exit of a 10,000-row plan) only to find what reference counting frees anyway.
    """
    try:
        cli(prog_name="reconciler")
    finally:
        gc.freeze()
