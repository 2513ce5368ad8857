"""A page body's Markdown read into blocks, by the rules Notion reads Notion-flavoured Markdown.

Every line is a block (blank lines separate nothing and are dropped); lines indented deeper than
a block (tabs, or spaces: a tab counts to the next multiple of four) are its children, except
under a heading that is not a toggle, whose indented lines simply follow it. Understood:
headings (``#`` to ``####``, deeper ones are ``####``; ``{toggle="true"}``), ``-``/``*``/``+``
bullets, numbered items (``1.`` or ``1)``), ``- [ ]``/``- [x]`` to-dos, ``>`` quotes (one block
per line), fenced code with its language (``~~~`` too), ``$$`` equations, ``---``/``***``/``___``
dividers, ``<details>``/``<summary>`` toggles, ``<callout icon color>``, ``<table>`` and pipe
tables, ``<columns>``/``<column>``, ``![caption](url)`` images and ``<video|audio|file|pdf
src>`` media, ``<table_of_contents/>``, ``<empty-block/>``, the ``<page>``, ``<database>`` and
``<unknown>`` tags of sub-pages, databases and blocks Markdown cannot show, and
``{color="..."}`` after a block's first line. Anything else is a paragraph. Used by the
canonical and HTML writers of this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from reconciler.bodies.inline import (
    Run,
    attributes_of,
    canonical_color,
    mention_url,
    parse_runs,
    unsigned,
)

__all__ = ["Block", "BlockKind", "parse_blocks"]

BlockKind = Literal[
    "paragraph",
    "heading",
    "bullet",
    "number",
    "todo",
    "quote",
    "toggle",
    "callout",
    "code",
    "equation",
    "divider",
    "table",
    "image",
    "media",
    "contents",
    "columns",
    "column",
    "reference",
]

Cells = tuple[tuple[Run, ...], ...]

_ATTRIBUTES: Final = re.compile(r'(?<!\\)\{((?:\s*[a-zA-Z-]+="[^"]*")+)\s*\}\s*$')
_HEADING: Final = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_TO_DO_ITEM: Final = re.compile(r"^[-*+]\s+\[([ xX])\](?:\s+(.*))?$")
_BULLET: Final = re.compile(r"^[-*+](?:\s+(.*))?$")
_NUMBERED: Final = re.compile(r"^\d{1,9}[.)](?:\s+(.*))?$")
_DIVIDER: Final = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_FENCE: Final = re.compile(r"^(`{3,}|~{3,})\s*([^`\s]*)")
_EQUATION_END: Final = re.compile(r"\$\$$")
_IMAGE: Final = re.compile(r"^!\[(.*)\]\((\S*)\)$")
_SELF_CLOSING: Final = re.compile(r'^<([a-z_-]+)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*/>$')
_ELEMENT: Final = re.compile(r'^<([a-z_-]+)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*>(.*)</\1>$')
_OPENING: Final = re.compile(r"^<(details|callout|table|columns|column)\b([^>]*)>(.*)$")
_MEDIA: Final = frozenset(("video", "audio", "file", "pdf"))
_REFERENCES: Final = frozenset(("page", "database", "unknown"))
_LANGUAGES: Final = {
    "py": "python",
    "js": "javascript",
    "ts": "typescript",
    "sh": "shell",
    "yml": "yaml",
    "md": "markdown",
    "rb": "ruby",
    "cs": "c#",
    "cpp": "c++",
    "plaintext": "",
    "plain text": "",
    "text": "",
    "txt": "",
}
"""Language names Notion stores under another name (``plain text`` is no language)."""


@dataclass(frozen=True)
class Block:
    """One block of a page body and its children.

    ``runs`` is the block's rich text (a media block's caption); ``text`` holds what is taken
    literally (code, an equation, a media URL, a reference tag as the canonical form writes it).
    """

    kind: BlockKind
    runs: tuple[Run, ...] = ()
    children: tuple[Block, ...] = ()
    level: int = 0
    checked: bool = False
    toggle: bool = False
    color: str = "default"
    text: str = ""
    language: str = ""
    icon: str = ""
    media: str = ""
    header_row: bool = False
    header_column: bool = False
    cells: tuple[Cells, ...] = ()


def parse_blocks(markdown: str) -> tuple[Block, ...]:
    """The top-level blocks of a body."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(_Lines(lines).sequence(-1))


def _width(line: str) -> int:
    width = 0
    for char in line:
        if char == "\t":
            width += 4 - width % 4
        elif char == " ":
            width += 1
        else:
            break
    return width


def _dedent(line: str, width: int) -> str:
    """The line with up to ``width`` columns of indentation taken off."""
    taken = at = 0
    while at < len(line) and line[at] in " \t" and taken < width:
        taken += 4 - taken % 4 if line[at] == "\t" else 1
        at += 1
    return line[at:]


class _Lines:
    """The lines of a body (or of a tag's inside) and where reading is."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.at = 0

    def _skip_blank(self) -> None:
        while self.at < len(self.lines) and not self.lines[self.at].strip():
            self.at += 1

    def sequence(self, parent_width: int, *, columns: bool = False) -> list[Block]:
        """The blocks whose lines are indented deeper than ``parent_width``; a ``<column>``
        outside ``<columns>`` gives its blocks."""
        blocks: list[Block] = []
        while True:
            self._skip_blank()
            if self.at >= len(self.lines) or _width(self.lines[self.at]) <= parent_width:
                return blocks
            for block in self._block():
                if block.kind == "column" and not columns:
                    blocks.extend(block.children)
                else:
                    blocks.append(block)

    def _block(self) -> list[Block]:
        line = self.lines[self.at]
        width, text = _width(line), line.strip()
        fence = _FENCE.match(text)
        if fence is not None:
            return [self._code(width, fence.group(1), fence.group(2))]
        if text == "$$":
            return [self._equation(width)]
        opening = _OPENING.match(text)
        if opening is not None:
            return [self._container(opening.group(1), opening.group(2), opening.group(3))]
        if text.startswith("|") and self._at_pipe_table():
            return [self._pipe_table()]
        self.at += 1
        text, attributes = _split_attributes(text)
        block = _line_block(text, attributes)
        children = self.sequence(width)
        if block.kind == "heading" and not block.toggle:
            return [block, *children]  # a plain heading holds no children: they follow it
        return [replace(block, children=tuple(children))]

    def _literal(self, width: int, closes: re.Pattern[str]) -> list[str]:
        """The lines up to the one ``closes`` matches, dedented to ``width``."""
        self.at += 1
        body: list[str] = []
        while self.at < len(self.lines):
            line = self.lines[self.at]
            self.at += 1
            if closes.match(line.strip()):
                break
            body.append(_dedent(line, width))
        return body

    def _code(self, width: int, fence: str, info: str) -> Block:
        body = self._literal(width, _closing_fence(fence))
        language = info.lower()
        return Block("code", text="\n".join(body), language=_LANGUAGES.get(language, language))

    def _equation(self, width: int) -> Block:
        body = self._literal(width, _EQUATION_END)
        return Block("equation", text="\n".join(body).strip())

    def _inner(self, name: str, first: str) -> list[str]:
        """A tag's lines up to its matching close (nested tags of the same name counted)."""
        inner = [first] if first.strip() else []
        opening = re.compile(rf"^<{name}[\s>]")
        depth = 0
        literal: re.Pattern[str] | None = None  # inside code or an equation, tags are text
        while self.at < len(self.lines):
            line = self.lines[self.at]
            self.at += 1
            stripped = line.strip()
            if literal is not None:
                literal = None if literal.match(stripped) else literal
            elif (opened := _FENCE.match(stripped)) is not None:
                literal = _closing_fence(opened.group(1))
            elif stripped == "$$":
                literal = _EQUATION_END
            elif opening.match(stripped):
                depth += 1
            elif stripped.startswith(f"</{name}>"):
                if depth == 0:
                    return inner
                depth -= 1
            inner.append(line)
        return inner

    def _container(self, name: str, tag: str, rest: str) -> Block:
        self.at += 1
        close = f"</{name}>"
        if rest.rstrip().endswith(close):
            body = rest.rstrip()[: -len(close)]
            inner = [body] if body.strip() else []
        else:
            inner = self._inner(name, rest)
        attributes = attributes_of(tag)
        if name == "details":
            return _toggle(inner, attributes)
        if name == "callout":
            return _callout(inner, attributes)
        if name == "table":
            return _html_table(inner, attributes)
        if name == "column":
            return Block("column", children=tuple(_Lines(inner).sequence(-1)))
        columns = _Lines(inner).sequence(-1, columns=True)
        return Block("columns", children=tuple(c for c in columns if c.kind == "column"))

    def _at_pipe_table(self) -> bool:
        if self.at + 1 >= len(self.lines):
            return False
        delimiter = self.lines[self.at + 1].strip()
        return bool(re.fullmatch(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?", delimiter))

    def _pipe_table(self) -> Block:
        rows = [_pipe_cells(self.lines[self.at])]
        self.at += 2
        while self.at < len(self.lines) and self.lines[self.at].strip().startswith("|"):
            rows.append(_pipe_cells(self.lines[self.at]))
            self.at += 1
        return _table(rows, header_row=True, header_column=False)


def _closing_fence(fence: str) -> re.Pattern[str]:
    """What closes a code block opened by ``fence``: as many of its characters, or more."""
    return re.compile(re.escape(fence[0]) + "{" + str(len(fence)) + ",}$")


def _split_attributes(text: str) -> tuple[str, dict[str, str]]:
    found = _ATTRIBUTES.search(text)
    if found is None:
        return text, {}
    return text[: found.start()].rstrip(), attributes_of(found.group(1))


def _color(attributes: dict[str, str]) -> str:
    return canonical_color(attributes.get("color", "default"))


def _line_block(text: str, attributes: dict[str, str]) -> Block:
    """A block written on one line."""
    tag = _tag_line(text, attributes)
    if tag is not None:
        return tag
    color = _color(attributes)
    heading = _HEADING.match(text)
    if heading is not None:
        level = min(len(heading.group(1)), 4)
        toggle = attributes.get("toggle") == "true"
        runs = parse_runs(heading.group(2))
        return Block("heading", runs, level=level, toggle=toggle, color=color)
    to_do = _TO_DO_ITEM.match(text)
    if to_do is not None:
        runs = parse_runs(to_do.group(2) or "")
        return Block("todo", runs, checked=to_do.group(1) != " ", color=color)
    if _DIVIDER.match(text):
        return Block("divider")
    for kind, pattern in (("bullet", _BULLET), ("number", _NUMBERED)):
        found = pattern.match(text)
        if found is not None:
            return Block(kind, parse_runs(found.group(1) or ""), color=color)  # type: ignore[arg-type]
    if text.startswith(">"):
        return Block("quote", parse_runs(text[1:].strip()), color=color)
    image = _IMAGE.match(text)
    if image is not None:
        return Block("image", parse_runs(image.group(1)), text=unsigned(image.group(2)))
    return Block("paragraph", parse_runs(text), color=color)


def _tag_line(text: str, attributes: dict[str, str]) -> Block | None:
    """A one-line tag: an empty block, a table of contents, a reference, or a media block."""
    closing = _SELF_CLOSING.match(text)
    element = _ELEMENT.match(text)
    found = closing or element
    if found is None:
        return None
    name, tag = found.group(1), attributes_of(found.group(2))
    if name == "empty-block":
        return Block("paragraph", color=_color(attributes))
    if name == "table_of_contents":
        return Block("contents", color=canonical_color(tag.get("color", "default")))
    if name in _REFERENCES:
        return Block("reference", text=_reference(name, tag))
    if name in _MEDIA:
        caption = parse_runs(element.group(3) if element is not None else "")
        return Block("media", caption, text=unsigned(tag.get("src", "")), media=name)
    return None


def _reference(name: str, tag: dict[str, str]) -> str:
    """A sub-page, database or unknown block as the id its URL names (its title follows
    renames in Notion; an unknown block keeps its kind)."""
    url = tag.get("url", "")
    if name == "unknown":
        page, _, block = url.partition("#")
        named = f"{mention_url('page', page)}#{block}" if block else mention_url("page", url)
        return f'<unknown url="{named}" alt="{tag.get("alt", "")}"/>'
    return f'<{name} url="{mention_url(name, url)}"/>'


def _toggle(inner: list[str], attributes: dict[str, str]) -> Block:
    joined = "\n".join(inner)
    summary = ""
    found = re.search(r"<summary>(.*?)</summary>", joined, re.DOTALL)
    if found is not None:
        summary = found.group(1).strip()
        joined = joined[: found.start()] + joined[found.end() :]
    children = _Lines(joined.split("\n")).sequence(-1)
    return Block("toggle", parse_runs(summary), tuple(children), color=_color(attributes))


def _callout(inner: list[str], attributes: dict[str, str]) -> Block:
    """A callout: its first paragraph is its text, the rest (and that paragraph's children)
    its children."""
    children = _Lines(inner).sequence(-1)
    runs: tuple[Run, ...] = ()
    if children and children[0].kind == "paragraph":
        first = children.pop(0)
        runs = first.runs
        children = [*first.children, *children]
    return Block(
        "callout",
        runs,
        tuple(children),
        color=_color(attributes),
        icon=unsigned(attributes.get("icon", "")),
    )


def _pipe_cells(line: str) -> list[str]:
    text = line.strip().removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def _html_table(inner: list[str], attributes: dict[str, str]) -> Block:
    joined = "\n".join(inner)
    rows = [
        [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", joined, re.DOTALL)
    ]
    return _table(
        rows,
        header_row=attributes.get("header-row") == "true",
        header_column=attributes.get("header-column") == "true",
    )


def _table(rows: list[list[str]], *, header_row: bool, header_column: bool) -> Block:
    """A table, every row as wide as the widest (Notion's rows all have its width)."""
    width = max((len(row) for row in rows), default=1)
    cells = tuple(
        tuple(parse_runs(cell) for cell in [*row, *[""] * (width - len(row))]) for row in rows
    )
    return Block("table", cells=cells, header_row=header_row, header_column=header_column)
