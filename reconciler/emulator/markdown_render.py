"""A page's blocks as Notion-flavoured Markdown, as ``GET /v1/pages/{id}/markdown`` returns them.

One block per line (blocks are separated by a single newline, never a blank line), children one
tab deeper, block colours as ``{color="..."}`` after the first line, and Notion's tags for what
plain Markdown lacks: ``<details>``/``<summary>`` toggles, ``<callout>``, ``<table>``,
``<columns>``, ``<page>``/``<database>`` for sub-pages and databases, ``<empty-block/>``. A block
the format cannot express (bookmark, embed, link preview, breadcrumb, ...) becomes
``<unknown url="..." alt="<type>"/>`` and its id is listed; so does a block left out because the
page is past the block cap (``truncated``), or a sub-page the integration cannot see
(``truncated`` too, as Notion reports it). Used by the page Markdown endpoints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.identity import compact
from reconciler.emulator.markdown_inline import markdown_color, render_inline
from reconciler.emulator.richtext import plain_text
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import UNTITLED_DATABASE, Caller, Workspace

__all__ = ["ChildrenOf", "RenderedPage", "render_blocks"]

_LIST_MARKERS = {"bulleted_list_item": "- ", "quote": "> "}
_MEDIA = ("video", "audio", "file", "pdf")


@dataclass
class RenderedPage:
    """A page's Markdown, top-level block by top-level block, and what it could not show."""

    chunks: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unknown_block_ids: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def markdown(self) -> str:
        """The whole Markdown text."""
        return "\n".join(self.chunks)

    def spans(self) -> list[tuple[int, int]]:
        """Where each top-level block's text starts and ends in :attr:`markdown`."""
        out: list[tuple[int, int]] = []
        at = 0
        for chunk in self.chunks:
            out.append((at, at + len(chunk)))
            at += len(chunk) + 1
        return out


ChildrenOf = Callable[[str], list[Row]]
"""The blocks under a block or page, in order (the store's, or those of blocks not yet stored)."""


@dataclass
class _Renderer:
    ws: Workspace
    caller: Caller
    page_id: str
    budget: int
    children_of: ChildrenOf
    page: RenderedPage = field(default_factory=RenderedPage)

    def children(self, parent_id: str) -> list[Row]:
        return [c for c in self.children_of(parent_id) if not c.in_trash]

    def block(self, row: Row, depth: int, number: int) -> list[str]:
        """The lines of one block and its children (indented ``depth`` tabs)."""
        if self.budget <= 0:
            self.page.truncated = True
            return self.unknown(row, depth)
        self.budget -= 1
        if not self.ws.visible(row, self.caller):
            self.page.truncated = True
            return self.unknown(row, depth)
        if row.kind in ("page", "database"):
            return [_indent(depth) + self.reference(row)]
        kind = row.body["type"]
        render = _RENDERERS.get(kind)
        if render is None:
            return self.unknown(row, depth)
        return render(self, row, depth, number)

    def nested(self, parent_id: str, depth: int) -> list[str]:
        """The lines of a block's children, numbered lists counted."""
        lines: list[str] = []
        number = 0
        for child in self.children(parent_id):
            is_numbered = child.kind == "block" and child.body["type"] == "numbered_list_item"
            number = number + 1 if is_numbered else 0
            lines.extend(self.block(child, depth, number))
        return lines

    def unknown(self, row: Row, depth: int) -> list[str]:
        self.page.unknown_block_ids.append(row.id)
        kind = {"page": "child_page", "database": "child_database"}.get(row.kind)
        alt = kind or str(row.body.get("type"))
        url = f"https://www.notion.so/{compact(self.page_id)}#{compact(row.id)}"
        return [f'{_indent(depth)}<unknown url="{url}" alt="{alt}"/>']

    def reference(self, row: Row) -> str:
        url = f"https://www.notion.so/{compact(row.id)}"
        if row.kind == "page":
            return f'<page url="{url}">{_text(self.ws.page_title(row))}</page>'
        title = plain_text(row.body.get("title", [])) or UNTITLED_DATABASE
        inline = "true" if row.body.get("is_inline") else "false"
        return f'<database url="{url}" inline="{inline}">{_text(title)}</database>'


def render_blocks(
    ws: Workspace,
    page_id: str,
    rows: list[Row],
    caller: Caller,
    *,
    cap: int,
    children_of: ChildrenOf | None = None,
) -> RenderedPage:
    """These top-level blocks (a page's children, or one block) as Markdown, at most ``cap``."""
    renderer = _Renderer(ws, caller, page_id, cap, children_of or ws.store.children)
    number = 0
    for row in rows:
        is_numbered = row.kind == "block" and row.body["type"] == "numbered_list_item"
        number = number + 1 if is_numbered else 0
        renderer.page.chunks.append("\n".join(renderer.block(row, 0, number)))
        renderer.page.rows.append(row)
    return renderer.page


def _indent(depth: int) -> str:
    return "\t" * depth


def _line(items: list[dict[str, Any]]) -> str:
    """Rich text as it fills a line: edge spaces would read as indentation, so they are left
    out (as Notion leaves them out)."""
    return render_inline(items).strip(" \t")


_BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+](?:\s|$)|(?:-\s*){3,}$|(?:_\s*){3,}$)")
_NUMBER_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def _plain_start(text: str) -> str:
    """A paragraph's text, escaped where its start would read as a heading, list or divider."""
    if _BLOCK_START.match(text):
        return "\\" + text
    return _NUMBER_START.sub(lambda found: f"{found.group(1)}\\{found.group(2)}", text, count=1)


def _text(plain: str) -> str:
    return render_inline([{"type": "text", "text": {"content": plain}, "annotations": {}}])


def _color(content: dict[str, Any]) -> str:
    color = content.get("color") or "default"
    return "" if color == "default" else f' {{color="{markdown_color(color)}"}}'


def _color_attribute(content: dict[str, Any]) -> str:
    color = content.get("color") or "default"
    return "" if color == "default" else f' color="{markdown_color(color)}"'


def _text_block(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    """Paragraphs, list items, to-dos, quotes: a marker, the text, the colour, the children."""
    kind, content = row.body["type"], row.body["content"]
    text = _line(content.get("rich_text", []))
    if kind == "numbered_list_item":
        marker = f"{max(number, 1)}. "
    elif kind == "to_do":
        marker = "- [x] " if content.get("checked") else "- [ ] "
    else:
        marker = _LIST_MARKERS.get(kind, "")
    if kind == "paragraph":
        text = _plain_start(text) if text else "<empty-block/>"
    first = f"{_indent(depth)}{marker}{text}{_color(content)}"
    return [first, *r.nested(row.id, depth + 1)]


def _heading(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del number
    content = row.body["content"]
    level = int(row.body["type"][-1])
    attributes = []
    if content.get("is_toggleable"):
        attributes.append('toggle="true"')
    if (content.get("color") or "default") != "default":
        attributes.append(f'color="{markdown_color(content["color"])}"')
    suffix = f" {{{' '.join(attributes)}}}" if attributes else ""
    first = f"{_indent(depth)}{'#' * level} {_line(content.get('rich_text', []))}{suffix}"
    children = r.nested(row.id, depth + 1) if content.get("is_toggleable") else []
    return [first, *children]


def _toggle(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del number
    content, pad = row.body["content"], _indent(depth)
    return [
        f"{pad}<details{_color_attribute(content)}>",
        f"{pad}<summary>{_line(content.get('rich_text', []))}</summary>",
        *r.nested(row.id, depth + 1),
        f"{pad}</details>",
    ]


def _callout(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del number
    content, pad = row.body["content"], _indent(depth)
    icon = content.get("icon") or {}
    shown = icon.get("emoji") or (icon.get("external") or {}).get("url")
    icon_attribute = f' icon="{shown}"' if shown else ""
    text = _line(content.get("rich_text", []))
    lines = [f"{pad}<callout{icon_attribute}{_color_attribute(content)}>"]
    if text:
        lines.append(f"{pad}\t{text}")
    return [*lines, *r.nested(row.id, depth + 1), f"{pad}</callout>"]


def _code(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del r, number
    content, pad = row.body["content"], _indent(depth)
    code = plain_text(content.get("rich_text", []))
    language = str(content.get("language") or "plain text")
    fence = "```"
    while fence in code:
        fence += "`"
    info = "" if language == "plain text" else language
    return [f"{pad}{fence}{info}", *(pad + line for line in code.split("\n")), f"{pad}{fence}"]


def _equation(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del r, number
    pad = _indent(depth)
    expression = str(row.body["content"].get("expression", ""))
    return [f"{pad}$$", *(pad + line for line in expression.split("\n")), f"{pad}$$"]


def _divider(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del r, row, number
    return [f"{_indent(depth)}---"]


def _table(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del number
    content, pad = row.body["content"], _indent(depth)
    attributes = ""
    if content.get("has_column_header"):
        attributes += ' header-row="true"'
    if content.get("has_row_header"):
        attributes += ' header-column="true"'
    lines = [f"{pad}<table{attributes}>"]
    for table_row in r.children(row.id):
        r.budget -= 1
        cells = table_row.body["content"].get("cells", [])
        lines.append(f"{pad}\t<tr>")
        lines.extend(f"{pad}\t\t<td>{_line(cell)}</td>" for cell in cells)
        lines.append(f"{pad}\t</tr>")
    return [*lines, f"{pad}</table>"]


def _media(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del r, number
    kind, content = row.body["type"], row.body["content"]
    url = (content.get("external") or content.get("file") or {}).get("url", "")
    caption = render_inline(content.get("caption", []))
    if kind == "image":
        return [f"{_indent(depth)}![{caption}]({url})"]
    return [f'{_indent(depth)}<{kind} src="{url}">{caption}</{kind}>']


def _table_of_contents(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del r, number
    return [f"{_indent(depth)}<table_of_contents{_color_attribute(row.body['content'])}/>"]


def _columns(r: _Renderer, row: Row, depth: int, number: int) -> list[str]:
    del number
    pad = _indent(depth)
    lines = [f"{pad}<columns>"]
    for column in r.children(row.id):
        r.budget -= 1
        lines += [f"{pad}\t<column>", *r.nested(column.id, depth + 2), f"{pad}\t</column>"]
    return [*lines, f"{pad}</columns>"]


_Render = Callable[[_Renderer, Row, int, int], list[str]]
_RENDERERS: dict[str, _Render] = {
    "paragraph": _text_block,
    "bulleted_list_item": _text_block,
    "numbered_list_item": _text_block,
    "to_do": _text_block,
    "quote": _text_block,
    "heading_1": _heading,
    "heading_2": _heading,
    "heading_3": _heading,
    "toggle": _toggle,
    "callout": _callout,
    "code": _code,
    "equation": _equation,
    "divider": _divider,
    "table": _table,
    "image": _media,
    **dict.fromkeys(_MEDIA, _media),
    "table_of_contents": _table_of_contents,
    "column_list": _columns,
}
