"""``reconciler import DATABASE_ID...``: write manifests from live databases (adoption).

Only wiring and the terminal: ``reconciler.adopt`` looks each database up by id (or URL), reads
its schema and every row, and builds one manifest per database whose first plan is empty; a
database a manifest of the folder already pins is updated in place (as ``pull`` would, comments
and hand edits kept) unless ``--force`` rewrites it. This command refuses to overwrite another
file unless ``--force``, writes them, and reports what to review.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from reconciler.adopt import (
    ImportedManifest,
    ImportRequest,
    ImportWritten,
    Pulled,
    import_databases,
    parse_database_id,
    report_lines,
    write_imported,
    write_pulled,
)
from reconciler.cli.common import debug_option, reports_errors
from reconciler.cli.runtime import (
    BodyProgress,
    load_manifests,
    open_workspace,
    workspace_options,
)
from reconciler.manifest import find_repository, shown

__all__ = ["command"]


@click.command(
    "import",
    epilog="""\b
Examples:
  reconciler import 1f2e3d4c5b6a47988776655443322110
                                  one database into the manifests folder (default manifests/)
  reconciler import "https://www.notion.so/acme/Tasks-1f2e...?v=..."
                                  the id is taken from the URL
  reconciler import ID1 ID2 -o adopted/
                                  relations between them are written by handle and row key
  reconciler import ID --key Code rows keyed by their Code (a stable id), not their title
  reconciler import ID            again: updates its manifest in place (comments and hand
                                  edits kept)
  reconciler import ID --force    rewrite manifests written by an earlier import from scratch
  reconciler import ID --bodies   each row's page content too, in content/<handle>/*.md
  reconciler import ID --local    from the embedded workspace (.reconciler/local.sqlite)
""",
)
@click.argument("database_ids", nargs=-1, required=True, metavar="DATABASE_ID...")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Folder for the manifests (default: the manifests folder of reconciler.yaml).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite manifests that already exist, and rewrite from scratch those that manage"
    " the databases (without it they are updated in place).",
)
@click.option(
    "--key",
    "key",
    default=None,
    metavar="PROPERTY",
    help="The key property (refused when it is missing, cannot be a key, or a row has no value"
    " or one another row has). Default: the title if it tells every row apart, else the best"
    " candidate.",
)
@click.option(
    "--bodies",
    is_flag=True,
    help="Import each row's page content too (a request per row): into content/<handle>/"
    "<row>.md files named by `_body_from`, or the row's `_body` when it is one short line.",
)
@workspace_options
@debug_option
@reports_errors
def command(
    *,
    database_ids: tuple[str, ...],
    output: str | None,
    force: bool,
    key: str | None,
    bodies: bool,
    local: bool,
    local_store: str | None,
) -> None:
    """Write manifests from live Notion databases, so adopting one takes one command.

    Each DATABASE_ID (a database id, one of its data source ids, or its URL) becomes
    <handle>.yaml: its title, its schema, every row, and a key chosen among its properties
    (with --bodies, each row's page content as a Markdown file beside it).
    Comments in the files say what to review. Planning right after an import shows no
    changes. Exit codes: 0 written, 1 error (unknown or unshared id, existing files).
    """
    ids = tuple(parse_database_id(text) for text in database_ids)
    repository = find_repository()
    folder = Path(output) if output else repository.manifests
    request = ImportRequest(
        ids,
        folder,
        force=force,
        key=key,
        links=not local,
        load=lambda paths: load_manifests(paths, local=local),
        bodies=bodies,
    )
    settings, root = repository.settings, repository.root
    with open_workspace(settings, root, local=local, local_store=local_store) as workspace:
        imported = import_databases(workspace.gateway, repository, request, BodyProgress())
        label = workspace.label
    if imported.updated is not None:
        write_pulled(imported.updated, root, retry=_RETRY)
    written = write_imported(folder, imported.manifests, root) if imported.manifests else None
    plan = ["reconciler", "plan"]
    if folder.resolve() != repository.manifests.resolve():
        plan.append(shown(folder))
    if local:
        plan.append("--local")
    if local_store:
        plan += ["--local-store", local_store]
    if written is not None:
        _report(imported.manifests, written, label)
    if imported.updated is not None:
        _report_updated(imported.updated, imported.updated_handles, label)
    click.echo(
        f"Next: read the comments in each file, then `{' '.join(plan)}` (it shows no changes)."
    )


_RETRY = (
    "commit them first (git add, git commit), then import again; `import --force` rewrites"
    " the manifests from scratch instead"
)


def _report(manifests: Sequence[ImportedManifest], written: ImportWritten, label: str) -> None:
    count = len(manifests)
    click.echo(f"Imported {count} {'database' if count == 1 else 'databases'} from {label}:")
    paths = written.manifests
    width = max(len(shown(path)) for path in paths)
    for manifest, path in zip(manifests, paths, strict=True):
        rows = f"{manifest.rows} {'row' if manifest.rows == 1 else 'rows'}"
        files = f", {len(manifest.files)} body files" if manifest.files else ""
        click.echo(
            f"  {shown(path):<{width}}  {manifest.handle}: {rows},"
            f" {manifest.properties} properties, key {manifest.key}{files}"
        )
        for note in manifest.review:
            click.echo(f"  {'':<{width}}  review: {note}")
    if written.schema is not None:
        click.echo(
            f"Wrote {shown(written.schema)}: the manifest schema their first line names, for"
            " editors (commit it with them)."
        )


def _report_updated(updated: Pulled, handles: Sequence[str], label: str) -> None:
    """The manifests updated in place: what changed, as ``pull`` says it."""
    names = ", ".join(handles)
    if not updated.changed:
        click.echo(f"Already up to date with {label}: {names} (no file changed).")
    else:
        files = len(updated.outcome.files)
        click.echo(
            f"Updated in place from {label}: {names} ({files} {'file' if files == 1 else 'files'};"
            " comments and hand edits kept):"
        )
        for change in updated.outcome.files:
            click.echo(change.unified_diff(), nl=False)
    for line in report_lines(updated):
        click.echo(line)
