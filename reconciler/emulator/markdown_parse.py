"""Notion-flavoured Markdown read into blocks, as Notion's Markdown endpoints read it.

Every line is a block (no blank line is needed between blocks, and blank lines are dropped);
lines indented deeper than a block (tabs, or spaces) are its children. Understood: headings
(``####`` and deeper become heading 3, the deepest the block API has; ``{toggle="true"}`` makes a
toggle heading), ``-``/``*``/``+`` bullets, numbered items, ``- [ ]``/``- [x]`` to-dos, ``>``
quotes (one block per line; ``<br>`` breaks a line), fenced code with its language, ``$$``
equations, ``---`` dividers, ``<details>``/``<summary>`` toggles, ``<callout>``, ``<table>`` and
pipe tables, ``<columns>``, ``![caption](url)`` images and ``<video|audio|file|pdf>`` media,
``<table_of_contents/>``, ``<empty-block/>``, and ``{color="..."}`` after a block's first line.
``<page>``, ``<database>`` and ``<unknown>`` tags name existing objects to keep in place.
Anything else is a paragraph. Used by the page Markdown endpoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.identity import parse_uuid
from reconciler.emulator.markdown_inline import api_color, attributes, parse_inline

__all__ = ["Node", "parse_markdown"]

_ATTRS = re.compile(r'(?<!\\)\{((?:\s*[a-zA-Z-]+="[^"]*")+)\s*\}\s*$')
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_TO_DO_ITEM = re.compile(r"^[-*+]\s+\[([ xX])\](?:\s+(.*))?$")
_BULLET = re.compile(r"^[-*+](?:\s+(.*))?$")
_NUMBERED = re.compile(r"^\d{1,9}[.)](?:\s+(.*))?$")
_DIVIDER = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^`\s]*)")
_IMAGE = re.compile(r"^!\[(.*)\]\((\S*)\)$")
_SELF_CLOSING = re.compile(r"^<([a-z_-]+)((?:\s+[a-zA-Z-]+=\"[^\"]*\")*)\s*/>$")
_ELEMENT = re.compile(r"^<([a-z_-]+)((?:\s+[a-zA-Z-]+=\"[^\"]*\")*)\s*>(.*)</\1>$")
_OPENING = re.compile(r"^<(details|callout|table|columns|column)\b([^>]*)>(.*)$")
_ID = re.compile(r"([0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})")
_MEDIA = ("video", "audio", "file", "pdf")
_ALIASES = {"py": "python", "js": "javascript", "ts": "typescript", "sh": "shell",
            "yml": "yaml", "md": "markdown", "rb": "ruby", "cs": "c#", "cpp": "c++",
            "plaintext": "plain text", "text": "plain text", "txt": "plain text"}  # fmt: skip


@dataclass
class Node:
    """A block to create (request-shaped, without ``children``), or an existing one to keep."""

    block: dict[str, Any]
    children: list[Node] = field(default_factory=list)
    keep: str | None = None
    """The id of an existing sub-page, database or block named by a tag."""
    source: str = ""
    """The block's own Markdown (its lines, blank lines dropped)."""


@dataclass
class _Lines:
    lines: list[str]
    at: int = 0

    def skip_blank(self) -> None:
        while self.at < len(self.lines) and not self.lines[self.at].strip():
            self.at += 1

    def done(self) -> bool:
        return self.at >= len(self.lines)


def parse_markdown(text: str) -> list[Node]:
    """The top-level blocks of a Markdown text."""
    lines = _Lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _sequence(lines, -1)


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


def _sequence(lines: _Lines, parent_width: int, *, columns: bool = False) -> list[Node]:
    """The blocks whose lines are indented deeper than ``parent_width`` (a ``<column>`` outside
    ``<columns>`` gives its blocks)."""
    nodes: list[Node] = []
    while True:
        lines.skip_blank()
        if lines.done() or _width(lines.lines[lines.at]) <= parent_width:
            return nodes
        start = lines.at
        made = _block(lines)
        source = "\n".join(line.rstrip() for line in lines.lines[start : lines.at] if line.strip())
        for node in made:
            node.source = node.source or source
            is_column = node.block.get("type") == "column"
            nodes.extend(node.children if is_column and not columns else [node])


def _block(lines: _Lines) -> list[Node]:
    """The block starting at the current line (with its children); a heading that cannot hold
    children gives them back as its followers."""
    line = lines.lines[lines.at]
    width = _width(line)
    text = line.strip()
    fence = _FENCE.match(text)
    if fence is not None:
        return [_code(lines, width, fence.group(1), fence.group(2))]
    if text == "$$":
        return [_equation(lines, width)]
    opening = _OPENING.match(text)
    if opening is not None:
        return [_container(lines, opening.group(1), opening.group(2), opening.group(3))]
    if text.startswith("|") and _is_pipe_table(lines):
        return [_pipe_table(lines)]
    lines.at += 1
    text, attrs = _split_attributes(text)
    node = _line_block(text, attrs)
    children = _sequence(lines, width)
    if node.block.get("type", "").startswith("heading_") and attrs.get("toggle") != "true":
        return [node, *children]
    node.children = children
    return [node]


def _split_attributes(text: str) -> tuple[str, dict[str, str]]:
    found = _ATTRS.search(text)
    if found is None:
        return text, {}
    return text[: found.start()].rstrip(), attributes(found.group(1))


def _rich(kind: str, text: str, attrs: dict[str, str], **extra: Any) -> Node:
    content: dict[str, Any] = {"rich_text": parse_inline(text), **extra}
    color = api_color(attrs["color"]) if "color" in attrs else None
    if color is not None:
        content["color"] = color
    return Node({"type": kind, kind: content})


def _line_block(text: str, attrs: dict[str, str]) -> Node:
    """A block written on one line."""
    special = _tag_line(text, attrs)
    if special is not None:
        return special
    heading = _HEADING.match(text)
    if heading is not None:
        level = min(len(heading.group(1)), 3)
        toggle = attrs.get("toggle") == "true"
        return _rich(f"heading_{level}", heading.group(2), attrs, is_toggleable=toggle)
    to_do = _TO_DO_ITEM.match(text)
    if to_do is not None:
        return _rich("to_do", to_do.group(2) or "", attrs, checked=to_do.group(1) != " ")
    if _DIVIDER.match(text):
        return Node({"type": "divider", "divider": {}})
    bullet = _BULLET.match(text)
    if bullet is not None:
        return _rich("bulleted_list_item", bullet.group(1) or "", attrs)
    numbered = _NUMBERED.match(text)
    if numbered is not None:
        return _rich("numbered_list_item", numbered.group(1) or "", attrs)
    if text.startswith(">"):
        return _rich("quote", text[1:].strip(), attrs)
    image = _IMAGE.match(text)
    if image is not None:
        return _media("image", image.group(2), image.group(1))
    return _rich("paragraph", text, attrs)


def _tag_line(text: str, attrs: dict[str, str]) -> Node | None:
    """A one-line tag: an empty block, a table of contents, a reference, or a media block."""
    closing = _SELF_CLOSING.match(text)
    element = _ELEMENT.match(text)
    found = closing or element
    if found is None:
        return None
    name, tag = found.group(1), attributes(found.group(2))
    inner = element.group(3) if element is not None else ""
    if name == "empty-block":
        return _rich("paragraph", "", attrs)
    if name == "table_of_contents":
        color = api_color(tag.get("color", "default")) or "default"
        return Node({"type": "table_of_contents", "table_of_contents": {"color": color}})
    if name in ("page", "database", "unknown"):
        return _reference(tag.get("url", ""), text)
    if name in _MEDIA:
        return _media(name, tag.get("src", ""), inner)
    return None


def _reference(url: str, text: str) -> Node:
    """A tag naming an existing object: the id after ``#`` (a block) or in the path."""
    fragment = url.partition("#")[2]
    found = _ID.search(fragment) or _ID.search(url.partition("#")[0])
    keep = parse_uuid(found.group(1)) if found else None
    if keep is None:
        return _rich("paragraph", text, {})
    return Node({}, keep=keep)


def _media(kind: str, url: str, caption: str) -> Node:
    content = {"type": "external", "external": {"url": url}, "caption": parse_inline(caption)}
    return Node({"type": kind, kind: content})


def _code(lines: _Lines, width: int, fence: str, info: str) -> Node:
    lines.at += 1
    body: list[str] = []
    while not lines.done():
        line = lines.lines[lines.at]
        lines.at += 1
        stripped = line.strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            break
        body.append(_dedent(line, width))
    language = _ALIASES.get(info.lower(), info.lower()) or "plain text"
    content = {"rich_text": _literal("\n".join(body)), "language": language}
    return Node({"type": "code", "code": content})


def _literal(text: str) -> list[dict[str, Any]]:
    """Text taken as it is (code), in runs a request accepts (Notion joins them again)."""
    return [
        {"type": "text", "text": {"content": text[n : n + 1000]}} for n in range(0, len(text), 1000)
    ]


def _equation(lines: _Lines, width: int) -> Node:
    lines.at += 1
    body: list[str] = []
    while not lines.done():
        line = lines.lines[lines.at]
        lines.at += 1
        if line.strip() == "$$":
            break
        body.append(_dedent(line, width))
    return Node({"type": "equation", "equation": {"expression": "\n".join(body).strip()}})


def _dedent(line: str, width: int) -> str:
    """A line with up to ``width`` columns of indentation taken off."""
    taken = 0
    at = 0
    while at < len(line) and line[at] in " \t" and taken < width:
        taken += 4 - taken % 4 if line[at] == "\t" else 1
        at += 1
    return line[at:]


def _inner_lines(lines: _Lines, name: str, first: str) -> list[str]:
    """The lines up to the tag's matching close (nested tags of the same name counted)."""
    inner = [first] if first.strip() else []
    opening = re.compile(rf"^<{name}[\s>]")
    depth = 0
    while not lines.done():
        line = lines.lines[lines.at]
        lines.at += 1
        stripped = line.strip()
        if opening.match(stripped):
            depth += 1
        elif stripped.startswith(f"</{name}>"):
            if depth == 0:
                return inner
            depth -= 1
        inner.append(line)
    return inner


def _container(lines: _Lines, name: str, tag_text: str, rest: str) -> Node:
    """A block written as a tag around lines: toggle, callout, table, columns."""
    lines.at += 1
    close = f"</{name}>"
    if rest.rstrip().endswith(close):
        body = rest.rstrip()[: -len(close)]
        inner = [body] if body.strip() else []
    else:
        inner = _inner_lines(lines, name, rest)
    tag = attributes(tag_text)
    if name == "details":
        return _details(inner, tag)
    if name == "callout":
        return _callout(inner, tag)
    if name == "table":
        return _html_table(inner, tag)
    if name == "column":
        return Node({"type": "column", "column": {}}, _sub(inner))
    return _columns(inner)


def _sub(inner: list[str], *, columns: bool = False) -> list[Node]:
    return _sequence(_Lines(inner), -1, columns=columns)


def _details(inner: list[str], tag: dict[str, str]) -> Node:
    summary = ""
    joined = "\n".join(inner)
    found = re.search(r"<summary>(.*?)</summary>", joined, re.DOTALL)
    if found is not None:
        summary = found.group(1).strip()
        joined = joined[: found.start()] + joined[found.end() :]
    node = _rich("toggle", summary, tag)
    node.children = _sub(joined.split("\n"))
    return node


def _callout(inner: list[str], tag: dict[str, str]) -> Node:
    children = _sub(inner)
    content: dict[str, Any] = {"rich_text": []}
    if children and children[0].block.get("type") == "paragraph" and children[0].keep is None:
        first = children.pop(0)
        content["rich_text"] = first.block["paragraph"]["rich_text"]
        children = first.children + children
    icon = tag.get("icon")
    if icon:
        kind = "external" if icon.startswith("http") else "emoji"
        content["icon"] = {"type": kind, kind: {"url": icon} if kind == "external" else icon}
    color = api_color(tag["color"]) if "color" in tag else None
    if color is not None:
        content["color"] = color
    return Node({"type": "callout", "callout": content}, children)


def _columns(inner: list[str]) -> Node:
    columns = [n for n in _sub(inner, columns=True) if n.block.get("type") == "column"]
    return Node({"type": "column_list", "column_list": {}}, columns)


def _table_node(rows: list[list[str]], column_header: bool, row_header: bool) -> Node:
    width = max((len(r) for r in rows), default=1)
    table_rows = [
        Node({"type": "table_row",
              "table_row": {"cells": [parse_inline(c) for c in r + [""] * (width - len(r))]}})
        for r in rows
    ]  # fmt: skip
    content = {"table_width": width, "has_column_header": column_header,
               "has_row_header": row_header}  # fmt: skip
    return Node({"type": "table", "table": content}, table_rows)


def _html_table(inner: list[str], tag: dict[str, str]) -> Node:
    joined = "\n".join(inner)
    rows = [
        [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", joined, re.DOTALL)
    ]
    return _table_node(rows, tag.get("header-row") == "true", tag.get("header-column") == "true")


def _is_pipe_table(lines: _Lines) -> bool:
    if lines.at + 1 >= len(lines.lines):
        return False
    delimiter = lines.lines[lines.at + 1].strip()
    return bool(re.fullmatch(r"\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?", delimiter))


def _pipe_cells(line: str) -> list[str]:
    text = line.strip().removeprefix("|")
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def _pipe_table(lines: _Lines) -> Node:
    rows = [_pipe_cells(lines.lines[lines.at])]
    lines.at += 2
    while not lines.done() and lines.lines[lines.at].strip().startswith("|"):
        rows.append(_pipe_cells(lines.lines[lines.at]))
        lines.at += 1
    return _table_node(rows, column_header=True, row_header=False)
