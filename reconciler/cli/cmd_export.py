"""``reconciler export [PATH...]``: the live content of the manifests' databases as files.

Loads the manifests, reads their databases through the gateway, and writes one file per
database (``<handle>.yaml``, ``.json`` or ``.csv``; ``reconciler.adopt`` says how values are
written) into a folder, or one database to stdout with ``-o -``; or, with ``--format markdown``
or ``html``, one file per row (properties as front matter, the page's body below) and an index
per database, under ``<folder>/<handle>/``. On a terminal, a progress bar follows the rows of
large databases as they are written; reading many page bodies shows its progress and an ETA.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from reconciler.adopt import (
    FORMATS,
    PAGE_FORMATS,
    Naming,
    Table,
    csv_text,
    json_text,
    naming_of,
    page_files,
    records,
    tables_of,
    with_bodies,
)
from reconciler.adopt import yaml_text as rows_yaml
from reconciler.cli.common import debug_option, note, reports_errors
from reconciler.cli.runtime import (
    BodyProgress,
    load_manifests,
    open_workspace,
    workspace_options,
)
from reconciler.errors import ConfigError
from reconciler.manifest import shown
from reconciler.model import LiveRow
from reconciler.plan import read_live, selected_handles
from reconciler.render import plural

__all__ = ["PROGRESS_FROM_ROWS", "command"]

PROGRESS_FROM_ROWS = 500
"""Databases with at least this many rows get a progress bar (on a terminal only)."""


def _check_format(fmt: str) -> str:
    chosen = fmt.strip().lower()
    if chosen not in (*FORMATS, *PAGE_FORMATS):
        raise ConfigError(
            f"--format {fmt!r} is not an export format",
            hint="use --format yaml, json or csv (a file per database), or markdown or html"
            " (a file per row)",
        )
    return chosen


def _is_terminal() -> bool:
    """Whether stderr, where progress goes, is a terminal."""
    return sys.stderr.isatty()


@contextmanager
def _progress(table: Table) -> Iterator[Iterable[LiveRow]]:
    """The table's rows, behind a progress bar on stderr when it is a terminal and they are many."""
    if len(table.rows) < PROGRESS_FROM_ROWS or not _is_terminal():
        yield table.rows
        return
    with click.progressbar(table.rows, label=f"{table.handle}", file=sys.stderr) as bar:
        yield bar


def _text(fmt: str, table: Table, naming: Naming) -> str:
    with _progress(table) as rows:
        if fmt == "csv":
            return csv_text(table, naming, rows)
        found = records(table, naming, rows)
    writer: Callable[[list[dict[str, object]]], str] = rows_yaml if fmt == "yaml" else json_text
    return writer(found)


def _announce(count: int) -> None:
    """On a terminal: how many databases are about to be read."""
    if _is_terminal():
        note(f"Reading {plural(count, 'database')}...", databases=count)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot write {path} ({exc.strerror})", hint="choose a writable folder with -o DIR"
        ) from None
    return path


@click.command(
    "export",
    epilog="""\b
Examples:
  reconciler export                        every database as YAML into export/
  reconciler export --format csv -o out/   one CSV file per database
  reconciler export --database tasks --format json -o -
                                           one database as JSON on stdout
  reconciler export --local                from the embedded workspace
  reconciler export --format markdown -o site/
                                           a Markdown file per row (front matter, body)
  reconciler export --format html -o site/ an HTML page per row, and an index per database

\b
YAML and JSON: a list of rows in manifest form (usable as `rows_from`).
CSV: a header of property names; lists joined with "; " (\\; inside an item), date ranges
as start/end, place, verification and named files as JSON, text without formatting.
Markdown and HTML: <DIR>/<handle>/<row>.md or .html, and index.md or index.html; page
bodies are read (a request each) for the databases whose manifests manage bodies.
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    default="yaml",
    show_default=True,
    metavar="yaml|json|csv|markdown|html",
    help="File format: a file per database (yaml, json, csv) or per row (markdown, html).",
)
@click.option(
    "-o",
    "--output",
    "output",
    default="export",
    show_default=True,
    metavar="DIR",
    help="Folder for the files (existing ones are replaced); - writes one database to stdout.",
)
@click.option(
    "--database",
    "databases",
    multiple=True,
    metavar="HANDLE",
    help="Export only this database (repeatable); the databases it relates to are read for"
    " their keys.",
)
@workspace_options
@debug_option
@reports_errors
def command(
    *,
    paths: tuple[str, ...],
    fmt: str,
    output: str,
    databases: tuple[str, ...],
    local: bool,
    local_store: str | None,
) -> None:
    """Write the live rows of the manifests' databases as YAML, JSON, CSV, Markdown or HTML.

    YAML, JSON, CSV: one file per database, named after its handle. Markdown, HTML: one file
    per row with its properties and its page's body, and an index per database. Only the
    properties each manifest declares (and does not ignore). A database not created yet is
    named and skipped. Exit codes: 0 done, 1 error.
    """
    chosen = _check_format(fmt)
    desired = load_manifests(paths, local=local)
    selected = selected_handles(desired, databases)
    if output == "-" and (len(selected) != 1 or chosen in PAGE_FORMATS):
        raise ConfigError(
            f"-o - writes one database to stdout as YAML, JSON or CSV ({len(selected)}"
            f" selected, --format {chosen})",
            hint="choose one with --database HANDLE, or write files with -o DIR",
        )
    progress = BodyProgress()
    with open_workspace(
        desired.settings, desired.root, local=local, local_store=local_store
    ) as workspace:
        read = read_live(workspace.gateway, desired, selected, reading=_announce, progress=progress)
        tables, missing = tables_of(desired, read.live, selected)
        if chosen in PAGE_FORMATS:
            tables = with_bodies(workspace.gateway, desired, tables, progress)
    if chosen in PAGE_FORMATS:
        _emit_pages(chosen, Path(output), tables, naming_of(read.live))
    else:
        _emit(chosen, output, tables, naming_of(read.live))
    for handle in missing:
        note(f"{handle}: not exported, its database does not exist yet", database=handle)


def _emit_pages(fmt: str, folder: Path, tables: Sequence[Table], naming: Naming) -> None:
    for table in tables:
        files = page_files(table, naming, fmt)
        for file in files:
            _write(folder, file.path, file.text)
        pages = plural(len(files) - 1, "page")
        click.echo(f"{table.handle}: {pages} written to {shown(folder / table.handle)}")


def _emit(fmt: str, output: str, tables: Sequence[Table], naming: Naming) -> None:
    if output == "-":
        for table in tables:
            click.echo(_text(fmt, table, naming), nl=False)
        return
    for table in tables:
        path = _write(Path(output), f"{table.handle}.{fmt}", _text(fmt, table, naming))
        rows = len(table.rows)
        click.echo(
            f"{table.handle}: {rows} {'row' if rows == 1 else 'rows'} written to {shown(path)}"
        )
