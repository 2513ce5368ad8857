"""The codecs against every property value and schema in the recorded Notion traffic."""

from __future__ import annotations

import json
from typing import Any

from reconciler.model import ALL_TYPES, WRITABLE_TYPES
from reconciler.properties import WorkspaceReferences, codec_for
from reconciler.properties.formula_language import FormulaSyntaxError, canonical_formula
from tests.properties import recorded

REFS = WorkspaceReferences()


def _shape(value: Any) -> Any:
    """A payload's structure: mapping keys with their shapes, list item shapes, scalar kinds."""
    if isinstance(value, dict):
        return {key: _shape(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_shape(child) for child in value[:1]]
    return "null" if value is None else type(value).__name__


def _fits(shape: Any, accepted: Any) -> bool:
    """Whether every key and kind of ``shape`` appears in ``accepted`` (a recorded payload)."""
    if isinstance(shape, dict):
        return isinstance(accepted, dict) and all(
            key in accepted and _fits(child, accepted[key]) for key, child in shape.items()
        )
    if isinstance(shape, list):
        return isinstance(accepted, list) and (
            not shape or any(_fits(shape[0], a) for a in accepted)
        )
    return shape == accepted or "null" in (shape, accepted) or {shape, accepted} == {"int", "float"}


def test_every_recorded_page_property_decodes_to_canonical_json() -> None:
    """Each of the ~2,600 property values in recorded pages decodes, to plain JSON."""
    decoded = 0
    for where, name, prop in recorded.page_properties():
        value = codec_for(prop["type"]).from_response(prop, {})
        assert json.loads(json.dumps(value)) == value, f"{where} {name}"
        decoded += 1
    assert decoded > 2500


def test_recordings_cover_every_property_type() -> None:
    """The recorded pages and schemas hold values of every type the codecs handle."""
    page_types = {prop["type"] for _, _, prop in recorded.page_properties()}
    schema_types = {prop["type"] for _, _, prop in recorded.schema_properties()}
    expected = ALL_TYPES - {"verification"}  # no verified page was recorded
    assert expected <= page_types
    assert schema_types >= ALL_TYPES


def test_every_recorded_property_item_decodes() -> None:
    """Paged relation and title items decode like the page value they belong to."""
    items_by_type: dict[str, list[dict[str, Any]]] = {}
    for _, item in recorded.response_objects("property_item"):
        if item["type"] in ALL_TYPES and item["type"] in item:
            items_by_type.setdefault(item["type"], []).append(item)
    relation = codec_for("relation").from_property_items(items_by_type["relation"], {})
    assert isinstance(relation, list)
    assert len(relation) == 30


def test_every_recorded_schema_property_decodes() -> None:
    """Each property of every recorded data source gives a JSON configuration."""
    refs = recorded.references()
    for where, _, prop in recorded.schema_properties():
        config = codec_for(prop["type"]).config_from_response(prop, refs)
        assert json.loads(json.dumps(config)) == config, where


def test_what_was_sent_decodes_to_what_notion_answered() -> None:
    """Every recorded page write canonicalises like Notion's answer: no diff after an apply."""
    compared = 0
    for value in recorded.sent_values():
        codec = codec_for(value.type)
        sent = value.sent if isinstance(value.sent, dict) else {value.type: value.sent}
        expected = codec.from_response(value.answered, {})
        assert expected == codec.from_response(sent, {}), f"{value.where} {value.name}"
        compared += 1
    assert compared > 300


def test_encoding_a_recorded_value_gives_a_payload_notion_accepted() -> None:
    """decode → encode fits the shape of the payloads recorded for that type, type by type."""
    accepted = {
        name: [_shape(p) for p in payloads] for name, payloads in recorded.request_shapes().items()
    }
    checked: set[str] = set()
    for where, name, prop in recorded.page_properties():
        codec = codec_for(prop["type"])
        if not codec.writable or prop["type"] not in accepted or codec.is_partial(prop):
            continue
        value: Any = codec.from_response(prop, {})
        if prop["type"] == "files" and any(item.get("hosted") for item in value):
            continue  # Notion-hosted files are compared, never sent (see test_files)
        payload = codec.to_request(_as_desired(prop["type"], value), {}, REFS)
        assert any(_fits(_shape(payload), shape) for shape in accepted[prop["type"]]), (
            f"{where} {name}: {payload}"
        )
        checked.add(prop["type"])
    expected = WRITABLE_TYPES - {"verification"}
    assert expected == checked


def _as_desired(type_name: str, value: Any) -> Any:
    """A live value as a desired one: mentions are read-only, so keep their text only."""
    if type_name in ("title", "rich_text") and isinstance(value, list):
        return [
            {k: v for k, v in run.items() if k != "mention"} if "mention" in run else run
            for run in value
        ]
    return value


def test_every_recorded_formula_parses_the_one_written_with_a_leading_equals_too() -> None:
    """All rewritten formulas in the recordings parse, ``={{…}}* 2`` (typed in the UI) too."""
    unparsed = set()
    for _, _, prop in recorded.schema_properties():
        if prop["type"] == "formula":
            try:
                canonical_formula(prop["formula"]["expression"])
            except FormulaSyntaxError:
                unparsed.add(prop["formula"]["expression"])
    expected: set[str] = set()
    assert expected == unparsed


def test_sent_formulas_equal_notions_rewritten_formulas() -> None:
    """Each formula written in the recordings equals, canonically, the text Notion returned."""
    refs = recorded.references()
    codec = codec_for("formula")
    sent: dict[tuple[str, str], str] = {}
    compared = 0
    for interaction in recorded.interactions():
        body = interaction.request if isinstance(interaction.request, dict) else {}
        props = body.get("properties") or body.get("initial_data_source", {}).get("properties")
        for key, prop in (props or {}).items():
            if isinstance(prop, dict) and "formula" in prop:
                sent[(interaction.file, prop.get("name", key))] = prop["formula"]["expression"]
        response = interaction.response
        if not isinstance(response, dict) or response.get("object") != "data_source":
            continue
        for name, prop in response["properties"].items():
            if prop["type"] == "formula" and (interaction.file, name) in sent:
                desired = codec.parse_config({"expression": sent[(interaction.file, name)]})
                live = codec.config_from_response(prop, refs)
                changes = codec.config_changes(desired, live, refs)
                assert not changes, f"{interaction.file} {name}: {changes}"
                compared += 1
    assert compared >= 30
