"""One schema-valid manifest document to a ``DesiredDatabase`` (properties, then rows).

Called by the loader for each document that passed the schema check; problems go to the list
given, and ``None`` comes back when the database cannot be built at all (its declarations are
unusable). Cross-database checks (relations, rollups) come later, in ``references``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import Problem
from reconciler.manifest.declarations import Declarations, declare_properties
from reconciler.manifest.limits import MAX_ROWS
from reconciler.manifest.located import YamlDocument
from reconciler.manifest.pages import PageRules, database_look, read_template
from reconciler.manifest.rows import BuiltRow, RowSource, build_rows
from reconciler.manifest.rows_from import read_rows_from
from reconciler.model import DesiredDatabase
from reconciler.properties import ValueProblem
from reconciler.properties.checks import normalise_id

__all__ = ["BuiltDatabase", "build_database"]


@dataclass(frozen=True)
class BuiltDatabase:
    """A desired database with its document, declarations and located rows.

    ``all_rows`` is False when some row was refused, so the database's keys are not all known.
    """

    database: DesiredDatabase
    document: YamlDocument
    declarations: Declarations
    rows: tuple[BuiltRow, ...]
    all_rows: bool


def _notion_id(document: YamlDocument, field: str, problems: list[Problem]) -> str | None:
    data = document.data
    assert isinstance(data, Mapping)
    raw = data.get(field)
    if not isinstance(raw, str) or not raw.strip():
        return None  # absent, or empty after ${VAR:-}: not set
    try:
        return normalise_id(raw, f"`{field}`")
    except ValueProblem as problem:
        problems.append(
            document.problem((field,), problem.message, problem.hint or "copy the id from Notion")
        )
        return None


def build_database(
    document: YamlDocument, root: Path, problems: list[Problem]
) -> BuiltDatabase | None:
    """The database the document describes; None when its properties are unusable."""
    data = document.data
    assert isinstance(data, dict)
    declarations = declare_properties(document, problems)
    if declarations is None:
        return None
    handle = str(data["database"])
    inline = data.get("rows") or []
    sources = [RowSource(document, ("rows", index)) for index in range(len(inline))]
    before = len(problems)
    sources.extend(read_rows_from(document, declarations, root, problems))
    if len(sources) > MAX_ROWS:
        problems.append(
            document.problem(
                ("rows_from",) if "rows_from" in data else ("rows",),
                f"database {handle!r} has {len(sources):,} rows; a manifest manages at most"
                f" {MAX_ROWS:,} rows per database",
                "split the rows across several databases, or leave the oldest rows unmanaged",
                at_key=True,
            )
        )
        return None
    template = read_template(document, declarations, problems)
    rows = build_rows(handle, sources, declarations, problems, PageRules(root, template))
    icon, cover = database_look(document, problems)
    data_source = data.get("data_source")
    database = DesiredDatabase(
        handle=handle,
        title=str(data["title"]),
        key=declarations.key or "",
        properties=declarations.specs,
        rows=tuple(built.row for built in rows),
        location=document.location(("database",), at_key=True),
        id=_notion_id(document, "id", problems),
        data_source=str(data_source) if data_source else None,
        parent=_notion_id(document, "parent", problems),
        prune=data.get("prune") is True,
        prune_properties=data.get("prune_properties") is True,
        protect=data.get("protect") is True,
        allow_empty=data.get("allow_empty") is True,
        ignore=tuple(str(name) for name in data.get("ignore", ())),
        icon=icon,
        cover=cover,
        body_from=template.text if template is not None else None,
        bodiless=tuple(built.row.key for built in rows if built.body_unfound),
    )
    if not database.title and database.id is None and not document.is_tainted(("id",)):
        problems.append(
            document.problem(
                ("title",),
                f"database {handle!r} has an empty title and no `id`: it is found or created by"
                " its title",
                "give it a title, or set `id:` to the (untitled) database to manage",
            )
        )
        return None
    all_rows = len(rows) == len(sources) and len(problems) == before
    return BuiltDatabase(database, document, declarations, tuple(rows), all_rows)
