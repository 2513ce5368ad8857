"""One manifest per imported database: declarations, key, rows and the comments to review.

``write_manifests`` turns live databases (read through the gateway with every property declared)
into manifest texts whose first plan is empty: every declaration and value is checked to read
back equal (``reconciler.adopt.values``); a property whose configuration cannot be written is
left out (undeclared properties are left alone), one whose values cannot be written is declared
but ignored, and rows the chosen key cannot identify are left out (``prune`` stays off, so they are
kept). Each decision is explained in a comment where it applies. Relations to another imported
database are written by handle and their values by the target row's key. Icons and covers a
manifest can ask for (emoji, images by URL) are written too, and page bodies when they were
read: a short one-line body as the row's ``_body``, any other in its own file named by
``_body_from`` (``content/<handle>/<row>.md``, beside the manifest). Called by
``reconciler.adopt.importing``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.adopt.keys import KeyChoice, choose_key, key_of, required_key
from reconciler.adopt.pages import file_names
from reconciler.adopt.values import (
    Naming,
    NotExpressible,
    declaration,
    declared_config,
    manifest_value,
)
from reconciler.bodies import canonical_markdown
from reconciler.errors import ReconcilerError
from reconciler.logs import printable
from reconciler.manifest.yaml_writer import dump_rows, dump_yaml, indent
from reconciler.model import JSON, LiveDatabase, LiveProperty, LiveRow, LiveUser
from reconciler.properties import ALL_CODECS, codec_for
from reconciler.properties.checks import looks_like_notion_id
from reconciler.properties.look import expressible
from reconciler.render import plural

__all__ = [
    "SCHEMA_IN_REPOSITORY",
    "Adoption",
    "ImportedManifest",
    "handle_for",
    "schema_location",
    "schema_reference",
    "write_manifests",
]

_MAX_LISTED_ROWS = 10
SCHEMA_IN_REPOSITORY = Path("schemas") / "manifest.schema.json"


@dataclass(frozen=True)
class Adoption:
    """A live database to import under ``handle`` (``data_source`` set: one of several)."""

    handle: str
    live: LiveDatabase
    data_source: str | None = None
    key: str | None = None
    """The property chosen with ``import --key``; None: import chooses."""


@dataclass(frozen=True)
class ImportedManifest:
    """The manifest written for one database, and what to tell the user about it.

    ``files`` are the body files its rows name (``_body_from``), as (path relative to the
    manifest's folder, text)."""

    handle: str
    file_name: str
    text: str
    rows: int
    properties: int
    key: str
    review: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()


def handle_for(title: str, taken: Iterable[str]) -> str:
    """A handle from a title (``Product Roadmap`` → ``product-roadmap``), unique among ``taken``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:56].strip("-")
    if not base:
        base = "database"
    elif not base[0].isalpha():
        base = f"db-{base}"
    used = set(taken)
    handle, number = base, 2
    while handle in used:
        handle, number = f"{base}-{number}", number + 1
    return handle


def schema_location(folder: Path, root: Path) -> Path:
    """Where the manifest schema for editors is kept: ``schemas/manifest.schema.json`` of the
    repository, or next to the manifests when they are written outside the repository."""
    if folder.resolve().is_relative_to(root.resolve()):
        return root / SCHEMA_IN_REPOSITORY
    return folder / SCHEMA_IN_REPOSITORY.name


def schema_reference(folder: Path, root: Path) -> str:
    """The modeline's path to the schema, relative to the manifests' folder: it works in every
    checkout of the repository, unlike a file URI of one machine's installed package."""
    location = schema_location(folder, root).resolve()
    try:
        return Path(os.path.relpath(location, folder.resolve())).as_posix()
    except ValueError:  # another drive (Windows): the schema is then kept beside the manifests
        return location.name


# --- deciding what each property becomes ----------------------------------------------------


@dataclass
class _Shape:
    """What one database's manifest declares, ignores and leaves out, and its key."""

    adoption: Adoption
    declared: dict[str, object] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[object]] = field(default_factory=dict)
    key: KeyChoice | None = None
    files: dict[str, str] = field(default_factory=dict)
    """Body files of the rows, by path relative to the manifest's folder."""

    @property
    def live(self) -> LiveDatabase:
        return self.adoption.live

    def writable(self) -> list[LiveProperty]:
        """Declared properties whose values rows write (not ignored)."""
        return [
            p
            for p in self.live.properties
            if p.name in self.declared and p.name not in self.ignored and codec_for(p.type).writable
        ]


def _ordered(properties: Sequence[LiveProperty]) -> list[LiveProperty]:
    """Title first, then writable properties, then read-only ones, then unknown types."""

    def rank(prop: LiveProperty) -> tuple[int, str]:
        codec = ALL_CODECS.get(prop.type)
        if codec is None:
            return (3, prop.name)
        if prop.type == "title":
            return (0, prop.name)
        return (1 if codec.writable else 2, prop.name)

    return sorted(properties, key=rank)


def _declare(shape: _Shape, naming: Naming) -> None:
    for prop in _ordered(shape.live.properties):
        try:
            shape.declared[prop.name] = declaration(prop, naming)
        except NotExpressible as reason:
            shape.left_out[prop.name] = _left_out_reason(prop, reason)
    for prop in shape.live.properties:
        through = prop.config.get("relation")
        if prop.type == "rollup" and prop.name in shape.declared and through in shape.left_out:
            del shape.declared[prop.name]
            shape.left_out[prop.name] = f"rollup: it rolls up through {through}, left out too"


def _left_out_reason(prop: LiveProperty, reason: NotExpressible) -> str:
    target = prop.config.get("database")
    if prop.type == "relation" and isinstance(target, str) and looks_like_notion_id(target):
        return (
            f"relation to a database that was not imported: import it too (reconciler import"
            f" {target}) to manage this relation by row key"
        )
    return f"{prop.type}: {reason}"


def _convert(shape: _Shape, prop: LiveProperty, naming: Naming) -> None:
    """Every row's value of ``prop`` in manifest form, or the property ignored, saying why."""
    converted: list[object] = []
    declared = declared_config(prop)
    for row in shape.live.rows:
        try:
            converted.append(manifest_value(prop, row.values.get(prop.name), naming, declared))
        except NotExpressible as reason:
            example = f"the row {row.url}" if row.url else f"page {row.page_id}"
            shape.ignored[prop.name] = f"{reason} (e.g. {example})"
            return
    shape.values[prop.name] = converted


def _first_pass(shape: _Shape, naming: Naming) -> None:
    """Declarations, values that need no row keys, and the key."""
    _declare(shape, naming)
    for prop in shape.writable():
        if prop.type != "relation":
            _convert(shape, prop, naming)
    live, wanted = shape.live, shape.adoption.key
    if wanted is not None:
        shape.key = required_key(live.title, live.properties, shape.writable(), live.rows, wanted)
        return
    shape.key = choose_key(shape.writable(), live.rows)
    if shape.key is None:
        raise ReconcilerError(
            f"database {shape.live.title!r} cannot be imported: no property can tell its rows"
            " apart (" + "; ".join(f"{k}: {v}" for k, v in shape.ignored.items()) + ")",
            hint="add a text property with a unique value per row in Notion, then import again",
        )


def _keys(shape: _Shape) -> dict[str, str]:
    """Page id → key of the rows the manifest lists."""
    assert shape.key is not None
    prop = next(p for p in shape.live.properties if p.name == shape.key.name)
    left_out = set(shape.key.left_out)
    keys: dict[str, str] = {}
    for row in shape.live.rows:
        key = key_of(prop, row)
        if key is not None and row.page_id not in left_out:
            keys[row.page_id] = key
    return keys


# --- writing the text -----------------------------------------------------------------------


def _comment(text: str, spaces: int = 0) -> str:
    """``text`` as comment lines of at most 100 characters.

    The text carries Notion's titles, names and URLs. YAML ends a line at CR, NEL (U+0085) and
    the line and paragraph separators too, not only at LF: each of them, and every other
    control or invisible character, is written as a visible escape, so that no title can end
    the comment and write a manifest key of its own. Only LF separates paragraphs.
    """
    pad = " " * spaces + "# "
    lines: list[str] = []
    for paragraph in printable(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if line and len(pad) + len(line) + 1 + len(word) > 100:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "".join(f"{pad}{line}".rstrip() + "\n" for line in lines)


def _entry(key: str, value: object) -> str:
    return dump_yaml({key: value}, manifest=True)


def _header(shape: _Shape, schema: str) -> str:
    live = shape.live
    where = f" ({live.url})" if live.url else ""
    rows = len(live.rows) - len(shape.key.left_out if shape.key else ())
    return (
        f"# yaml-language-server: $schema={schema}\n#\n"
        + _comment(
            f'Imported from Notion by `reconciler import`: the database "{live.title}"{where},'
            f" {rows} {'row' if rows == 1 else 'rows'}. `reconciler plan` right after the"
            " import shows no changes; read the comments below before the first"
            " `reconciler apply`."
        )
        + "\n"
    )


def _identity(shape: _Shape) -> str:
    live, key = shape.live, shape.key
    assert key is not None
    assert live.database_id is not None
    text = _entry("database", shape.adoption.handle)
    text += _comment("Pinned to the live database: plan and apply change it, never create another.")
    text += _entry("id", live.database_id)
    if shape.adoption.data_source:
        text += _comment("The database has several data sources; this manifest manages one.")
        text += _entry("data_source", shape.adoption.data_source)
    text += _entry("title", live.title)
    text += _comment(
        f"The key tells rows apart: {key.reason}. Review: keep the key stable; a row whose key"
        " changes in Notion is seen as a new row (and the old one as missing)."
    )
    text += _entry("key", key.name)
    for name, value in (("icon", live.icon), ("cover", live.cover)):
        if expressible(value):
            text += _entry(name, value)
    text += _comment(
        "`prune` is left off on purpose: rows added in Notion and missing here are kept. Turn"
        " it on once this file lists every row you want; rows missing here then go to the"
        " trash (a destructive change that needs approval)."
    )
    text += _entry("prune", False)
    return text


def _ignore_section(shape: _Shape) -> str:
    if not shape.ignored:
        return ""
    reasons = "; ".join(f"{name}: {why}" for name, why in shape.ignored.items())
    text = _comment(
        f"Declared but ignored, because a manifest cannot hold their values as Notion does"
        f" ({reasons}). They stay as they are in Notion; remove a name from `ignore` to manage"
        " it from here, knowing that apply would rewrite those values."
    )
    return text + _entry("ignore", list(shape.ignored))


def _property_comment(shape: _Shape, prop: LiveProperty) -> str:
    declared = shape.declared[prop.name]
    target = declared.get("database") if isinstance(declared, dict) else None
    if prop.type == "relation" and isinstance(target, str) and looks_like_notion_id(target):
        return _comment(
            "Targets a database that was not imported (by data source id), so values are page"
            " ids; import that database too to write its rows by key.",
            2,
        )
    if prop.type == "files" and any(
        isinstance(item, dict) and item.get("hosted") for item in shape.values.get(prop.name, [])
    ):
        return _comment(
            "Holds files uploaded to Notion, which the API cannot send again: an apply that"
            " changes such a row fails; list the property under `ignore` if people manage it.",
            2,
        )
    return ""


def _properties(shape: _Shape) -> str:
    text = "properties:\n"
    read_only_started = False
    for prop in _ordered(shape.live.properties):
        if prop.name not in shape.declared:
            continue
        if not codec_for(prop.type).writable and not read_only_started:
            read_only_started = True
            text += _comment("Read-only: computed by Notion, declared for reference only.", 2)
        text += _property_comment(shape, prop)
        text += indent(_entry(prop.name, shape.declared[prop.name]), 2)
    if shape.left_out:
        reasons = "; ".join(f"{name} ({why})" for name, why in shape.left_out.items())
        text += _comment(
            f"Not declared, so left alone in Notion: {reasons}.",
            2,
        )
    return text


def _columns(shape: _Shape) -> list[tuple[str, JSON]]:
    """The properties rows write, key first, each with the value its rows leave out (empty)."""
    assert shape.key is not None
    names = [shape.key.name] + [p.name for p in shape.writable() if p.name != shape.key.name]
    props = {p.name: p for p in shape.live.properties}
    return [(name, codec_for(props[name].type).empty) for name in names]


def _row(
    shape: _Shape, index: int, file_name: str, columns: list[tuple[str, JSON]]
) -> dict[str, object]:
    row: dict[str, object] = {}
    live = shape.live.rows[index]
    for name, empty in columns:
        value = live.values.get(name)
        if value != empty:
            row[name] = shape.values[name][index]
    looks = (("_icon", live.icon), ("_cover", live.cover))
    row.update({name: look for name, look in looks if expressible(look)})
    row.update(_body(shape, live, file_name))
    return row


_SHORT_BODY = 100
"""A body of one line at most this long is written in the row (``_body``), not in a file."""


def _body(shape: _Shape, row: LiveRow, file_name: str) -> dict[str, object]:
    """``_body`` (a short one-line body) or ``_body_from`` (its file, kept for writing)."""
    markdown = row.body.markdown.strip("\n") if row.body is not None else ""
    if not canonical_markdown(markdown):
        return {}
    if "\n" not in markdown and len(markdown) <= _SHORT_BODY:
        return {"_body": markdown}
    path = f"content/{shape.adoption.handle}/{file_name}.md"
    shape.files[path] = markdown + "\n"
    return {"_body_from": path}


def _rows(shape: _Shape) -> str:
    assert shape.key is not None
    left_out = set(shape.key.left_out)
    order = sorted(
        (i for i, r in enumerate(shape.live.rows) if r.page_id not in left_out),
        key=lambda i: _creation_order(shape.live.rows[i]),
    )
    names = file_names(shape.live.rows[i] for i in order)
    columns = _columns(shape)
    rows = [_row(shape, i, names[shape.live.rows[i].page_id], columns) for i in order]
    text = dump_rows(rows, manifest=True) if rows else "rows: []\n"
    if left_out:
        text += _left_out_rows(shape)
    return text


def _creation_order(row: LiveRow) -> tuple[str, str]:
    """Oldest first. Notion's creation times are whole minutes, so ties go by page id, which
    Notion makes time-ordered (a key would put row 10 before row 2)."""
    return (row.created_time, row.page_id)


def _left_out_rows(shape: _Shape) -> str:
    key = shape.key
    assert key is not None
    urls = {row.page_id: row.url for row in shape.live.rows}
    listed = [urls.get(page) or page for page in key.left_out[:_MAX_LISTED_ROWS]]
    more = len(key.left_out) - len(listed)
    tail = f" and {more} more" if more > 0 else ""
    problems = []
    if key.empty:
        problems.append(f"{key.empty} with an empty {key.name}")
    if key.repeated:
        problems.append(f"{key.repeated} sharing their {key.name} with another row")
    return _comment(
        f"Left out: {plural(len(key.left_out), 'row')} the key cannot identify"
        f" ({', '.join(problems)}):"
        f" {', '.join(listed)}{tail}. With `prune` off they are kept as they are; give each a"
        f" unique {key.name} in Notion and import again to manage them."
    )


def _review(shape: _Shape) -> tuple[str, ...]:
    notes: list[str] = []
    unshown = [r for r in shape.live.rows if r.body is not None and not r.body.complete]
    if unshown:
        notes.append(
            f"{plural(len(unshown), 'body', 'bodies')} hold content Markdown cannot show"
            " (<unknown> tags in their files): they cannot be changed from the manifests"
        )
    if shape.ignored:
        notes.append(f"ignored (values a manifest cannot hold): {', '.join(shape.ignored)}")
    if shape.left_out:
        notes.append(f"not declared: {', '.join(shape.left_out)}")
    if shape.key is not None and shape.key.left_out:
        notes.append(f"{plural(len(shape.key.left_out), 'row')} left out (empty or repeated key)")
    return tuple(notes)


def _text(shape: _Shape, schema: str) -> str:
    return "".join(
        (
            _header(shape, schema),
            _identity(shape),
            _ignore_section(shape),
            "\n",
            _properties(shape),
            "\n",
            _rows(shape),
        )
    )


def write_manifests(
    adoptions: Sequence[Adoption], users: Sequence[LiveUser], schema: str
) -> list[ImportedManifest]:
    """The manifest of each database; ``schema`` is the modeline's path to the JSON Schema."""
    sources = {
        a.handle: a.live.data_source_id for a in adoptions if a.live.data_source_id is not None
    }
    first = Naming(users=tuple(users), data_sources=sources)
    shapes = [_Shape(adoption) for adoption in adoptions]
    for shape in shapes:
        _first_pass(shape, first)
    keys: Mapping[str, Mapping[str, str]] = {s.adoption.handle: _keys(s) for s in shapes}
    second = Naming(users=tuple(users), data_sources=sources, keys=keys)
    for shape in shapes:
        for prop in shape.writable():
            if prop.type == "relation":
                _convert(shape, prop, second)
    return [_manifest(shape, schema) for shape in shapes]


def _manifest(shape: _Shape, schema: str) -> ImportedManifest:
    assert shape.key is not None
    return ImportedManifest(
        handle=shape.adoption.handle,
        file_name=f"{shape.adoption.handle}.yaml",
        text=_text(shape, schema),
        rows=len(shape.live.rows) - len(shape.key.left_out),
        properties=len(shape.declared),
        key=shape.key.name,
        review=_review(shape),
        files=tuple(sorted(shape.files.items())),
    )
