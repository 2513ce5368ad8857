"""The plan file: ``plan -o plan.json`` writes it; ``show`` and ``apply plan.json`` read it back.

A plan file is the JSON document of ``serialise.plan_to_json`` (``schemas/plan.schema.json``)
with the real values, except those of sensitive properties: it holds digests of the values it
writes and nothing of those it replaces (``sensitive``), and ``apply`` takes the written ones
from the manifests again. Reading checks, in this order: JSON, the format version (another
one is refused: an older plan is made again, a newer one needs a newer reconciler), the masking
flag (a ``--format json`` rendering is for people, not for apply),
the schema, that row changes show what they write, and the checksum over the content: a file
modified after it was written is refused with ``PlanFileError``. The result equals the plan that
was written.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]

from reconciler.errors import PlanFileError
from reconciler.logs import secrets_in
from reconciler.model import JSON
from reconciler.plan.model import PLAN_FORMAT, Plan
from reconciler.plan.serialise import UnfaithfulPlan, checksum, plan_from_json, plan_to_json

__all__ = ["dump_plan", "load_plan", "parse_plan", "plan_schema", "write_plan"]

_HINT = "make the plan again: reconciler plan -o plan.json"


@functools.cache
def plan_schema() -> Mapping[str, object]:
    """The parsed ``schemas/plan.schema.json`` shipped with the package."""
    text = resources.files("reconciler").joinpath("schemas", "plan.schema.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(plan_schema())


def dump_plan(plan: Plan) -> str:
    """The plan file's text: indented, sorted keys, UTF-8, a final newline; stable byte for byte."""
    return json.dumps(plan_to_json(plan), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: Path) -> None:
    """Write the plan file atomically (a reader never sees half a plan); a plan holding the
    value of a known secret is refused, never written (``logs.secrets_in``)."""
    text = dump_plan(plan)
    held = secrets_in(text)
    if held:
        raise PlanFileError(
            f"the plan holds the value of {', '.join(held)}; {path} is not written",
            hint="find the value in the manifests (or in Notion) and take it out: a plan file"
            " is kept as a CI artifact, and apply would write the secret to Notion",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        raise PlanFileError(
            f"cannot write the plan file {path}: {error.strerror}",
            hint="choose a writable path with -o",
        ) from None


def load_plan(path: Path) -> Plan:
    """Read and check a plan file (see the module docstring for what is refused)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanFileError(
            f"cannot read the plan file {path}: {error.strerror}", hint=_HINT
        ) from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path} is not a plan file (not UTF-8 text)", hint=_HINT) from None
    return parse_plan(text, str(path))


def parse_plan(text: str, source: str = "the plan") -> Plan:
    """The plan a plan file's text holds, checked like ``load_plan`` does."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"{source} is not a plan file: invalid JSON at line {error.lineno}, column"
            f" {error.colno} ({error.msg})",
            hint=_HINT,
        ) from None
    if not isinstance(document, dict):
        raise PlanFileError(f"{source} is not a plan file: not a JSON object", hint=_HINT)
    _check_format(document, source)
    if document.get("masked") is True:
        raise PlanFileError(
            f"{source} is a rendering with sensitive values masked (--format json), not a plan"
            " file that can be applied",
            hint="write the plan file with: reconciler plan -o plan.json",
        )
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "the top level"
        raise PlanFileError(
            f"{source} does not follow the plan schema at {where}: {first.message}"
            f" ({len(errors)} problem{'s' if len(errors) > 1 else ''})",
            hint=_HINT,
        )
    try:
        plan = plan_from_json(document)
    except UnfaithfulPlan as unfaithful:
        raise PlanFileError(
            f"{source} was modified after it was written: {unfaithful}",
            hint=f"never edit a plan file; {_HINT}",
        ) from None
    if checksum(plan) != plan.checksum:
        raise PlanFileError(
            f"{source} was modified after it was written: its content does not match its"
            f" checksum {plan.checksum}",
            hint=f"never edit a plan file; {_HINT}",
        )
    return plan


def _check_format(document: Mapping[str, JSON], source: str) -> None:
    version = document.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        return  # the schema check names it
    if version > PLAN_FORMAT:
        raise PlanFileError(
            f"{source} has plan format {version}; this reconciler reads format {PLAN_FORMAT}",
            hint="upgrade notion-reconciler, or make the plan with this version",
        )
    if version < PLAN_FORMAT:
        raise PlanFileError(
            f"{source} has plan format {version}, made by an older notion-reconciler; this"
            f" version applies plan format {PLAN_FORMAT} only, so nothing was read from it",
            hint=f"plan again with this version: {_HINT.split(': ', 1)[1]}",
        )
