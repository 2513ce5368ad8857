"""``reconciler validate [PATH...]``: check manifests offline and summarise each database.

Reads the manifests exactly as plan and apply do (``reconciler.manifest``), contacts nothing,
and prints one line per database; every problem goes to stderr at once with exit code 1.
"""

from __future__ import annotations

import click

from reconciler.cli.common import debug_option, reports_errors
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredDatabase

__all__ = ["command"]


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def summary(database: DesiredDatabase) -> str:
    """``tasks: 12 rows, 9 properties (manifests/tasks.yaml)``."""
    rows = _count(len(database.rows), "row")
    properties = _count(len(database.properties), "property", "properties")
    return f"{database.handle}: {rows}, {properties} ({database.location.file})"


@click.command(
    "validate",
    epilog="""\b
Examples:
  reconciler validate                      the folder set in reconciler.yaml (default manifests/)
  reconciler validate manifests/           every *.yaml and *.yml under a folder
  reconciler validate a.yaml b.yaml        files; relations must find their targets among them
  TASKS_DATABASE_ID=... reconciler validate   ${VAR} in manifests come from the environment
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@debug_option
@reports_errors
def command(paths: tuple[str, ...]) -> None:
    """Check manifests offline: YAML, schema, values, keys and cross-references.

    Needs no token and contacts nothing. Prints one line per database; on problems prints them
    all (file:line:column, what is wrong, how to fix it) to stderr and exits with 1.
    """
    state = load_desired_state(paths)
    for database in state.databases:
        click.echo(summary(database))
    rows = sum(len(database.rows) for database in state.databases)
    click.echo(
        f"valid: {_count(len(state.databases), 'database')}, {_count(rows, 'row')}",
    )
