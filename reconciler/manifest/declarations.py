"""A manifest's ``properties`` to ``PropertySpec`` values, through each type's codec.

``declare_properties`` parses every declaration (shorthand ``Name: type`` or a mapping with
``type`` and settings) with ``codec.parse_config`` and checks what spans properties: exactly one
title property, a key property that is declared, not ignored and of a key type, and who owns each
property's values (``owner:`` on the property, else the database's ``owner:``; the key, read-only
and ignored properties are always git's, and an ``owner`` written on one of them is a problem).
Called by the database builder after the document passed the schema check.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from reconciler.errors import Problem
from reconciler.manifest.located import YamlDocument
from reconciler.model import PropertySpec, SourceLocation
from reconciler.properties import (
    ALL_CODECS,
    PropertyCodec,
    ValueProblem,
    codec_for,
)

__all__ = [
    "RESERVED_KEYS",
    "Declarations",
    "declare_properties",
    "did_you_mean",
    "owned",
    "property_spec",
]

RESERVED_KEYS = ("_body", "_body_from", "_icon", "_cover")
"""Row keys that describe the row's page, not a property (no property may be named so)."""


@dataclass(frozen=True)
class Declarations:
    """The declared properties of one database, their codecs and its key property."""

    specs: tuple[PropertySpec, ...]
    codecs: Mapping[str, PropertyCodec]
    key: str | None
    ignore: frozenset[str]

    def spec(self, name: str) -> PropertySpec | None:
        return self._by_name.get(name)

    @functools.cached_property
    def _by_name(self) -> dict[str, PropertySpec]:
        return {spec.name: spec for spec in self.specs}


def did_you_mean(name: str, choices: list[str]) -> str:
    """`` (did you mean 'X'?)`` for the closest choice, or nothing."""
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def property_spec(
    name: str, raw: object, *, default_owner: object = "git", location: SourceLocation | None = None
) -> PropertySpec:
    """The spec of one declaration (``Name: type`` or a mapping with ``type`` and settings),
    its owner as written or ``default_owner``; raises ValueProblem for an unusable one."""
    declaration: Mapping[str, object] = {"type": raw} if isinstance(raw, str) else dict(raw)  # type: ignore[call-overload]
    type_name = str(declaration.get("type"))
    config = codec_for(type_name).parse_config(declaration)  # it skips the common keys
    description = declaration.get("description")
    renamed_from = declaration.get("renamed_from")
    return PropertySpec(
        name=name,
        type=type_name,
        config=config,
        renamed_from=str(renamed_from) if renamed_from is not None else None,
        sensitive=declaration.get("sensitive") is True,
        prune_options=declaration.get("prune_options") is True,
        description=str(description) if description is not None else None,
        location=location,
        owner="notion" if declaration.get("owner", default_owner) == "notion" else "git",
    )


def owned(spec: PropertySpec, key: str | None, ignore: Collection[str]) -> PropertySpec:
    """The spec with its owner as it applies: the key, read-only and ignored properties stay
    git's whatever the database's default says."""
    if spec.notion_owned and (spec.name == key or not spec.writable or spec.name in ignore):
        return dataclasses.replace(spec, owner="git")
    return spec


def _declare(
    document: YamlDocument, name: str, raw: object, default_owner: object, problems: list[Problem]
) -> tuple[PropertySpec, PropertyCodec] | None:
    path = ("properties", name)
    location = document.location(path, at_key=True)
    try:
        spec = property_spec(name, raw, default_owner=default_owner, location=location)
    except ValueProblem as problem:
        type_name = raw if isinstance(raw, str) else dict(raw).get("type")  # type: ignore[call-overload]
        hint = problem.hint or f"see the {type_name} settings in schemas/manifest.schema.json"
        problems.append(document.problem((*path, *problem.path), problem.message, hint))
        return None
    return spec, codec_for(spec.type)


def declare_properties(document: YamlDocument, problems: list[Problem]) -> Declarations | None:
    """The document's declarations; None (problems added) when any of them is unusable."""
    data = document.data
    assert isinstance(data, dict)
    raw_properties: Mapping[str, object] = data["properties"]
    ignore = frozenset(str(name) for name in data.get("ignore", ()))
    specs: list[PropertySpec] = []
    codecs: dict[str, PropertyCodec] = {}
    usable = True
    default_owner = data.get("owner", "git")
    for name, raw in raw_properties.items():
        if name in RESERVED_KEYS:
            problems.append(
                document.problem(
                    ("properties", name),
                    f"{name!r} is a reserved row key (the page's {name[1:].replace('_', ' ')}),"
                    " not a property name",
                    f"rename the property: a row's {name!r} describes its page",
                    at_key=True,
                )
            )
            usable = False
            continue
        declared = _declare(document, name, raw, default_owner, problems)
        if declared is None:
            usable = False
            continue
        specs.append(declared[0])
        codecs[name] = declared[1]
    key = _key_property(
        document,
        specs,
        codecs=codecs,
        ignore=ignore,
        problems=problems,
        written=set(raw_properties),
    )
    _check_formulas_after_renames(document, specs, problems)
    _check_owners(document, specs, raw_properties, key=key, ignore=ignore, problems=problems)
    if not usable:
        return None
    return Declarations(tuple(owned(spec, key, ignore) for spec in specs), codecs, key, ignore)


def _check_owners(
    document: YamlDocument,
    specs: list[PropertySpec],
    raw_properties: Mapping[str, object],
    *,
    key: str | None,
    ignore: frozenset[str],
    problems: list[Problem],
) -> None:
    """An ``owner`` written on a property that cannot have one (the key, a read-only type, an
    ignored property) is a problem: the author expects an effect it would not have."""
    for spec in specs:
        declaration = raw_properties[spec.name]
        if not isinstance(declaration, Mapping) or "owner" not in declaration:
            continue
        path = ("properties", spec.name, "owner")
        if spec.name == key:
            message = (
                f"the key property {spec.name!r} is always owned by git: rows are matched by"
                " their key, so Notion cannot own it"
            )
            hint = f"remove `owner` from {spec.name!r}"
        elif not spec.writable:
            message = (
                f"{spec.name!r} is a {spec.type} property: Notion computes its values, so they"
                " have no owner"
            )
            hint = f"remove `owner` from {spec.name!r}"
        elif spec.name in ignore:
            message = (
                f"{spec.name!r} is listed under `ignore`: its values are never compared nor"
                " written, so they have no owner"
            )
            hint = (
                f"remove `owner` from {spec.name!r}, or remove it from `ignore` and let"
                " `owner: notion` keep Notion's edits"
            )
        else:
            continue
        problems.append(document.problem(path, message, hint, at_key=True))


def _check_formulas_after_renames(
    document: YamlDocument, specs: list[PropertySpec], problems: list[Problem]
) -> None:
    """A formula may not name a property this manifest renames away: once renamed, Notion's
    formula refers to the new name, and the old one would be a formula Notion refuses."""
    declared = {spec.name for spec in specs}
    renamed = {
        spec.renamed_from: spec.name
        for spec in specs
        if spec.renamed_from and spec.renamed_from not in declared
    }
    for spec in specs:
        expression = spec.config.get("expression") if spec.type == "formula" else None
        if not renamed or not isinstance(expression, str):
            continue
        from reconciler.properties.formula_language import canonical_formula, referenced_names

        for name in referenced_names(canonical_formula(expression)):
            if name in renamed:
                new = json.dumps(renamed[name], ensure_ascii=False)
                problems.append(
                    document.problem(
                        ("properties", spec.name, "expression"),
                        f"formula {spec.name!r} uses prop({json.dumps(name, ensure_ascii=False)}),"
                        f" which this manifest renames to {renamed[name]!r}",
                        f"write prop({new}): Notion updates the formula when it renames the"
                        " property",
                    )
                )


def _key_property(
    document: YamlDocument,
    specs: list[PropertySpec],
    *,
    codecs: Mapping[str, PropertyCodec],
    ignore: frozenset[str],
    problems: list[Problem],
    written: set[str],
) -> str | None:
    """The key property's name after checking the title property and the key's type."""
    titles = [spec for spec in specs if spec.type == "title"]
    problems.extend(
        document.problem(
            ("properties", extra.name),
            f"a second title property {extra.name!r} (the first is {titles[0].name!r})",
            "a Notion database has exactly one title property; make this one rich_text",
            at_key=True,
        )
        for extra in titles[1:]
    )
    data = document.data
    assert isinstance(data, dict)
    if not titles:
        problems.append(
            document.problem(
                ("properties",),
                "no title property is declared",
                "every Notion database has exactly one title property: declare it, "
                "e.g. `Name: title`",
                at_key=True,
            )
        )
    explicit = data.get("key")
    name = str(explicit) if explicit is not None else (titles[0].name if titles else None)
    if name is None or (name in written and name not in codecs):
        return None  # the key's own declaration is broken and already reported
    checked = _check_key(
        document, name, specs=specs, codecs=codecs, ignore=ignore, problems=problems
    )
    return name if checked else None


def _check_key(
    document: YamlDocument,
    name: str,
    *,
    specs: list[PropertySpec],
    codecs: Mapping[str, PropertyCodec],
    ignore: frozenset[str],
    problems: list[Problem],
) -> bool:
    spec = next((s for s in specs if s.name == name), None)
    declared = [s.name for s in specs]
    if spec is None:
        problems.append(
            document.problem(
                ("key",),
                f"the key property {name!r} is not declared{did_you_mean(name, declared)}",
                "declare it under `properties`, or name a declared property as `key`",
            )
        )
        return False
    if not codecs[name].can_be_key:
        problems.append(
            document.problem(
                ("key",),
                f"the key property {name!r} is a {spec.type} property, which cannot identify rows",
                "key types: " + ", ".join(sorted(t for t, c in ALL_CODECS.items() if c.can_be_key)),
            )
        )
        return False
    if name in ignore:
        problems.append(
            document.problem(
                ("key",),
                f"the key property {name!r} is ignored",
                "remove it from `ignore`: rows are matched by their key",
            )
        )
        return False
    return True
