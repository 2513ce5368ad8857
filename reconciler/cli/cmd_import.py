"""``reconciler import DATABASE_ID...``: write manifests from live databases (adoption).

Looks each database up by id (or URL), reads its schema and every row through the gateway with
every property declared, and writes one manifest per database (``adopt_manifest``) whose first
plan is empty. Refuses to overwrite a file unless ``--force``; checks that what it wrote loads
back as manifests before reporting success.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Sequence
from pathlib import Path

import click

from reconciler.cli.adopt_existing import ExistingManifest, existing_manifests
from reconciler.cli.adopt_manifest import (
    Adoption,
    ImportedManifest,
    handle_for,
    schema_reference,
    write_manifests,
)
from reconciler.cli.adopt_settings import Repository, find_repository, shown
from reconciler.cli.common import debug_option, reports_errors
from reconciler.cli.runtime import open_workspace, workspace_options
from reconciler.errors import ConfigError, ManifestError, PlanError, ReconcilerError
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredDatabase, DesiredState, PropertySpec, SourceLocation
from reconciler.notion.inspect import DatabaseOutline, Inspector
from reconciler.properties import ValueProblem
from reconciler.properties.checks import normalise_id

__all__ = ["command", "database_id_from"]

_ID_IN_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}"
)


def database_id_from(text: str) -> str:
    """The dashed id in a database id or a Notion URL (the view id after ``?v=`` is skipped)."""
    path = re.split(r"[?#]", text.strip(), maxsplit=1)[0]
    found = _ID_IN_TEXT.findall(path)
    hint = (
        "copy the id from the database's URL (the 32 hexadecimal characters before ?v=) or"
        " paste the whole URL"
    )
    if not found:
        raise ConfigError(f"{text!r} is not a Notion database id or URL", hint=hint)
    try:
        return normalise_id(found[-1], "the database id")
    except ValueProblem as problem:
        raise ConfigError(problem.message, hint=problem.hint or hint) from None


def _outlines(inspector: Inspector, ids: Sequence[str]) -> list[DatabaseOutline]:
    """Each database once, however many times (or by which of its ids) it was named."""
    outlines: dict[str, DatabaseOutline] = {}
    for database_id in ids:
        outline = inspector.outline(database_id)
        if outline.in_trash:
            raise PlanError(
                f"database {outline.title!r} ({outline.database_id}) is in the Notion trash",
                hint="restore it in Notion (Trash → Restore), then import it",
            )
        outlines.setdefault(outline.data_source_id, outline)
    return list(outlines.values())


def _reading_spec(outline: DatabaseOutline, handle: str) -> DesiredDatabase:
    """A manifest-less description that makes the gateway read every property of every row."""
    title = next(p.name for p in outline.properties if p.type == "title")
    return DesiredDatabase(
        handle=handle,
        title=outline.title,
        key=title,
        properties=tuple(PropertySpec(p.name, p.type, dict(p.config)) for p in outline.properties),
        rows=(),
        location=SourceLocation(f"import {outline.database_id}", 0, 0),
        id=outline.database_id,
        data_source=outline.data_source_id if len(outline.data_sources) > 1 else None,
    )


def _handles(
    outlines: Sequence[DatabaseOutline], existing: Sequence[ExistingManifest], folder: Path
) -> list[str]:
    """A handle per database, unique among the folder's other manifests; refuses a database
    another manifest there already manages."""
    handles: list[str] = []
    for outline in outlines:
        ids = (outline.database_id, outline.data_source_id)
        # A manifest of this very database may be replaced (--force); any other keeps its handle.
        others = [e for e in existing if e.database_id not in ids]
        handle = handle_for(outline.title, [*handles, *(e.handle for e in others if e.handle)])
        target = (folder / f"{handle}.yaml").resolve()
        for manifest in existing:
            managed = manifest.database_id in (outline.database_id, outline.data_source_id)
            if managed and manifest.path.resolve() != target:
                raise ConfigError(
                    f"database {outline.title!r} ({outline.database_id}) is already managed by"
                    f" {shown(manifest.path)}",
                    hint="two manifests of one database would undo each other's changes: edit"
                    " that manifest, or remove it before importing again",
                )
        handles.append(handle)
    return handles


def _refuse_overwrite(folder: Path, names: Sequence[str]) -> None:
    existing = [folder / name for name in names if (folder / name).exists()]
    if existing:
        listed = ", ".join(shown(path) for path in existing)
        raise ConfigError(
            f"not overwriting {listed}",
            hint="pass --force to replace them, or -o DIR to write elsewhere",
        )


def _installed_schema() -> Path:
    return Path(str(importlib.resources.files("reconciler") / "schemas" / "manifest.schema.json"))


def _write(folder: Path, manifests: Sequence[ImportedManifest]) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for manifest in manifests:
            path = folder / manifest.file_name
            path.write_text(manifest.text, encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the manifests in {shown(folder)} ({exc.strerror})",
            hint="choose a writable folder with -o DIR",
        ) from None
    return paths


def _check_written(paths: Sequence[Path]) -> None:
    """What import wrote must load as manifests; anything else is a bug of import."""
    try:
        load_desired_state([str(path) for path in paths])
    except ManifestError as error:
        raise ReconcilerError(
            f"the imported manifests do not load back:\n{error.message}",
            hint="this is a bug in notion-reconciler's import; please report it with the"
            " messages above (the files are left in place for review)",
        ) from None


def _import(
    repository: Repository, ids: Sequence[str], folder: Path, *, force: bool, local: bool,
    local_store: str | None,
) -> tuple[list[ImportedManifest], str]:  # fmt: skip
    settings, root = repository.settings, repository.root
    with open_workspace(settings, root, local=local, local_store=local_store) as workspace:
        outlines = _outlines(Inspector.of(workspace.gateway), ids)
        handles = _handles(outlines, existing_manifests(folder), folder)
        if not force:
            _refuse_overwrite(folder, [f"{handle}.yaml" for handle in handles])
        specs = tuple(_reading_spec(o, h) for o, h in zip(outlines, handles, strict=True))
        live = workspace.gateway.read_state(DesiredState(specs, settings, root))
        label = workspace.label
    adoptions = [
        Adoption(h, live.databases[h], o.data_source_id if len(o.data_sources) > 1 else None)
        for o, h in zip(outlines, handles, strict=True)
    ]
    schema = schema_reference(folder, root, _installed_schema())
    return write_manifests(adoptions, live.users, schema), label


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
  reconciler import ID --force    replace manifests written by an earlier import
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
@click.option("--force", is_flag=True, help="Overwrite manifests that already exist.")
@workspace_options
@debug_option
@reports_errors
def command(
    database_ids: tuple[str, ...],
    output: str | None,
    force: bool,
    local: bool,
    local_store: str | None,
) -> None:
    """Write manifests from live Notion databases, so adopting one takes one command.

    Each DATABASE_ID (a database id, one of its data source ids, or its URL) becomes
    <handle>.yaml: its title, its schema, every row, and a key chosen among its properties.
    Comments in the files say what to review. Planning right after an import shows no
    changes. Exit codes: 0 written, 1 error (unknown or unshared id, existing files).
    """
    ids = [database_id_from(text) for text in database_ids]
    repository = find_repository()
    folder = Path(output) if output else repository.manifests
    manifests, label = _import(
        repository, ids, folder, force=force, local=local, local_store=local_store
    )
    paths = _write(folder, manifests)
    _check_written(paths)
    plan = ["reconciler", "plan"]
    if folder.resolve() != repository.manifests.resolve():
        plan.append(shown(folder))
    if local:
        plan.append("--local")
    if local_store:
        plan += ["--local-store", local_store]
    _report(manifests, paths, label, " ".join(plan))


def _report(
    manifests: Sequence[ImportedManifest], paths: Sequence[Path], label: str, plan: str
) -> None:
    count = len(manifests)
    click.echo(f"Imported {count} {'database' if count == 1 else 'databases'} from {label}:")
    width = max(len(shown(path)) for path in paths)
    for manifest, path in zip(manifests, paths, strict=True):
        rows = f"{manifest.rows} {'row' if manifest.rows == 1 else 'rows'}"
        click.echo(
            f"  {shown(path):<{width}}  {manifest.handle}: {rows},"
            f" {manifest.properties} properties, key {manifest.key}"
        )
        for note in manifest.review:
            click.echo(f"  {'':<{width}}  review: {note}")
    click.echo(f"Next: read the comments in each file, then `{plan}` (it shows no changes).")
