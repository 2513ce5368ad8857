"""Read formula schemas and page values out of the recorded Notion traffic, for the engine tests.

Used by the formula tests to replay every rewrite and every computed value Notion returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
_WORKSPACE = re.compile(r"block_property:[^:]+:[^:]+:([^}]+)\}\}")


@dataclass(frozen=True)
class RewriteExample:
    """A formula expression as sent to Notion and as Notion stored it."""

    source: str
    property_name: str
    sent: str
    stored: str
    name_to_id: dict[str, str]
    data_source_id: str
    workspace_id: str


@dataclass(frozen=True)
class ValueExample:
    """A formula value Notion computed for one page, with what it was computed from."""

    source: str
    property_name: str
    expression: str
    properties: dict[str, Any]
    names_by_id: dict[str, str]
    edited: datetime
    value: dict[str, Any]


@cache
def _loaded() -> tuple[tuple[str, list[dict[str, Any]]], ...]:
    return tuple(
        (path.stem, json.loads(path.read_text(encoding="utf-8"))["interactions"])
        for path in sorted(RECORDINGS.rglob("*.json"))
    )


def _recordings() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every recording as (name, interactions), read from disk once per test session."""
    yield from _loaded()


def _sent_formulas(body: object) -> dict[str, str]:
    if not isinstance(body, dict):
        return {}
    initial = body.get("initial_data_source") or {}
    properties = body.get("properties") or initial.get("properties") or {}
    return {
        name: config["formula"]["expression"]
        for name, config in properties.items()
        if isinstance(config, dict) and isinstance(config.get("formula"), dict)
    }


def rewrite_examples() -> list[RewriteExample]:
    """Every formula sent in a request, paired with the stored form in the next schema read."""
    examples = []
    for source, interactions in _recordings():
        for index, interaction in enumerate(interactions):
            sent = _sent_formulas(interaction["request_body"])
            later = (i["response_body"] for i in interactions[index : index + 4])
            schema = next(
                (b for b in later if isinstance(b, dict) and b.get("object") == "data_source"), None
            )
            if not sent or schema is None:
                continue
            ids = {name: p["id"] for name, p in schema["properties"].items()}
            for name, expression in sent.items():
                stored = schema["properties"][name]["formula"]["expression"]
                match = _WORKSPACE.search(stored)
                workspace = match.group(1) if match else "00000000-0000-4000-8000-0000000000f0"
                examples.append(
                    RewriteExample(source, name, expression, stored, ids, schema["id"], workspace)
                )
    return examples


def _objects(body: object, kind: str) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    found = [body] if body.get("object") == kind else []
    return found + [r for r in body.get("results", []) if r.get("object") == kind]


def value_examples() -> list[ValueExample]:
    """Every formula value in a recorded page whose data source schema was also recorded."""
    schemas: dict[str, dict[str, Any]] = {}
    examples = []
    for source, interactions in _recordings():
        for interaction in interactions:
            for data_source in _objects(interaction["response_body"], "data_source"):
                schemas[data_source["id"]] = data_source["properties"]
            for page in _objects(interaction["response_body"], "page"):
                schema = schemas.get(page["parent"].get("data_source_id", ""))
                if schema is None:
                    continue
                names = {p["id"]: name for name, p in schema.items()}
                edited = datetime.fromisoformat(page["last_edited_time"])
                for name, value in page["properties"].items():
                    if value["type"] == "formula" and name in schema:
                        expression = schema[name]["formula"]["expression"]
                        examples.append(
                            ValueExample(
                                source,
                                name,
                                expression,
                                page["properties"],
                                names,
                                edited,
                                value["formula"],
                            )
                        )
    return examples


@dataclass(frozen=True)
class QueryExample:
    """A recorded data source query with the schema and the pages known when it was sent."""

    source: str
    index: int
    body: dict[str, Any]
    schema: dict[str, Any]
    pages: list[dict[str, Any]]  # in the order the recording first showed them
    result_ids: list[str]


def query_examples() -> list[QueryExample]:
    """Every recorded full-page query whose every result had been seen before it was sent."""
    examples = []
    for source, interactions in _recordings():
        schemas: dict[str, dict[str, Any]] = {}
        pages: dict[str, dict[str, Any]] = {}
        for index, interaction in enumerate(interactions):
            body = interaction["request_body"] or {}
            response = interaction["response_body"]
            if interaction["path"].endswith("/query") and body.get("page_size", 100) == 100:
                data_source = interaction["path"].split("/")[3]
                known = [
                    p for p in pages.values() if p["parent"].get("data_source_id") == data_source
                ]
                ids = [r["id"] for r in response["results"]]
                if data_source in schemas and set(ids) <= {p["id"] for p in known}:
                    examples.append(
                        QueryExample(source, index, body, schemas[data_source], known, ids)
                    )
            for data_source in _objects(response, "data_source"):
                schemas[data_source["id"]] = data_source["properties"]
            for page in _objects(response, "page"):
                pages[page["id"]] = page
    return examples
