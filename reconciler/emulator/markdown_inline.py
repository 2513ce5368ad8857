"""Rich text in Notion-flavoured Markdown: stored rich text to inline Markdown, and back.

Rendering follows Notion's enhanced Markdown: ``**bold**``, ``_italic_`` (Notion answers ``_``
where ``*`` was sent), ``~~strike~~``, `` `code` ``, ``[text](url)``, ``$equation$``,
``<span underline="true">``, ``<span color="red">`` / ``<span color="red_bg">``, ``<br>`` for a
line break, mentions as ``<mention-page url="...">Title</mention-page>`` (user, database, date
likewise), and ``\\`` before ``\\ * ~ ` $ [ ] < > { } | ^`` in plain text. Parsing takes that
and the usual variants (``*italic*``, ``__bold__``, ``***both***``, ``<br/>``) and returns
rich-text request items (text runs of at most 2,000 characters). Used by the page Markdown
renderer and parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.clock import date_or_datetime
from reconciler.emulator.identity import compact, parse_uuid
from reconciler.emulator.richtext import utf16_length

__all__ = ["api_color", "attributes", "markdown_color", "parse_inline", "render_inline"]

_ESCAPED = set("\\*~`$[]<>{}|^")
_MAX_RUN = 2000


def markdown_color(color: str) -> str:
    """An API colour as Markdown writes it (``red_background`` -> ``red_bg``)."""
    return color.replace("_background", "_bg")


def api_color(color: str) -> str | None:
    """A Markdown colour as the API stores it, or None when it is no colour Notion knows."""
    name = color.strip().lower().replace("_background", "_bg")
    base = name.removesuffix("_bg")
    if base not in ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple",
                    "pink", "red"):  # fmt: skip
        return None
    return f"{base}_background" if name.endswith("_bg") else base


# -- rendering ------------------------------------------------------------------------------------


def render_inline(items: list[dict[str, Any]]) -> str:
    """Stored rich text as inline Markdown."""
    out: list[str] = []
    for n, item in enumerate(items):
        own = str(item.get("plain_text", ""))
        before = str(items[n - 1].get("plain_text", "")) if n else ""
        after = str(items[n + 1].get("plain_text", "")) if n + 1 < len(items) else ""
        # ``_`` cannot open or close inside a word: next to letters, italic is written with ``*``
        # (a run's own edge spaces stand outside its markers).
        left = own[:1] if own[:1].isspace() else before[-1:]
        right = own[-1:] if own[-1:].isspace() else after[:1]
        touching = left.isalnum() or right.isalnum()
        out.append(_render_item(item, "*" if touching else "_"))
    return "".join(out)


def _escape(text: str) -> str:
    """Plain text with Markdown's special characters escaped; ``_`` only where it could emphasise
    (``snake_case`` stays as it is)."""
    out = []
    for n, char in enumerate(text):
        if char in _ESCAPED or (char == "_" and not _inside_word(text, n)):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out).replace("\n", "<br>")


def _inside_word(text: str, at: int) -> bool:
    return 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()


def _render_item(item: dict[str, Any], italic: str) -> str:
    kind = item.get("type")
    annotations = item.get("annotations") or {}
    if kind == "equation":
        expression = str(item["equation"]["expression"])
        fence = "$$" if "$" in expression else "$"
        return fence + expression + fence
    if kind == "mention":
        return _spans(_emphasise(_render_mention(item), annotations, italic), annotations)
    text = item.get("text") or {}
    content = str(text.get("content", ""))
    core = content.strip()
    if not core:
        return _spans(_escape(content), annotations)
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()) :]
    if annotations.get("code"):
        fence = "``" if "`" in core else "`"
        inner = f"{fence}{core}{fence}"
    else:
        inner = _escape(core)
    # Emphasis markers must touch text, so edge spaces stay outside them (Notion does the same).
    inner = _escape(lead) + _emphasise(inner, annotations, italic) + _escape(trail)
    link = (text.get("link") or {}).get("url")
    if link:
        inner = f"[{inner}]({link})"
    return _spans(inner, annotations)


def _emphasise(inner: str, annotations: dict[str, Any], italic: str) -> str:
    """Markers around a run, innermost first: strike, italic, bold."""
    if annotations.get("strikethrough"):
        inner = f"~~{inner}~~"
    if annotations.get("italic"):
        inner = f"{italic}{inner}{italic}"
    if annotations.get("bold"):
        inner = f"**{inner}**"
    return inner


def _spans(inner: str, annotations: dict[str, Any]) -> str:
    """Underline and colour, as spans around the run."""
    if annotations.get("underline"):
        inner = f'<span underline="true">{inner}</span>'
    color = annotations.get("color") or "default"
    if color != "default":
        inner = f'<span color="{markdown_color(color)}">{inner}</span>'
    return inner


def _render_mention(item: dict[str, Any]) -> str:
    mention = item["mention"]
    kind = mention.get("type")
    shown = _escape(str(item.get("plain_text", "")))
    if kind in ("page", "database"):
        url = f"https://www.notion.so/{compact(mention[kind]['id'])}"
        return f'<mention-{kind} url="{url}">{shown}</mention-{kind}>'
    if kind == "user":
        name = _escape(str(mention["user"].get("name") or ""))
        return f'<mention-user url="user://{mention["user"]["id"]}">{name}</mention-user>'
    if kind == "date":
        return _render_date(mention["date"])
    url = str(item.get("href") or item.get("plain_text") or "")
    return f"[{shown}]({url})"


def _render_date(value: dict[str, Any]) -> str:
    attributes = _date_attributes("start", str(value.get("start") or ""))
    if value.get("end"):
        attributes += _date_attributes("end", str(value["end"]))
    return "<mention-date" + "".join(f' {k}="{v}"' for k, v in attributes) + "/>"


def _date_attributes(name: str, text: str) -> list[tuple[str, str]]:
    moment = date_or_datetime(text)
    if not isinstance(moment, datetime):
        return [(name, text)]
    at = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    day, time = at.date().isoformat(), at.strftime("%H:%M")
    return [(name, day), (f"{name}Time", time), ("timeZone", "UTC")]


# -- parsing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    underline: bool = False
    code: bool = False
    color: str = "default"
    link: str | None = None

    def annotations(self) -> dict[str, Any]:
        return {
            "bold": self.bold,
            "italic": self.italic,
            "strikethrough": self.strikethrough,
            "underline": self.underline,
            "code": self.code,
            "color": self.color,
        }


_SPAN_OPEN = re.compile(r'<span((?:\s+[a-zA-Z-]+="[^"]*")*)\s*>')
_MENTION = re.compile(
    r'<mention-(user|page|database|data-source|agent|date)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*'
    r"(?:/>|>(.*?)</mention-\1>)",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def attributes(text: str) -> dict[str, str]:
    """``name="value"`` pairs of a tag, by name."""
    return dict(_ATTRIBUTE.findall(text))


def parse_inline(text: str) -> list[dict[str, Any]]:
    """Inline Markdown as rich-text request items (adjacent runs of one style merged)."""
    runs: list[dict[str, Any]] = []
    _Parser(text, runs).parse(0, len(text), _Style())
    return _request_items(runs)


class _Parser:
    """A left-to-right reader of one line of inline Markdown into styled runs."""

    def __init__(self, text: str, out: list[dict[str, Any]]) -> None:
        self.text = text
        self.out = out

    def parse(self, start: int, end: int, style: _Style) -> None:
        at = start
        plain: list[str] = []
        while at < end:
            taken = self._construct(at, end, style, plain)
            if taken is not None:
                at = taken
                continue
            char = self.text[at]
            if char == "\\" and at + 1 < end and not self.text[at + 1].isalnum():
                plain.append(self.text[at + 1])
                at += 2
                continue
            plain.append(char)
            at += 1
        self._flush(plain, style)

    def _flush(self, plain: list[str], style: _Style) -> None:
        if plain:
            self.out.append({"text": "".join(plain), "style": style})
            plain.clear()

    def _construct(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        """Parse a construct starting at ``at``; the position after it, or None if none is."""
        text = self.text
        char = text[at]
        if char == "<":
            return self._tag(at, end, style, plain)
        if char == "`":
            return self._code(at, end, style, plain)
        if char == "$":
            return self._equation(at, end, style, plain)
        if char == "[":
            return self._link(at, end, style, plain)
        if char in "*_~":
            return self._emphasis(at, end, style, plain)
        return None

    def _tag(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        text = self.text
        found = _BREAK.match(text, at, end)
        if found is not None:
            plain.append("\n")
            return found.end()
        found = _MENTION.match(text, at, end)
        if found is not None:
            self._flush(plain, style)
            self.out.append({"mention": _mention(found), "style": style})
            return found.end()
        found = _SPAN_OPEN.match(text, at, end)
        if found is None:
            return None
        close = _matching_close(text, found.end(), end, "<span", "</span>")
        if close is None:
            return None
        self._flush(plain, style)
        self.parse(found.end(), close, _span_style(style, attributes(found.group(1))))
        return close + len("</span>")

    def _code(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        text = self.text
        fence = "``" if text.startswith("``", at) else "`"
        close = text.find(fence, at + len(fence), end)
        if close < 0:
            return None
        self._flush(plain, style)
        content = text[at + len(fence) : close]
        if fence == "``":
            content = content.strip(" ")
        self.out.append({"text": content, "style": replace(style, code=True)})
        return close + len(fence)

    def _equation(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        text = self.text
        fence = "$$" if text.startswith("$$", at) else "$"
        begin = at + len(fence)
        if begin >= end or text[begin].isspace():
            return None
        close = text.find(fence, begin, end)
        while close > 0 and text[close - 1] == "\\":
            close = text.find(fence, close + 1, end)
        if close <= begin or text[close - 1].isspace():
            return None
        after = close + len(fence)
        if fence == "$" and after < end and text[after].isdigit():
            return None
        self._flush(plain, style)
        self.out.append({"equation": text[begin:close], "style": style})
        return after

    def _link(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        text = self.text
        close = _matching_close(text, at + 1, end, "[", "]")
        if close is None or not text.startswith("(", close + 1):
            return None
        url_end = text.find(")", close + 2, end)
        if url_end < 0:
            return None
        url = text[close + 2 : url_end].strip()
        self._flush(plain, style)
        self.parse(at + 1, close, replace(style, link=url or None))
        return url_end + 1

    def _emphasis(self, at: int, end: int, style: _Style, plain: list[str]) -> int | None:
        text = self.text
        char = text[at]
        run = len(text[at:end]) - len(text[at:end].lstrip(char))
        if char == "~":
            if run < 2:
                return None
            delimiter = "~~"
        else:
            delimiter = char * min(run, 3)
        if not _opens(text, at, len(delimiter), end):
            return None
        close = _closer(text, at + len(delimiter), end, delimiter)
        if close is None:
            return None
        self._flush(plain, style)
        self.parse(at + len(delimiter), close, _emphasised(style, delimiter))
        return close + len(delimiter)


def _opens(text: str, at: int, width: int, end: int) -> bool:
    """A delimiter opens when text follows it; ``_`` also needs no letter before it."""
    after = at + width
    if after >= end or text[after].isspace():
        return False
    return not (text[at] == "_" and at > 0 and text[at - 1].isalnum())


def _closer(text: str, start: int, end: int, delimiter: str) -> int | None:
    """Where the delimiter closes: a run of exactly its length, after text, in this span."""
    char = delimiter[0]
    at = start
    while at < end:
        if text[at] == "\\":
            at += 2
            continue
        if text[at] == "`":
            skip = text.find("`", at + 1, end)
            at = skip + 1 if skip > 0 else at + 1
            continue
        if text[at] != char:
            at += 1
            continue
        run = len(text[at:end]) - len(text[at:end].lstrip(char))
        if run == len(delimiter) and not text[at - 1].isspace():
            after = at + run
            if char != "_" or after >= end or not text[after].isalnum():
                return at
        at += run
    return None


def _matching_close(text: str, start: int, end: int, opener: str, closer: str) -> int | None:
    """The position of the closer that balances an opener before ``start``."""
    depth = 0
    at = start
    while at < end:
        if text[at] == "\\":
            at += 2
            continue
        if text.startswith(closer, at):
            if depth == 0:
                return at
            depth -= 1
            at += len(closer)
            continue
        if text.startswith(opener, at):
            depth += 1
            at += len(opener)
            continue
        at += 1
    return None


def _emphasised(style: _Style, delimiter: str) -> _Style:
    if delimiter == "~~":
        return replace(style, strikethrough=True)
    if len(delimiter) == 3:
        return replace(style, bold=True, italic=True)
    if len(delimiter) == 2:
        return replace(style, bold=True)
    return replace(style, italic=True)


def _span_style(style: _Style, attrs: dict[str, str]) -> _Style:
    if attrs.get("underline", "").lower() == "true":
        style = replace(style, underline=True)
    color = api_color(attrs["color"]) if "color" in attrs else None
    return replace(style, color=color) if color is not None else style


def _mention(found: re.Match[str]) -> dict[str, Any]:
    """A mention request payload; one that names nothing usable stays its text."""
    kind, attrs, inner = found.group(1), attributes(found.group(2)), found.group(3) or ""
    if kind == "date":
        start = _date_text(attrs.get("start"), attrs.get("startTime"))
        if start is None:
            return {"text": found.group(0)}
        value = {"start": start, "end": _date_text(attrs.get("end"), attrs.get("endTime"))}
        zone = attrs.get("timeZone")
        if zone and zone.upper() != "UTC" and "T" in start:
            value = {k: v.removesuffix("Z") if v else v for k, v in value.items()}
            value["time_zone"] = zone
        return {"type": "date", "date": value}
    target = _id_in(attrs.get("url", ""))
    if target is None or kind not in ("user", "page", "database"):
        return {"text": inner}
    return {"type": kind, kind: {"id": target}}


def _date_text(day: str | None, time: str | None) -> str | None:
    if not day or date_or_datetime(day) is None:
        return None
    return f"{day}T{time}:00Z" if time else day


def _id_in(url: str) -> str | None:
    found = re.search(r"([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                      r"[0-9a-fA-F]{12})(?![0-9a-fA-F])", url)  # fmt: skip
    return parse_uuid(found.group(1)) if found else None


def _request_items(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Styled runs as rich-text request items: text split at 2,000 characters."""
    items: list[dict[str, Any]] = []
    for run in runs:
        style: _Style = run["style"]
        annotations = style.annotations()
        if "equation" in run:
            equation = {"expression": run["equation"]}
            items.append({"type": "equation", "equation": equation, "annotations": annotations})
        elif "mention" in run and "text" not in run["mention"]:
            items.append({"type": "mention", "mention": run["mention"], "annotations": annotations})
        else:
            content = run["mention"]["text"] if "mention" in run else run["text"]
            link = {"url": style.link} if style.link else None
            for part in _chunks(content):
                text = {"content": part, "link": link}
                items.append({"type": "text", "text": text, "annotations": annotations})
    return items


def _chunks(content: str) -> list[str]:
    """Text in pieces of at most 2,000 UTF-16 units (a request's limit per run)."""
    if utf16_length(content) <= _MAX_RUN:
        return [content] if content else []
    parts: list[str] = []
    start = width = 0
    for n, char in enumerate(content):
        size = utf16_length(char)
        if width + size > _MAX_RUN:
            parts.append(content[start:n])
            start, width = n, 0
        width += size
    parts.append(content[start:])
    return parts
