"""How one database's properties in Notion differ from its declarations, and the edits that say so.

Properties are matched by the plan's rule (``readspec.matched_properties``). A declared property
that no live one matches and a live one that no declaration matches, of the same type and
settings, and each the other's only candidate, are a rename made in Notion. Otherwise a live
property nobody declares (and the manifest does not ignore) was added in Notion, a declared one
missing live was removed there (or is not created yet), and a matched one of another type was
retyped. Options added in Notion to a property that declares its options are always added to the
declaration; the other differences are reported, and written only when asked (``--schema``): an
added property declared as import would declare it, a rename as ``renamed_from``, a type change
as the new declaration. Which properties' values pull then compares or writes is given as
``Column``s, and the live properties whose values the first read did not fetch as ``reread``.
Called by ``reconciler.adopt.pull.pulling``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.adopt.edit import AddOption, ChangeType, DeclareProperty, Edit, RenameProperty
from reconciler.adopt.pull.rows import Column
from reconciler.adopt.values import Naming, NotExpressible, declaration, option_form
from reconciler.model import JSON, DesiredDatabase, LiveDatabase, LiveProperty, PropertySpec
from reconciler.properties import ALL_CODECS, References, codec_for
from reconciler.properties.options import option_names
from reconciler.readspec import ReadProperty, matched_properties

__all__ = ["Difference", "SchemaFindings", "schema_findings"]

_OPTION_TYPES = frozenset({"select", "multi_select", "status"})
_WITH_SCHEMA = "written with --schema"


@dataclass(frozen=True)
class Difference:
    """One difference, in words, and the edit that writes it (None: reported only)."""

    property: str
    words: str
    edit: Edit | None = None


@dataclass
class SchemaFindings:
    """The differences of one database, its value columns, and what to read again."""

    differences: list[Difference] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    reread: list[ReadProperty] = field(default_factory=list)


def _live_options(spec: PropertySpec, prop: LiveProperty) -> Iterator[Mapping[str, JSON]]:
    """Live options of a property that declares its options, which the declaration lacks."""
    declared = set(option_names(spec.config))
    if spec.type not in _OPTION_TYPES or prop.type != spec.type or not declared:
        return
    options = prop.config.get("options")
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and option.get("name") not in declared:
            yield option


def _renames(
    missing: Sequence[PropertySpec], unmatched: Sequence[LiveProperty], refs: References
) -> dict[str, LiveProperty]:
    """Declared name → the live property it was renamed to: same type and settings, and each
    the other's only candidate."""
    candidates = {
        spec.name: [
            prop
            for prop in unmatched
            if prop.type == spec.type
            and not codec_for(spec.type).config_changes(spec.config, prop.config, refs)
        ]
        for spec in missing
        if spec.type in ALL_CODECS
    }
    claims: dict[str, int] = {}
    for props in candidates.values():
        for prop in props:
            claims[prop.name] = claims.get(prop.name, 0) + 1
    return {
        name: props[0]
        for name, props in candidates.items()
        if len(props) == 1 and claims[props[0].name] == 1
    }


@dataclass(frozen=True)
class _Database:
    desired: DesiredDatabase
    naming: Naming
    write: bool

    @property
    def handle(self) -> str:
        return self.desired.handle


def _declared(
    db: _Database, name: str, prop: LiveProperty, words: str, found: SchemaFindings
) -> object | None:
    """The declaration of ``prop`` when one can be written (else the difference is recorded
    as reported only, saying why)."""
    try:
        return declaration(prop, db.naming)
    except NotExpressible as why:
        found.differences.append(Difference(name, f"{words}; cannot be declared: {why}"))
        return None


def _added(db: _Database, prop: LiveProperty, found: SchemaFindings) -> None:
    words = f"{prop.name}: added in Notion ({prop.type})"
    declared = _declared(db, prop.name, prop, words, found)
    if declared is None:
        return
    if not db.write:
        found.differences.append(Difference(prop.name, f"{words}; {_WITH_SCHEMA}"))
        return
    edit = DeclareProperty(db.handle, prop.name, declared)
    found.differences.append(Difference(prop.name, words, edit))
    if codec_for(prop.type).writable:
        found.columns.append(Column(prop.name, prop, None))
        found.reread.append(ReadProperty(prop.name, prop.type))


def _renamed(db: _Database, spec: PropertySpec, prop: LiveProperty, found: SchemaFindings) -> None:
    words = f"{spec.name}: renamed in Notion to {prop.name!r} (same type and settings)"
    if not db.write:
        found.differences.append(Difference(spec.name, f"{words}; {_WITH_SCHEMA}"))
        return
    edit = RenameProperty(db.handle, spec.name, prop.name)
    found.differences.append(Difference(spec.name, words, edit))
    if spec.writable:
        found.columns.append(Column(prop.name, prop, spec))
        found.reread.append(ReadProperty(prop.name, prop.type))


def _retyped(db: _Database, spec: PropertySpec, prop: LiveProperty, found: SchemaFindings) -> None:
    words = f"{spec.name}: its type is {prop.type} in Notion, {spec.type} here"
    declared = _declared(db, spec.name, prop, words, found)
    if declared is None:
        return
    if not db.write or spec.name == db.desired.key:
        reason = "the key's type is changed by hand" if db.write else _WITH_SCHEMA
        found.differences.append(Difference(spec.name, f"{words}; {reason}"))
        return
    edit = ChangeType(db.handle, spec.name, declared)
    found.differences.append(Difference(spec.name, words, edit))
    if codec_for(prop.type).writable:
        found.columns.append(Column(spec.name, prop, None))
        if not spec.writable:  # the first read fetched no values of it
            found.reread.append(ReadProperty(spec.name, prop.type, live=prop))


def _options(db: _Database, spec: PropertySpec, prop: LiveProperty, found: SchemaFindings) -> None:
    for option in _live_options(spec, prop):
        words = f"{spec.name}: option {option.get('name')!r} added in Notion"
        edit = AddOption(db.handle, spec.name, option_form(option))
        found.differences.append(Difference(spec.name, words, edit))


def schema_findings(
    desired: DesiredDatabase,
    live: LiveDatabase,
    refs: References,
    naming: Naming,
    *,
    write: bool,
) -> SchemaFindings:
    """What differs in ``live``'s properties from ``desired``'s declarations (``write``: with the
    edits of ``--schema``), and the value columns pull compares or writes."""
    db = _Database(desired, naming, write)
    managed = desired.managed_properties
    matched = matched_properties(managed, live.properties)
    taken = {prop.name for prop in matched.values()}
    unmatched = [
        prop
        for prop in live.properties
        if prop.name not in taken and prop.name not in desired.ignore
    ]
    missing = [spec for spec in managed if spec.name not in matched]
    renames = _renames(missing, unmatched, refs)
    renamed_to = {prop.name for prop in renames.values()}
    found = SchemaFindings()
    for spec in managed:
        prop = matched.get(spec.name)
        if prop is None:
            continue
        if prop.type != spec.type:
            _retyped(db, spec, prop, found)
            continue
        if spec.writable:
            found.columns.append(Column(spec.name, prop, spec))
        _options(db, spec, prop, found)
    for spec in missing:
        if spec.name in renames:
            _renamed(db, spec, renames[spec.name], found)
        else:
            found.differences.append(
                Difference(
                    spec.name,
                    f"{spec.name}: declared here, not in Notion (removed there, or not created"
                    " yet): apply creates it; remove it from the manifest to accept the removal",
                )
            )
    for prop in unmatched:
        if prop.name not in renamed_to:
            _added(db, prop, found)
    return found
