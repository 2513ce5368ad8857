"""Row changes of one database: create, update, restore, link and trash, matched by key.

Called by the differ for every planned database, after the schema. Rows of the same content
(``model.same_content``) are skipped, most of them told by one comparison of the two rows'
values as tuples (``RowLayout.unchanged``); the others are compared property by property
(``plan.fields``), and the ones that differ become ``FieldDiff`` items. Relation values that
name rows this apply creates or restores go into a ``link_row`` change (applied after every
create); the rest go straight into the create or update. Rows whose key several live rows share
are left alone (the guards say so), and so are relation values naming such a key: writing one
would link to whichever of those pages came last, so the property is left out of the change and
listed in ``RowsPlan.ambiguous_links``.

A row's icon and cover, where it manages them, are compared and written like its values, under
the reserved names ``_icon`` and ``_cover``; its body goes with a create (``_body``), else it is
compared by ``plan.bodies`` and changed by an ``update_body`` of its own.

A property with ``owner: notion`` is written when its row is created or restored and never
afterwards: an existing row's difference in it is Notion's edit, kept, and no change (the note of
a change the row has for other reasons names it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property

from reconciler.bodies import EMPTY_BODY_HASH, body_hash
from reconciler.errors import PlanProblems, Problem
from reconciler.model import JSON, DesiredDatabase, DesiredRow, LiveRow, PropertySpec, same_content
from reconciler.plan.actions import CreateRow, LinkRow, RestoreRow, TrashRow, UpdateRow
from reconciler.plan.bodies import body_change
from reconciler.plan.classes import class_of
from reconciler.plan.comparable import RowLayout, row_problem
from reconciler.plan.fields import field_diffs
from reconciler.plan.index import RowIndex, RowMatch, relation_target
from reconciler.plan.model import Change, ChangeClass, FieldDiff
from reconciler.properties import References, codec_for

__all__ = ["RowsPlan", "row_changes"]


@dataclass(frozen=True)
class RowsPlan:
    """The row changes of one database (before guards) and what was left alone."""

    changes: tuple[Change, ...]
    managed_rows: int
    unmanaged_rows: int
    ambiguous_links: tuple[str, ...] = ()
    """``row.property → keys`` of relation values left out: several live target rows share a
    key they name."""
    unmanaged_names: tuple[str, ...] = ()
    """The first ``NAMED_UNMANAGED`` rows left alone, by key (else title, else page id)."""


@dataclass(frozen=True)
class _Rows:
    """What one database's row diff needs to know."""

    desired: DesiredDatabase
    layout: RowLayout
    refs: References
    index: RowIndex
    ambiguous: list[str] = field(default_factory=list)
    """What ``unambiguous`` left out, as ``row.property → keys`` (filled while diffing)."""

    @property
    def handle(self) -> str:
        return self.desired.handle

    @cached_property
    def relations(self) -> tuple[tuple[PropertySpec, str], ...]:
        """The relation properties and the handles of the databases they target, found once
        rather than for every row (most databases have none)."""
        relations = [spec for spec in self.layout.specs if spec.type == "relation"]
        targets = [(spec, relation_target(spec.config)) for spec in relations]
        return tuple((spec, target) for spec, target in targets if target is not None)

    def link_properties(self, values: Mapping[str, JSON]) -> set[str]:
        """Relation properties whose value names a row this apply creates or restores."""
        linked: set[str] = set()
        for spec, target in self.relations:
            value = values.get(spec.name)
            if not isinstance(value, list):
                continue
            if any(isinstance(t, str) and self.index.pending(target, t) for t in value):
                linked.add(spec.name)
        return linked

    def unambiguous(self, key: str, written: Iterable[str], values: Mapping[str, JSON]) -> set[str]:
        """The properties among ``written`` whose relation value names no key that several live
        target rows share; the others are recorded in ``ambiguous``."""
        kept: set[str] = set()
        for name in written:
            spec = self.desired.property_named(name)
            target = relation_target(spec.config) if spec and spec.type == "relation" else None
            match = self.index.matches.get(target) if target else None
            value = values.get(name)
            shared = sorted(
                t
                for t in (value if isinstance(value, list) else [])
                if isinstance(t, str) and match is not None and t in match.duplicates
            )
            if shared:
                self.ambiguous.append(f"{key}.{name} → {', '.join(map(repr, shared))}")
            else:
                kept.add(name)
        return kept

    def relation_problems(self, row: DesiredRow, values: Mapping[str, JSON]) -> list[Problem]:
        """A problem for each relation key that names no row existing after the apply."""
        problems: list[Problem] = []
        for spec, target in self.relations:
            value = values.get(spec.name)
            if not isinstance(value, list):
                continue
            missing = [
                item
                for item in value
                if isinstance(item, str) and not self.index.will_exist(target, item)
            ]
            problems.extend(
                row_problem(
                    self.handle,
                    row,
                    spec.name,
                    f"no row of {target!r} has the key {item!r}",
                    f"add a row with the key {item!r} to the {target!r} manifest or fix the key;"
                    f" when {target!r} is left out with --database, plan it too",
                )
                for item in missing
            )
        return problems


def _olds(diffs: Iterable[FieldDiff]) -> dict[str, JSON]:
    return {diff.path: diff.old for diff in diffs}


def _news(diffs: Iterable[FieldDiff]) -> dict[str, JSON]:
    return {diff.path: diff.new for diff in diffs}


def _link(rows: _Rows, key: str, diffs: list[FieldDiff], live: LiveRow | None) -> Change | None:
    if not diffs:
        return None
    link = LinkRow(_olds(diffs), _news(diffs))
    return Change(
        rows.handle,
        key,
        class_of(link),
        link,
        diffs=tuple(diffs),
        page_id=live.page_id if live is not None else None,
        live_hash=live.content_hash if live is not None else None,
        note="relations to rows this apply creates",
    )


def _desired_look(row: DesiredRow) -> dict[str, JSON]:
    """The row's icon and cover where it manages them, under their reserved names."""
    if row.icon is None and row.cover is None:
        return {}  # most rows: asked for every row, twice
    look = {"_icon": row.icon, "_cover": row.cover}
    return {name: value for name, value in look.items() if value is not None}


def _live_look(row: DesiredRow, live: LiveRow) -> dict[str, JSON]:
    """The live page's icon and cover, where the manifest row manages them."""
    if row.icon is None and row.cover is None:
        return {}
    look: dict[str, JSON] = {"_icon": live.icon, "_cover": live.cover}
    return {name: value for name, value in look.items() if name in _desired_look(row)}


def _with(values: Mapping[str, JSON], extra: Mapping[str, JSON]) -> Mapping[str, JSON]:
    if not extra:
        return values
    return {**values, **extra}


def _create(rows: _Rows, row: DesiredRow, want: Mapping[str, JSON]) -> list[Change]:
    linked = rows.link_properties(want)
    empties: dict[str, JSON] = {spec.name: codec_for(spec.type).empty for spec in rows.layout.specs}
    empties.update({"_icon": "", "_cover": ""})
    written = {
        name: value
        for name, value in want.items()
        if name not in linked and value != empties.get(name)
    }
    if row.body is not None and body_hash(row.body.markdown) != EMPTY_BODY_HASH:
        written["_body"] = row.body.markdown
    kept = rows.unambiguous(row.key, [*written, *sorted(linked)], want)
    written = {name: value for name, value in written.items() if name in kept}
    changes = [Change(rows.handle, row.key, ChangeClass.SAFE, CreateRow(written))]
    links = [FieldDiff(name, empties[name], want[name]) for name in sorted(linked) if name in kept]
    link = _link(rows, row.key, links, None)
    return changes + ([link] if link else [])


def _converted_note(layout: RowLayout, diffs: list[FieldDiff]) -> str:
    """For values of properties whose type changes: why they show as empty before."""
    names = [diff.path for diff in diffs if diff.path in layout.converted]
    if not names:
        return ""
    listed = ", ".join(names)
    return (
        f"{listed}: the type changes, so the value is written after Notion converts the old one"
        " (shown as empty: not compared)"
    )


def _notion_owned_note(edited: list[str]) -> str:
    """For properties Notion owns whose values differ: why the change leaves them alone."""
    if not edited:
        return ""
    return f"{', '.join(edited)}: owned by Notion (owner: notion), its edits there are kept"


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _update(rows: _Rows, row: DesiredRow, want: Mapping[str, JSON], live: LiveRow) -> list[Change]:
    have = _with(rows.layout.live(live, rows.refs), _live_look(row, live))
    if same_content(have, want):
        return []
    names = [*(spec.name for spec in rows.layout.specs), *_desired_look(row)]
    notion_owned = {spec.name for spec in rows.layout.specs if spec.notion_owned}
    diffs = field_diffs(have, want, names)
    edited = [diff.path for diff in diffs if diff.path in notion_owned]
    diffs = [diff for diff in diffs if diff.path not in notion_owned]
    kept = rows.unambiguous(row.key, [diff.path for diff in diffs], want)
    diffs = [diff for diff in diffs if diff.path in kept]
    linked = rows.link_properties(want)
    direct = [diff for diff in diffs if diff.path not in linked]
    changes: list[Change] = []
    if direct:
        update = UpdateRow(_olds(direct), _news(direct))
        changes.append(
            Change(
                rows.handle,
                row.key,
                class_of(update),
                update,
                diffs=tuple(direct),
                page_id=live.page_id,
                live_hash=live.content_hash,
                note=_joined(_converted_note(rows.layout, direct), _notion_owned_note(edited)),
            )
        )
    link = _link(rows, row.key, [diff for diff in diffs if diff.path in linked], live)
    return changes + ([link] if link else [])


def _restore(
    rows: _Rows, row: DesiredRow, want: Mapping[str, JSON], trashed: LiveRow
) -> list[Change]:
    have = _with(rows.layout.live(trashed, rows.refs), _live_look(row, trashed))
    names = [*(spec.name for spec in rows.layout.specs), *_desired_look(row)]
    same = same_content(have, want)
    diffs = [] if same else field_diffs(have, want, names)
    kept = rows.unambiguous(row.key, [diff.path for diff in diffs], want)
    diffs = [diff for diff in diffs if diff.path in kept]
    linked = rows.link_properties(want)
    direct = [diff for diff in diffs if diff.path not in linked]
    payload = RestoreRow(_olds(direct), _news(direct))
    restore = Change(
        rows.handle,
        row.key,
        class_of(payload),
        payload,
        diffs=tuple(direct),
        page_id=trashed.page_id,
        live_hash=trashed.content_hash,
        note="the row is in the Notion trash; its key is back in the manifest",
    )
    link = _link(rows, row.key, [diff for diff in diffs if diff.path in linked], trashed)
    return [restore] + ([link] if link else [])


def _trash(rows: _Rows, live: LiveRow) -> Change:
    values = rows.layout.live(live, rows.refs)
    return Change(
        rows.handle,
        live.key if live.key is not None else live.page_id,
        ChangeClass.DESTRUCTIVE,
        TrashRow(dict(values)),
        page_id=live.page_id,
        live_hash=live.content_hash,
        note="" if live.key is not None else "a row without a key",
    )


NAMED_UNMANAGED = 5
"""Rows left alone that a plan names (the rest it counts)."""


def _names(rows: _Rows, leftovers: list[LiveRow]) -> tuple[str, ...]:
    """How a reviewer recognises the first rows left alone: the key, else the title, else the
    page id."""
    title = next((spec.name for spec in rows.layout.specs if spec.type == "title"), None)
    names: list[str] = []
    for live in leftovers[:NAMED_UNMANAGED]:
        shown = ""
        if live.key is None and title is not None:
            shown = codec_for("title").display(rows.layout.live(live, rows.refs)[title])
        names.append(live.key if live.key is not None else shown or live.page_id)
    return tuple(names)


def _leftovers(match: RowMatch, wanted: AbstractSet[str]) -> list[LiveRow]:
    """Live rows that no manifest row claims, in a stable order (key, then page id)."""
    rows = [row for key, row in match.by_key.items() if key not in wanted]
    for key, shared in match.duplicates.items():
        if key not in wanted:
            rows.extend(shared)
    rows.extend(match.keyless)
    return sorted(rows, key=lambda row: (row.key is None, row.key or "", row.page_id))


def _body(
    rows: _Rows, row: DesiredRow, live: LiveRow, changes: list[Change], problems: list[Problem]
) -> None:
    """The change of the row's body, if any, into ``changes`` (why it cannot be: ``problems``)."""
    body = body_change(rows.handle, row, live)
    if isinstance(body, Problem):
        problems.append(body)
    elif body is not None:
        changes.append(body)


def row_changes(
    desired: DesiredDatabase, layout: RowLayout, refs: References, index: RowIndex
) -> RowsPlan:
    """Every row change of one database, in manifest order, then the trashes."""
    rows = _Rows(desired, layout, refs, index)
    match = index.match(desired.handle)
    changes: list[Change] = []
    managed = 0
    problems: list[Problem] = []
    by_key, duplicates = match.by_key, match.duplicates
    # Rows told unchanged by their values alone (most rows): a database without relations to
    # check, and a row whose icon and cover are not managed.
    quick = not rows.relations
    for row in desired.rows:
        if row.key in duplicates:
            managed += len(duplicates[row.key])
            continue
        if quick and row.icon is None and row.cover is None:
            live = by_key.get(row.key)
            if live is not None and not live.in_trash and layout.unchanged(row, live, refs):
                managed += 1
                if row.body is not None:  # else no body change (most rows)
                    _body(rows, row, live, changes, problems)
                continue
        values, unresolved = layout.resolve(row, refs)
        unresolved.extend(rows.relation_problems(row, values))
        if unresolved:
            problems.extend(unresolved)  # go on: every row's problems at once
            continue
        want = _with(values, _desired_look(row))
        live = match.by_key.get(row.key) or match.trashed.get(row.key)
        if live is None:
            changes.extend(_create(rows, row, want))
            continue
        if not live.in_trash:
            managed += 1
            changes.extend(_update(rows, row, want, live))
        else:
            changes.extend(_restore(rows, row, want, live))
        _body(rows, row, live, changes, problems)
    if problems:
        raise PlanProblems(problems)
    leftovers = _leftovers(match, index.desired_keys[desired.handle])
    ambiguous = tuple(rows.ambiguous)
    if desired.prune:
        changes.extend(_trash(rows, live) for live in leftovers)
        return RowsPlan(tuple(changes), managed + len(leftovers), 0, ambiguous)
    return RowsPlan(tuple(changes), managed, len(leftovers), ambiguous, _names(rows, leftovers))
