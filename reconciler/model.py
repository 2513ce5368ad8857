"""Shared value types: source locations, desired state (manifests) and live state (Notion).

Both states hold *canonical* property values (see ``reconciler.properties``), plain JSON values
of one fixed shape per property type, so the differ compares like with like and never sees YAML
or Notion JSON. Everything here is frozen; canonical values are never mutated after creation.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeAlias

from reconciler.config import Settings

__all__ = [
    "ALL_TYPES",
    "JSON",
    "KEY_TYPES",
    "READ_ONLY_TYPES",
    "WRITABLE_TYPES",
    "DesiredBody",
    "DesiredDatabase",
    "DesiredRow",
    "DesiredState",
    "LiveBody",
    "LiveDatabase",
    "LiveProperty",
    "LiveRow",
    "LiveState",
    "LiveUser",
    "PropertySpec",
    "RowKey",
    "RowValues",
    "SourceLocation",
    "WorkspaceIdentity",
    "WrittenBody",
    "canonical_json",
    "content_hash",
    "row_positions",
    "same_content",
    "surely_same_items",
]

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"
"""A JSON value; canonical property values and configs are JSON values of a fixed shape."""

RowKey: TypeAlias = str
"""A row's identity inside its database: the key property's value as text."""

WRITABLE_TYPES = frozenset(
    {
        "title",
        "rich_text",
        "number",
        "select",
        "multi_select",
        "status",
        "date",
        "people",
        "files",
        "checkbox",
        "url",
        "email",
        "phone_number",
        "relation",
        "place",
        "verification",
    }
)
"""Property types whose values a manifest row may set."""

READ_ONLY_TYPES = frozenset(
    {
        "formula",
        "rollup",
        "unique_id",
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
        "button",
    }
)
"""Property types Notion computes; declared in a schema, never given row values."""

ALL_TYPES = WRITABLE_TYPES | READ_ONLY_TYPES

KEY_TYPES = frozenset({"title", "rich_text", "number", "url", "email", "phone_number"})
"""Types whose value can identify a row (writable, single-valued, text-like or number)."""


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""One encoder for every call: ``json.dumps`` with options builds a new one each time, and the
differ hashes every row of both sides."""


def canonical_json(value: object) -> str:
    """Serialise deterministically (sorted keys, no spaces, UTF-8 kept) for hashing and files."""
    return _CANONICAL.encode(value)


def content_hash(values: Mapping[str, JSON]) -> str:
    """sha256 of a row's canonical values: equal hashes mean equal content, no diff needed."""
    plain = values if type(values) is dict else dict(values)
    return hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()


def same_content(a: Mapping[str, JSON], b: Mapping[str, JSON]) -> bool:
    """Whether two rows' values have the same content hash, mostly without hashing them.

    Values that are equal in Python with the same types throughout serialise alike: that is
    checked first, at the cost of a comparison. Python's equality is looser than the canonical
    form (``1 == 1.0 == True``, ``0.0 == -0.0``) and stricter for NaN, so anything else is
    decided by the hashes, as the differ did before this shortcut.
    """
    if a == b and _strictly_same_values(a, b):
        return True
    return content_hash(a) == content_hash(b)


def surely_same_items(a: tuple[JSON, ...], b: tuple[JSON, ...]) -> bool:
    """Whether two rows' values, as tuples in one order of their names, certainly have the same
    content hash: equal, with the same types and signs throughout (``same_content``'s first
    test, without a mapping per row). False: not known, ``same_content`` decides."""
    if a != b:
        return False
    # ``_strictly_same`` of each pair, its usual cases inline: a call per value would cost more
    # than the comparison of the whole row.
    for value, other in zip(a, b, strict=True):
        kind = type(value)
        if kind is str or value is None:
            continue
        if kind is not type(other):
            return False
        if kind is int or kind is bool:
            continue
        if kind is list:
            if _TEXTS.issuperset(map(type, value)):  # type: ignore[arg-type]
                continue
        elif kind is dict and _TEXTS_AND_NULLS.issuperset(map(type, value.values())):  # type: ignore[union-attr]
            continue
        if not _strictly_same(value, other):
            return False
    return True


_TEXTS = frozenset({str})
_TEXTS_AND_NULLS = frozenset({str, type(None)})


def _strictly_same_values(a: Mapping[str, JSON], b: Mapping[str, JSON]) -> bool:
    """``_strictly_same`` over two equal rows, texts and nulls passed over inline (most are)."""
    for name, value in a.items():
        if type(value) is not str and value is not None and not _strictly_same(value, b[name]):
            return False
    return True


def _strictly_same(a: object, b: object) -> bool:
    """For JSON values already known equal (``==``): whether they also have the same types and
    signs throughout, so their canonical JSON is the same text. False: not known.

    Only a text equals a text and only null equals null, so those need no look at ``b``;
    numbers and booleans equal one another across types."""
    kind = type(a)
    if kind is str or a is None:
        return True
    if kind is not type(b):
        return False
    if kind is int or kind is bool:
        return True
    if kind is list:
        # A list of texts (options, people) is told at C speed; others item by item.
        return _TEXTS.issuperset(map(type, a)) or all(map(_strictly_same, a, b))  # type: ignore[call-overload]
    if kind is dict:
        return _TEXTS_AND_NULLS.issuperset(map(type, a.values())) or all(  # type: ignore[attr-defined]
            _strictly_same(value, b[name])  # type: ignore[index]
            for name, value in a.items()  # type: ignore[attr-defined]
        )
    if kind is float:
        return math.copysign(1.0, a) == math.copysign(1.0, b)  # type: ignore[arg-type]
    return False


@dataclass(frozen=True, order=True, slots=True)
class SourceLocation:
    """Where something was written: file (relative to the repository), 1-based line and column."""

    file: str
    line: int
    column: int

    def __init__(self, file: str, line: int, column: int) -> None:
        _location_file(self, file)
        _location_line(self, line)
        _location_column(self, column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def _slot_setters(cls: type) -> tuple[Callable[[object, Any], None], ...]:
    """The ``__set__`` of each field's slot, in field order.

    The hot frozen records (a manifest row, its location, a live row: one each per row of a
    plan) are built by a hand-written ``__init__`` that writes each field through these: the
    very slot ``object.__setattr__`` would find, without looking it up per field, which is what
    the generated frozen ``__init__`` does (a ``LiveRow`` in two thirds of the time). Frozen,
    equality, hash, repr and ``replace`` are the dataclass's own; ``tests/unit/test_model.py``
    pins that each ``__init__`` takes the fields as the generated one would."""
    return tuple(cls.__dict__[each.name].__set__ for each in fields(cls))


_location_file, _location_line, _location_column = _slot_setters(SourceLocation)


# --- desired state ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertySpec:
    """A property as a manifest declares it, its configuration in canonical form."""

    name: str
    type: str
    config: Mapping[str, JSON] = field(default_factory=dict)
    renamed_from: str | None = None
    sensitive: bool = False
    prune_options: bool = False
    location: SourceLocation | None = None
    description: str | None = None
    """The property's description in Notion (None: not managed)."""
    owner: Literal["git", "notion"] = "git"
    """Who owns the values: ``git`` (apply reverts Notion's edits) or ``notion`` (written when a
    row is created, Notion's later edits kept). Always ``git`` for the key, read-only and
    ignored properties."""

    @property
    def writable(self) -> bool:
        """Whether rows may set this property (read-only types are computed by Notion)."""
        return self.type in WRITABLE_TYPES

    @property
    def notion_owned(self) -> bool:
        """Whether Notion owns the values once a row exists (``owner: notion``)."""
        return self.owner == "notion"


@dataclass(frozen=True)
class DesiredBody:
    """A row's page content as the manifest asks for it: Markdown (line breaks as ``\\n``) from
    ``_body`` (``file`` None) or from a file (``_body_from`` or the database's ``body_from``)."""

    markdown: str
    file: str | None = None
    """The file it was read from, relative to the repository root."""
    linked: bool = False
    """The manifest names the file through a symbolic link (``pull`` does not write it)."""


@dataclass(frozen=True, slots=True)
class DesiredRow:
    """One row of a manifest: its key and the canonical value of every managed writable property.

    ``values`` holds every declared writable, non-ignored property; one a row leaves out holds
    that type's empty canonical value (a manifest row owns all of its declared fields). The
    page's icon, cover and body are managed only where the row (or its database's
    ``body_from``) names them: None is "not managed", ``""`` an icon or cover to remove.
    """

    key: RowKey
    values: Mapping[str, JSON]
    location: SourceLocation
    icon: str | None = None
    cover: str | None = None
    body: DesiredBody | None = None

    def __init__(  # noqa: PLR0917 - the dataclass's own signature: fields by position
        self,
        key: RowKey,
        values: Mapping[str, JSON],
        location: SourceLocation,
        icon: str | None = None,
        cover: str | None = None,
        body: DesiredBody | None = None,
    ) -> None:
        _desired_key(self, key)
        _desired_values(self, values)
        _desired_location(self, location)
        _desired_icon(self, icon)
        _desired_cover(self, cover)
        _desired_body(self, body)

    @property
    def content_hash(self) -> str:
        return content_hash(self.values)


(
    _desired_key,
    _desired_values,
    _desired_location,
    _desired_icon,
    _desired_cover,
    _desired_body,
) = _slot_setters(DesiredRow)


@dataclass(frozen=True)
class DesiredDatabase:
    """A database as one manifest document describes it."""

    handle: str
    title: str
    key: str
    properties: tuple[PropertySpec, ...]
    rows: tuple[DesiredRow, ...]
    location: SourceLocation
    id: str | None = None
    data_source: str | None = None
    parent: str | None = None
    prune: bool = False
    prune_properties: bool = False
    protect: bool = False
    allow_empty: bool = False
    ignore: tuple[str, ...] = ()
    icon: str | None = None
    """The database's icon (None: not managed, ``""``: none)."""
    cover: str | None = None
    body_from: str | None = None
    """The template naming each row's body file (``content/{Slug}.md``), as written."""
    bodiless: tuple[RowKey, ...] = ()
    """Rows whose ``body_from`` file does not exist: their bodies are not managed."""

    def property_named(self, name: str) -> PropertySpec | None:
        """The declared property of that name, if any."""
        for spec in self.properties:
            if spec.name == name:
                return spec
        return None

    @property
    def managed_properties(self) -> tuple[PropertySpec, ...]:
        """Declared properties that are not ignored."""
        return tuple(p for p in self.properties if p.name not in self.ignore)


@dataclass(frozen=True)
class DesiredState:
    """Everything the manifests ask for, plus the repository's settings."""

    databases: tuple[DesiredDatabase, ...]
    settings: Settings
    root: Path

    def database(self, handle: str) -> DesiredDatabase | None:
        for db in self.databases:
            if db.handle == handle:
                return db
        return None


# --- live state ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveUser:
    """A workspace member or bot, as the users list shows it."""

    id: str
    name: str | None
    email: str | None
    type: str  # "person" | "bot"


@dataclass(frozen=True)
class WorkspaceIdentity:
    """Which workspace a gateway talks to: where (the API host, or the --local store) and who
    answers there (``GET /v1/users/me``: the integration's bot and its workspace).

    Two identities name the same workspace when the place and the workspace id agree (the bot
    may differ: a plan made with a read-only integration is applied with a writing one)."""

    api: str
    workspace_id: str | None
    workspace_name: str | None
    bot_id: str
    bot_name: str | None = None

    @property
    def binding(self) -> tuple[str, str]:
        """What must agree for two identities to be one workspace (the bot id stands in for a
        workspace id Notion did not give)."""
        return (self.api, self.workspace_id or f"bot {self.bot_id}")

    def same_workspace(self, other: WorkspaceIdentity) -> bool:
        return self.binding == other.binding

    def __str__(self) -> str:
        name = f"{self.workspace_name!r} " if self.workspace_name else ""
        bot = f"{self.bot_name!r}" if self.bot_name else self.bot_id
        where = self.workspace_id or "without an id"
        return f"workspace {name}({where}) at {self.api}, integration {bot}"


@dataclass(frozen=True)
class LiveProperty:
    """A property of a live data source: its Notion id, name, type and canonical configuration."""

    id: str
    name: str
    type: str
    config: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True)
class WrittenBody:
    """What the reconciler last wrote to a page's body: the hash of the Markdown it sent and of
    what Notion held right after, read back (``reconciler.bodies.body_hash``)."""

    sent: str
    held: str
    raw: str = ""
    """sha256 of the Markdown exactly as sent (``reconciler.bodies.raw_hash``): a manifest body
    that still has it needs no canonicalising to be known as ``sent``."""


@dataclass(frozen=True)
class LiveBody:
    """A page's content as ``GET /v1/pages/{id}/markdown`` answered it.

    ``unknown_block_ids`` lists blocks Markdown cannot show (``<unknown>`` tags) and
    ``truncated`` says the page was cut at Notion's limit: a body with either is never
    overwritten. ``written`` is what the reconciler last wrote there, when known.
    """

    markdown: str
    truncated: bool = False
    unknown_block_ids: tuple[str, ...] = ()
    written: WrittenBody | None = None
    hash: str = ""
    """The canonical hash of ``markdown`` when known (computed once when read, kept in the
    cache); ``""``: not computed."""

    @property
    def complete(self) -> bool:
        """Whether the Markdown carries the whole page."""
        return not self.truncated and not self.unknown_block_ids


class RowValues(Mapping[str, JSON]):
    """A row's values as one tuple, in the order of the names every row of one read shares
    (``at``: name → position): a read of 50,000 rows holds 50,000 tuples rather than 50,000
    dicts, well under half their size. A mapping like any other to its readers."""

    __slots__ = ("_at", "_values")

    def __init__(self, at: Mapping[str, int], values: tuple[JSON, ...]) -> None:
        self._at = at
        self._values = values

    def __getitem__(self, name: str) -> JSON:
        return self._values[self._at[name]]

    def get(self, name: str, default: JSON = None) -> JSON:  # type: ignore[override]
        at = self._at.get(name)
        return default if at is None else self._values[at]

    def __contains__(self, name: object) -> bool:
        return name in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowValues) and other._at is self._at:
            return self._values == other._values
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def row_positions(values: Mapping[str, JSON]) -> tuple[Mapping[str, int], tuple[JSON, ...]] | None:
    """A ``RowValues``' name → position map (shared by the rows of its read) and its tuple;
    None for any other mapping."""
    if type(values) is not RowValues:
        return None
    return values._at, values._values


@dataclass(frozen=True, slots=True)
class LiveRow:
    """A page of a live data source with the canonical values of the managed properties.

    Relation values hold page ids until the differ maps them to target keys; people hold user ids.
    Slotted: a plan of 50,000 rows holds 50,000 of them, without an attribute dict each.
    """

    page_id: str
    key: RowKey | None
    values: Mapping[str, JSON]
    url: str
    in_trash: bool = False
    created_time: str = ""
    last_edited_time: str = ""
    last_edited_by: str = ""
    """The id of the user (person or bot) who last edited the page ("" when Notion sent none);
    ``LiveState.users`` names them."""
    icon: str = ""
    """The page's icon in canonical form (``reconciler.properties.look``; ``""``: none)."""
    cover: str = ""
    body: LiveBody | None = None
    """The page's content, read only when the manifest manages it (None: not read)."""

    def __init__(  # noqa: PLR0917 - the dataclass's own signature: fields by position
        self,
        page_id: str,
        key: RowKey | None,
        values: Mapping[str, JSON],
        url: str,
        in_trash: bool = False,
        created_time: str = "",
        last_edited_time: str = "",
        last_edited_by: str = "",
        icon: str = "",
        cover: str = "",
        body: LiveBody | None = None,
    ) -> None:
        _live_page_id(self, page_id)
        _live_key(self, key)
        _live_values(self, values)
        _live_url(self, url)
        _live_in_trash(self, in_trash)
        _live_created_time(self, created_time)
        _live_last_edited_time(self, last_edited_time)
        _live_last_edited_by(self, last_edited_by)
        _live_icon(self, icon)
        _live_cover(self, cover)
        _live_body(self, body)

    @property
    def content_hash(self) -> str:
        return content_hash(self.values)


(
    _live_page_id,
    _live_key,
    _live_values,
    _live_url,
    _live_in_trash,
    _live_created_time,
    _live_last_edited_time,
    _live_last_edited_by,
    _live_icon,
    _live_cover,
    _live_body,
) = _slot_setters(LiveRow)


@dataclass(frozen=True)
class LiveDatabase:
    """A managed database as read from Notion (``database_id`` None: not found, to be created)."""

    handle: str
    database_id: str | None
    data_source_id: str | None
    title: str
    properties: tuple[LiveProperty, ...]
    rows: tuple[LiveRow, ...]
    url: str | None = None
    complete: bool = True
    incomplete_reasons: tuple[str, ...] = ()
    icon: str = ""
    cover: str = ""

    def property_named(self, name: str) -> LiveProperty | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None


@dataclass(frozen=True)
class LiveState:
    """What Notion holds for the managed databases, and the users for people values."""

    databases: Mapping[str, LiveDatabase]
    users: tuple[LiveUser, ...] = ()
