"""Decoding a page of a query into a live row: values by name, by id, and the errors that name
where an unreadable value is."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.errors import UnexpectedResponseError
from reconciler.model import LiveProperty
from reconciler.notion.decode import ReadLayout, decode_row
from reconciler.notion.shapes import Body

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
