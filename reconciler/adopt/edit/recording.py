"""Each kind of edit recorded into the editors of the files it changes, and into the expectation.

``Recorder.record(edit)`` checks the edit against the loaded desired state (is the database,
row, property there; is it already so), finds where it is written (``locate``) and records the
text changes in that file's editor and the canonical result in the ``Expectation``. A page body
is compared by its canonical hash and written to the row's ``_body`` (a ``|`` block for several
lines) or, whole, to the Markdown file the row takes it from. It raises
``Skipped`` (already so) or ``Refused`` (cannot be applied, with the reason). Used by the engine,
once per attempt.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from reconciler.adopt.edit.csv_rows import CsvEditor, cell_text
from reconciler.adopt.edit.edits import (
    AddOption,
    AddRow,
    ChangeType,
    DeclareProperty,
    Edit,
    RemoveRow,
    RenameProperty,
    SetBody,
    SetValue,
)
from reconciler.adopt.edit.expect import Expectation
from reconciler.adopt.edit.locate import (
    DatabaseSource,
    RowPlace,
    SourceFile,
    Sources,
    SourcesProblem,
)
from reconciler.adopt.edit.yaml_patch import Refused, YamlEditor
from reconciler.adopt.edit.yaml_text import NotWritable
from reconciler.adopt.edit.yaml_tree import Node
from reconciler.bodies import body_hash
from reconciler.manifest.cells import cell_value
from reconciler.manifest.declarations import owned, property_spec
from reconciler.manifest.pages import template_file
from reconciler.model import JSON, PropertySpec
from reconciler.properties import ValueProblem, codec_for
from reconciler.properties.options import option_names

__all__ = ["Recorder", "Skipped"]

_OPTION_TYPES = frozenset({"select", "multi_select", "status"})
_KEPT_SETTINGS = ("renamed_from", "description", "sensitive")


class Skipped(Exception):
    """The manifests already say what the edit asks (editing again is a no-op)."""


@dataclass
class _Editors:
    """The editor of each file touched so far."""

    yaml: dict[str, YamlEditor]
    csv: dict[str, CsvEditor]
    whole: dict[str, str] = field(default_factory=dict)
    """Files rewritten whole (page bodies' Markdown): their new texts."""

    def of_yaml(self, file: SourceFile) -> YamlEditor:
        if file.path not in self.yaml:
            self.yaml[file.path] = file.yaml_editor()
        return self.yaml[file.path]

    def of_csv(self, file: SourceFile) -> CsvEditor:
        if file.path not in self.csv:
            self.csv[file.path] = file.csv_editor()
        return self.csv[file.path]

    def texts(self) -> dict[str, str]:
        texts = {path: editor.text() for path, editor in self.yaml.items()}
        texts.update({path: editor.text() for path, editor in self.csv.items()})
        texts.update(self.whole)
        return texts


class Recorder:
    """Records edits for one attempt (fresh editors, a fresh expectation)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.expected = Expectation(sources.state)
        self.editors = _Editors({}, {})
        self._options: dict[tuple[str, str], list[object]] = {}
        self._new_rows: dict[str, list[object]] = {}
        self._renamed: dict[tuple[str, str], str] = {}
        """(handle, new name) → the name the files still say, for renames recorded."""

    def record(self, edit: Edit) -> None:
        """Record one edit; raises Skipped or Refused (nothing recorded then)."""
        source = self.sources.database(edit.database)
        if source is None:
            raise Refused(f"no manifest declares the database {edit.database!r}")
        match edit:
            case SetValue():
                self._set_value(source, edit)
            case SetBody():
                self._set_body(source, edit)
            case RemoveRow():
                self._remove_row(source, edit)
            case AddRow():
                self._add_row(source, edit)
            case AddOption():
                self._add_option(source, edit)
            case DeclareProperty():
                self._declare(source, edit)
            case RenameProperty():
                self._rename(source, edit)
            case ChangeType():
                self._change_type(source, edit)

    def texts(self) -> dict[str, str]:
        return self.editors.texts()

    # --- names -----------------------------------------------------------------------------

    def _spec(self, source: DatabaseSource, name: str) -> PropertySpec | None:
        """The property as declared once the edits so far are made (renames included)."""
        return self.expected.of(source.database.handle).specs.get(name)

    def _row_property(self, source: DatabaseSource, name: str) -> PropertySpec:
        spec = self._spec(source, name)
        if spec is None:
            raise Refused(f"{name!r} is not declared in {source.manifest.path}")
        if not spec.writable or name in source.database.ignore:
            raise Refused(f"{name!r} takes no row values (read-only or ignored)")
        return spec

    def _written(self, source: DatabaseSource, name: str) -> str:
        """The name the files still say for a property an earlier edit renames."""
        return self._renamed.get((source.database.handle, name), name)

    # --- rows ------------------------------------------------------------------------------

    def _place(self, source: DatabaseSource, key: str) -> RowPlace | None:
        if source.problem:
            raise Refused(
                f"the rows of {source.database.handle!r} cannot be edited: {source.problem}"
            )
        return source.rows.get(key)

    def _set_value(self, source: DatabaseSource, edit: SetValue) -> None:
        spec = self._row_property(source, edit.property)
        if spec.name == source.database.key:
            raise Refused("the key identifies the row: remove the row and add it with its new key")
        place = self._place(source, edit.key)
        if place is None:
            raise Refused(f"no row of {source.database.handle!r} has the key {edit.key!r}")
        if edit.key not in self.expected.of(source.database.handle).rows:
            raise Refused("another edit removes this row")
        intended = _canonical(spec, edit.value)
        expected = self.expected.of(source.database.handle)
        current = expected.rows.get(edit.key, {})
        # After a type change the old text is read the new way, whatever it says: only a value
        # set since is known, so any other is written even when it looks equal.
        retyped = edit.key not in expected.retyped.get(spec.name, {edit.key})
        if current.get(spec.name) == intended and not retyped:
            raise Skipped
        if place.file.csv is not None:
            text = _cell(spec, edit.value, intended)
            self.editors.of_csv(place.file).set_cell(place.index, spec.name, text)
        else:
            self._set_in_yaml(place, spec, edit.value, self._written(source, spec.name))
        self.expected.set_value(source.database.handle, edit.key, spec.name, intended)

    def _set_in_yaml(
        self, place: RowPlace, spec: PropertySpec, value: object, written: str
    ) -> None:
        editor = self.editors.of_yaml(place.file)
        row = _row_mapping(place)
        entry = row.entry(written)
        name = written if entry is not None else spec.name
        if entry is not None and isinstance(value, list):
            value = _in_written_form(spec, entry.value, value)
        if value is None:
            if row.entry(name) is None and name in _merged_keys(row):
                raise Refused(f"{name!r} comes from a merged mapping (<<) shared by other rows")
            editor.remove_entry(row, name)
        else:
            editor.set_value(row, name, value)

    def _set_body(self, source: DatabaseSource, edit: SetBody) -> None:
        place = self._place(source, edit.key)
        loaded = next((row for row in source.database.rows if row.key == edit.key), None)
        if place is None or loaded is None:
            raise Refused(f"no row of {source.database.handle!r} has the key {edit.key!r}")
        expected = self.expected.of(source.database.handle)
        if edit.key not in expected.rows:
            raise Refused("another edit removes this row")
        body = loaded.body
        if body is None:
            raise Refused("the row's page body is not managed (no `_body`, `_body_from` or file")
        held = expected.bodies.get(edit.key) or body_hash(body.markdown)
        if held == body_hash(edit.markdown):
            raise Skipped
        if body.file is None:
            self._set_inline_body(place, edit.markdown)
        else:
            self._set_body_file(body.file, body.linked, edit.markdown)
        self.expected.set_body(source.database.handle, edit.key, edit.markdown)

    def _set_inline_body(self, place: RowPlace, markdown: str) -> None:
        """``_body`` in the row: one line as it is, several as a block (``|``) where it can."""
        text = markdown + "\n" if "\n" in markdown else markdown
        if place.file.csv is not None:
            self.editors.of_csv(place.file).set_cell(place.index, "_body", text)
            return
        row = _row_mapping(place)
        entry = row.entry("_body")
        if entry is None:
            raise Refused("the row's `_body` comes from a merged mapping (<<)")
        self.editors.of_yaml(place.file).set_value(row, "_body", text)

    def _set_body_file(self, path: str, linked: bool, markdown: str) -> None:
        """The body file rewritten whole, with the line endings it has."""
        if linked:
            raise Refused(
                f"the body file {path} is named through a symbolic link: links are not written"
                " through (edit the file by hand)"
            )
        file = self.sources.text_file(path)
        newline = "\r\n" if "\r\n" in file.text else "\n"
        text = (markdown + "\n").replace("\n", newline) if markdown else ""
        pending = self.editors.whole.get(path)
        if pending is not None and pending != text:
            raise Refused(f"another row's body is written to {path} too")
        self.editors.whole[path] = text

    def _remove_row(self, source: DatabaseSource, edit: RemoveRow) -> None:
        place = self._place(source, edit.key)
        if place is None or edit.key not in self.expected.of(source.database.handle).rows:
            raise Skipped
        if place.sequence is not None:
            self.editors.of_yaml(place.file).remove_item(place.sequence, place.index, place.owner)
        else:
            self.editors.of_csv(place.file).remove_row(place.index)
        self.expected.remove_row(source.database.handle, edit.key)

    def _add_row(self, source: DatabaseSource, edit: AddRow) -> None:
        database = source.database
        values = {
            name: _canonical(self._row_property(source, name), v) for name, v in edit.values.items()
        }
        expected = self.expected.of(database.handle)
        key_spec = expected.specs[expected.key]
        key = codec_for(key_spec.type).key_text(values.get(expected.key))
        if key is None:
            raise Refused(f"the row has no {expected.key!r}: its key")
        full = {
            name: values.get(name, codec_for(spec.type).empty)
            for name, spec in expected.specs.items()
            if spec.writable and name not in database.ignore
        }
        existing = self._place(source, key)
        if existing is not None or key in self.expected.of(database.handle).rows:
            if self.expected.of(database.handle).rows.get(key) == full:
                raise Skipped
            raise Refused(f"a row with the key {key!r} exists: set its values instead")
        body_file = None if edit.body is None else self._new_body_file(source, full)
        self._append_row(source, edit.values, values)
        self.expected.add_row(database.handle, key, full)
        if body_file is not None and edit.body is not None:
            self.editors.whole[body_file] = edit.body + "\n" if edit.body else ""
            self.expected.set_body(database.handle, key, edit.body)

    def _new_body_file(self, source: DatabaseSource, values: Mapping[str, JSON]) -> str:
        """The new file the database's ``body_from`` names for a new row's body."""
        template = source.database.body_from
        specs = self.expected.of(source.database.handle).specs.values()
        named = template_file(template, values, tuple(specs)) if template else None
        if named is None:
            raise Refused("the database's body_from names no file for this row (an empty value)")
        folder = PurePosixPath(source.manifest.path).parent
        path = posixpath.normpath(str(folder / named))
        try:
            return self.sources.new_file(path).path
        except SourcesProblem as problem:
            raise Refused(f"its body is not written: {problem}") from None

    def _append_row(
        self, source: DatabaseSource, written: Mapping[str, object], values: Mapping[str, JSON]
    ) -> None:
        last = source.last_place
        if last is not None and last.file.csv is not None:
            try:
                cells = {
                    name: _cell(self._row_property(source, name), value, values[name])
                    for name, value in written.items()
                }
            except Refused:
                cells = {}  # CSV cannot hold it: the row goes to the manifest's own rows
            if cells:
                self.editors.of_csv(last.file).append_row(cells)
                return
        if last is not None and last.sequence is not None:
            self.editors.of_yaml(last.file).append_item(last.sequence, dict(written))
            return
        self._first_inline_row(source, written)

    def _first_inline_row(self, source: DatabaseSource, written: Mapping[str, object]) -> None:
        """A row of the manifest's own ``rows`` when it has none yet (absent, null or ``[]``)."""
        editor = self.editors.of_yaml(source.manifest)
        rows = source.document.entry("rows")
        if rows is not None and rows.value.kind == "seq" and rows.value.items:
            editor.append_item(rows.value, dict(written))
            return
        new_rows = self._new_rows.setdefault(source.database.handle, [])
        new_rows.append(dict(written))
        editor.set_value(source.document, "rows", list(new_rows))

    # --- schema ----------------------------------------------------------------------------

    def _declaration(self, source: DatabaseSource, name: str) -> tuple[Node, Node]:
        """The ``properties`` mapping and the declaration of ``name`` in it."""
        properties = source.properties
        entry = properties.entry(name) if properties is not None else None
        if properties is None or entry is None:
            raise Refused(f"{name!r} is not declared in {source.manifest.path}")
        return properties, entry.value

    def _add_option(self, source: DatabaseSource, edit: AddOption) -> None:
        spec = self._spec(source, edit.property)
        if spec is None or spec.type not in _OPTION_TYPES:
            raise Refused(f"{edit.property!r} is not a select, multi_select or status property")
        current = self.expected.of(source.database.handle).specs[spec.name]
        try:
            added = codec_for(spec.type).parse_config({"options": [edit.option]})["options"]
        except ValueProblem as problem:
            raise Refused(f"the option cannot be written: {problem.message}") from None
        assert isinstance(added, list)
        known = option_names(current.config)
        if not known or option_names({"options": added})[0] in known:
            raise Skipped  # no options declared: every option is accepted already
        written = self._written(source, spec.name)
        properties, declaration = self._declaration(source, written)
        editor = self.editors.of_yaml(source.manifest)
        pending = self._options.setdefault((source.database.handle, spec.name), [])
        pending.append(edit.option)
        if declaration.kind == "scalar":
            editor.set_value(properties, written, {"type": declaration.text, "options": pending})
        else:
            self._option_into(editor, declaration, edit.option, pending)
        old = current.config.get("options")
        config = {**current.config, "options": [*(old if isinstance(old, list) else []), *added]}
        self.expected.set_spec(source.database.handle, replace(current, config=config))

    def _option_into(
        self, editor: YamlEditor, declaration: Node, option: object, pending: list[object]
    ) -> None:
        if declaration.kind != "map":
            raise Refused("the declaration is not a mapping")
        options = declaration.entry("options")
        if options is not None and options.value.kind == "seq":
            editor.check_writable(options.value, "the options")
            editor.append_item(options.value, option)
        else:
            editor.set_value(declaration, "options", list(pending))

    def _declare(self, source: DatabaseSource, edit: DeclareProperty) -> None:
        spec = _spec_of(source, edit.property, edit.declaration)
        current = self.expected.of(source.database.handle).specs.get(edit.property)
        if current is not None:
            if current == replace(spec, location=None):
                raise Skipped
            raise Refused(f"{edit.property!r} is already declared as a {current.type} property")
        properties = source.properties
        if properties is None:
            raise Refused(f"{source.manifest.path} has no `properties` mapping")
        self.editors.of_yaml(source.manifest).set_value(properties, edit.property, edit.declaration)
        in_rows = spec.writable and spec.name not in source.database.ignore
        self.expected.declare(
            source.database.handle, spec, codec_for(spec.type).empty, in_rows=in_rows
        )

    def _rename(self, source: DatabaseSource, edit: RenameProperty) -> None:
        specs = self.expected.of(source.database.handle).specs
        renamed = specs.get(edit.new)
        if edit.old not in specs and renamed is not None and renamed.renamed_from == edit.old:
            raise Skipped
        if edit.old not in specs:
            raise Refused(f"{edit.old!r} is not declared in {source.manifest.path}")
        if renamed is not None:
            raise Refused(f"{edit.new!r} is already declared in {source.manifest.path}")
        if source.problem:
            raise Refused(
                f"the rows of {source.database.handle!r} cannot be edited: {source.problem}"
            )
        properties, declaration = self._declaration(source, edit.old)
        editor = self.editors.of_yaml(source.manifest)
        editor.rename_key(properties, edit.old, edit.new)
        if declaration.kind == "scalar":
            value = {"type": declaration.text, "renamed_from": edit.old}
            editor.set_value(properties, edit.old, value)
        else:
            editor.set_value(declaration, "renamed_from", edit.old)
        self._rename_in_rows(source, edit.old, edit.new)
        self._renamed[(source.database.handle, edit.new)] = self._written(source, edit.old)
        key = source.document.entry("key")
        if key is not None and key.value.text == edit.old:
            editor.set_value(source.document, "key", edit.new)
        self.expected.rename(source.database.handle, edit.old, edit.new)

    def _rename_in_rows(self, source: DatabaseSource, old: str, new: str) -> None:
        for place in source.rows.values():
            if place.file.csv is not None:
                continue
            row = _row_mapping(place)
            if row.entry(old) is None and old in _merged_keys(row):
                raise Refused(f"rows set {old!r} through a merged mapping (<<)")
            self.editors.of_yaml(place.file).rename_key(row, old, new)
        for data in source.data_files:
            if data.csv is not None:
                self.editors.of_csv(data).rename_column(old, new)

    def _change_type(self, source: DatabaseSource, edit: ChangeType) -> None:
        written = self._written(source, edit.property)
        properties, declaration = self._declaration(source, written)
        try:
            merged = _merged_declaration(edit.declaration, declaration)
        except (TypeError, ValueError, ValueProblem) as problem:
            raise Refused(
                f"the declaration of {edit.property!r} cannot be written: {problem}"
            ) from None
        spec = _spec_of(source, edit.property, merged)
        current = self.expected.of(source.database.handle).specs[edit.property]
        if current == replace(spec, location=None):
            raise Skipped
        if edit.property == source.database.key:
            raise Refused("the key property's type is not changed by an edit of the manifest")
        self.editors.of_yaml(source.manifest).set_value(properties, written, merged)
        in_rows = spec.writable and spec.name not in source.database.ignore
        self.expected.retype(
            source.database.handle, spec, codec_for(spec.type).empty, in_rows=in_rows
        )


# --- values and declarations -------------------------------------------------------------


def _canonical(spec: PropertySpec, value: object) -> JSON:
    codec = codec_for(spec.type)
    if value is None:
        return codec.empty
    try:
        return codec.from_manifest(value, spec.config)
    except ValueProblem as problem:
        raise Refused(f"the value of {spec.name!r} cannot be written: {problem.message}") from None


_UNORDERED = frozenset({"multi_select", "people", "relation"})
"""Types whose canonical value is a sorted set: the order a manifest lists items in is free."""


def _in_written_form(spec: PropertySpec, old: Node, value: list[object]) -> list[object]:
    """The list with each item that means what an item already written means (a run ``{text:
    x}`` and the text ``x``, an e-mail in another case) replaced by that item as written, so
    that only the items that really change are rewritten; for a type whose items have no order
    (``_UNORDERED``), the items kept stay where they were written and new ones come last."""
    if old.kind != "seq":
        return value
    codec = codec_for(spec.type)

    def meaning(item: object) -> JSON | None:
        try:
            return codec.from_manifest([item], spec.config)
        except ValueProblem:
            return None

    unused = [(index, item.data, meaning(item.data)) for index, item in enumerate(old.items)]
    kept: list[tuple[int, object]] = []
    for position, item in enumerate(value):
        wanted = meaning(item)
        match = next((i for i, (*_, m) in enumerate(unused) if m is not None and m == wanted), None)
        if match is None:
            kept.append((len(old.items) + position, item))
        else:
            index, data, _ = unused.pop(match)
            kept.append((index if spec.type in _UNORDERED else position, data))
    if spec.type in _UNORDERED:
        kept.sort(key=lambda pair: pair[0])
    return [item for _, item in kept]


def _cell(spec: PropertySpec, value: object, intended: JSON) -> str:
    """The CSV cell for a value, checked to read back as the intended canonical value."""
    try:
        text = cell_text(spec.type, value)
    except NotWritable as problem:
        raise Refused(str(problem)) from None
    read = cell_value(spec.type, text)
    try:
        back = (
            codec_for(spec.type).empty
            if read is None
            else codec_for(spec.type).from_manifest(read, spec.config)
        )
    except ValueProblem:
        back = None
    if back != intended:
        raise Refused(f"a CSV cell cannot hold this value of {spec.name!r} exactly")
    return text


def _row_mapping(place: RowPlace) -> Node:
    node = place.node
    if node is None or node.kind != "map":
        raise Refused("the row is not written as a mapping of its own (an alias?)")
    return node


def _merged_keys(row: Node) -> set[str]:
    keys: set[str] = set()
    for entry in row.entries:
        if entry.is_merge:
            sources = entry.value.items if entry.value.kind == "seq" else [entry.value]
            for merged in sources:
                target = merged.target if merged.kind == "alias" else merged
                if target is not None and target.kind == "map":
                    keys.update(e.key.text for e in target.entries)
    return keys


def _merged_declaration(declaration: object, old: Node) -> object:
    """The new declaration with the old one's settings that stay (``_KEPT_SETTINGS``, and
    ``owner`` and ``prune_options`` where the new type takes them)."""
    new = {"type": declaration} if isinstance(declaration, str) else dict(declaration)  # type: ignore[call-overload]
    data = old.data if old.kind == "map" else {}
    assert isinstance(data, dict)
    kept = [*_KEPT_SETTINGS]
    if codec_for(str(new.get("type"))).writable:
        kept.append("owner")
    if new.get("type") in _OPTION_TYPES:
        kept.append("prune_options")
    for name in kept:
        if name in data and name not in new:
            new[name] = data[name]
    return new["type"] if list(new) == ["type"] else new


def _spec_of(source: DatabaseSource, name: str, declaration: object) -> PropertySpec:
    """The spec the loader would make of a declaration (its owner as the database decides)."""
    default = source.document.entry("owner")
    try:
        spec = property_spec(
            name, declaration, default_owner=default.value.text if default is not None else "git"
        )
    except (TypeError, ValueError, ValueProblem) as problem:
        raise Refused(f"the declaration of {name!r} cannot be written: {problem}") from None
    return owned(spec, source.database.key, source.database.ignore)
