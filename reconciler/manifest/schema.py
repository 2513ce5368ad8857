"""JSON Schema checks of manifests and reconciler.yaml, with problems at the offending line.

The schemas live in ``schemas/`` at the repository root and ship inside the package as
``reconciler/schemas`` (a link in a checkout, package data when installed). ``check`` validates
one document and turns each jsonschema error into a ``Problem``: an unknown field names the
fields allowed there and suggests the closest one, a wrong type says what was expected and what
came, each at the line of the key or value concerned. Called by the loader.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Final, Literal

import jsonschema  # type: ignore[import-untyped]

from reconciler.errors import Problem
from reconciler.manifest.located import DataPath, YamlDocument, describe_path
from reconciler.properties.checks import describe_kind

__all__ = ["SchemaName", "check", "load_schema"]

SchemaName = Literal["manifest", "config"]

_TYPE_WORDS: Final = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


@functools.cache
def load_schema(name: SchemaName) -> Mapping[str, object]:
    """The parsed schema ``schemas/<name>.schema.json`` shipped with the package."""
    text = (
        resources.files("reconciler")
        .joinpath("schemas", f"{name}.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, object] = json.loads(text)
    return schema


@functools.cache
def _validator(name: SchemaName) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(name))


def check(document: YamlDocument, name: SchemaName) -> list[Problem]:
    """Every schema violation of the document, located; empty when the document is valid.

    A manifest's rows are checked here rather than by jsonschema (mappings with non-empty
    keys, as the schema's ``row`` says): jsonschema takes about a second per 10,000 rows.
    """
    data = document.data
    foreign = _not_this_kind_of_file(document, name)
    if foreign is not None:
        return [foreign]
    problems: list[Problem] = []
    if name == "manifest" and isinstance(data, dict) and isinstance(data.get("rows"), list):
        problems.extend(_row_problems(document, data["rows"]))
        data = {**data, "rows": []}
    seen: set[tuple[int, int, str]] = set()
    for error in _validator(name).iter_errors(data):
        for problem in _problems(document, error, name):
            signature = (problem.line, problem.column, problem.message)
            if signature not in seen:
                seen.add(signature)
                problems.append(problem)
    return problems


_MANIFEST_FIELDS: Final = ("database", "title", "properties")
_NOT_A_MANIFEST_HINT: Final = (
    "a manifest is a mapping with database, title and properties; keep other YAML files out of"
    " the manifests folder (links to files outside the repository are refused)"
)


def _bare_kind(value: object) -> str:
    """What kind of value this is, without showing any of it."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else "nothing"


def _not_this_kind_of_file(document: YamlDocument, name: SchemaName) -> Problem | None:
    """One problem, echoing nothing of the content, for a file that is not a manifest (or not
    settings) at all: it may be any file that ended up in the folder, a credentials file say."""
    data = document.data
    what = "a manifest document" if name == "manifest" else "reconciler.yaml"
    hint = _NOT_A_MANIFEST_HINT if name == "manifest" else "see schemas/config.schema.json"
    if not isinstance(data, dict):
        return document.problem((), f"{what} must be a mapping, not {_bare_kind(data)}", hint)
    if name == "manifest" and not any(field in data for field in _MANIFEST_FIELDS):
        return document.problem(
            (),
            "this is not a manifest: it has none of the fields database, title, properties",
            hint,
        )
    return None


def _problems(
    document: YamlDocument, error: jsonschema.ValidationError, name: SchemaName
) -> Iterator[Problem]:
    path: DataPath = tuple(error.absolute_path)
    if document.is_tainted(path):
        return
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    keyword = error.validator
    if keyword == "additionalProperties":
        yield from _unknown_fields(document, path, error.instance, schema, name=name)
    elif keyword == "required":
        yield from _missing_fields(
            document, path, error.instance, schema, error.validator_value, name=name
        )
    elif keyword == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)
        yield document.problem(
            path,
            f"{_subject(path)} must be {words}, not {describe_kind(error.instance)}",
            _hint(schema),
        )
    elif keyword == "enum":
        yield _not_allowed(document, path, error.instance, error.validator_value, schema)
    elif keyword == "pattern":
        yield document.problem(
            path,
            f"{error.instance!r} is not a valid {_noun(schema)} ({_subject(path)})",
            _hint(schema),
        )
    elif keyword == "minLength" and error.validator_value == 1:
        yield document.problem(path, f"{_subject(path)} must not be empty", _hint(schema))
    elif keyword == "anyOf" and error.context:
        # the branch whose type fits says what is wrong; "not a list" would only distract
        fitting = [e for e in error.context if e.validator != "type"] or list(error.context)
        yield from _problems(document, jsonschema.exceptions.best_match(fitting), name)
    elif keyword == "minProperties" and error.validator_value == 1:
        yield document.problem(path, f"{_subject(path)} must not be empty", _hint(schema))
    else:
        yield document.problem(path, f"{_subject(path)}: {error.message}", _hint(schema))


def _row_problems(document: YamlDocument, rows: list[object]) -> Iterator[Problem]:
    row_schema = load_schema("manifest")["$defs"]["row"]  # type: ignore[index]
    for index, row in enumerate(rows):
        path: DataPath = ("rows", index)
        if document.is_tainted(path):
            continue
        if not isinstance(row, dict):
            yield document.problem(
                path,
                f"{_subject(path)} must be a mapping, not {describe_kind(row)}",
                _hint(row_schema),
            )
        elif "" in row:
            yield document.problem(
                (*path, ""), f"{_subject(path)} has an empty property name", _hint(row_schema)
            )


def _unknown_fields(
    document: YamlDocument,
    path: DataPath,
    instance: object,
    schema: Mapping[str, object],
    *,
    name: SchemaName,
) -> Iterator[Problem]:
    allowed_schemas = schema.get("properties")
    allowed = sorted(allowed_schemas) if isinstance(allowed_schemas, Mapping) else []
    if not isinstance(instance, Mapping):
        return
    for field in instance:
        if field in allowed:
            continue
        close = difflib.get_close_matches(str(field), allowed, n=1, cutoff=0.6)
        suggestion = f" (did you mean {close[0]!r}?)" if close else ""
        yield document.problem(
            (*path, field),
            f"unknown field {field!r} {_where(path, instance, name)}{suggestion}",
            "fields allowed here: " + ", ".join(allowed),
            at_key=True,
        )


def _missing_fields(
    document: YamlDocument,
    path: DataPath,
    instance: object,
    schema: Mapping[str, object],
    required: object,
    *,
    name: SchemaName,
) -> Iterator[Problem]:
    if not isinstance(instance, Mapping) or not isinstance(required, list):
        return
    fields = schema.get("properties")
    for field in required:
        if field in instance:
            continue
        field_schema = fields.get(field, {}) if isinstance(fields, Mapping) else {}
        yield document.problem(
            path,
            f"missing field {field!r} {_where(path, instance, name)}",
            _hint(field_schema) if isinstance(field_schema, Mapping) else "",
        )


def _not_allowed(
    document: YamlDocument,
    path: DataPath,
    instance: object,
    choices: object,
    schema: Mapping[str, object],
) -> Problem:
    names = [str(choice) for choice in choices] if isinstance(choices, list) else []
    title = _noun(schema)
    close = difflib.get_close_matches(str(instance), names, n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    hint = "one of: " + ", ".join(names) if len(names) <= 30 else _hint(schema)
    return document.problem(
        path, f"{instance!r} is not a known {title} ({_subject(path)}){suggestion}", hint
    )


def _where(path: DataPath, instance: Mapping[object, object], name: SchemaName) -> str:
    if not path:
        return "in the manifest" if name == "manifest" else "in reconciler.yaml"
    if len(path) == 2 and path[0] == "properties":
        kind = instance.get("type")
        return f"in property {path[1]!r}" + (f" (a {kind} property)" if kind else "")
    if len(path) == 4 and path[0] == "properties" and path[2] == "options":
        return f"in option {int(path[3]) + 1} of property {path[1]!r}"
    return f"at {describe_path(path)}"


def _subject(path: DataPath) -> str:
    if not path:
        return "a manifest document"
    if len(path) == 2 and path[0] == "properties":
        return f"property {path[1]!r}"
    if len(path) == 2 and path[0] == "rows" and isinstance(path[1], int):
        return f"row {path[1] + 1}"
    if len(path) == 1 and isinstance(path[0], str):
        return path[0]
    return describe_path(path)


def _noun(schema: Mapping[str, object]) -> str:
    """The schema's title as a noun inside a sentence: "Database handle" → "database handle"."""
    words = str(schema.get("title", "value")).split(" ")
    if words[0] != "Notion":
        words[0] = words[0].lower()
    return " ".join(words)


def _hint(schema: Mapping[str, object]) -> str:
    description = schema.get("description")
    return str(description) if description else ""
