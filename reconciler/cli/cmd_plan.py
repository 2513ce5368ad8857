"""``reconciler plan``: read Notion, compare with the manifests, show (and save) the plan.

Only wiring: manifests (``load_manifests``), the workspace (``open_workspace``), the read and the
plan (``read_and_plan``), the plan file (``write_plan``) and a renderer. The rendering goes to
stdout (pure JSON with ``--format json``); progress and the request summary go to stderr.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import click

from reconciler.cli.common import (
    approves,
    debug_option,
    interactive,
    note,
    reports_errors,
    use_colour,
)
from reconciler.cli.runtime import (
    BodyProgress,
    apply_arguments,
    load_manifests,
    open_workspace,
    read_summary,
    seals_by_workspace,
    workspace_options,
)
from reconciler.plan import Plan, read_and_plan, selected_handles, write_plan
from reconciler.render import FORMATS, plural, render

__all__ = ["command"]


def _announce(label: str) -> Callable[[int], None]:
    """Says on stderr how many databases are about to be read, and from where."""

    def reading(count: int) -> None:
        note(f"Reading {plural(count, 'database')} from {label} ...", databases=count)

    return reading


def _summarise(plan: Plan) -> None:
    """The counts and checksum on stderr (after a rendering that may be JSON or Markdown);
    nothing for an empty plan, which the rendering says once already."""
    if plan.is_empty:
        return
    counts = plan.counts()
    classes = ", ".join(f"{n} {cls.value}" for cls, n in counts.items())
    total = sum(counts.values())
    note(
        f"{plural(total, 'change')} ({classes}); checksum {plan.checksum}",
        changes=total,
        checksum=plan.checksum,
    )


@click.command(
    "plan",
    epilog="""\b
Examples:
  reconciler plan --local                         preview against the embedded workspace
  reconciler plan -o plan.json                    save the plan for `show` and `apply plan.json`
  reconciler plan --format markdown > comment.md  a pull-request comment
  reconciler plan --format json | jq .summary     for scripts (sensitive values masked)
  reconciler plan --database tasks                only the tasks database (others untouched)
  reconciler plan --detailed-exitcode             exit 2 when there are changes (drift checks)
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Save the plan file here (for `reconciler show` and `reconciler apply`).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="How to show the plan on stdout.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the plan has changes, or a guard holds changes back until someone fixes"
    " Notion or the manifest (duplicate keys, ambiguous links, an empty pruned manifest); 0"
    " otherwise (1 stays an error).",
)
@click.option(
    "--database",
    "databases",
    multiple=True,
    metavar="HANDLE",
    help="Plan only this database (repeatable); the others are left untouched.",
)
@workspace_options
@debug_option
@reports_errors
@seals_by_workspace
def command(
    *,
    paths: tuple[str, ...],
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    databases: tuple[str, ...],
    local: bool,
    local_store: str | None,
) -> None:
    """Compare the manifests with Notion and show the changes an apply would make.

    Writes nothing to Notion. Lossy and destructive changes are marked; apply needs an approval
    for them (the plan ends with the exact command).
    """
    desired = load_manifests(paths, local=local)
    selected_handles(desired, databases)  # an unknown handle is refused before connecting
    with open_workspace(
        desired.settings, desired.root, local=local, local_store=local_store
    ) as workspace:
        reading = _announce(workspace.label)
        plan, read = read_and_plan(
            workspace.gateway, desired, databases, reading=reading, progress=BodyProgress()
        )
    note(read_summary(read.stats, read.seconds, len(read.handles)), requests=read.stats.requests)
    if out:
        write_plan(plan, Path(out))
        note(f"Saved the plan to {out}", path=out)
    # The hint names the saved plan, or else the same manifests (apply plans them again), in the
    # same workspace.
    yes = not interactive()  # without a terminal to confirm on, the suggestion says --yes
    if out:
        again = apply_arguments([out], (), local=local, local_store=local_store, yes=yes)
    else:
        again = apply_arguments(paths, databases, local=local, local_store=local_store, yes=yes)
    apply_args = shlex.join(again)
    colour = fmt == "text" and use_colour()
    approved = approves(plan.checksum)
    shown = render(plan, fmt, colour=colour, apply_args=apply_args, local=local, approved=approved)
    click.echo(shown, nl=False)
    _summarise(plan)
    if detailed_exitcode and (not plan.is_empty or _needs_attention(plan)):
        click.get_current_context().exit(2)


def _needs_attention(plan: Plan) -> bool:
    return any(
        note.kind.needs_attention and note.withheld
        for database in plan.databases
        for note in database.guards
    )
