"""Each row's page as the manifest asks for it: the reserved keys, and the database's template.

A row may set ``_body`` (Notion-flavoured Markdown), ``_body_from`` (a Markdown file, relative
to the file the row is written in), ``_icon`` (an emoji or an https URL) and ``_cover`` (an https
URL); a database may set ``body_from: "content/{Slug}.md"``, a path template over each row's
values (``{{`` and ``}}`` for braces), and its own ``icon`` and ``cover``. Body files follow the
rules of ``rows_from`` files: inside the repository once links are resolved, UTF-8 text within
the size limit. A row's own ``_body`` or ``_body_from`` wins over the template; a templated file
that does not exist leaves that row's body unmanaged (the database lists those rows once), while a
``_body_from`` file that does not exist is a problem. A body file that starts with YAML front
matter is refused: Notion would show it as text. Called by the row and database builders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Final

from reconciler.errors import Problem
from reconciler.manifest.declarations import RESERVED_KEYS, Declarations, did_you_mean
from reconciler.manifest.located import DataPath, YamlDocument
from reconciler.manifest.source import FileProblem, read_source
from reconciler.model import JSON, DesiredBody, PropertySpec
from reconciler.properties import ValueProblem, codec_for
from reconciler.properties.look import cover_from_manifest, icon_from_manifest

__all__ = [
    "RESERVED_KEYS",
    "BodyTemplate",
    "PageParts",
    "PageRules",
    "database_look",
    "page_parts",
    "read_template",
    "template_file",
]

_TEMPLATE_TYPES: Final = frozenset(
    {"title", "rich_text", "number", "url", "email", "phone_number", "select", "status"}
)
_FIELD: Final = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FRONT_MATTER: Final = re.compile(r"\A---[ \t]*\n(?:[^\n]*\n)*?---[ \t]*(?:\n|\Z)")
_FRONT_MATTER_KEY: Final = re.compile(r"^[A-Za-z_][\w -]*:(?:\s|$)", re.MULTILINE)


@dataclass(frozen=True)
class BodyTemplate:
    """A database's ``body_from``: literal text and property names, in order."""

    text: str
    parts: tuple[tuple[bool, str], ...]
    """(is a property name, text) pieces."""
    manifest: YamlDocument | None
    """The manifest that sets it (None: a template filled for a row not written yet)."""

    def path_for(self, values: Mapping[str, JSON], declarations: Declarations) -> str | None:
        """The template filled in with a row's values; None when one of them is empty."""
        filled: list[str] = []
        for is_name, text in self.parts:
            if not is_name:
                filled.append(text)
                continue
            value = _text_of(values.get(text), declarations, text)
            if not value:
                return None
            filled.append(value)
        return "".join(filled)


def _text_of(value: JSON, declarations: Declarations, name: str) -> str | None:
    spec = declarations.spec(name)
    if spec is None or value is None:
        return None
    if spec.type in ("select", "status"):
        return str(value) if value else None
    try:
        return codec_for(spec.type).key_text(value)
    except ValueProblem:
        return None


def read_template(
    document: YamlDocument, declarations: Declarations, problems: list[Problem]
) -> BodyTemplate | None:
    """The database's ``body_from`` template, checked against its properties."""
    data = document.data
    raw = data.get("body_from") if isinstance(data, Mapping) else None
    if not isinstance(raw, str) or not raw.strip():
        return None
    parts, field_problems = _template_parts(raw, declarations)
    for message, hint in field_problems:
        problems.append(document.problem(("body_from",), message, hint))
    usable = not field_problems
    if usable and not any(is_name for is_name, _ in parts):
        problems.append(
            document.problem(
                ("body_from",),
                f"body_from {raw!r} names no property: every row would share one body file",
                "name a property whose value differs per row, e.g. content/{Slug}.md",
            )
        )
        usable = False
    kept = tuple((is_name, text) for is_name, text in parts if is_name or text)
    return BodyTemplate(raw, kept, document) if usable else None


def _template_parts(
    raw: str, declarations: Declarations
) -> tuple[list[tuple[bool, str]], list[tuple[str, str]]]:
    """The template's (is a property name, text) pieces, and (message, hint) of each field that
    names no usable property."""
    parts: list[tuple[bool, str]] = []
    problems: list[tuple[str, str]] = []
    at = 0
    for found in _FIELD.finditer(raw):
        parts.append((False, raw[at : found.start()]))
        at = found.end()
        token = found.group(0)
        if token in ("{{", "}}"):
            parts.append((False, token[0]))
            continue
        name = found.group(1)
        problem = _field_problem(name, declarations)
        if problem is not None:
            problems.append(problem)
            continue
        parts.append((True, str(name)))
    parts.append((False, raw[at:]))
    return parts, problems


def template_file(
    body_from: str, values: Mapping[str, JSON], specs: Sequence[PropertySpec]
) -> str | None:
    """The file a database's ``body_from`` names for a row of these canonical values (relative
    to the manifest's folder); None when a value it names is empty or it names no property."""
    declarations = Declarations(tuple(specs), {}, None, frozenset())
    parts, problems = _template_parts(body_from, declarations)
    if problems or not any(is_name for is_name, _ in parts):
        return None
    return BodyTemplate(body_from, tuple(parts), None).path_for(values, declarations)


def _field_problem(name: str | None, declarations: Declarations) -> tuple[str, str] | None:
    declared = [spec.name for spec in declarations.specs]
    if name is None:
        return ("body_from has an unmatched brace", "write {{ and }} for a literal brace")
    spec = declarations.spec(name)
    if spec is None:
        return (
            f"body_from names {name!r}, which is not declared" + did_you_mean(name, declared),
            "name declared properties in braces, e.g. content/{Slug}.md",
        )
    if spec.type not in _TEMPLATE_TYPES:
        return (
            f"body_from names {name!r}, a {spec.type} property: its values are not text",
            "use a text, number, url, email, phone, select or status property",
        )
    return None


@dataclass(frozen=True)
class PageRules:
    """What the rows of one database need to find their pages' parts: the repository root
    (body files stay inside it) and the database's ``body_from`` template, if any."""

    root: Path
    template: BodyTemplate | None = None


@dataclass(frozen=True)
class PageParts:
    """What a row says about its page; ``usable`` False when any of it is wrong."""

    icon: str | None = None
    cover: str | None = None
    body: DesiredBody | None = None
    unfound: bool = False
    """The template names a file that does not exist: the body is not managed."""
    usable: bool = True


def database_look(document: YamlDocument, problems: list[Problem]) -> tuple[str | None, str | None]:
    """The database's ``icon`` and ``cover`` (None: not managed)."""
    data = document.data
    assert isinstance(data, Mapping)
    found: list[str | None] = []
    for field, reader in (("icon", icon_from_manifest), ("cover", cover_from_manifest)):
        if field not in data:
            found.append(None)
            continue
        try:
            found.append(reader(data[field], f"`{field}`"))
        except ValueProblem as problem:
            problems.append(document.problem((field,), problem.message, problem.hint))
            found.append(None)
    return found[0], found[1]


def page_parts(
    document: YamlDocument,
    path: DataPath,
    raw: Mapping[str, object],
    *,
    root: Path,
    template: tuple[BodyTemplate, Declarations, Mapping[str, JSON]] | None,
    problems: list[Problem],
) -> PageParts:
    """The icon, cover and body a row asks for (its reserved keys, else the template)."""
    before = len(problems)
    icon = _look(document, path, raw, "_icon", problems)
    cover = _look(document, path, raw, "_cover", problems)
    body, unfound = _body(document, path, raw, root=root, template=template, problems=problems)
    return PageParts(icon, cover, body, unfound, usable=len(problems) == before)


def _look(
    document: YamlDocument,
    path: DataPath,
    raw: Mapping[str, object],
    key: str,
    problems: list[Problem],
) -> str | None:
    if key not in raw:
        return None
    reader = icon_from_manifest if key == "_icon" else cover_from_manifest
    try:
        return reader(raw[key])
    except ValueProblem as problem:
        problems.append(document.problem((*path, key), problem.message, problem.hint))
        return None


def _body(
    document: YamlDocument,
    path: DataPath,
    raw: Mapping[str, object],
    *,
    root: Path,
    template: tuple[BodyTemplate, Declarations, Mapping[str, JSON]] | None,
    problems: list[Problem],
) -> tuple[DesiredBody | None, bool]:
    if "_body" in raw and "_body_from" in raw:
        problems.append(
            document.problem(
                (*path, "_body_from"),
                "the row sets both `_body` and `_body_from`",
                "keep one: the Markdown in `_body`, or the file that holds it in `_body_from`",
                at_key=True,
            )
        )
        return None, False
    if "_body" in raw:
        text = raw["_body"]
        if text is not None and not isinstance(text, str):
            problems.append(
                document.problem((*path, "_body"), "`_body` must be Markdown text", _BODY_HINT)
            )
            return None, False
        return DesiredBody(_lines(text or "")), False
    if "_body_from" in raw:
        entry = raw["_body_from"]
        if not isinstance(entry, str) or not entry.strip():
            problems.append(
                document.problem(
                    (*path, "_body_from"), "`_body_from` must name a Markdown file", _BODY_HINT
                )
            )
            return None, False
        base = document.source.path.parent
        display = str(PurePath(document.source.display).parent / entry)
        where = (document, (*path, "_body_from"))
        return _read_body(base / entry, display, root, where, problems, optional=False)
    if template is None:
        return None, False
    named, declarations, values = template
    filled = named.path_for(values, declarations)
    if filled is None:
        return None, True
    assert named.manifest is not None
    base = named.manifest.source.path.parent
    display = str(PurePath(named.manifest.source.display).parent / filled)
    where = (document, path)
    return _read_body(base / filled, display, root, where, problems, optional=True)


_BODY_HINT: Final = (
    "`_body: |` followed by the Markdown, or `_body_from: content/page.md` (relative to this file)"
)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_body(
    target: Path,
    display: str,
    root: Path,
    where: tuple[YamlDocument, DataPath],
    problems: list[Problem],
    *,
    optional: bool,
) -> tuple[DesiredBody | None, bool]:
    """The body in a file; (None, True) when an optional (templated) file does not exist."""
    document, path = where
    try:
        resolved = target.resolve()
    except (OSError, ValueError):
        problems.append(document.problem(path, f"{display!r} cannot be a file name", _BODY_HINT))
        return None, False
    if not resolved.is_relative_to(root.resolve()):
        problems.append(
            document.problem(
                path,
                f"the body file {display!r} is outside the repository ({root})",
                "keep body files inside the repository; links that lead outside are refused",
            )
        )
        return None, False
    if optional and not resolved.exists():
        return None, True
    try:
        source = read_source(resolved, display, root)
    except FileProblem as failure:
        problem = failure.problem
        problems.append(
            problem
            if problem.line
            else document.problem(path, f"body file {display!r}: {problem.message}", problem.hint)
        )
        return None, False
    text = _lines(source.text)
    front = _FRONT_MATTER.match(text)
    if front is not None and _FRONT_MATTER_KEY.search(front.group(0)):
        problems.append(
            Problem(
                display,
                1,
                1,
                "the body file starts with YAML front matter, which Notion would show as text",
                "move those values to the row's properties and remove the front matter",
            )
        )
        return None, False
    return DesiredBody(text, source.repo_path, linked=target.is_symlink()), False
