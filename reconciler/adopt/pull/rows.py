"""Rows as Notion holds them, turned into edits of one database's manifest rows.

For each manifest row whose key one live row has, every ``Column`` (a property whose live values
pull reads) is compared the way a plan compares it (both sides resolved through the codec, DeepDiff
ignoring int and float), and a value that differs becomes a ``SetValue`` with the live value in
manifest form (``reconciler.adopt.values.manifest_value``: people by e-mail, relations by key, rich
text as runs, dates with their time zone...). A managed page body that a plan would change
(``reconciler.plan.bodies.body_change``, the canonical comparison) becomes a ``SetBody`` with
Notion's canonical Markdown, unless Notion's page holds what Markdown cannot carry whole (then a
note says so); page content of rows whose body is not managed is never read. A manifest row whose
key is in the Notion trash becomes a ``RemoveRow`` (unless live rows still relate to it: the
manifest would name a row it no longer has); live rows the manifest does not list become ``AddRow``s
where the database prunes (apply would trash them) or when asked to adopt rows, oldest first.

Hand edits are never lost: given the database as committed at HEAD (``base``), a value changed in
the working tree is kept when Notion still holds the committed value, and is a ``Conflict`` when
Notion changed it too (a body likewise, compared in canonical form); a row added by hand is kept,
one removed by hand stays removed, one edited by hand and trashed in Notion is a conflict. What
cannot be written is said in a note. Called by ``reconciler.adopt.pull.pulling``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from deepdiff import DeepDiff

from reconciler.adopt.edit import AddRow, RemoveRow, SetBody, SetValue
from reconciler.adopt.pull.findings import Conflict, Origin, Proposal, RowChange
from reconciler.adopt.values import Naming, NotExpressible, manifest_value
from reconciler.bodies import body_hash, canonical_markdown
from reconciler.model import JSON, DesiredDatabase, DesiredRow, LiveProperty, LiveRow, PropertySpec
from reconciler.plan import SENSITIVE
from reconciler.plan.bodies import body_change
from reconciler.plan.index import RowMatch
from reconciler.properties import References, ValueProblem, codec_for
from reconciler.render import edited_words, plural

__all__ = ["Column", "RowsDrift", "differs", "rows_drift"]


@dataclass(frozen=True)
class Column:
    """A property whose live values pull writes into the rows."""

    name: str
    """The declared name once pull's edits are made (a rename's new name)."""
    live: LiveProperty
    spec: PropertySpec | None
    """The declaration values are compared under; None: every row gets the live value (a
    property pull declares or retypes)."""


@dataclass
class RowsDrift:
    """The row edits of one database, what was left alone, hand edits kept and conflicts."""

    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def differs(spec: PropertySpec, desired: JSON, live: JSON, refs: References) -> bool:
    """Whether a manifest value and a live one differ as a plan sees them; a manifest value
    that cannot be resolved (an unknown e-mail) differs from anything."""
    codec = codec_for(spec.type)
    have = codec.resolve_live(live, spec.config, refs)
    try:
        want = codec.resolve_desired(desired, spec.config, refs)
    except ValueProblem:
        return True
    return bool(DeepDiff(have, want, ignore_numeric_type_changes=True))


@dataclass(frozen=True)
class _Database:
    """What the row comparison of one database needs."""

    desired: DesiredDatabase
    columns: tuple[Column, ...]
    refs: References
    naming: Naming
    base: Mapping[str, DesiredRow] | None
    """The rows committed at HEAD by key (None: the working tree is as committed)."""
    linked: frozenset[str]
    """Page ids that live rows outside the trash still relate to."""

    @property
    def handle(self) -> str:
        return self.desired.handle

    def origin(self, row: LiveRow, key: str, change: RowChange) -> Origin:
        by = self.refs.user_label(row.last_edited_by) if row.last_edited_by else ""
        return Origin(self.handle, key, change, by, row.last_edited_time, row.url)

    def written(self, column: Column, row: LiveRow) -> object:
        """The live value in manifest form; None when it is empty (the entry goes), except a
        checkbox, whose ``false`` is written. NotExpressible when no manifest can hold it."""
        codec = codec_for(column.live.type)
        value = row.values.get(column.live.name, codec.empty)
        if value == codec.empty and column.live.type != "checkbox":
            return None
        return manifest_value(column.live, value, self.naming)

    def shown(self, spec: PropertySpec, value: JSON, *, live: bool) -> str:
        if spec.sensitive:
            return SENSITIVE
        codec = codec_for(spec.type)
        try:
            resolved = (
                codec.resolve_live(value, spec.config, self.refs)
                if live
                else codec.resolve_desired(value, spec.config, self.refs)
            )
        except ValueProblem:
            resolved = value
        return codec.display(resolved, self.refs) or "(empty)"


def _where(row: DesiredRow) -> str:
    return f"{row.location.file}:{row.location.line}"


def _hand_edited(
    db: _Database, row: DesiredRow, column: Column, live: LiveRow, found: RowsDrift
) -> bool:
    """Whether the value is an uncommitted hand edit, kept (recorded in ``found``: as kept while
    Notion holds the committed value, as a conflict when Notion changed it too)."""
    spec = column.spec
    if db.base is None or spec is None:
        return False
    committed = db.base.get(row.key)
    here = row.values.get(spec.name)
    if committed is not None and committed.values.get(spec.name) == here:
        return False
    live_value = live.values.get(column.live.name, codec_for(spec.type).empty)
    head = committed.values.get(spec.name) if committed is not None else None
    if committed is None or not differs(spec, head, live_value, db.refs):
        found.kept.append(
            f"{_where(row)}: {db.handle}, row {row.key!r}, {spec.name}: your uncommitted value"
            " is kept (apply writes it to Notion)"
        )
        return True
    origin = db.origin(live, row.key, RowChange.CHANGED)
    found.conflicts.append(
        Conflict(
            where=_where(row),
            what=f"{db.handle}, row {row.key!r}, {spec.name}",
            here=db.shown(spec, here, live=False),
            notion=db.shown(spec, live_value, live=True),
            committed=db.shown(spec, head, live=False),
            edited=edited_words(origin.edited_by, origin.edited_time),
        )
    )
    return True


def _changed(db: _Database, row: DesiredRow, live: LiveRow, found: RowsDrift) -> Iterator[Proposal]:
    origin = db.origin(live, row.key, RowChange.CHANGED)
    for column in db.columns:
        if column.spec is not None:
            empty = codec_for(column.spec.type).empty
            desired_value = row.values.get(column.spec.name, empty)
            live_value = live.values.get(column.live.name, codec_for(column.live.type).empty)
            if not differs(column.spec, desired_value, live_value, db.refs):
                continue
            if _hand_edited(db, row, column, live, found):
                continue
        try:
            value = db.written(column, live)
        except NotExpressible as why:
            found.notes.append(f"{db.handle}: row {row.key!r}, {column.name} not pulled: {why}")
            continue
        edit = SetValue(db.handle, row.key, column.name, value)
        yield Proposal(edit, origin, (column.name,))
    body = _body(db, row, live, found)
    if body is not None:
        yield Proposal(body, origin, ("_body",))


def _body(db: _Database, row: DesiredRow, live: LiveRow, found: RowsDrift) -> SetBody | None:
    """The row's managed body set to what Notion holds, when a plan would see them differ (the
    plan's own comparison); a body Markdown cannot carry whole is only reported."""
    held = live.body
    if row.body is None or held is None or body_change(db.handle, row, live) is None:
        return None
    if _body_hand_edited(db, row, held.markdown, found):
        return None
    if held.unknown_block_ids or held.truncated:
        why = (
            "holds blocks Markdown cannot show (a bookmark, an embed, a synced block...)"
            if held.unknown_block_ids
            else "is too long to read whole as Markdown (Notion cut it at its limit)"
        )
        found.notes.append(
            f"{db.handle}: row {row.key!r}, its body was edited in Notion but not pulled: its"
            f" page {why}; {row.body.file or 'the manifest'} keeps what it says"
        )
        return None
    return SetBody(db.handle, row.key, canonical_markdown(held.markdown), row.body.file)


def _body_hand_edited(db: _Database, row: DesiredRow, notion: str, found: RowsDrift) -> bool:
    """Whether the row's body is an uncommitted hand edit, kept (as ``_hand_edited`` keeps a
    value: a note while Notion holds the body committed at HEAD, a conflict when Notion's body
    changed too). Bodies compare in canonical form, as a plan compares them."""
    if db.base is None or row.body is None:
        return False
    committed = db.base.get(row.key)
    head = body_hash(committed.body.markdown) if committed and committed.body else None
    if head == body_hash(row.body.markdown):
        return False
    where = row.body.file or _where(row)
    if head is None or head == body_hash(notion):
        found.kept.append(
            f"{where}: {db.handle}, row {row.key!r}, its body: your uncommitted body is kept"
            " (apply writes it to Notion)"
        )
        return True
    found.conflicts.append(
        Conflict(
            where=where,
            what=f"{db.handle}, row {row.key!r}, its body",
            here="edited here (uncommitted)",
            notion="edited in Notion",
            committed="",
            edited="",
        )
    )
    return True


def _trashed(db: _Database, row: DesiredRow, trashed: LiveRow, found: RowsDrift) -> None:
    origin = db.origin(trashed, row.key, RowChange.TRASHED)
    committed = db.base.get(row.key) if db.base is not None else row
    if committed is None:
        found.kept.append(
            f"{_where(row)}: {db.handle}, row {row.key!r}: added here by hand, and its key is in"
            " the Notion trash: kept (apply restores that row)"
        )
    elif trashed.page_id in db.linked:
        found.notes.append(
            f"{db.handle}: row {row.key!r} is in the Notion trash, but live rows still relate to"
            " it: not removed (restore it in Notion, or remove those relations there first)"
        )
    elif dict(committed.values) != dict(row.values):
        found.conflicts.append(
            Conflict(
                where=_where(row),
                what=f"{db.handle}, row {row.key!r}",
                here="edited here (uncommitted)",
                notion="moved to the trash",
                committed="",
                edited=edited_words(origin.edited_by, origin.edited_time),
            )
        )
    else:
        found.proposals.append(Proposal(RemoveRow(db.handle, row.key), origin))


def _added(db: _Database, live: LiveRow, found: RowsDrift) -> None:
    assert live.key is not None
    if db.base is not None and live.key in db.base:
        found.kept.append(
            f"{db.handle}, row {live.key!r}: removed here by hand (uncommitted): stays removed"
        )
        return
    values: dict[str, object] = {}
    for column in db.columns:
        try:
            value = db.written(column, live)
        except NotExpressible as why:
            found.notes.append(
                f"{db.handle}: row {live.key!r} created in Notion not added: {column.name}"
                f" cannot be written ({why})"
            )
            return
        if value is not None:
            values[column.name] = value
    keyed = {db.desired.key: values.pop(db.desired.key, live.key), **values}
    origin = db.origin(live, live.key, RowChange.ADDED)
    body = _new_body(db, live, found)
    named = (*values, "_body") if body is not None else tuple(values)
    found.proposals.append(Proposal(AddRow(db.handle, keyed, body), origin, named))


def _new_body(db: _Database, live: LiveRow, found: RowsDrift) -> str | None:
    """An added row's body for the file ``body_from`` names (None: none to write)."""
    held = live.body
    if not db.desired.body_from or held is None:
        return None
    markdown = canonical_markdown(held.markdown)
    if not markdown:
        return None
    if held.unknown_block_ids or held.truncated:
        found.notes.append(
            f"{db.handle}: row {live.key!r} created in Notion is added without its body: its"
            " page holds what Markdown cannot carry whole (blocks it cannot show, or more than"
            " Notion answers)"
        )
        return None
    return markdown


def _unmatched_notes(handle: str, match: RowMatch) -> list[str]:
    notes: list[str] = []
    if match.keyless:
        notes.append(
            f"{handle}: {plural(len(match.keyless), 'live row')} without a key left alone"
            " (give each a key in Notion to manage it)"
        )
    if match.duplicates:
        shared = ", ".join(map(repr, sorted(match.duplicates)))
        notes.append(
            f"{handle}: rows sharing a key in Notion left alone: {shared} (give each a key of"
            " its own)"
        )
    return notes


def rows_drift(
    desired: DesiredDatabase,
    match: RowMatch,
    columns: Sequence[Column],
    refs: References,
    naming: Naming,
    *,
    adopt_rows: bool,
    base: DesiredDatabase | None = None,
    linked: frozenset[str] = frozenset(),
) -> RowsDrift:
    """The row edits that make ``desired``'s rows say what the live rows hold; ``base``: the
    database as committed at HEAD, when the working tree differs from it; ``linked``: page ids
    live rows relate to (a trashed row they name stays in the manifest)."""
    committed = {row.key: row for row in base.rows} if base is not None else None
    db = _Database(desired, tuple(columns), refs, naming, committed, linked)
    found = RowsDrift()
    for row in desired.rows:
        live = match.by_key.get(row.key)
        if live is not None:
            found.proposals.extend(_changed(db, row, live, found))
        elif row.key in match.trashed:
            _trashed(db, row, match.trashed[row.key], found)
    wanted = {row.key for row in desired.rows}
    leftovers = sorted(
        (row for key, row in match.by_key.items() if key not in wanted),
        key=lambda row: (row.created_time, row.page_id),
    )
    if desired.prune or adopt_rows:
        for live in leftovers:
            _added(db, live, found)
    elif leftovers:
        found.notes.append(
            f"{desired.handle}: {plural(len(leftovers), 'live row')} not in the manifest left"
            " alone (prune: false); `reconciler pull --adopt-rows` adds them"
        )
    found.notes.extend(_unmatched_notes(desired.handle, match))
    return found
