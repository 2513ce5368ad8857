"""Decoding a page of a query into a live row: values by name, by id, and the errors that name
where an unreadable value is."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import UnexpectedResponseError
from reconciler.model import LiveProperty, canonical_json
from reconciler.notion import decode
from reconciler.notion.decode import ReadLayout, decode_row, decode_value
from reconciler.notion.shapes import Body
from reconciler.properties.text import ANNOTATIONS

NAME = LiveProperty(id="title", name="Name", type="title")
ESTIMATE = LiveProperty(id="a%3Fb", name="Estimate", type="number")
DUE = LiveProperty(id="d", name="Due", type="date")
LAYOUT = ReadLayout(managed=(NAME, ESTIMATE, DUE), key=NAME)


def _page(properties: dict[str, Any]) -> Body:
    page = {
        "object": "page",
        "id": "p1",
        "url": "https://www.notion.so/p1",
        "in_trash": False,
        "created_time": "2026-05-01T00:00:00.000Z",
        "last_edited_time": "2026-05-01T00:00:00.000Z",
        "properties": properties,
    }
    return Body(page, "POST /v1/data_sources/{id}/query", "results[0]")


def _no_fetch(page_id: str, prop: LiveProperty) -> list[Any]:
    raise AssertionError("no value here is partial")


def _title(text: str) -> dict[str, Any]:
    return {"id": "title", "type": "title", "title": [{"type": "text", "text": {"content": text}}]}


def test_values_are_read_under_their_names() -> None:
    """Each managed property's canonical value, and the key from the title."""
    page = _page(
        {
            "Name": _title("Ship"),
            "Estimate": {"id": "a%3Fb", "type": "number", "number": 3},
            "Due": {"id": "d", "type": "date", "date": None},
        }
    )
    row = decode_row(page, LAYOUT, _no_fetch)
    assert (row.key, dict(row.values)) == ("Ship", {"Name": "Ship", "Estimate": 3, "Due": None})


def test_a_value_missing_under_its_name_is_found_by_property_id() -> None:
    """A page that keys a value by another name is matched by the (unquoted) property id."""
    page = _page(
        {
            "Name": _title("Ship"),
            "Old estimate": {"id": "a?b", "type": "number", "number": 5},
            "Due": {"id": "d", "type": "date", "date": None},
        }
    )
    assert decode_row(page, LAYOUT, _no_fetch).values["Estimate"] == 5


def test_a_value_that_is_not_an_object_names_the_field() -> None:
    """A property value of the wrong JSON type is an unexpected response naming its path."""
    page = _page({"Name": _title("Ship"), "Estimate": 3, "Due": {"type": "date", "date": None}})
    with pytest.raises(UnexpectedResponseError, match=r"results\[0\]\.properties\.Estimate"):
        decode_row(page, LAYOUT, _no_fetch)


def test_a_value_its_codec_refuses_names_the_property_and_its_path() -> None:
    """A value the codec cannot read is an unexpected response naming property and path."""
    page = _page(
        {
            "Name": _title("Ship"),
            "Estimate": {"type": "number", "number": 3},
            "Due": {"type": "date", "date": {"start": "not a date"}},
        }
    )
    with pytest.raises(UnexpectedResponseError, match=r"property 'Due' at results\[0\]"):
        decode_row(page, LAYOUT, _no_fetch)


# --- one decoder per property, repeating values shared --------------------------------------

TAGS = LiveProperty(id="t", name="Tags", type="multi_select")
OWNER = LiveProperty(id="o", name="Owner", type="people")
STATUS = LiveProperty(id="s", name="Status", type="select")
SHARING = ReadLayout(managed=(NAME, TAGS, OWNER, STATUS, DUE, ESTIMATE), key=NAME)

_names = st.sampled_from(["Todo", "Doing", "Done ✅", "1", "True"])
_users = st.sampled_from(["0000000a-0000-4000-8000-00000000000a", "u-2", "u-3"])
_days = st.sampled_from(["2026-04-04", "2026-04-05", "2026-04-05T09:00:00.000Z"])
_annotations = st.fixed_dictionaries(
    {},
    optional={
        **{key: st.sampled_from([False, True, 0, 1, None]) for key in ANNOTATIONS},
        "color": st.sampled_from(["default", "red", "blue_background"]),
    },
)
_runs = st.lists(
    st.fixed_dictionaries(
        {"type": st.just("text"), "text": st.fixed_dictionaries({"content": st.text(max_size=5)})},
        optional={"annotations": _annotations},
    ),
    max_size=3,
)
_pages = st.fixed_dictionaries(
    {
        "Name": st.builds(lambda runs: {"id": "title", "type": "title", "title": runs}, _runs),
        "Tags": st.builds(
            lambda names: {"type": "multi_select", "multi_select": [{"name": n} for n in names]},
            st.lists(_names, max_size=3),
        ),
        "Owner": st.builds(
            lambda ids: {"type": "people", "people": [{"object": "user", "id": i} for i in ids]},
            st.lists(_users, max_size=3),
        ),
        "Status": st.builds(
            lambda name: {"type": "select", "select": name and {"name": name}},
            st.none() | _names,
        ),
        "Due": st.builds(
            lambda start, end: {
                "type": "date",
                "date": start and {"start": start, "end": end, "time_zone": None},
            },
            st.none() | _days,
            st.none() | _days,
        ),
        "Estimate": st.builds(
            lambda n: {"type": "number", "number": n},
            st.none() | st.sampled_from([1, 1.0, True, 0.0, -0.0]),
        ),
    }
)


@settings(deadline=None, max_examples=60)
@given(st.lists(_pages, min_size=1, max_size=8))
def test_each_value_is_what_the_general_path_decodes(pages: list[dict[str, Any]]) -> None:
    """Rows decoded through one layout (values shared between its rows) hold, for every
    property, exactly the canonical value ``decode_value`` gives alone: equal in JSON, types
    included."""
    layout = ReadLayout(managed=SHARING.managed, key=NAME)
    for properties in pages:
        page = _page(properties)
        row = decode_row(page, layout, _no_fetch)
        alone = {
            prop.name: decode_value(prop, page, page.child("properties"), _no_fetch)
            for prop in layout.managed
        }
        assert canonical_json(dict(row.values)) == canonical_json(alone)


def _dated(day: str, tags: list[str]) -> Body:
    return _page(
        {
            "Name": _title("Ship"),
            "Tags": {"type": "multi_select", "multi_select": [{"name": n} for n in tags]},
            "Owner": {"type": "people", "people": []},
            "Status": {"type": "select", "select": None},
            "Due": {"type": "date", "date": {"start": day, "end": None, "time_zone": None}},
            "Estimate": {"type": "number", "number": 3},
        }
    )


def test_rows_of_one_read_with_the_same_repeating_value_share_one_copy() -> None:
    """Two pages with the same date and tags hold one date and one list between them; a page
    with another date holds its own."""
    layout = ReadLayout(managed=SHARING.managed, key=NAME)
    first, second, other = (
        decode_row(page, layout, _no_fetch)
        for page in (
            _dated("2026-04-04", ["a"]),
            _dated("2026-04-04", ["a"]),
            _dated("2026-04-05", ["a"]),
        )
    )
    assert first.values["Due"] is second.values["Due"]
    assert first.values["Tags"] is second.values["Tags"] is other.values["Tags"]
    assert other.values["Due"] == {"start": "2026-04-05", "end": None}


def test_past_the_shared_values_a_read_remembers_values_are_decoded_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A repeating property with more distinct values than the read remembers still decodes
    each page's own value."""
    monkeypatch.setattr(decode, "SHARED_VALUES_PER_PROPERTY", 1)
    layout = ReadLayout(managed=SHARING.managed, key=NAME)
    days = ["2026-04-04", "2026-04-05", "2026-04-06", "2026-04-05"]
    rows = [decode_row(_dated(day, []), layout, _no_fetch) for day in days]
    assert [row.values["Due"] for row in rows] == [{"start": d, "end": None} for d in days]


def test_a_page_whose_properties_are_not_an_object_names_the_field() -> None:
    """A page without a ``properties`` object is an unexpected response naming that field."""
    page = Body(
        {"object": "page", "id": "p1", "properties": []},
        "POST /v1/data_sources/{id}/query",
        "results[0]",
    )
    with pytest.raises(UnexpectedResponseError, match=r"results\[0\]\.properties"):
        decode_row(page, LAYOUT, _no_fetch)
