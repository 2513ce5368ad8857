"""Live rows as one file per page: Markdown with front matter, or HTML; and an index per database.

``page_files(table, naming, fmt)`` gives, for ``export --format markdown``, each row as
``<handle>/<name>.md``: its properties in manifest form as YAML front matter (the page's icon
and cover as ``_icon`` and ``_cover``), then its body as Notion answered it; and
``<handle>/index.md`` listing the rows. With ``html``: ``<name>.html`` pages with the
properties as a table and the body as HTML, every text escaped and only web and mail links kept
(``reconciler.bodies.body_html``), and ``index.html``. File names come from the rows' keys
(letters, digits and ``-``; unique per database). A row whose body was not read (its database
manages no bodies) has properties only. Called by the ``export`` command.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from reconciler.adopt.rows import Table, records
from reconciler.adopt.values import Naming
from reconciler.bodies import body_html
from reconciler.manifest.yaml_writer import dump_yaml
from reconciler.model import DesiredState, LiveRow
from reconciler.notion import BodyProgress, Gateway

__all__ = ["PAGE_FORMATS", "PageFile", "file_names", "page_files", "with_bodies"]

PAGE_FORMATS: Final = ("markdown", "html")
_EXTENSIONS: Final = {"markdown": "md", "html": "html"}
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|~()!])")


@dataclass(frozen=True)
class PageFile:
    """One file of a page export: its path (``<handle>/<name>.<ext>``) and text."""

    path: str
    text: str


def file_names(rows: Iterable[LiveRow]) -> dict[str, str]:
    """A file name per row (by page id), from its key, unique among the rows."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for row in rows:
        folded = unicodedata.normalize("NFKD", row.key or "").encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].strip("-") or "row"
        name, number = base, 2
        while name in used or name == "index":
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        names[row.page_id] = name
    return names


def _record(table: Table, naming: Naming, row: LiveRow) -> dict[str, object]:
    (record,) = records(table, naming, [row])
    for field, value in (("_icon", row.icon), ("_cover", row.cover)):
        if value:
            record[field] = value
    return record


def _markdown_page(record: Mapping[str, object], row: LiveRow) -> str:
    front = dump_yaml(dict(record), manifest=False) if record else "{}\n"
    body = row.body.markdown.rstrip("\n") + "\n" if row.body and row.body.markdown else ""
    return f"---\n{front}---\n{body}"


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _html_page(title: str, record: Mapping[str, object], row: LiveRow) -> str:
    cells = "\n".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(_shown(value))}</td></tr>"
        for name, value in record.items()
        if name not in ("_icon", "_cover")
    )
    icon = f"{html.escape(row.icon)} " if row.icon and not row.icon.startswith("https:") else ""
    body = body_html(row.body.markdown) if row.body else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>{icon}{html.escape(title)}</h1>\n"
        f'<table class="properties">\n{cells}\n</table>\n'
        f"<article>\n{body}\n</article>\n</body>\n</html>\n"
    )


def _literal(text: str) -> str:
    """Text shown as itself in Markdown (its special characters escaped, one line)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _index(table: Table, fmt: str, names: Mapping[str, str]) -> PageFile:
    extension = _EXTENSIONS[fmt]
    listed = [(row.key or row.page_id, names[row.page_id]) for row in table.rows]
    if fmt == "markdown":
        lines = [f"- [{_literal(key)}]({name}.md)" for key, name in listed]
        text = f"# {_literal(table.handle)}\n\n" + "\n".join(lines) + "\n"
    else:
        items = "\n".join(
            f'<li><a href="{name}.html">{html.escape(key)}</a></li>' for key, name in listed
        )
        text = (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(table.handle)}</title>\n</head>\n<body>\n"
            f"<h1>{html.escape(table.handle)}</h1>\n<ul>\n{items}\n</ul>\n</body>\n</html>\n"
        )
    return PageFile(f"{table.handle}/index.{extension}", text)


def with_bodies(
    gateway: Gateway,
    desired: DesiredState,
    tables: Sequence[Table],
    progress: BodyProgress | None = None,
) -> list[Table]:
    """The tables with every row's body, for the databases whose manifests manage bodies
    (a ``body_from`` template, or rows with ``_body`` or ``_body_from``); the others as they
    are: page content is read only where a manifest names it."""
    out: list[Table] = []
    for table in tables:
        database = desired.database(table.handle)
        manages = database is not None and (
            database.body_from is not None or any(row.body for row in database.rows)
        )
        unread = [row for row in table.rows if row.body is None]
        if not manages or not unread:
            out.append(table)
            continue
        bodies = gateway.read_bodies(unread, database=table.handle, progress=progress)
        rows = tuple(
            dataclasses.replace(row, body=bodies.get(row.page_id, row.body)) for row in table.rows
        )
        out.append(dataclasses.replace(table, rows=rows))
    return out


def page_files(table: Table, naming: Naming, fmt: str) -> list[PageFile]:
    """Every row of the table as a page file, then the database's index."""
    names = file_names(table.rows)
    extension = _EXTENSIONS[fmt]
    files: list[PageFile] = []
    for row in table.rows:
        record = _record(table, naming, row)
        text = (
            _markdown_page(record, row)
            if fmt == "markdown"
            else _html_page(row.key or row.page_id, record, row)
        )
        files.append(PageFile(f"{table.handle}/{names[row.page_id]}.{extension}", text))
    return [*files, _index(table, fmt, names)]
