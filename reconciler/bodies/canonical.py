"""Blocks written as canonical Notion-flavoured Markdown: the one form both sides compare in.

The form is Notion's own answer to ``GET /v1/pages/{id}/markdown``: one block per line, no blank
lines, children one tab deeper, ``- `` bullets, numbers counted per list, ``- [x]`` to-dos,
``{color="..."}`` after a block's first line (``_bg`` for backgrounds), tags for toggles,
callouts, tables and columns, code fences with the language Notion stores, inline text as
``inline.render_runs`` writes it, a paragraph's start escaped where it would read as another
block, and ``<empty-block/>`` for an empty paragraph. Sub-pages, databases and mentions are
written by the id they name. Used by the package's facade.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from reconciler.bodies.blocks import Block
from reconciler.bodies.inline import Run, render_runs

__all__ = ["render_markdown"]

_BLOCK_START: Final = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|(?:-\s*){3,}$|(?:_\s*){3,}$)")
_NUMBER_START: Final = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MARKERS: Final = {"bullet": "- ", "quote": "> "}


def render_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as one canonical Markdown text."""
    return "\n".join(_sequence(tuple(blocks), 0))


def _sequence(blocks: tuple[Block, ...], depth: int) -> list[str]:
    lines: list[str] = []
    number = 0
    for block in blocks:
        number = number + 1 if block.kind == "number" else 0
        lines.extend(_block(block, depth, number))
    return lines


def _pad(depth: int) -> str:
    return "\t" * depth


def _line(runs: tuple[Run, ...]) -> str:
    """Rich text filling a line: edge spaces would read as indentation, so they go."""
    return render_runs(runs).strip(" \t")


def _plain_start(text: str) -> str:
    """A paragraph's text, escaped where its start would read as another block."""
    if _BLOCK_START.match(text):
        return "\\" + text
    return _NUMBER_START.sub(lambda found: f"{found.group(1)}\\{found.group(2)}", text, count=1)


def _colour(block: Block) -> str:
    return "" if block.color == "default" else f' {{color="{block.color}"}}'


def _colour_attribute(block: Block) -> str:
    return "" if block.color == "default" else f' color="{block.color}"'


def _text_block(block: Block, depth: int, number: int) -> list[str]:
    text = _line(block.runs)
    if block.kind == "number":
        marker = f"{number}. "
    elif block.kind == "todo":
        marker = "- [x] " if block.checked else "- [ ] "
    else:
        marker = _MARKERS.get(block.kind, "")
    if block.kind == "paragraph":
        text = _plain_start(text) if text else "<empty-block/>"
    first = f"{_pad(depth)}{marker}{text}{_colour(block)}"
    return [first, *_sequence(block.children, depth + 1)]


def _heading(block: Block, depth: int, _number: int) -> list[str]:
    attributes = []
    if block.toggle:
        attributes.append('toggle="true"')
    if block.color != "default":
        attributes.append(f'color="{block.color}"')
    suffix = f" {{{' '.join(attributes)}}}" if attributes else ""
    first = f"{_pad(depth)}{'#' * block.level} {_line(block.runs)}{suffix}"
    children = _sequence(block.children, depth + 1) if block.toggle else []
    return [first, *children]


def _toggle(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    return [
        f"{pad}<details{_colour_attribute(block)}>",
        f"{pad}<summary>{_line(block.runs)}</summary>",
        *_sequence(block.children, depth + 1),
        f"{pad}</details>",
    ]


def _callout(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    icon = f' icon="{block.icon}"' if block.icon else ""
    lines = [f"{pad}<callout{icon}{_colour_attribute(block)}>"]
    text = _line(block.runs)
    if text:
        lines.append(f"{pad}\t{_plain_start(text)}")
    elif block.children and block.children[0].kind == "paragraph":
        lines.append(f"{pad}\t<empty-block/>")  # else that paragraph would read as the text
    return [*lines, *_sequence(block.children, depth + 1), f"{pad}</callout>"]


def _code(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    fence = "```"
    while fence in block.text:
        fence += "`"
    body = [pad + line for line in block.text.split("\n")]
    return [f"{pad}{fence}{block.language}", *body, f"{pad}{fence}"]


def _equation(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    return [f"{pad}$$", *(pad + line for line in block.text.split("\n")), f"{pad}$$"]


def _divider(_block: Block, depth: int, _number: int) -> list[str]:
    return [f"{_pad(depth)}---"]


def _table(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    attributes = ""
    if block.header_row:
        attributes += ' header-row="true"'
    if block.header_column:
        attributes += ' header-column="true"'
    lines = [f"{pad}<table{attributes}>"]
    for row in block.cells:
        lines.append(f"{pad}\t<tr>")
        lines.extend(f"{pad}\t\t<td>{_line(cell)}</td>" for cell in row)
        lines.append(f"{pad}\t</tr>")
    return [*lines, f"{pad}</table>"]


def _image(block: Block, depth: int, _number: int) -> list[str]:
    return [f"{_pad(depth)}![{render_runs(block.runs)}]({block.text})"]


def _media(block: Block, depth: int, _number: int) -> list[str]:
    kind = block.media
    return [f'{_pad(depth)}<{kind} src="{block.text}">{render_runs(block.runs)}</{kind}>']


def _contents(block: Block, depth: int, _number: int) -> list[str]:
    return [f"{_pad(depth)}<table_of_contents{_colour_attribute(block)}/>"]


def _columns(block: Block, depth: int, _number: int) -> list[str]:
    pad = _pad(depth)
    lines = [f"{pad}<columns>"]
    for column in block.children:
        lines += [f"{pad}\t<column>", *_sequence(column.children, depth + 2), f"{pad}\t</column>"]
    return [*lines, f"{pad}</columns>"]


def _column(block: Block, depth: int, _number: int) -> list[str]:
    return _sequence(block.children, depth)  # a column outside columns: its blocks


def _reference(block: Block, depth: int, _number: int) -> list[str]:
    return [f"{_pad(depth)}{block.text}"]


_Writer = Callable[[Block, int, int], list[str]]
_WRITERS: Final[dict[str, _Writer]] = {
    "paragraph": _text_block,
    "bullet": _text_block,
    "number": _text_block,
    "todo": _text_block,
    "quote": _text_block,
    "heading": _heading,
    "toggle": _toggle,
    "callout": _callout,
    "code": _code,
    "equation": _equation,
    "divider": _divider,
    "table": _table,
    "image": _image,
    "media": _media,
    "contents": _contents,
    "columns": _columns,
    "column": _column,
    "reference": _reference,
}


def _block(block: Block, depth: int, number: int) -> list[str]:
    return _WRITERS[block.kind](block, depth, number)
