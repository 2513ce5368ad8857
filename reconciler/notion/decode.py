"""From checked Notion responses to the live model: users, schemas, row layouts and rows.

Values and configurations go through the property codecs (``reconciler.properties``); a codec
that cannot read what Notion sent becomes an ``UnexpectedResponseError`` naming the endpoint,
the page and the property. Used by the reader and the writer.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeAlias
from urllib.parse import unquote

from reconciler.errors import UnexpectedResponseError
from reconciler.model import (
    JSON,
    LiveProperty,
    LiveRow,
    LiveUser,
    RowValues,
    WorkspaceIdentity,
)
from reconciler.notion.shapes import Body
from reconciler.properties import (
    ALL_CODECS,
    PropertyCodec,
    References,
    ValueProblem,
    codec_for,
    shared_value,
)
from reconciler.properties.base import UNREAD, Unread
from reconciler.properties.look import look_from_response
from reconciler.readspec import ReadSpec

__all__ = [
    "ReadLayout",
    "decode_look",
    "decode_row",
    "decode_schema",
    "decode_user",
    "decode_workspace",
    "key_filter",
    "property_names",
    "rich_title",
    "same_id",
]

FetchItems = Callable[[str, LiveProperty], Sequence[Mapping[str, JSON]]]
"""Fetches every property item of (page id, property) through the page property endpoint."""


def same_id(a: str, b: str) -> bool:
    """Whether two Notion ids are equal, dashed or not, in any case."""
    return a.replace("-", "").lower() == b.replace("-", "").lower()


def rich_title(text: str) -> list[JSON]:
    """A plain-text title as Notion's rich-text request (runs of at most 2,000 characters)."""
    chunks = [text[i : i + 2000] for i in range(0, len(text), 2000)]
    return [{"type": "text", "text": {"content": chunk}} for chunk in chunks]


def decode_user(user: Body) -> LiveUser:
    kind = user.optional_text("type") or "person"
    person = user.optional_child("person") if kind == "person" else None
    return LiveUser(
        id=user.text("id"),
        name=user.optional_text("name"),
        email=person.optional_text("email") if person is not None else None,
        type=kind,
    )


def decode_workspace(me: Body, api: str) -> WorkspaceIdentity:
    """The workspace ``GET /v1/users/me`` answered for, reached at ``api``."""
    bot = me.optional_child("bot")
    return WorkspaceIdentity(
        api=api,
        workspace_id=bot.optional_text("workspace_id") if bot is not None else None,
        workspace_name=bot.optional_text("workspace_name") if bot is not None else None,
        bot_id=me.text("id"),
        bot_name=me.optional_text("name"),
    )


def property_names(data_source: Body) -> dict[str, str]:
    """A data source's property names by property id (what formula references resolve by)."""
    return {prop.text("id"): name for name, prop in data_source.child("properties").entries()}


def decode_schema(data_source: Body, refs: References) -> tuple[LiveProperty, ...]:
    """The live properties of a data source, each configuration in canonical form."""
    out = []
    for name, prop in data_source.child("properties").entries():
        kind = prop.text("type")
        config: Mapping[str, JSON] = {}
        codec = ALL_CODECS.get(kind)
        if codec is not None:
            try:
                config = codec.config_from_response(prop.raw, refs)
            except ValueProblem as problem:
                raise _unreadable(prop, f"property {name!r}", problem) from None
        out.append(LiveProperty(id=prop.text("id"), name=name, type=kind, config=config))
    return tuple(sorted(out, key=lambda p: p.name))


def _unreadable(where: Body, what: str, problem: ValueProblem) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"unexpected response from {where.endpoint}: {what} at {where.path}: {problem.message}",
        hint="the Notion API answered in a shape this version of the reconciler cannot read;"
        " run with --debug and report it",
    )


@dataclass(frozen=True)
class ReadLayout:
    """Which live properties a database's pages are read for, and which one is the key."""

    managed: tuple[LiveProperty, ...]
    key: LiveProperty | None

    @classmethod
    def of(cls, spec: ReadSpec) -> ReadLayout:
        """The managed writable properties whose live side the spec knows (a plan's, or the
        schema just read through ``ReadSpec.matched``), and the key's."""
        managed: dict[str, LiveProperty] = {}
        for declared in spec.properties:
            prop = declared.live
            if declared.writable and prop is not None and _readable(prop):
                managed[prop.id] = prop
        key_property = spec.property_named(spec.key)
        key = key_property.live if key_property is not None else None
        if key is not None and not (_readable(key) and codec_for(key.type).can_be_key):
            key = None
        return cls(managed=tuple(managed.values()), key=key)

    @property
    def filter_properties(self) -> list[str]:
        """Property ids to ask for: the managed ones and the key (never empty: all otherwise)."""
        ids = [p.id for p in self.managed]
        if self.key is not None and self.key.id not in ids:
            ids.append(self.key.id)
        return ids or ["title"]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Where each managed property's value is in the rows read (``RowValues``)."""
        return {decoder.name: at for at, decoder in enumerate(self.decoders)}

    @cached_property
    def key_codec(self) -> PropertyCodec:
        """The key property's codec (``key`` must be set)."""
        assert self.key is not None
        return codec_for(self.key.type)

    @cached_property
    def key_position(self) -> int | None:
        """Where the key's value is in the rows read (None: no key, or one not managed)."""
        return None if self.key is None else self.positions.get(self.key.name)

    @cached_property
    def decoders(self) -> tuple[PropertyDecoder, ...]:
        """Each managed property's decoder, chosen once per read rather than per row."""
        return tuple(PropertyDecoder.of(prop) for prop in self.managed)

    @cached_property
    def readers(self) -> tuple[Reader, ...]:
        """Each decoder's quick way (``PropertyDecoder.read``), in the order of ``decoders``."""
        return tuple(decoder.read for decoder in self.decoders)


SHARED_VALUES_PER_PROPERTY = 4096
"""How many distinct values of one repeating property a read remembers (``PropertyDecoder``):
enough for options, people and days; a property whose values do not repeat stops there."""

Reader: TypeAlias = "Callable[[Mapping[str, JSON]], JSON | Unread]"
"""A page's ``properties`` object → one property's canonical value, or ``UNREAD`` when the
general path (``PropertyDecoder.value``) must read it."""


class PropertyDecoder:
    """Decodes one live property of every page of a read, chosen once for its codec.

    ``read`` is the quick way, specialised for the codec when it offers one: the codec's
    ``quick_reader`` (a checkbox, a number, a text of one unstyled run read straight from the
    page), or for repeating values the value this read already decoded under the same
    ``sharing_key`` of the raw form (an option's name, a date's start, end and zone, the ids
    or names of a list, as Notion sent them). Anything else, ``UNREAD``, goes through
    ``value``: the codec's ``from_response``, the fetch of a partial value, the lookup by
    property id, the located error.

    The values of a property whose values repeat from row to row (options, people, days:
    ``PropertyCodec.repeating``) are shared: rows with the same canonical value hold the one
    copy (its texts interned), so 50,000 rows hold a few hundred dates and tag lists, not
    50,000 of each. A canonical value is never mutated, so sharing it is safe. Only the pages
    of one read share: the decoder lives as long as its ``ReadLayout``.
    """

    __slots__ = (
        "_by_raw",
        "_memo",
        "codec",
        "config",
        "name",
        "partial",
        "prop",
        "read",
        "read_response",
        "sharing_key",
    )

    def __init__(self, prop: LiveProperty, codec: PropertyCodec) -> None:
        self.prop = prop
        self.codec = codec
        self.name = prop.name
        self.config = prop.config
        self.read_response = codec.from_response
        self.partial = None if _never_partial(codec) else codec.is_partial
        self._memo: dict[_Seen, JSON] | None = {} if codec.repeating else None
        self.sharing_key = codec.sharing_key() if codec.repeating else None
        # The values this read decoded, under the ``sharing_key`` of their raw form.
        self._by_raw: dict[Hashable, JSON] = {}
        self.read = self._reader()

    @classmethod
    def of(cls, prop: LiveProperty) -> PropertyDecoder:
        return cls(prop, codec_for(prop.type))

    def _reader(self) -> Reader:
        name = self.name
        key = self.sharing_key
        if key is not None:
            known = self._by_raw

            def remembered(found: Mapping[str, JSON]) -> JSON | Unread:
                raw = found.get(name)
                if type(raw) is not dict:
                    return UNREAD
                try:
                    return known.get(key(raw), UNREAD)
                except TypeError:  # a key that cannot be hashed: not remembered
                    return UNREAD

            return remembered
        quick = None if self.codec.repeating else self.codec.quick_reader()
        if quick is None:
            return _unread

        def direct(found: Mapping[str, JSON]) -> JSON | Unread:
            raw = found.get(name)
            return quick(raw) if type(raw) is dict else UNREAD

        return direct

    def value(self, page: Body, found: Mapping[str, JSON], fetch: FetchItems) -> JSON:
        """The canonical value of the property on this page (``found``: its properties)."""
        raw = found.get(self.name)
        if type(raw) is not dict or (self.partial is not None and self.partial(raw)):
            # Missing under its name, or completed through the page property endpoint.
            value = _decode(self.prop, self.codec, page, page.child("properties"), fetch)
            return value if self._memo is None else self._shared(value)
        try:
            value = self.read_response(raw, self.config)
        except ValueProblem:
            properties = page.child("properties")
            value = _decode(self.prop, self.codec, page, properties, fetch)  # raises, located
        if self._memo is None:
            return value
        value = self._shared(value)
        if self.sharing_key is not None:
            self._remember(self.sharing_key(raw), value)
        return value

    def _remember(self, key: Hashable | Unread, value: JSON) -> None:
        """Keep the value under the key of its raw form, for ``read`` to find again."""
        if key is not UNREAD and len(self._by_raw) < SHARED_VALUES_PER_PROPERTY:
            with contextlib.suppress(TypeError):  # a key that cannot be hashed is not kept
                self._by_raw[key] = value

    def _shared(self, value: JSON) -> JSON:
        """The one copy of this value the read holds (texts interned)."""
        if type(value) is str:
            return sys.intern(value)
        memo = self._memo
        assert memo is not None
        seen = _seen_as(value)
        if seen is None:
            return shared_value(value)
        found = memo.get(seen)
        if found is None:
            found = shared_value(value)
            if len(memo) < SHARED_VALUES_PER_PROPERTY:
                memo[seen] = found
        return found


def _unread(found: Mapping[str, JSON]) -> JSON | Unread:
    """The reader of a codec without a quick way: every value goes the general path."""
    return UNREAD


_Seen = tuple[str, ...] | tuple[None, tuple[tuple[str, str | None], ...]]
"""What tells shared values apart (``_seen_as``)."""


def _seen_as(value: JSON) -> _Seen | None:
    """A key equal for two values exactly when they are the same JSON, for the shapes that
    repeating properties take (a list of texts; an object of texts and nulls); None: another
    shape, not shared whole. Types are checked, so no ``1``, ``1.0`` or ``True`` meet."""
    if type(value) is list:
        if _TEXTS.issuperset(map(type, value)):
            return tuple(value)  # type: ignore[arg-type]
    elif type(value) is dict and _TEXTS_AND_NULLS.issuperset(map(type, value.values())):
        return (None, tuple(value.items()))  # type: ignore[return-value]
    return None


_TEXTS = frozenset({str})
_TEXTS_AND_NULLS = frozenset({str, type(None)})


def _never_partial(codec: PropertyCodec) -> bool:
    """Whether the codec's values are never cut short in a page (it keeps the default)."""
    return type(codec).is_partial is PropertyCodec.is_partial


def _readable(prop: LiveProperty) -> bool:
    codec = ALL_CODECS.get(prop.type)
    return codec is not None and codec.writable


def _property_of(properties: Body, prop: LiveProperty) -> Body:
    """A page's value of ``prop``: pages key values by name; fall back to the property id."""
    if not properties.has(prop.name):
        for name, body in properties.entries():
            if body.has("id") and unquote(body.text("id")) == unquote(prop.id):
                return properties.child(name)
    return properties.child(prop.name)


def decode_value(prop: LiveProperty, page: Body, properties: Body, fetch: FetchItems) -> JSON:
    """The canonical value of one property of a page, completed past 25 references."""
    return _decode(prop, codec_for(prop.type), page, properties, fetch)


def _decode(
    prop: LiveProperty, codec: PropertyCodec, page: Body, properties: Body, fetch: FetchItems
) -> JSON:
    # The value is read straight from the page's JSON; only a value missing under its name (read
    # by id) or one a codec refuses goes through a Body, for its lookup and its error message.
    raw = properties.raw.get(prop.name)
    if not isinstance(raw, dict):
        raw = _property_of(properties, prop).raw
    try:
        if codec.is_partial(raw):
            return codec.from_property_items(fetch(page.text("id"), prop), prop.config)
        return codec.from_response(raw, prop.config)
    except ValueProblem as problem:
        body = _property_of(properties, prop)
        raise _unreadable(body, f"property {prop.name!r}", problem) from None


def decode_row(page: Body, layout: ReadLayout, fetch: FetchItems) -> LiveRow:
    """A page as a live row: the canonical values of the managed properties, and its key."""
    raw = page.raw
    found = raw.get("properties")
    if type(found) is not dict:
        found = page.child("properties").raw  # raises, naming the field
    quick = [read(found) for read in layout.readers]
    if UNREAD in quick:
        quick = [
            decoder.value(page, found, fetch) if value is UNREAD else value
            for decoder, value in zip(layout.decoders, quick, strict=True)
        ]
    # No UNREAD is left: every value is JSON.
    values = RowValues(layout.positions, tuple(quick))  # type: ignore[arg-type]
    key: str | None = None
    if layout.key is not None:
        at = layout.key_position
        if at is not None:
            key_value = quick[at]
        else:
            key_value = decode_value(layout.key, page, page.child("properties"), fetch)
        key = layout.key_codec.key_text(key_value)  # type: ignore[arg-type]
    icon = raw.get("icon")
    cover = raw.get("cover")
    return LiveRow(
        page_id=_text(page, raw, "id"),
        key=key,
        values=values,
        url=_text(page, raw, "url"),
        in_trash=raw["in_trash"] if type(raw.get("in_trash")) is bool else page.in_trash(),  # type: ignore[arg-type]
        created_time=sys.intern(_text(page, raw, "created_time")),
        last_edited_time=sys.intern(_text(page, raw, "last_edited_time")),
        last_edited_by=sys.intern(_editor(page)),
        icon="" if icon is None else look_from_response(icon),
        cover="" if cover is None else look_from_response(cover),
    )


def _text(page: Body, raw: Mapping[str, JSON], name: str) -> str:
    """A text field of the page, read straight from its JSON; anything else goes through
    ``Body.text`` for its error message."""
    value = raw.get(name)
    return value if type(value) is str else page.text(name)


def _editor(page: Body) -> str:
    """The id of the page's last editor ("" when absent or not a user object: it is only shown,
    so a page without it is still read)."""
    user = page.raw.get("last_edited_by")
    found = user.get("id") if isinstance(user, dict) else None
    return found if isinstance(found, str) else ""


def decode_look(page: Body, field: str) -> str:
    """A page's or database's icon or cover in canonical form (``""``: none)."""
    raw = page.raw.get(field)
    return "" if raw is None else look_from_response(raw)


def key_filter(key_property: str, key_type: str, key: str) -> dict[str, JSON]:
    """The query filter matching rows whose key property equals ``key``."""
    if key_type == "number":
        number = float(key)
        value: JSON = int(number) if number.is_integer() else number
        return {"property": key_property, "number": {"equals": value}}
    return {"property": key_property, key_type: {"equals": key}}
