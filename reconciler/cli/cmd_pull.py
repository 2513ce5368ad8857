"""``reconciler pull``: write what Notion holds back into the manifests, as minimal diffs.

Only wiring and the terminal: the manifests (``load_manifests``), the workspace
(``open_workspace``), then ``reconciler.adopt`` reads Notion and computes the edits
(``pull_manifests``, page bodies included, with the progress of reading them) and writes them
(``write_pulled``). This command prints a unified diff per file changed and what was left alone,
writes the Markdown summary a drift pull request takes as its body (``--summary``), and exits 2 with
``--detailed-exitcode`` when files changed (or would). It never writes to Notion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from reconciler.adopt import (
    Pulled,
    PullRequest,
    markdown_summary,
    pull_manifests,
    report_lines,
    write_pulled,
)
from reconciler.cli.common import debug_option, note, reports_errors, use_colour
from reconciler.cli.runtime import (
    BodyProgress,
    load_manifests,
    open_workspace,
    workspace_options,
)
from reconciler.errors import ConfigError
from reconciler.plan import selected_handles
from reconciler.render import plural

__all__ = ["command"]

_DIFF_COLOURS = {"+": "32", "-": "31", "@": "36"}


def _announce(label: str) -> Callable[[int], None]:
    def reading(count: int) -> None:
        note(f"Reading {plural(count, 'database')} from {label} ...", databases=count)

    return reading


def _painted(diff: str, colour: bool) -> str:
    """A unified diff, its added, removed and hunk lines coloured on a terminal."""
    if not colour:
        return diff
    lines = []
    for line in diff.splitlines(keepends=True):
        code = _DIFF_COLOURS.get(line[:1])
        if code is None or line.startswith(("+++", "---")):
            lines.append(line)
        else:
            lines.append(f"\x1b[{code}m{line.rstrip(chr(10))}\x1b[0m\n")
    return "".join(lines)


def _closing(pulled: Pulled, *, dry_run: bool) -> str:
    files = plural(len(pulled.outcome.files), "file")
    if pulled.changed:
        if dry_run:
            return f"Dry run: {files} would change; nothing was written."
        return f"Pulled Notion's edits into {files}."
    if pulled.kept or pulled.notes or pulled.outcome.not_applied or pulled.schema:
        return "Nothing to pull (see above for what was left alone)."
    return "Nothing to pull: the manifests say what Notion holds."


def _write_summary(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot write the summary {path} ({exc.strerror})",
            hint="choose a writable path with --summary FILE",
        ) from None


@click.command(
    "pull",
    epilog="""\b
Examples:
  reconciler pull                          write Notion's edits into the manifests
  reconciler pull --dry-run                show the diffs (body files too), write nothing
  reconciler pull --database tasks         only the tasks database
  reconciler pull --adopt-rows             also add rows created in Notion (prune: false)
  reconciler pull --schema                 also declare, rename and retype properties
  reconciler pull --detailed-exitcode --summary body.md
                                           exit 2 when files changed; a pull-request body
  reconciler pull --local                  from the embedded workspace
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option(
    "--database",
    "databases",
    multiple=True,
    metavar="HANDLE",
    help="Pull only this database (repeatable); the others are left untouched.",
)
@click.option(
    "--adopt-rows",
    is_flag=True,
    help="Add rows created in Notion to manifests with prune: false too (with prune: true they"
    " are always added, as apply would trash them).",
)
@click.option(
    "--schema",
    is_flag=True,
    help="Also write property differences: declare properties added in Notion, mark renames"
    " with renamed_from, change types (without it they are only reported).",
)
@click.option("--dry-run", is_flag=True, help="Show the diffs, write nothing.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when files changed (or would, with --dry-run); 0 when the manifests already"
    " say what Notion holds (1 stays an error).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Edit files that have uncommitted changes too (values changed there by hand are still"
    " kept).",
)
@click.option(
    "--summary",
    "summary",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write a Markdown summary here (per row who edited it in Notion and when): the"
    " body of a drift pull request.",
)
@workspace_options
@debug_option
@reports_errors
def command(
    *,
    paths: tuple[str, ...],
    databases: tuple[str, ...],
    adopt_rows: bool,
    schema: bool,
    dry_run: bool,
    detailed_exitcode: bool,
    force: bool,
    summary: str | None,
    local: bool,
    local_store: str | None,
) -> None:
    """Write what Notion holds back into the manifests, so that a plan afterwards is empty.

    Changed values of every type, rows trashed in Notion (removed), rows created there (added
    where the database prunes, or with --adopt-rows), options added there, page bodies edited
    there (into the row's body file or its _body, where the manifest manages the body; a page
    with blocks Markdown cannot show is reported, not written); property differences are
    reported (written with --schema). Comments, quoting and layout of untouched lines stay as
    they are. In a git checkout, files with uncommitted changes are refused (unless --force)
    and a value changed both there and in Notion stops the pull. Never writes to Notion. Exit
    codes: 0 done, 1 error, 2 files changed (--detailed-exitcode).
    """
    desired = load_manifests(paths, local=local)
    selected_handles(desired, databases)  # an unknown handle is refused before connecting
    request = PullRequest(paths, databases, adopt_rows=adopt_rows, schema=schema)
    with open_workspace(
        desired.settings, desired.root, local=local, local_store=local_store
    ) as workspace:
        pulled = pull_manifests(
            workspace.gateway,
            desired,
            request,
            reading=_announce(workspace.label),
            progress=BodyProgress(),
        )
    if pulled.changed and not dry_run:
        write_pulled(pulled, desired.root, force=force)
    colour = use_colour()
    for change in pulled.outcome.files:
        click.echo(_painted(change.unified_diff(), colour), nl=False)
    for line in report_lines(pulled):
        click.echo(line)
    note(_closing(pulled, dry_run=dry_run), files=len(pulled.outcome.files))
    if summary:
        _write_summary(summary, markdown_summary(pulled, links=not local))
    if detailed_exitcode and pulled.changed:
        click.get_current_context().exit(2)
