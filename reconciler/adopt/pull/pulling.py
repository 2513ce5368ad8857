"""``pull``: read what Notion holds, and make the manifests say it, minimally and never losing a
hand edit.

``pull_manifests`` reads the chosen databases as a plan does (``reconciler.plan.read_live``), finds
per database how its properties differ (``schema``) and its rows (``rows``: values and managed
page bodies; the bodies of rows it adds are read where the database's ``body_from`` names a file
for them), and hands the edits
to the editing engine (``reconciler.adopt.edit``), which computes each file's new text and checks
that it reads back as intended. With ``--schema``, properties pull declares or renames are read
again with their values. In a git checkout, values changed in the working tree are compared with
the files at HEAD (``checkout``): a hand edit is kept, and a value changed both there and in
Notion stops the pull (``PullConflict``) before anything is computed further. ``write_pulled``
writes the files, refusing those with uncommitted changes unless forced (``UncommittedFiles``).
Nothing here writes to Notion. Called by the ``pull`` command and by ``import`` of a database
that already has a manifest.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.adopt.edit import Edit, write_changes
from reconciler.adopt.edit import edit_manifests as edit_files
from reconciler.adopt.edit.mirror import Mirror
from reconciler.adopt.pull.checkout import Checkout
from reconciler.adopt.pull.findings import (
    Conflict,
    Proposal,
    Pulled,
    SchemaDrift,
    row_drifts,
)
from reconciler.adopt.pull.rows import RowsDrift, rows_drift
from reconciler.adopt.pull.schema import Difference, SchemaFindings, schema_findings
from reconciler.adopt.rows import naming_of
from reconciler.adopt.values import Naming
from reconciler.errors import ManifestError, ReconcilerError
from reconciler.model import JSON, DesiredDatabase, DesiredState, LiveDatabase, LiveState
from reconciler.notion import BodyProgress, Gateway
from reconciler.plan import read_live
from reconciler.plan.index import RowMatch
from reconciler.properties import WorkspaceReferences
from reconciler.readspec import ReadProperty, read_spec
from reconciler.render import plural

__all__ = ["PullConflict", "PullRequest", "UncommittedFiles", "pull_manifests", "write_pulled"]


class PullConflict(ReconcilerError):
    """Values changed both in the working tree and in Notion since HEAD; nothing was written."""


class UncommittedFiles(ReconcilerError):
    """Files pull would change have uncommitted changes; nothing was written."""


@dataclass(frozen=True)
class PullRequest:
    """What to pull: the manifests under ``paths`` (all when empty), the ``databases`` named
    (all when empty); ``adopt_rows`` adds live rows the manifests lack even where they do not
    prune; ``schema`` writes property differences (declarations, renames, types)."""

    paths: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    adopt_rows: bool = False
    schema: bool = False


@dataclass
class _Found:
    """Everything the databases gave, before the engine sorts the edits."""

    proposals: list[Proposal] = dataclasses.field(default_factory=list)
    differences: list[tuple[str, Difference]] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    kept: list[str] = dataclasses.field(default_factory=list)
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)

    def take(self, handle: str, schema: SchemaFindings, rows: RowsDrift) -> None:
        for difference in schema.differences:
            self.differences.append((handle, difference))
            if difference.edit is not None:
                self.proposals.append(Proposal(difference.edit))
        self.proposals.extend(rows.proposals)
        self.notes.extend(rows.notes)
        self.kept.extend(rows.kept)
        self.conflicts.extend(rows.conflicts)


def _with_new_bodies(
    gateway: Gateway,
    desired: DesiredState,
    live: LiveState,
    request: PullRequest,
    progress: BodyProgress | None,
) -> LiveState:
    """The live state with the bodies of the rows pull adds read (through the gateway's cache),
    in the databases whose ``body_from`` names a file for each row: those go there."""
    databases = dict(live.databases)
    for handle, database in live.databases.items():
        declared = desired.database(handle)
        if declared is None or not declared.body_from:
            continue
        if not (declared.prune or request.adopt_rows):
            continue
        known = {row.key for row in declared.rows}
        new = [r for r in database.rows if not r.in_trash and r.key and r.key not in known]
        if not new:
            continue
        bodies = gateway.read_bodies(new, database=handle, progress=progress)
        rows = tuple(
            dataclasses.replace(row, body=bodies.get(row.page_id, row.body))
            for row in database.rows
        )
        databases[handle] = dataclasses.replace(database, rows=rows)
    return dataclasses.replace(live, databases=databases)


def _reread(
    gateway: Gateway,
    desired: DesiredState,
    live: LiveState,
    extra: Mapping[str, Sequence[ReadProperty]],
) -> LiveState:
    """The live state with the databases of ``extra`` read again, those properties included."""
    specs = []
    for handle, properties in extra.items():
        database = desired.database(handle)
        assert database is not None
        located = read_spec(database).located(live.databases[handle])
        specs.append(dataclasses.replace(located, properties=(*located.properties, *properties)))
    again = gateway.read_state(specs)
    return dataclasses.replace(live, databases={**live.databases, **again.databases})


def _committed(
    checkout: Checkout, desired: DesiredState, request: PullRequest, cwd: Path, env: dict[str, str]
) -> DesiredState | None:
    """The manifests as committed at HEAD, where the working tree differs (None: it does not)."""
    mirror = Mirror(desired, request.paths, cwd, env)
    root = desired.root
    changed = checkout.uncommitted(root / relative for relative in mirror.files)
    texts: dict[str, str] = {}
    for path in changed:
        text = checkout.at_head(path)
        if text is not None:  # a file git does not track yet is compared with itself
            texts[path.resolve().relative_to(root.resolve()).as_posix()] = text
    if not texts:
        return None
    try:
        return mirror.load(texts)
    except ManifestError as error:
        raise ReconcilerError(
            f"the manifests committed at HEAD do not load, so your uncommitted changes cannot be"
            f" told from Notion's edits:\n{error.message}",
            hint="commit your changes (or set them aside with `git stash`), then pull again",
        ) from None


@dataclass(frozen=True)
class _Context:
    """What every database's comparison shares."""

    refs: WorkspaceReferences
    naming: Naming
    request: PullRequest
    base: DesiredState | None
    """The manifests as committed at HEAD, where the working tree differs."""
    linked: frozenset[str] = frozenset()
    """Page ids that live rows outside the trash relate to."""

    @classmethod
    def of(cls, live: LiveState, request: PullRequest, base: DesiredState | None) -> _Context:
        refs = WorkspaceReferences.from_live(live)
        return cls(refs, naming_of(live), request, base, _linked(live))


def _linked(live: LiveState) -> frozenset[str]:
    """Every page id a relation value of a live row outside the trash names."""
    found: set[str] = set()
    for database in live.databases.values():
        relations = [prop.name for prop in database.properties if prop.type == "relation"]
        for row in database.rows:
            if not row.in_trash:
                found.update(_page_ids(row.values.get(name) for name in relations))
    return frozenset(found)


def _page_ids(values: Iterable[JSON]) -> Iterator[str]:
    for value in values:
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and isinstance(item.get("page_id"), str):
                yield str(item["page_id"])


def _database(
    found: _Found,
    desired: DesiredDatabase,
    live: LiveDatabase,
    schema: SchemaFindings,
    ctx: _Context,
) -> None:
    committed = ctx.base.database(desired.handle) if ctx.base is not None else None
    rows = rows_drift(
        desired,
        RowMatch.of(live),
        schema.columns,
        ctx.refs,
        ctx.naming,
        adopt_rows=ctx.request.adopt_rows,
        base=committed,
        linked=ctx.linked,
    )
    found.take(desired.handle, schema, rows)
    if not live.complete:
        found.notes.append(
            f"{desired.handle}: the live read is incomplete ({'; '.join(live.incomplete_reasons)}):"
            " rows it could not see are not pulled"
        )


def _schemas(
    desired: DesiredState,
    planned: Sequence[str],
    live: LiveState,
    request: PullRequest,
    found: _Found,
) -> dict[str, SchemaFindings]:
    """How each planned database's properties differ (those not created yet are noted)."""
    first = _Context.of(live, request, None)
    schemas: dict[str, SchemaFindings] = {}
    for handle in planned:
        database, live_db = desired.database(handle), live.databases[handle]
        assert database is not None
        if live_db.data_source_id is None:
            found.notes.append(f"{handle}: not in Notion yet (apply creates it): nothing to pull")
            continue
        schemas[handle] = schema_findings(
            database, live_db, first.refs, first.naming, write=request.schema
        )
    return schemas


def _conflict_error(conflicts: Sequence[Conflict]) -> PullConflict:
    listed = "\n".join(f"  {conflict}" for conflict in conflicts)
    return PullConflict(
        f"pull stopped: {plural(len(conflicts), 'value was', 'values were')} changed both here"
        f" (uncommitted) and in Notion since the last commit; nothing was written:\n{listed}",
        hint="to keep yours, commit it and `reconciler apply` writes it over Notion's; to take"
        " Notion's, undo your edit (`git checkout -- FILE`, or edit the value) and pull again",
    )


def pull_manifests(
    gateway: Gateway,
    desired: DesiredState,
    request: PullRequest,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    reading: Callable[[int], None] | None = None,
    progress: BodyProgress | None = None,
) -> Pulled:
    """What Notion holds, as edits of the manifests (nothing written, nothing sent to Notion);
    raises PullConflict when a value was changed both in the working tree and in Notion.
    ``progress`` hears how far the reading of page bodies has come."""
    env = dict(os.environ if environ is None else environ)
    here = cwd if cwd is not None else Path.cwd()
    read = read_live(gateway, desired, request.databases, reading=reading, progress=progress)
    live = _with_new_bodies(gateway, desired, read.live, request, progress)
    found = _Found()
    schemas = _schemas(desired, read.planned, live, request, found)
    extra = {handle: findings.reread for handle, findings in schemas.items() if findings.reread}
    if extra:
        live = _reread(gateway, desired, live, extra)
    checkout = Checkout.of(desired.root)
    base = _committed(checkout, desired, request, here, env) if checkout else None
    ctx = _Context.of(live, request, base)
    for handle, schema in schemas.items():
        database = desired.database(handle)
        assert database is not None
        _database(found, database, live.databases[handle], schema, ctx)
    if found.conflicts:
        raise _conflict_error(found.conflicts)
    edits: list[Edit] = [proposal.edit for proposal in found.proposals]
    outcome = edit_files(edits, request.paths, environ=env, cwd=here, root=desired.root)
    uncommitted: list[Path] = []
    if checkout is not None and outcome.files:
        uncommitted = checkout.uncommitted(desired.root / change.path for change in outcome.files)
    root = desired.root.resolve()
    return Pulled(
        outcome=outcome,
        rows=row_drifts(found.proposals, outcome.applied),
        schema=_schema_drifts(found.differences, outcome.applied),
        notes=tuple(found.notes),
        kept=tuple(found.kept),
        uncommitted=tuple(path.resolve().relative_to(root).as_posix() for path in uncommitted),
    )


def _schema_drifts(
    differences: Iterable[tuple[str, Difference]], applied: Iterable[Edit]
) -> tuple[SchemaDrift, ...]:
    done = {id(edit) for edit in applied}
    return tuple(
        SchemaDrift(handle, d.property, d.words, d.edit is not None and id(d.edit) in done)
        for handle, d in differences
    )


_RETRY = (
    "commit them first (git add, git commit), or pass --force to edit them anyway (values you"
    " changed by hand are kept)"
)


def write_pulled(pulled: Pulled, root: Path, *, force: bool = False, retry: str = _RETRY) -> None:
    """Write the files the pull changes; refuses (nothing written) when some have uncommitted
    changes, unless ``force`` (``retry``: the hint saying what to do then)."""
    if pulled.uncommitted and not force:
        listed = ", ".join(pulled.uncommitted)
        raise UncommittedFiles(
            f"{listed} {'has' if len(pulled.uncommitted) == 1 else 'have'} uncommitted changes;"
            " pull edits only committed files, so that no hand edit is lost (nothing was"
            " written)",
            hint=retry,
        )
    write_changes(pulled.outcome, root)
