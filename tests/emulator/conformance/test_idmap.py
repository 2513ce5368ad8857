"""Recorded ids become the emulator's in the requests that follow."""

from __future__ import annotations

from reconciler.emulator.conformance.idmap import IdMap
from tests.emulator.conformance.recorded import PAGE, page

MINE = "7330e46b-5f85-4f23-ae80-8e8512697c06"
SOURCE = "f4a79a92-5aad-4a1d-9067-47d0e6d96f61"
MY_SOURCE = "b91cfda6-bf0b-4b72-a9cb-fd536f44ae96"


def source(source_id: str, role_id: str) -> dict[str, object]:
    """A data source answer with a title and a Role property."""
    return {
        "object": "data_source",
        "id": source_id,
        "properties": {
            "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
            "Role": {"id": role_id, "name": "Role", "type": "rich_text", "rich_text": {}},
        },
    }


def test_an_id_learned_from_an_answer_replaces_the_recorded_one_in_paths() -> None:
    """Dashed or compact, as the recording wrote it."""
    ids = IdMap()
    ids.learn(page(PAGE, "Plan"), page(MINE, "Plan"))
    expected = (f"/v1/pages/{MINE}", f"/v1/blocks/{MINE.replace('-', '')}/children")
    found = (
        ids.path(f"/v1/pages/{PAGE}"),
        ids.path(f"/v1/blocks/{PAGE.replace('-', '')}/children"),
    )
    assert expected == found


def test_property_ids_are_replaced_where_requests_name_properties() -> None:
    """Schema updates by property id, filters and filter_properties use the emulator's ids."""
    ids = IdMap()
    ids.learn(source(SOURCE, "pRQs"), source(MY_SOURCE, "x%3Fz"))
    update = ids.body(f"/v1/data_sources/{SOURCE}", {"properties": {"pRQs": {"name": "Job"}}})
    query = ids.body(
        f"/v1/data_sources/{SOURCE}/query",
        {"filter": {"property": "pRQs", "rich_text": {"is_empty": True}}},
    )
    params = ids.query(f"/v1/data_sources/{SOURCE}/query", [("filter_properties", "pRQs")])
    expected = (
        {"properties": {"x%3Fz": {"name": "Job"}}},
        {"filter": {"property": "x%3Fz", "rich_text": {"is_empty": True}}},
        [("filter_properties", "x%3Fz")],
    )
    assert expected == (update, query, params)


def test_property_names_are_left_alone() -> None:
    """A key that names a property is not taken for an id."""
    ids = IdMap()
    ids.learn(source(SOURCE, "Role"), source(MY_SOURCE, "abcd"))
    body = ids.body(f"/v1/data_sources/{SOURCE}", {"properties": {"Role": {"name": "Job"}}})
    expected = {"properties": {"Role": {"name": "Job"}}}
    assert expected == body


def test_cursors_are_replaced_whole() -> None:
    """A recorded next_cursor becomes the emulator's next_cursor."""
    ids = IdMap()
    ids.learn({"next_cursor": f"s:{PAGE}:{SOURCE}"}, {"next_cursor": "s:abc:def"})
    body = ids.body("/v1/search", {"start_cursor": f"s:{PAGE}:{SOURCE}"})
    expected = {"start_cursor": "s:abc:def"}
    assert expected == body


def test_formula_references_name_the_emulators_property_and_data_source() -> None:
    """``{{notion:block_property:pid:ds:ws}}`` is rewritten part by part."""
    ids = IdMap()
    ids.learn(source(SOURCE, "pRQs"), source(MY_SOURCE, "abcd"))
    expression = f"{{{{notion:block_property:pRQs:{SOURCE}:ws}}}} + 1"
    body = ids.body(f"/v1/data_sources/{SOURCE}", {"f": expression})
    assert {"f": f"{{{{notion:block_property:abcd:{MY_SOURCE}:ws}}}} + 1"} == body


def test_an_id_is_bound_once() -> None:
    """A later pairing (lists in another order) does not rebind a known id."""
    ids = IdMap()
    ids.bind(PAGE, MINE)
    ids.bind(PAGE, SOURCE)
    ids.bind(SOURCE, MINE)
    expected = (MINE, None)
    assert expected == (ids.object_id(PAGE), ids.object_id(SOURCE))
