"""What the manifests must read as once the edits are made, and how the result is compared.

``Expectation`` starts as the loaded desired state (every database's properties and rows, in
canonical form) and follows each recorded edit: a value set, a page body set (by its canonical
hash), a row removed or added, an option, a declaration, a rename, a type change. ``differences``
compares a reloaded desired state with it, database by database, and says what differs: an edit
whose text does not read back as intended is never written. Used by the engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.bodies import body_hash
from reconciler.model import JSON, DesiredDatabase, DesiredState, PropertySpec, RowKey

__all__ = ["Expectation", "differences"]


def _spec_essence(spec: PropertySpec) -> PropertySpec:
    """The spec without where it is written (a reloaded spec may move lines)."""
    return dataclasses.replace(spec, location=None)


@dataclass
class _ExpectedDatabase:
    key: str
    specs: dict[str, PropertySpec]
    rows: dict[RowKey, dict[str, JSON]]
    bodies: dict[RowKey, str] = field(default_factory=dict)
    """The canonical hash each row's page body must read as, for the bodies edits set."""
    retyped: dict[str, set[RowKey]] = field(default_factory=dict)
    """Properties whose type changes: the old values are reread their own way and not compared,
    except in the rows listed (set or added after the change)."""


class Expectation:
    """The canonical state the edited manifests must load as."""

    def __init__(self, state: DesiredState) -> None:
        self.databases: dict[str, _ExpectedDatabase] = {
            db.handle: _ExpectedDatabase(
                db.key,
                {spec.name: _spec_essence(spec) for spec in db.properties},
                {row.key: dict(row.values) for row in db.rows},
            )
            for db in state.databases
        }

    def of(self, handle: str) -> _ExpectedDatabase:
        return self.databases[handle]

    def set_value(self, handle: str, key: RowKey, name: str, value: JSON) -> None:
        db = self.of(handle)
        db.rows[key][name] = value
        db.retyped.get(name, set()).add(key)

    def set_body(self, handle: str, key: RowKey, markdown: str) -> None:
        self.of(handle).bodies[key] = body_hash(markdown)

    def remove_row(self, handle: str, key: RowKey) -> None:
        del self.of(handle).rows[key]
        self.of(handle).bodies.pop(key, None)

    def add_row(self, handle: str, key: RowKey, values: Mapping[str, JSON]) -> None:
        db = self.of(handle)
        db.rows[key] = dict(values)
        for checked in db.retyped.values():
            checked.add(key)

    def set_spec(self, handle: str, spec: PropertySpec) -> None:
        """A changed declaration of the same type (an option added)."""
        self.of(handle).specs[spec.name] = _spec_essence(spec)

    def declare(self, handle: str, spec: PropertySpec, empty: JSON, *, in_rows: bool) -> None:
        """A new property; ``in_rows``: rows hold it (writable, not ignored), as ``empty``."""
        db = self.of(handle)
        db.specs[spec.name] = _spec_essence(spec)
        if in_rows:
            for values in db.rows.values():
                values[spec.name] = empty

    def retype(self, handle: str, spec: PropertySpec, empty: JSON, *, in_rows: bool) -> None:
        """A type change: the rows' values are reread the new type's way (not compared)."""
        db = self.of(handle)
        db.specs[spec.name] = _spec_essence(spec)
        db.retyped[spec.name] = set()
        for values in db.rows.values():
            if in_rows:
                values[spec.name] = empty
            else:
                values.pop(spec.name, None)

    def rename(self, handle: str, old: str, new: str) -> None:
        db = self.of(handle)
        spec = db.specs.pop(old)
        db.specs[new] = dataclasses.replace(spec, name=new, renamed_from=old)
        for values in db.rows.values():
            if old in values:
                values[new] = values.pop(old)
        if db.key == old:
            db.key = new


def differences(expected: Expectation, reloaded: DesiredState) -> list[str]:
    """What the reloaded state says otherwise than expected, database by database."""
    found: list[str] = []
    handles = set(expected.databases) | {db.handle for db in reloaded.databases}
    for handle in sorted(handles):
        want = expected.databases.get(handle)
        have = reloaded.database(handle)
        if want is None or have is None:
            found.append(f"database {handle!r} is missing after the edit")
            continue
        found.extend(_database_differences(handle, want, have))
    return found


def _database_differences(handle: str, want: _ExpectedDatabase, have: DesiredDatabase) -> list[str]:
    found: list[str] = []
    if want.key != have.key:
        found.append(f"{handle}: the key property reads {have.key!r}, not {want.key!r}")
    specs = {spec.name: _spec_essence(spec) for spec in have.properties}
    found.extend(
        f"{handle}: property {name!r} reads {_shown(specs.get(name))}"
        for name in sorted(set(specs) | set(want.specs))
        if specs.get(name) != want.specs.get(name)
    )
    rows = {row.key: row.values for row in have.rows}
    found.extend(
        f"{handle}: row {key!r} {'is missing' if key in want.rows else 'should not be there'}"
        for key in sorted(set(rows) ^ set(want.rows))
    )
    for key in sorted(set(rows) & set(want.rows)):
        if set(rows[key]) != set(want.rows[key]):
            found.append(f"{handle}: row {key!r} holds {sorted(rows[key])}")
        for name, value in want.rows[key].items():
            if name in want.retyped and key not in want.retyped[name]:
                continue
            if rows[key].get(name) != value:
                found.append(
                    f"{handle}: row {key!r}, {name!r} reads {rows[key].get(name)!r}, not {value!r}"
                )
    found.extend(_body_differences(handle, want, have))
    return found


def _body_differences(handle: str, want: _ExpectedDatabase, have: DesiredDatabase) -> list[str]:
    """The bodies edits set that do not read back as set (only those are canonicalised)."""
    bodies = {row.key: row.body for row in have.rows if row.key in want.bodies}
    return [
        f"{handle}: row {key!r}, its body does not read back as written"
        for key, wanted in sorted(want.bodies.items())
        if (body := bodies.get(key)) is None or body_hash(body.markdown) != wanted
    ]


def _shown(spec: PropertySpec | None) -> str:
    if spec is None:
        return "as not declared"
    return f"as {spec.type} {dict(spec.config)!r}"
