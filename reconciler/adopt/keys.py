"""Choosing the key of an imported database: the property that tells its rows apart.

A good key has a value in every row and no value twice. The title is preferred when it
qualifies (it is what people see); failing that, a property whose name says it is an identifier
(Slug, Key, ID, Code, Email, ...), then e-mail, URL, text, phone and number properties. When no
property qualifies, the one that identifies the most rows is chosen and the rows it cannot tell
apart (empty or repeated values) are left out of the manifest, to be reviewed by hand. With
``import --key NAME`` (``required_key``) that property is the key, or the import stops saying why
it cannot be (missing, of a type that cannot be a key, values a manifest cannot hold, empty or
repeated values, with the first rows concerned). Called by import
(``reconciler.adopt.manifests``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.errors import ConfigError
from reconciler.model import LiveProperty, LiveRow
from reconciler.properties import ValueProblem, codec_for

__all__ = ["KeyChoice", "choose_key", "key_of", "required_key"]

_KEY_TYPES_TEXT = "title, rich_text, email, url, phone_number or number"
_LISTED_ROWS = 5

_IDENTIFIER_NAMES = re.compile(r"\b(slug|key|id|code|handle|identifier|e-?mail|sku|ref)\b", re.I)
_TYPE_RANK = {"title": 0, "email": 1, "url": 2, "rich_text": 3, "phone_number": 4, "number": 5}


@dataclass(frozen=True)
class KeyChoice:
    """The key property, why it was chosen, and the rows it cannot identify.

    ``left_out`` holds the page ids of rows whose key is empty or shared with another row.
    """

    name: str
    type: str
    reason: str
    left_out: tuple[str, ...] = ()
    empty: int = 0
    repeated: int = 0


def key_of(prop: LiveProperty, row: LiveRow) -> str | None:
    """The row's key text if ``prop`` were the key (None: empty)."""
    try:
        text = codec_for(prop.type).key_text(row.values.get(prop.name))
    except ValueProblem:
        return None
    return text if text else None


@dataclass(frozen=True)
class _Candidate:
    prop: LiveProperty
    empty: tuple[str, ...]
    repeated: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return not self.empty and not self.repeated

    def rank(self) -> tuple[int, int, int, str]:
        named = 0 if _IDENTIFIER_NAMES.search(self.prop.name) else 1
        title_first = 0 if self.prop.type == "title" else 1
        return (title_first, named, _TYPE_RANK.get(self.prop.type, 9), self.prop.name)


def _candidate(prop: LiveProperty, rows: Sequence[LiveRow]) -> _Candidate:
    keys = {row.page_id: key_of(prop, row) for row in rows}
    counts = Counter(key for key in keys.values() if key is not None)
    return _Candidate(
        prop,
        empty=tuple(page for page, key in keys.items() if key is None),
        repeated=tuple(page for page, key in keys.items() if key is not None and counts[key] > 1),
    )


def _candidates(properties: Sequence[LiveProperty], rows: Sequence[LiveRow]) -> list[_Candidate]:
    keyable = [p for p in properties if p.type in _TYPE_RANK and codec_for(p.type).can_be_key]
    return sorted((_candidate(p, rows) for p in keyable), key=_Candidate.rank)


def choose_key(properties: Sequence[LiveProperty], rows: Sequence[LiveRow]) -> KeyChoice | None:
    """The key for a database with these properties and rows; None: none can be a key."""
    candidates = _candidates(properties, rows)
    if not candidates:
        return None
    count = f"all {len(rows)} rows" if len(rows) != 1 else "its only row"
    for candidate in candidates:
        if candidate.usable and rows:
            prop = candidate.prop
            if prop.type == "title":
                reason = f"the title {prop.name!r} has a unique, non-empty value in {count}"
            else:
                reason = (
                    f"the title does not tell the rows apart; {prop.name!r} ({prop.type}) has a"
                    f" unique, non-empty value in {count}"
                )
            return KeyChoice(prop.name, prop.type, reason)
    if not rows:
        title = candidates[0].prop
        return KeyChoice(title.name, title.type, "the database has no rows yet: the title")
    best = min(candidates, key=lambda c: (len(c.empty) + len(c.repeated), c.rank()))
    left_out = tuple(dict.fromkeys((*best.empty, *best.repeated)))
    reason = (
        f"no property has a unique, non-empty value in every row; {best.prop.name!r} tells the"
        f" most rows apart ({len(rows) - len(left_out)} of {len(rows)})"
    )
    return KeyChoice(
        best.prop.name,
        best.prop.type,
        reason,
        left_out=left_out,
        empty=len(best.empty),
        repeated=len(best.repeated),
    )


def _keyable(prop: LiveProperty) -> bool:
    return prop.type in _TYPE_RANK and codec_for(prop.type).can_be_key


def required_key(
    title: str,
    properties: Sequence[LiveProperty],
    writable: Sequence[LiveProperty],
    rows: Sequence[LiveRow],
    name: str,
) -> KeyChoice:
    """The property ``name`` as the key of the database ``title``; ConfigError when it cannot
    be: ``properties`` are all its live properties, ``writable`` those a manifest can hold."""
    where = f"--key {name!r}: the database {title!r}"
    prop = next((p for p in properties if p.name == name), None)
    if prop is None:
        names = ", ".join(sorted(p.name for p in properties if _keyable(p)))
        raise ConfigError(
            f"{where} has no property {name!r}",
            hint=f"choose one of its properties that can be a key: {names or 'none'}"
            " (names are case-sensitive; import databases one by one to give each its key)",
        )
    if not _keyable(prop):
        raise ConfigError(
            f"{where}: {name!r} is a {prop.type} property, which cannot be a key",
            hint=f"a key is a {_KEY_TYPES_TEXT} property",
        )
    if prop not in writable:
        raise ConfigError(
            f"{where}: the values of {name!r} cannot be written in a manifest as Notion holds"
            " them (mentions, equations or the like), so they cannot identify rows",
            hint="choose another property, or leave --key out to let import choose",
        )
    found = _candidate(prop, rows)
    if not found.usable:
        raise ConfigError(f"{where}: {_not_unique(found, rows)}", hint=_NOT_UNIQUE_HINT)
    count = f"all {len(rows)} rows" if len(rows) != 1 else "its only row"
    reason = f"chosen with --key: {name!r} ({prop.type}) has a unique, non-empty value in {count}"
    return KeyChoice(prop.name, prop.type, reason if rows else "chosen with --key")


_NOT_UNIQUE_HINT = (
    "give every row its own value in Notion, or choose another property; without --key, import"
    " chooses a key and lists the rows it cannot identify"
)


def _not_unique(found: _Candidate, rows: Sequence[LiveRow]) -> str:
    """Which rows the property cannot identify, the first few by URL."""
    name = found.prop.name
    urls = {row.page_id: row.url or row.page_id for row in rows}
    parts = []
    if found.empty:
        parts.append(
            f"{len(found.empty)} {'row has' if len(found.empty) == 1 else 'rows have'} no {name}"
        )
    if found.repeated:
        parts.append(f"{len(found.repeated)} share their {name} with another row")
    listed = [urls[page] for page in (*found.empty, *found.repeated)][:_LISTED_ROWS]
    more = len(found.empty) + len(found.repeated) - len(listed)
    tail = f" and {more} more" if more else ""
    return f"{' and '.join(parts)}, so {name!r} cannot be the key ({', '.join(listed)}{tail})"
