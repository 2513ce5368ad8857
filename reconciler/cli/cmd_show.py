"""``reconciler show plan.json``: render a saved plan file (checked: schema and checksum)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from reconciler.cli.common import (
    approves,
    debug_option,
    interactive,
    reports_errors,
    use_colour,
)
from reconciler.cli.runtime import plan_apply_arguments
from reconciler.plan import load_plan
from reconciler.render import FORMATS, render

__all__ = ["command"]


@click.command(
    "show",
    epilog="""\b
Examples:
  reconciler show plan.json                      the plan as in the terminal
  reconciler show plan.json --format markdown    a pull-request comment
  reconciler show plan.json --format json        for scripts (sensitive values masked)
""",
)
@click.argument("plan_file", type=click.Path(dir_okay=False), metavar="PLAN_FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="How to show the plan on stdout.",
)
@debug_option
@reports_errors
def command(plan_file: str, fmt: str) -> None:
    """Show a plan saved with `reconciler plan -o PLAN_FILE`.

    Contacts nothing. A file changed after it was written (its checksum no longer matches) is
    refused with exit code 1.
    """
    plan = load_plan(Path(plan_file))
    again = plan_apply_arguments(plan, plan_file, yes=not interactive())
    colour = fmt == "text" and use_colour()
    shown = render(
        plan, fmt, colour=colour, apply_args=shlex.join(again), approved=approves(plan.checksum)
    )
    click.echo(shown, nl=False)
