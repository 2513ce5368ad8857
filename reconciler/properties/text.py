"""Rich text: the title and rich_text codecs and the run canonicalisation behind them.

Canonical form: a plain ``str`` when every run is unformatted text without a link (``""`` when
empty); otherwise a list of runs, adjacent runs with identical formatting merged and empty runs
dropped. A run is ``{"text": str}`` plus only the non-default keys among ``bold``, ``italic``,
``strikethrough``, ``underline``, ``code`` (true), ``color`` (not ``"default"``) and ``link``
(a URL); ``{"equation": expression}`` for an inline equation; ``{"text": plain_text, "mention":
{...}}`` for a mention read from Notion (``{"user": id}``, ``{"page": id}``, ``{"database": id}``,
``{"date": date}``, ``{"link_preview": url}``, ...).

On write, text longer than Notion's 2,000 characters per item (counted in UTF-16 code units, as
Notion does) is split into several items without ever splitting a surrogate pair; on read the
items merge back. More than 100 items is a ValueProblem. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final, cast

from reconciler.model import JSON
from reconciler.properties.base import (
    UNREAD,
    PropertyCodec,
    QuickReader,
    References,
    Unread,
    ValueProblem,
)
from reconciler.properties.checks import (
    MAX_LIST_ITEMS,
    check_url,
    describe_kind,
    expect_bool,
    expect_str,
    list_items,
    normalise_id,
)
from reconciler.properties.dates import date_from_response, date_to_request, display_date

__all__ = [
    "ANNOTATIONS",
    "MAX_EQUATION_LENGTH",
    "MAX_TEXT_UNITS",
    "TEXT_COLORS",
    "RichTextCodec",
    "TitleCodec",
    "plain_text",
    "runs_from_manifest",
    "runs_from_response",
    "runs_to_request",
    "split_utf16",
    "text_is_canonical",
    "utf16_length",
]

MAX_TEXT_UNITS = 2000
MAX_EQUATION_LENGTH = 1000
ANNOTATIONS = ("bold", "italic", "strikethrough", "underline", "code")
_PLAIN_COLORS = ("gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
TEXT_COLORS = frozenset(
    {"default", *_PLAIN_COLORS, *(f"{color}_background" for color in _PLAIN_COLORS)}
)
_RUN_KEYS = frozenset({"text", "equation", "color", "link", *ANNOTATIONS})
_WRITABLE_MENTIONS = ("user", "page", "database", "date")
_SURELY_FEW_ITEMS = 50_000
"""Characters of plain text that always fit in 100 rich text items (at most 100,000 UTF-16
units, 2,000 a run): such text is not split just to count its runs."""


def utf16_length(text: str) -> int:
    """Length as Notion counts it: characters outside the BMP count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_utf16(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units that join back to ``text``; pairs stay whole."""
    if 2 * len(text) <= limit:  # the common case: short enough whatever its characters
        return [text] if text else []
    pieces: list[str] = []
    start = 0
    units = 0
    for index, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > limit:
            pieces.append(text[start:index])
            start, units = index, 0
        units += width
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# --- canonicalisation --------------------------------------------------------------------------


def _style(run: Mapping[str, JSON]) -> dict[str, JSON]:
    return {key: value for key, value in run.items() if key != "text"}


def _mergeable(run: Mapping[str, JSON]) -> bool:
    return "mention" not in run and "equation" not in run


def canonical_runs(runs: Sequence[dict[str, JSON]]) -> JSON:
    """Merge adjacent same-style text runs, drop empty ones, collapse plain text to a string."""
    merged: list[dict[str, JSON]] = []
    for run in runs:
        if _mergeable(run) and not run.get("text"):
            continue
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and _mergeable(run)
            and _mergeable(previous)
            and _style(previous) == _style(run)
        ):
            previous["text"] = str(previous["text"]) + str(run["text"])
        else:
            merged.append(dict(run))
    if all(set(run) == {"text"} for run in merged):
        return "".join(str(run["text"]) for run in merged)
    result: list[JSON] = list(merged)
    return result


def plain_text(value: JSON) -> str:
    """The text a reader sees: runs joined, equations as their expression."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    parts: list[str] = []
    for run in value:
        if isinstance(run, dict):
            part = run.get("text", run.get("equation", ""))
            parts.append(part if isinstance(part, str) else "")
    return "".join(parts)


# --- manifest ----------------------------------------------------------------------------------


def _run_from_manifest(item: object, index: int) -> dict[str, JSON]:
    if isinstance(item, str):
        return {"text": item}
    if not isinstance(item, Mapping):
        raise ValueProblem(
            f"a text run must be a string or a mapping such as {{text: ..., bold: true}}, "
            f"not {describe_kind(item)}",
            path=(index,),
        )
    if "mention" in item:
        raise ValueProblem(
            "mentions cannot be written from a manifest",
            hint="write a run with a link instead: {text: ..., link: https://...}",
            path=(index, "mention"),
        )
    for key in item:
        if key not in _RUN_KEYS:
            raise ValueProblem(
                f"a text run has no key {key!r}",
                hint=f"keys of a run: {', '.join(sorted(_RUN_KEYS))}",
                path=(index, str(key)),
            )
    if ("text" in item) == ("equation" in item):
        raise ValueProblem("a text run needs exactly one of `text` or `equation`", path=(index,))
    run: dict[str, JSON] = {}
    if "text" in item:
        run["text"] = expect_str(item["text"], "the text of a run", path=(index, "text"))
    else:
        expression = expect_str(item["equation"], "an equation", path=(index, "equation"))
        if len(expression) > MAX_EQUATION_LENGTH:
            raise ValueProblem(
                f"the equation is {len(expression)} characters long; Notion takes at most "
                f"{MAX_EQUATION_LENGTH}",
                path=(index, "equation"),
            )
        run["equation"] = expression
    run.update(_style_from_manifest(item, index))
    return run


def _style_from_manifest(item: Mapping[str, object], index: int) -> dict[str, JSON]:
    style: dict[str, JSON] = {}
    for key in ANNOTATIONS:
        if key in item and expect_bool(item[key], f"`{key}`", path=(index, key)):
            style[key] = True
    if item.get("color") is not None:
        color = expect_str(item["color"], "the colour of a run", path=(index, "color"))
        if color not in TEXT_COLORS:
            raise ValueProblem(
                f"{color!r} is not a Notion text colour",
                hint="colours: default, gray, brown, orange, yellow, green, blue, purple, pink, "
                "red, or one of them with _background",
                path=(index, "color"),
            )
        if color != "default":
            style["color"] = color
    if item.get("link") is not None:
        link = expect_str(item["link"], "a link", path=(index, "link"))
        style["link"] = check_url(link, "the link", path=(index, "link"))
    return style


def runs_from_manifest(value: object) -> JSON:
    """Canonical text from a string, one run mapping, or a list of strings and runs."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # YAML reads `Slug: 2026` as a number; the author meant the text
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueProblem(f"text must be a string or a list of runs, not {describe_kind(value)}")
    return canonical_runs([_run_from_manifest(item, index) for index, item in enumerate(value)])


def text_is_canonical(value: object) -> bool:
    """Whether a title or rich_text manifest value is, as it is, the canonical value
    ``from_manifest`` makes of it (the same object): a text short enough to surely fit Notion's
    items. The row builder takes such a value without the codec's call."""
    return type(value) is str and len(value) <= _SURELY_FEW_ITEMS


# --- Notion responses --------------------------------------------------------------------------


def _annotations_from_response(item: Mapping[str, JSON]) -> dict[str, JSON]:
    style: dict[str, JSON] = {}
    annotations = item.get("annotations")
    if isinstance(annotations, dict):
        for key in ANNOTATIONS:
            if annotations.get(key) is True:
                style[key] = True
        color = annotations.get("color")
        if isinstance(color, str) and color != "default":
            style["color"] = color
    return style


def _mention_from_response(mention: Mapping[str, JSON]) -> dict[str, JSON]:
    kind = mention.get("type")
    if not isinstance(kind, str):
        return {"unknown": None}
    body = mention.get(kind)
    if kind == "date":
        return {"date": date_from_response(body)}
    if isinstance(body, dict):
        for field in ("id", "url"):
            if isinstance(body.get(field), str):
                return {kind: body[field]}
    minimal: JSON = body if isinstance(body, str | int | float | bool) or body is None else None
    if isinstance(body, dict):
        minimal = {k: v for k, v in sorted(body.items()) if isinstance(v, str)}
    return {kind: minimal}


def _run_from_response(item: Mapping[str, JSON]) -> dict[str, JSON]:
    kind = item.get("type")
    plain = item.get("plain_text")
    run: dict[str, JSON]
    if kind == "equation":
        body = item.get("equation")
        expression = body.get("expression") if isinstance(body, dict) else plain
        run = {"equation": expression if isinstance(expression, str) else ""}
    elif kind == "mention" and isinstance(item.get("mention"), dict):
        mention = item["mention"]
        assert isinstance(mention, dict)
        run = {"text": plain if isinstance(plain, str) else ""}
        run["mention"] = _mention_from_response(mention)
    else:
        body = item.get("text")
        content = body.get("content") if isinstance(body, dict) else None
        run = {"text": content if isinstance(content, str) else str(plain or "")}
        link = body.get("link") if isinstance(body, dict) else None
        if isinstance(link, dict) and isinstance(link.get("url"), str):
            run["link"] = link["url"]
    run.update(_annotations_from_response(item))
    return run


_UNSTYLED: Final[Mapping[str, JSON]] = {**dict.fromkeys(ANNOTATIONS, False), "color": "default"}
"""The annotations of a run without style, as Notion answers them."""


def _unstyled_content(item: Mapping[str, JSON]) -> str | None:
    """The content of a text run without link or style (what most titles and texts are made
    of), None for any other run: the canonical form of such runs alone is their joined text."""
    body = item.get("text")
    if item.get("type") != "text" or not isinstance(body, dict) or body.get("link") is not None:
        return None
    content = body.get("content")
    annotations = item.get("annotations")
    if not isinstance(content, str) or not isinstance(annotations, dict):
        return content if isinstance(content, str) and annotations is None else None
    if annotations == _UNSTYLED:
        return content  # what Notion sends for unstyled text: one comparison, no lookups
    color = annotations.get("color")
    if isinstance(color, str) and color != "default":
        return None
    if any(annotations.get(key) is True for key in ANNOTATIONS):
        return None
    return content


def runs_from_response(items: object) -> JSON:
    """Canonical text from a Notion rich text array."""
    if not isinstance(items, list):
        return ""
    plain = [_unstyled_content(item) if isinstance(item, dict) else "" for item in items]
    if None not in plain:
        return "".join(cast(list[str], plain))  # texts only: joined at C speed
    return canonical_runs([_run_from_response(item) for item in items if isinstance(item, dict)])


# --- requests ----------------------------------------------------------------------------------


def _annotations_to_request(run: Mapping[str, JSON]) -> dict[str, JSON]:
    annotations: dict[str, JSON] = {key: True for key in ANNOTATIONS if run.get(key) is True}
    if isinstance(run.get("color"), str):
        annotations["color"] = run["color"]
    return annotations


def _mention_to_request(mention: Mapping[str, JSON], index: int) -> dict[str, JSON]:
    for kind in _WRITABLE_MENTIONS:
        if kind in mention:
            target = mention[kind]
            if kind == "date":
                return {"date": date_to_request(target)}
            if isinstance(target, str):
                return {kind: {"id": normalise_id(target, f"a {kind} mention")}}
    raise ValueProblem(
        f"a {', '.join(mention) or 'empty'} mention cannot be written through the API",
        hint="only user, page, database and date mentions can be written",
        path=(index, "mention"),
    )


def _item(run: Mapping[str, JSON], body: dict[str, JSON]) -> dict[str, JSON]:
    item = dict(body)
    annotations = _annotations_to_request(run)
    if annotations:
        item["annotations"] = annotations
    return item


def runs_to_request(value: JSON) -> list[JSON]:
    """The Notion rich text array for canonical text (long runs split, ≤100 items)."""
    runs: list[JSON] = [{"text": value}] if isinstance(value, str) else list_items(value)
    items: list[JSON] = []
    for index, run in enumerate(runs):
        if not isinstance(run, dict):
            raise ValueProblem(f"a text run must be a mapping, not {describe_kind(run)}")
        if "equation" in run:
            body: dict[str, JSON] = {"expression": run["equation"]}
            items.append(_item(run, {"type": "equation", "equation": body}))
        elif isinstance(run.get("mention"), dict):
            mention = run["mention"]
            assert isinstance(mention, dict)
            items.append(
                _item(run, {"type": "mention", "mention": _mention_to_request(mention, index)})
            )
        else:
            link = run.get("link")
            for piece in split_utf16(str(run.get("text", ""))):
                text: dict[str, JSON] = {"content": piece}
                if isinstance(link, str):
                    text["link"] = {"url": link}
                items.append(_item(run, {"type": "text", "text": text}))
    if len(items) > MAX_LIST_ITEMS:
        raise ValueProblem(
            f"the text needs {len(items)} rich text items (2,000 characters each, one per "
            f"formatting change); Notion takes at most {MAX_LIST_ITEMS}",
            hint="shorten the text or use fewer formatting changes",
        )
    return items


# --- codecs ------------------------------------------------------------------------------------


class _TextCodec(PropertyCodec):
    """Shared behaviour of title and rich_text."""

    can_be_key = True
    empty: ClassVar[JSON] = ""
    item_per_element: ClassVar[bool] = True

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        canonical = runs_from_manifest(value)
        if not (isinstance(canonical, str) and len(canonical) <= _SURELY_FEW_ITEMS):
            runs_to_request(canonical)  # refuses a value that needs more than 100 items
        return canonical

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return runs_to_request(value)

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return runs_from_response(prop.get(self.type_name))

    def quick_reader(self) -> QuickReader:
        type_name = self.type_name

        def read(prop: Mapping[str, JSON]) -> JSON | Unread:
            """The text of one run without link or style, its annotations as Notion sends
            them for unstyled text (what most titles and texts are: ``_unstyled_content``),
            ``""`` for none; ``UNREAD`` for anything else."""
            items = prop.get(type_name)
            if type(items) is not list:
                return UNREAD
            if not items:
                return ""
            item = items[0] if len(items) == 1 else None
            if type(item) is dict and item.get("annotations") == _UNSTYLED:
                content = _unstyled_content(item)
                if content is not None:
                    return content
            return UNREAD

        return read

    def is_partial(self, prop: Mapping[str, JSON]) -> bool:
        items = prop.get(self.type_name)
        if not isinstance(items, list) or len(items) < 25:
            return False
        mentions = [
            item for item in items if isinstance(item, dict) and item.get("type") == "mention"
        ]
        return len(mentions) >= 25

    def key_text(self, value: JSON) -> str | None:
        return plain_text(value) or None

    def display(self, value: JSON, refs: References | None = None) -> str:
        if isinstance(value, list):
            parts = []
            for run in value:
                if isinstance(run, dict) and isinstance(run.get("mention"), dict):
                    mention = run["mention"]
                    assert isinstance(mention, dict)
                    if "date" in mention:
                        parts.append(f"@{display_date(mention['date'])}")
                        continue
                parts.append(plain_text([run]))
            text = "".join(parts)
        else:
            text = plain_text(value)
        return text.replace("\r", "\\r").replace("\n", "\\n")


class TitleCodec(_TextCodec):
    """title: the page title (every data source has exactly one)."""

    type_name = "title"


class RichTextCodec(_TextCodec):
    """rich_text: formatted text."""

    type_name = "rich_text"
