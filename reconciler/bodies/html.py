"""Blocks written as HTML for ``export --format html``: every text escaped, only safe links.

Text from Notion or a manifest never becomes markup: each character that means something in
HTML is escaped (``html.escape``, quotes included), link targets and image sources are kept
only with an ``http``, ``https`` or ``mailto`` scheme (anything else, ``javascript:`` say,
leaves the text unlinked), colours become class names from a fixed list, and no attribute is
copied through as written. Consecutive list items share one ``<ul>`` or ``<ol>``. Used by the
package's facade.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Final
from urllib.parse import urlsplit

from reconciler.bodies.blocks import Block
from reconciler.bodies.inline import Run

__all__ = ["render_html", "safe_url"]

_SAFE_SCHEMES: Final = frozenset(("http", "https", "mailto"))
_LISTS: Final = {"bullet": "ul", "number": "ol", "todo": "ul"}


def safe_url(url: str) -> str | None:
    """The URL when a browser may follow it (http, https, mailto), else None."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in _SAFE_SCHEMES else None


def _text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _run(run: Run) -> str:
    style = run.style
    if run.kind == "equation":
        inner = f'<code class="equation">{_text(run.text)}</code>'
    elif run.kind == "mention":
        attributes = dict(run.attributes)
        shown = run.text or attributes.get("start") or attributes.get("url", "")
        inner = f'<span class="mention">{_text(shown)}</span>'
    else:
        inner = _text(run.text)
        if style.code:
            inner = f"<code>{inner}</code>"
    for flag, tag in (
        (style.strikethrough, "del"),
        (style.italic, "em"),
        (style.bold, "strong"),
        (style.underline, "u"),
    ):
        if flag:
            inner = f"<{tag}>{inner}</{tag}>"
    link = safe_url(style.link) if style.link else None
    if link is not None:
        inner = f'<a href="{_text(link)}">{inner}</a>'
    if style.color != "default":
        inner = f'<span class="color-{_text(style.color)}">{inner}</span>'
    return inner


def _runs(runs: Iterable[Run]) -> str:
    return "".join(_run(run) for run in runs)


def _class(block: Block) -> str:
    return "" if block.color == "default" else f' class="color-{_text(block.color)}"'


def render_html(blocks: Iterable[Block]) -> str:
    """The blocks as an HTML fragment, one element per line."""
    return "\n".join(_sequence(tuple(blocks)))


def _sequence(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    open_list: str | None = None
    for block in blocks:
        wanted = _LISTS.get(block.kind)
        if open_list is not None and wanted != open_list:
            lines.append(f"</{open_list}>")
            open_list = None
        if wanted is not None and open_list is None:
            lines.append(f"<{wanted}>")
            open_list = wanted
        lines.extend(_WRITERS[block.kind](block))
    if open_list is not None:
        lines.append(f"</{open_list}>")
    return lines


def _children(block: Block) -> list[str]:
    return _sequence(block.children)


def _paragraph(block: Block) -> list[str]:
    return [f"<p{_class(block)}>{_runs(block.runs)}</p>", *_children(block)]


def _item(block: Block) -> list[str]:
    box = ""
    if block.kind == "todo":
        checked = " checked" if block.checked else ""
        box = f'<input type="checkbox" disabled{checked}> '
    return [f"<li{_class(block)}>{box}{_runs(block.runs)}", *_children(block), "</li>"]


def _heading(block: Block) -> list[str]:
    tag = f"h{block.level}"
    heading = f"<{tag}{_class(block)}>{_runs(block.runs)}</{tag}>"
    if not block.toggle:
        return [heading]
    return ["<details>", f"<summary>{heading}</summary>", *_children(block), "</details>"]


def _quote(block: Block) -> list[str]:
    return [f"<blockquote{_class(block)}>{_runs(block.runs)}", *_children(block), "</blockquote>"]


def _toggle(block: Block) -> list[str]:
    return [
        f"<details{_class(block)}>",
        f"<summary>{_runs(block.runs)}</summary>",
        *_children(block),
        "</details>",
    ]


def _callout(block: Block) -> list[str]:
    icon = f'<span class="icon">{_text(block.icon)}</span> ' if block.icon else ""
    return [
        '<aside class="callout">',
        f"<p{_class(block)}>{icon}{_runs(block.runs)}</p>",
        *_children(block),
        "</aside>",
    ]


def _code(block: Block) -> list[str]:
    language = f' class="language-{_text(block.language)}"' if block.language else ""
    return [f"<pre><code{language}>{html.escape(block.text, quote=True)}</code></pre>"]


def _equation(block: Block) -> list[str]:
    return [f'<pre class="equation">{html.escape(block.text, quote=True)}</pre>']


def _divider(_block: Block) -> list[str]:
    return ["<hr>"]


def _table(block: Block) -> list[str]:
    lines = ["<table>"]
    for index, row in enumerate(block.cells):
        cells = []
        for column, cell in enumerate(row):
            header = (block.header_row and index == 0) or (block.header_column and column == 0)
            tag = "th" if header else "td"
            cells.append(f"<{tag}>{_runs(cell)}</{tag}>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return [*lines, "</table>"]


def _image(block: Block) -> list[str]:
    source = safe_url(block.text)
    caption = _runs(block.runs)
    if source is None:
        return [f"<p>{caption}</p>"] if caption else []
    return [
        f'<figure><img src="{_text(source)}" alt=""><figcaption>{caption}</figcaption></figure>'
    ]


def _media(block: Block) -> list[str]:
    source = safe_url(block.text)
    caption = _runs(block.runs) or _text(block.media)
    if source is None:
        return [f"<p>{caption}</p>"]
    return [f'<p><a href="{_text(source)}">{caption}</a></p>']


def _nothing(_block: Block) -> list[str]:
    return []


def _columns(block: Block) -> list[str]:
    lines = ['<div class="columns">']
    for column in block.children:
        lines += ['<div class="column">', *_children(column), "</div>"]
    return [*lines, "</div>"]


def _column(block: Block) -> list[str]:
    return _children(block)


def _reference(block: Block) -> list[str]:
    return [f'<p class="reference">{_text(block.text)}</p>']


_WRITERS: Final[dict[str, Callable[[Block], list[str]]]] = {
    "paragraph": _paragraph,
    "bullet": _item,
    "number": _item,
    "todo": _item,
    "quote": _quote,
    "heading": _heading,
    "toggle": _toggle,
    "callout": _callout,
    "code": _code,
    "equation": _equation,
    "divider": _divider,
    "table": _table,
    "image": _image,
    "media": _media,
    "contents": _nothing,
    "columns": _columns,
    "column": _column,
    "reference": _reference,
}
