"""Import: live databases into manifest files (adoption), from ids to files that load back.

``parse_database_id`` reads a database id out of an id or a Notion URL; ``import_databases``
looks each database up, chooses a handle unique in the target folder, reads every property of
every row (and, asked to, every page's body) through the gateway and builds the manifest texts
(``reconciler.adopt.manifests``); a database that a manifest of the folder already pins is
updated in place instead, with the machinery of ``pull`` (its rows, options and properties,
comments and hand edits kept; with ``--force`` it is rewritten from scratch); ``write_imported``
writes them and their body files
(and the manifest schema their first line names, into ``schemas/`` when the repository has none:
a path that works in every checkout, where the installed package's file would name one machine's
folder) and checks that they load back as manifests. Called by the ``import`` command.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.adopt.existing import ExistingManifest, existing_manifests
from reconciler.adopt.manifests import (
    Adoption,
    ImportedManifest,
    handle_for,
    schema_location,
    schema_reference,
    write_manifests,
)
from reconciler.adopt.pull import Pulled, PullRequest, pull_manifests
from reconciler.errors import ConfigError, ManifestError, PlanError, ReconcilerError
from reconciler.manifest import load_desired_state
from reconciler.manifest.project import Repository, shown
from reconciler.model import DesiredState, LiveDatabase
from reconciler.notion import BodyProgress
from reconciler.notion.gateway import Gateway
from reconciler.notion.inspect import DatabaseOutline, Inspector
from reconciler.properties import ValueProblem
from reconciler.properties.checks import normalise_id
from reconciler.readspec import ReadProperty, ReadSpec

__all__ = [
    "ImportRequest",
    "ImportWritten",
    "Imported",
    "import_databases",
    "parse_database_id",
    "write_imported",
]

_ID_IN_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}"
)


def parse_database_id(text: str) -> str:
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


@dataclass(frozen=True)
class ImportRequest:
    """Which databases to import into which folder, and how.

    ``force`` replaces existing files; ``key`` names the key property of every database
    (``--key``; None: chosen among the properties); ``links`` False leaves Notion URLs out of
    the manifests (a ``--local`` workspace has none that open anywhere: page ids say it).
    """

    database_ids: tuple[str, ...]
    folder: Path
    force: bool = False
    key: str | None = None
    links: bool = True
    load: Callable[[Sequence[str]], DesiredState] = load_desired_state
    """How the folder's manifests are loaded when one of them is updated in place (the CLI's
    way, which places databases of the ``--local`` workspace)."""
    bodies: bool = False
    """Read every row's page content (a request per row) and write it to body files."""


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


def _reading_spec(outline: DatabaseOutline, handle: str) -> ReadSpec:
    """What to read of a database being imported: every property of every row."""
    title = next(p.name for p in outline.properties if p.type == "title")
    return ReadSpec(
        handle=handle,
        title=outline.title,
        key=title,
        properties=tuple(ReadProperty(p.name, p.type) for p in outline.properties),
        where=f"import {outline.database_id}",
        id=outline.database_id,
        data_source=outline.data_source_id if len(outline.data_sources) > 1 else None,
    )


def _without_links(live: LiveDatabase) -> LiveDatabase:
    """The database without its URLs and its rows' (comments then name pages by id)."""
    rows = tuple(dataclasses.replace(row, url="") for row in live.rows)
    return dataclasses.replace(live, url=None, rows=rows)


def _managing(
    outlines: Sequence[DatabaseOutline], existing: Sequence[ExistingManifest]
) -> dict[str, ExistingManifest]:
    """Data source id → the manifest of the folder that already manages that database (by its
    pinned id) and says which handle: import updates it in place."""
    found: dict[str, ExistingManifest] = {}
    for outline in outlines:
        ids = (outline.database_id, outline.data_source_id)
        for manifest in existing:
            if manifest.database_id in ids and manifest.handle:
                found.setdefault(outline.data_source_id, manifest)
    return found


def _handles(
    outlines: Sequence[DatabaseOutline],
    existing: Sequence[ExistingManifest],
    folder: Path,
    in_place: Mapping[str, ExistingManifest],
) -> list[str]:
    """A handle per database: the one of the manifest updated in place, else one unique among
    the folder's other manifests; refuses (with --force) a database another manifest there
    already manages."""
    handles: list[str] = []
    for outline in outlines:
        kept = in_place.get(outline.data_source_id)
        if kept is not None and kept.handle:
            handles.append(kept.handle)
            continue
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
                    hint="two manifests of one database would undo each other's changes: import"
                    " without --force to update that manifest in place, or remove it first",
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


def _installed_schema() -> bytes:
    schemas = importlib.resources.files("reconciler").joinpath("schemas")
    return schemas.joinpath("manifest.schema.json").read_bytes()


@dataclass(frozen=True)
class Imported:
    """What an import found: manifests to write for databases new to the folder, and the
    update of those a manifest there already manages (None when there are none)."""

    manifests: tuple[ImportedManifest, ...]
    updated: Pulled | None = None
    updated_handles: tuple[str, ...] = ()


def _with_bodies(
    gateway: Gateway, live: LiveDatabase, progress: BodyProgress | None
) -> LiveDatabase:
    """The database with every row's body read (through the gateway's cache)."""
    rows = [row for row in live.rows if not row.in_trash]
    bodies = gateway.read_bodies(rows, database=live.handle, progress=progress)
    read = tuple(dataclasses.replace(r, body=bodies.get(r.page_id, r.body)) for r in live.rows)
    return dataclasses.replace(live, rows=read)


def import_databases(
    gateway: Gateway,
    repository: Repository,
    request: ImportRequest,
    progress: BodyProgress | None = None,
) -> Imported:
    """The manifests of the requested databases, read through ``gateway`` (nothing written);
    a database a manifest of the folder already pins is updated in place (unless ``force``),
    keeping its comments, hand edits, ``prune`` and ``renamed_from``; with ``request.bodies``,
    every new database's row bodies too (``progress`` hears how far)."""
    outlines = _outlines(Inspector.of(gateway), request.database_ids)
    existing = existing_manifests(request.folder)
    in_place = {} if request.force else _managing(outlines, existing)
    handles = _handles(outlines, existing, request.folder, in_place)
    kept = {h for o, h in zip(outlines, handles, strict=True) if o.data_source_id in in_place}
    if not request.force:
        fresh_handles = [h for h in handles if h not in kept]
        _refuse_overwrite(request.folder, [f"{h}.yaml" for h in fresh_handles])
        if request.bodies:
            _refuse_overwrite(request.folder, [f"content/{h}" for h in fresh_handles])
    desired = request.load([str(request.folder)]) if kept else None
    fresh = [(o, h) for o, h in zip(outlines, handles, strict=True) if h not in kept]
    manifests: list[ImportedManifest] = []
    if fresh:
        chosen = list(zip(outlines, handles, strict=True))
        manifests = [
            m
            for m in _new_manifests(
                gateway, repository, request, chosen, desired, progress=progress
            )
            if m.handle not in kept
        ]
    updated = None
    if desired is not None:
        pull = PullRequest((str(request.folder),), tuple(sorted(kept)), True, True)
        updated = pull_manifests(gateway, desired, pull, progress=progress)
    return Imported(tuple(manifests), updated, tuple(sorted(kept)))


def _new_manifests(
    gateway: Gateway,
    repository: Repository,
    request: ImportRequest,
    chosen: Sequence[tuple[DatabaseOutline, str]],
    desired: DesiredState | None,
    *,
    progress: BodyProgress | None,
) -> list[ImportedManifest]:
    """The manifest texts of the chosen databases (those updated in place are among them, keyed
    as their manifest says, so relations to them are written by that key)."""
    specs = tuple(_reading_spec(o, h) for o, h in chosen)
    live = gateway.read_state(specs)
    adoptions = []
    for outline, handle in chosen:
        declared = desired.database(handle) if desired is not None else None
        live_db = live.databases[handle]
        if request.bodies and declared is None:
            live_db = _with_bodies(gateway, live_db, progress)
        adoptions.append(
            Adoption(
                handle,
                live_db if request.links else _without_links(live_db),
                outline.data_source_id if len(outline.data_sources) > 1 else None,
                key=declared.key if declared is not None else request.key,
            )
        )
    schema = schema_reference(request.folder, repository.root)
    return write_manifests(adoptions, live.users, schema)


def _write(folder: Path, manifests: Sequence[ImportedManifest]) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for manifest in manifests:
            path = folder / manifest.file_name
            path.write_text(manifest.text, encoding="utf-8")
            paths.append(path)
            for relative, text in manifest.files:
                body = folder / relative
                body.parent.mkdir(parents=True, exist_ok=True)
                body.write_text(text, encoding="utf-8")
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


@dataclass(frozen=True)
class ImportWritten:
    """What import wrote: the manifests, and the schema copy for editors when it made one."""

    manifests: tuple[Path, ...]
    schema: Path | None = None


def _copy_schema(location: Path) -> Path | None:
    """Put the installed manifest schema where the manifests' modeline expects it, unless the
    repository keeps one there already (its own, perhaps of another version: left alone)."""
    if location.exists():
        return None
    try:
        location.parent.mkdir(parents=True, exist_ok=True)
        location.write_bytes(_installed_schema())
    except OSError as exc:
        raise ConfigError(
            f"cannot write the manifest schema {shown(location)} ({exc.strerror})",
            hint="make the folder writable, or choose another folder with -o DIR",
        ) from None
    return location


def write_imported(
    folder: Path, manifests: Sequence[ImportedManifest], root: Path
) -> ImportWritten:
    """Write the manifests into ``folder`` (and the schema their modeline names, when the
    repository ``root`` has none yet) and check that they load back."""
    paths = _write(folder, manifests)
    schema = _copy_schema(schema_location(folder, root))
    _check_written(paths)
    return ImportWritten(tuple(paths), schema)
