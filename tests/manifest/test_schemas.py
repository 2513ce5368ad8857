"""The JSON Schemas: valid 2020-12, documented field by field, shipped inside the package."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from reconciler.manifest.schema import load_schema
from reconciler.model import ALL_TYPES
from reconciler.properties import ALL_CODECS
from reconciler.properties.simple import NUMBER_FORMATS

ROOT = Path(__file__).parents[2]
NAMES = ["manifest", "config"]


def _fields(schema: Mapping[str, object], where: str) -> Iterator[tuple[str, Mapping[str, object]]]:
    """Every field schema under `properties` (and the shared definitions), recursively."""
    for key in ("properties", "$defs"):
        children = schema.get(key)
        if isinstance(children, Mapping):
            for name, child in children.items():
                if isinstance(child, Mapping):
                    yield f"{where}.{name}", child
                    yield from _fields(child, f"{where}.{name}")
    for key in ("then", "else", "additionalProperties", "items"):
        child = schema.get(key)
        if isinstance(child, Mapping):
            yield from _fields(child, f"{where}/{key}")
    for branch in schema.get("allOf", []) or []:  # type: ignore[attr-defined]
        yield from _fields(branch, f"{where}/allOf")


def _resolved(schema: Mapping[str, object], field: Mapping[str, object]) -> Mapping[str, object]:
    ref = field.get("$ref")
    if not isinstance(ref, str):
        return field
    target = schema["$defs"][ref.removeprefix("#/$defs/")]  # type: ignore[index]
    return {**target, **{k: v for k, v in field.items() if k != "$ref"}}


@pytest.mark.parametrize("name", NAMES)
def test_the_schema_is_valid_json_schema_2020_12(name: str) -> None:
    """Editors and jsonschema both accept it."""
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", NAMES)
def test_every_field_has_a_title_and_a_description(name: str) -> None:
    """Editors show both on hover; none may be missing."""
    schema = load_schema(name)
    undocumented = [
        where
        for where, field in _fields(schema, "$")
        if not {"title", "description"} <= set(_resolved(schema, field))
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", NAMES)
def test_the_packaged_schema_is_the_one_in_the_repository(name: str) -> None:
    """reconciler/schemas (package data) serves the root schemas/ folder's files."""
    packaged = resources.files("reconciler").joinpath("schemas", f"{name}.schema.json")
    in_repository = ROOT / "schemas" / f"{name}.schema.json"
    assert json.loads(in_repository.read_text(encoding="utf-8")) == json.loads(
        packaged.read_text(encoding="utf-8")
    )


def test_the_property_types_are_those_of_the_model_and_the_codecs() -> None:
    """A type added to Notion must be added to the model, the codecs and the schema together."""
    schema = load_schema("manifest")
    declared = set(schema["$defs"]["property_type"]["enum"])  # type: ignore[index]
    assert (set(ALL_TYPES), set(ALL_CODECS)) == (declared, declared)


def test_the_number_formats_are_those_the_number_codec_accepts() -> None:
    """The editor's completion list and the codec's check agree."""
    schema = load_schema("manifest")
    branches = schema["$defs"]["property_settings"]["allOf"]  # type: ignore[index]
    number = next(b for b in branches if b["if"]["properties"]["type"]["const"] == "number")
    assert set(number["then"]["properties"]["format"]["enum"]) == set(NUMBER_FORMATS)


def test_the_example_manifests_name_the_schema_for_editors() -> None:
    """Each example starts with the yaml-language-server modeline pointing at the schema."""
    modeline = "# yaml-language-server: $schema=../schemas/manifest.schema.json"
    first_lines = {
        path.name: path.read_text(encoding="utf-8").splitlines()[0]
        for path in (ROOT / "manifests").glob("*.yaml")
    }
    assert dict.fromkeys(first_lines, modeline) == first_lines
