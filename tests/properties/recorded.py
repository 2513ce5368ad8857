"""The recorded Notion traffic of tests/recordings, seen from the property codecs' side.

Walks every interaction once and collects what the codec tests need: page property values Notion
returned, property items, data source schemas, and the page property values that were sent
together with what Notion answered for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reconciler.properties import WorkspaceReferences

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings"


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its response."""

    file: str
    method: str
    path: str
    request: Any
    status: int
    response: Any


@dataclass(frozen=True)
class SentValue:
    """A page property value sent in a page write, and the value Notion answered with."""

    where: str
    name: str
    type: str
    sent: Any
    answered: dict[str, Any]


@cache
def interactions() -> tuple[Interaction, ...]:
    """Every recorded interaction, file by file, in recorded order."""
    found: list[Interaction] = []
    for file in sorted(RECORDINGS.rglob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        found.extend(
            Interaction(
                file=str(file.relative_to(RECORDINGS)),
                method=item["method"],
                path=item["path"],
                request=item.get("request_body"),
                status=item["status"],
                response=item.get("response_body"),
            )
            for item in data["interactions"]
        )
    return tuple(found)


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _objects(child)


def response_objects(kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object of this ``object`` kind found anywhere in a successful response."""
    for interaction in interactions():
        if interaction.status < 300:
            for obj in _objects(interaction.response):
                if obj.get("object") == kind:
                    yield interaction.file, obj


def page_properties() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, name, property object) for every property of every page Notion returned."""
    for file, page in response_objects("page"):
        for name, prop in (page.get("properties") or {}).items():
            yield f"{file} page {page.get('id')}", name, prop


def schema_properties() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, data source id, property object) for every property of every data source."""
    for file, source in response_objects("data_source"):
        for prop in (source.get("properties") or {}).values():
            yield f"{file} data source {source.get('id')}", source["id"], prop


@cache
def references() -> WorkspaceReferences:
    """References knowing every recorded data source's property ids and names."""
    refs = WorkspaceReferences()
    for _, data_source_id, prop in schema_properties():
        refs.add_schema(data_source_id, {prop["id"]: prop["name"]})
    return refs


def sent_values() -> Iterator[SentValue]:
    """Page property values sent in successful page writes, with the value Notion returned."""
    for interaction in interactions():
        body, answer = interaction.request, interaction.response
        if not interaction.path.startswith("/v1/pages") or interaction.status >= 300:
            continue
        if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
            continue
        answered = (answer or {}).get("properties") or {}
        for name, sent in body["properties"].items():
            if name in answered:
                yield SentValue(
                    where=f"{interaction.file} {interaction.method} {interaction.path}",
                    name=name,
                    type=answered[name]["type"],
                    sent=sent,
                    answered=answered[name],
                )


def request_shapes() -> dict[str, list[Any]]:
    """The recorded request payloads of each property type (what Notion accepted)."""
    shapes: dict[str, list[Any]] = {}
    for value in sent_values():
        payload = value.sent.get(value.type) if isinstance(value.sent, dict) else value.sent
        shapes.setdefault(value.type, []).append(payload)
    return shapes
