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


# --- the quick ways of a read and its general path ------------------------------------------

SLUG = LiveProperty(id="k", name="Slug", type="rich_text")
DONE = LiveProperty(id="c", name="Done", type="checkbox")
QUICK = ReadLayout(managed=(NAME, SLUG, DONE, *SHARING.managed[1:]), key=SLUG)
USERS = [f"0000000{i:x}-0000-4000-8000-00000000000{i:x}" for i in range(1, 16)] * 2


def _unstyled(content: str) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": content, "link": None},
        "annotations": {**dict.fromkeys(ANNOTATIONS, False), "color": "default"},
        "plain_text": content,
        "href": None,
    }


def _full(**values: Any) -> Body:
    """A page as Notion sends it, every property of ``QUICK`` set; ``values`` replace some."""
    properties: dict[str, Any] = {
        "Name": {"id": "title", "type": "title", "title": [_unstyled("Ship")]},
        "Slug": {"id": "k", "type": "rich_text", "rich_text": [_unstyled("ship")]},
        "Done": {"id": "c", "type": "checkbox", "checkbox": True},
        "Tags": {"id": "t", "type": "multi_select", "multi_select": [{"name": "a"}]},
        "Owner": {"id": "o", "type": "people", "people": [{"object": "user", "id": USERS[0]}]},
        "Status": {"id": "s", "type": "select", "select": {"name": "Todo"}},
        "Due": {"id": "d", "type": "date", "date": {"start": "2026-04-04", "time_zone": None}},
        "Estimate": {"id": "a%3Fb", "type": "number", "number": 3},
    }
    for name, value in values.items():
        properties[name] = {**properties[name], properties[name]["type"]: value}
    return _page(properties)


def _alone(page: Body, layout: ReadLayout, fetch: Any = _no_fetch) -> dict[str, Any]:
    return {
        prop.name: decode_value(prop, page, page.child("properties"), fetch)
        for prop in layout.managed
    }


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"Name": [{**_unstyled("Ship"), "annotations": {"bold": True}}]},
        {
            "Name": [
                {**_unstyled("Ship"), "text": {"content": "Ship", "link": {"url": "https://a.b"}}}
            ]
        },
        {"Slug": [_unstyled("ship"), _unstyled("-1")]},
        {
            "Slug": [
                {
                    "type": "mention",
                    "mention": {"type": "user", "user": {"id": USERS[0]}},
                    "plain_text": "@Ada",
                }
            ]
        },
        {"Name": [], "Slug": None, "Done": None, "Estimate": 2.5, "Status": None},
        {"Tags": [{"name": "b"}, {"name": "a"}], "Owner": [], "Due": None},
        {"Tags": ["a"], "Owner": [{"object": "user"}], "Due": {"start": None}},
        {"Estimate": 2**53 + 1, "Status": {"name": 3}},
    ],
    ids=[
        "as sent",
        "styled",
        "link",
        "two runs",
        "mention",
        "empty",
        "lists",
        "odd lists",
        "odd scalars",
    ],
)
def test_a_row_read_the_quick_way_holds_what_the_general_path_decodes(
    values: dict[str, Any],
) -> None:
    """Every value of a page, read twice through one layout (the second time from what the
    read remembered), is the canonical value each property's general path gives alone."""
    page = _full(**values)
    expected = canonical_json(_alone(page, QUICK))
    for _ in range(2):
        row = decode_row(page, QUICK, _no_fetch)
        assert canonical_json(dict(row.values)) == expected
    assert row.key == QUICK.key_codec.key_text(_alone(page, QUICK)["Slug"])


def test_tags_sent_in_another_order_share_one_copy() -> None:
    """Lists remembered under the order Notion sent them still share one canonical copy."""
    first, second = (
        decode_row(_full(Tags=tags), QUICK, _no_fetch).values["Tags"]
        for tags in ([{"name": "b"}, {"name": "a"}], [{"name": "a"}, {"name": "b"}])
    )
    assert first == ["a", "b"]
    assert first is second


def test_a_partial_list_is_completed_even_when_its_first_people_were_read_before() -> None:
    """People past 25 are fetched for every page that holds them, never taken from what the
    read remembered of a page with fewer."""
    fetched: list[str] = []

    def fetch(page_id: str, prop: LiveProperty) -> list[Any]:
        fetched.append(prop.name)
        return [{"object": "property_item", "type": "people", "people": {"id": u}} for u in USERS]

    layout = ReadLayout(managed=QUICK.managed, key=SLUG)
    few = [{"object": "user", "id": u} for u in USERS[:24]]
    many = [{"object": "user", "id": u} for u in USERS[:25]]
    assert decode_row(_full(Owner=few), layout, fetch).values["Owner"] == sorted(set(USERS[:24]))
    for _ in range(2):
        assert decode_row(_full(Owner=many), layout, fetch).values["Owner"] == sorted(set(USERS))
    assert fetched == ["Owner", "Owner"]


def test_a_date_its_codec_refuses_raises_the_located_error_each_time() -> None:
    """A value the codec refuses is never remembered: after a good date, the same bad one
    raises its located error on every page."""
    layout = ReadLayout(managed=QUICK.managed, key=SLUG)
    decode_row(
        _full(Due={"start": "2026-04-04", "end": None, "time_zone": None}), layout, _no_fetch
    )
    for _ in range(2):
        with pytest.raises(UnexpectedResponseError, match=r"property 'Due' at results\[0\]"):
            decode_row(_full(Due={"start": "2026-13-45"}), layout, _no_fetch)


@pytest.mark.parametrize("name", ["Slug", "Done", "Tags", "Status"])
def test_a_value_of_the_wrong_type_names_its_field_whatever_its_quick_way(name: str) -> None:
    """A property value that is not an object goes the general path, whose error names it."""
    page = _full()
    properties = page.raw["properties"]
    assert isinstance(properties, dict)
    properties[name] = ["not", "an object"]
    layout = ReadLayout(managed=QUICK.managed, key=SLUG)
    with pytest.raises(UnexpectedResponseError, match=rf"results\[0\]\.properties\.{name}"):
        decode_row(page, layout, _no_fetch)


@pytest.mark.parametrize("name", ["Slug", "Done", "Tags", "Status"])
def test_a_value_under_another_name_is_found_by_id_whatever_its_quick_way(name: str) -> None:
    """A page keying a value by another name goes the general path, which finds it by id."""
    page = _full()
    properties = page.raw["properties"]
    assert isinstance(properties, dict)
    properties[f"Old {name}"] = properties.pop(name)
    layout = ReadLayout(managed=QUICK.managed, key=SLUG)
    assert dict(decode_row(page, layout, _no_fetch).values) == dict(
        decode_row(_full(), layout, _no_fetch).values
    )
