"""Inline Notion-flavoured Markdown: one line of rich text read into styled runs, and written back.

``parse_runs`` reads what a manifest author writes and what Notion answers alike: ``**bold**`` and
``__bold__``, ``*italic*`` and ``_italic_``, ``~~strike~~``, `` `code` ``, ``[text](url)``,
``$equation$``, ``<span color="red" underline="true">``, ``<br>`` (``<br/>``, ``<br />``),
mentions (``<mention-page url="...">Title</mention-page>``, ``<mention-date start="..."/>``) and
backslash escapes. ``render_runs`` writes runs back in one canonical form, the one Notion answers
with: ``_`` for italic (``*`` inside a word), markers innermost to outermost strike, italic,
bold, then the link, then the spans; the special characters of plain text escaped; signed file
URLs without their expiring query string; mentions by the id they name (a title shown in
Notion follows renames, so it is not part of the content). Two texts that mean the same runs
render the same. Used by the block reader and the canonical and HTML writers of this package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Final, Literal
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "Run",
    "Style",
    "canonical_color",
    "mention_url",
    "parse_runs",
    "render_runs",
    "unsigned",
]

RunKind = Literal["text", "equation", "mention"]

_ESCAPED: Final = frozenset("\\*~`$[]<>{}|^")
_COLOURS: Final = frozenset(
    ("gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
)
_SIGNED: Final = re.compile(r"(?i)(?:^|&)(?:x-amz-[a-z-]+|signature|expires|expirationtimestamp)=")
_HEX_ID: Final = re.compile(
    r"([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})"
    r"(?![0-9a-fA-F])"
)
_BREAK: Final = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SPECIAL: Final = re.compile(r"[\\<`$\[*_~]")
"""Characters that may start a construct (or an escape); everything between is plain."""
_ESCAPING: Final = re.compile(r"[\\*~`$\[\]<>{}|^\n]|(?<![^\W_])_|_(?![^\W_])")
_SPAN: Final = re.compile(r'<span((?:\s+[a-zA-Z-]+="[^"]*")*)\s*>')
_MENTION: Final = re.compile(
    r'<mention-([a-z-]+)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*(?:/>|>(.*?)</mention-\1>)', re.DOTALL
)
_ATTRIBUTE: Final = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_DATE_ATTRIBUTES: Final = ("start", "startTime", "end", "endTime", "timeZone")


def canonical_color(color: str) -> str:
    """A colour as the canonical form writes it (``red_background`` and ``red_bg`` →
    ``red_bg``); ``default`` for anything Notion does not know."""
    name = color.strip().lower().replace("_background", "_bg")
    base = name.removesuffix("_bg")
    return name if base in _COLOURS else "default"


def unsigned(url: str) -> str:
    """A URL without the query string of a signed file link (it changes on every read)."""
    parts = urlsplit(url.strip())
    if parts.query and _SIGNED.search(parts.query):
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return url.strip()


def mention_url(kind: str, url: str) -> str:
    """The URL of a mention as the id it names: ``https://www.notion.so/<id>`` (a user:
    ``user://<id>``); the URL itself when it names no id."""
    found = _HEX_ID.search(url)
    if found is None:
        return url
    compact = found.group(1).replace("-", "").lower()
    if kind == "user":
        dashed = "-".join(
            (compact[:8], compact[8:12], compact[12:16], compact[16:20], compact[20:])
        )
        return f"user://{dashed}"
    return f"https://www.notion.so/{compact}"


@dataclass(frozen=True)
class Style:
    """How a run looks: its annotations, colour and link."""

    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    underline: bool = False
    code: bool = False
    color: str = "default"
    link: str | None = None


@dataclass(frozen=True)
class Run:
    """A piece of rich text in one style: text (``\\n`` a line break), an equation (``text`` is
    the expression) or a mention (``attributes`` as written, ``text`` the title shown)."""

    text: str
    style: Style = field(default_factory=Style)
    kind: RunKind = "text"
    attributes: tuple[tuple[str, str], ...] = ()


def attributes_of(text: str) -> dict[str, str]:
    """``name="value"`` pairs of a tag, by name."""
    return dict(_ATTRIBUTE.findall(text))


# -- reading -------------------------------------------------------------------------------------


def parse_runs(text: str) -> tuple[Run, ...]:
    """One line of inline Markdown as runs (adjacent text of one style merged)."""
    runs: list[Run] = []
    _Reader(text, runs).read(0, len(text), Style())
    return tuple(_merged(runs))


def _merged(runs: Iterable[Run]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if not run.text and run.kind == "text":
            continue
        last = out[-1] if out else None
        if last is not None and last.kind == run.kind == "text" and last.style == run.style:
            out[-1] = replace(last, text=last.text + run.text)
        else:
            out.append(run)
    return out


class _Reader:
    """Reads one line left to right into runs."""

    def __init__(self, text: str, out: list[Run]) -> None:
        self.text = text
        self.out = out

    def read(self, start: int, end: int, style: Style) -> None:
        at = start
        plain: list[str] = []
        while at < end:
            special = _SPECIAL.search(self.text, at, end)
            upto = special.start() if special is not None else end
            if upto > at:  # plain text up to the next character that may start something
                plain.append(self.text[at:upto])
                at = upto
                continue
            after = self._construct(at, end, style, plain)
            if after is not None:
                at = after
                continue
            char = self.text[at]
            if char == "\\" and at + 1 < end and not self.text[at + 1].isalnum():
                plain.append(self.text[at + 1])
                at += 2
                continue
            plain.append(char)
            at += 1
        self._flush(plain, style)

    def _flush(self, plain: list[str], style: Style) -> None:
        if plain:
            self.out.append(Run("".join(plain), style))
            plain.clear()

    def _construct(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
        char = self.text[at]
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

    def _tag(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
        text = self.text
        found = _BREAK.match(text, at, end)
        if found is not None:
            plain.append("\n")
            return found.end()
        found = _MENTION.match(text, at, end)
        if found is not None:
            self._flush(plain, style)
            kind, attributes = found.group(1), attributes_of(found.group(2))
            self.out.append(
                Run(found.group(3) or "", style, "mention", (("kind", kind), *attributes.items()))
            )
            return found.end()
        found = _SPAN.match(text, at, end)
        if found is None:
            return None
        close = _balanced(text, found.end(), end, "<span", "</span>")
        if close is None:
            return None
        self._flush(plain, style)
        self.read(found.end(), close, _spanned(style, attributes_of(found.group(1))))
        return close + len("</span>")

    def _code(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
        text = self.text
        fence = "``" if text.startswith("``", at) else "`"
        close = text.find(fence, at + len(fence), end)
        if close < 0:
            return None
        self._flush(plain, style)
        content = text[at + len(fence) : close]
        if fence == "``":
            content = content.strip(" ")
        self.out.append(Run(content, replace(style, code=True)))
        return close + len(fence)

    def _equation(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
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
            return None  # "$5 and $6": prices, not an equation
        self._flush(plain, style)
        self.out.append(Run(text[begin:close], style, "equation"))
        return after

    def _link(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
        text = self.text
        close = _balanced(text, at + 1, end, "[", "]")
        if close is None or not text.startswith("(", close + 1):
            return None
        url_end = text.find(")", close + 2, end)
        if url_end < 0:
            return None
        url = text[close + 2 : url_end].strip()
        self._flush(plain, style)
        self.read(at + 1, close, replace(style, link=unsigned(url) or None))
        return url_end + 1

    def _emphasis(self, at: int, end: int, style: Style, plain: list[str]) -> int | None:
        text = self.text
        char = text[at]
        run = _run_length(text, at, end)
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
        self.read(at + len(delimiter), close, _emphasised(style, delimiter))
        return close + len(delimiter)


def _run_length(text: str, at: int, end: int) -> int:
    char, length = text[at], 0
    while at + length < end and text[at + length] == char:
        length += 1
    return length


def _opens(text: str, at: int, width: int, end: int) -> bool:
    """A delimiter opens when text follows it; ``_`` also needs no letter before it."""
    after = at + width
    if after >= end or text[after].isspace():
        return False
    return not (text[at] == "_" and at > 0 and text[at - 1].isalnum())


def _closer(text: str, start: int, end: int, delimiter: str) -> int | None:
    """Where the delimiter closes: a run of exactly its length after text (skipping escapes
    and code spans)."""
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
        run = _run_length(text, at, end)
        if run == len(delimiter) and at > start and not text[at - 1].isspace():
            after = at + run
            if char != "_" or after >= end or not text[after].isalnum():
                return at
        at += run
    return None


def _balanced(text: str, start: int, end: int, opener: str, closer: str) -> int | None:
    """The position of the closer that balances an opener just before ``start``."""
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


def _emphasised(style: Style, delimiter: str) -> Style:
    if delimiter == "~~":
        return replace(style, strikethrough=True)
    if len(delimiter) == 3:
        return replace(style, bold=True, italic=True)
    if len(delimiter) == 2:
        return replace(style, bold=True)
    return replace(style, italic=True)


def _spanned(style: Style, attributes: dict[str, str]) -> Style:
    if attributes.get("underline", "").lower() == "true":
        style = replace(style, underline=True)
    if "color" in attributes:
        color = canonical_color(attributes["color"])
        if color != "default":
            style = replace(style, color=color)
    return style


# -- writing -------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Plain text with Markdown's special characters escaped (``_`` only where it could
    emphasise: ``snake_case`` stays as it is); a line break as ``<br>``."""
    return _ESCAPING.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    char = found.group()
    return "<br>" if char == "\n" else "\\" + char


def render_runs(runs: Iterable[Run]) -> str:
    """Runs as canonical inline Markdown (see the module docstring).

    Neighbouring text runs that differ only in ``code`` share one pair of markers
    (``**`code` and text**``), so that no two markers meet (``**`a`****b**``).
    """
    groups = _groups(list(runs))
    out: list[str] = []
    for n, group in enumerate(groups):
        before = groups[n - 1][-1].text if n else ""
        after = groups[n + 1][0].text if n + 1 < len(groups) else ""
        text = "".join(run.text for run in group)
        # ``_`` cannot open or close inside a word: next to a letter, italic is ``*``.
        left = text[:1] if text[:1].isspace() else before[-1:]
        right = text[-1:] if text[-1:].isspace() else after[:1]
        italic = "*" if left.isalnum() or right.isalnum() else "_"
        out.append(_render_group(group, italic))
    return "".join(out)


def _groups(runs: list[Run]) -> list[list[Run]]:
    groups: list[list[Run]] = []
    for run in runs:
        last = groups[-1][-1] if groups else None
        if last is not None and last.kind == run.kind == "text" and _outer(last) == _outer(run):
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups


def _outer(run: Run) -> tuple[object, ...]:
    """A run's style but for ``code``."""
    style = run.style
    return (style.bold, style.italic, style.strikethrough, style.underline, style.color,
            style.link)  # fmt: skip


def _render_group(group: list[Run], italic: str) -> str:
    first = group[0]
    style = first.style
    if first.kind == "equation":
        fence = "$$" if "$" in first.text else "$"
        return _spans(f"{fence}{first.text}{fence}", style)
    if first.kind == "mention":
        return _spans(_emphasis(_mention(first), style, italic), style)
    text = "".join(run.text for run in group)
    if not text.strip():
        return _spans(escape(text), style)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    texts = [run.text for run in group]
    texts[0] = texts[0].lstrip()  # one statement each: in a group of one, both are the same run
    texts[-1] = texts[-1].rstrip()
    core = "".join(
        _piece(text, run.style.code) for text, run in zip(texts, group, strict=True) if text
    )
    # Markers touch the text, so the edge spaces stay outside them.
    inner = escape(lead) + _emphasis(core, style, italic) + escape(trail)
    if style.link:
        inner = f"[{inner}]({style.link})"
    return _spans(inner, style)


def _piece(text: str, code: bool) -> str:
    if not code:
        return escape(text)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _emphasis(inner: str, style: Style, italic: str) -> str:
    if style.strikethrough:
        inner = f"~~{inner}~~"
    if style.italic:
        inner = f"{italic}{inner}{italic}"
    if style.bold:
        inner = f"**{inner}**"
    return inner


def _spans(inner: str, style: Style) -> str:
    if style.underline:
        inner = f'<span underline="true">{inner}</span>'
    if style.color != "default":
        inner = f'<span color="{style.color}">{inner}</span>'
    return inner


def _mention(run: Run) -> str:
    attributes = dict(run.attributes)
    kind = attributes.pop("kind", "page")
    if kind == "date":
        if "startTime" in attributes:
            attributes.setdefault("timeZone", "UTC")  # a time without a zone is UTC's
        shown = "".join(
            f' {name}="{attributes[name]}"' for name in _DATE_ATTRIBUTES if name in attributes
        )
        return f"<mention-date{shown}/>"
    url = mention_url(kind, attributes.get("url", ""))
    return f'<mention-{kind} url="{url}"/>'
