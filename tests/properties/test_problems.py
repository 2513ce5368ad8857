"""Value problems across every writable type: wrong kinds and Notion's item limits, located."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from reconciler.properties import ValueProblem, codec_for

CONFIGS: dict[str, dict[str, Any]] = {
    "relation": {"database": "projects", "type": "single_property", "synced_property": None},
    "select": {"options": []},
    "multi_select": {"options": []},
    "status": {"options": []},
}


@pytest.mark.parametrize(
    ("type_name", "value", "path"),
    [
        ("title", {"text": 3}, (0, "text")),
        ("rich_text", [{"text": "a", "bold": "yes"}], (0, "bold")),
        ("rich_text", [["nested"]], (0,)),
        ("number", [3], ()),
        ("select", ["Todo"], ()),
        ("status", {"name": "Done"}, ()),
        ("multi_select", {"Todo": True}, ()),
        ("multi_select", ["Todo", None], (1,)),
        ("date", True, ()),
        ("people", 42, ()),
        ("people", ["ada@example.com", {"id": "x"}], (1,)),
        ("files", 42, ()),
        ("checkbox", "maybe", ()),
        ("url", ["https://example.com"], ()),
        ("email", 42.5, ()),
        ("phone_number", {"number": "1"}, ()),
        ("relation", True, ()),
        ("relation", ["website", {"id": "x"}], (1, "id")),
        ("relation", [{"page_id": "not-an-id"}], (0, "page_id")),
        ("relation", [{"page_id": "12345678-1234-1234-1234-123456789abc"}], (0, "page_id")),
        ("place", [52.5, 13.4], ()),
        ("verification", 1, ()),
    ],
)
def test_a_value_of_the_wrong_kind_is_located(
    type_name: str, value: object, path: tuple[object, ...]
) -> None:
    """Each type refuses values of another kind, at the element that is wrong."""
    with pytest.raises(ValueProblem) as caught:
        codec_for(type_name).from_manifest(value, CONFIGS.get(type_name, {}))
    assert path == caught.value.path
    assert caught.value.message


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("people", [str(uuid.UUID(int=i, version=4)) for i in range(101)]),
        ("files", [f"https://example.com/{i}.pdf" for i in range(101)]),
        ("relation", [{"page_id": str(uuid.UUID(int=i, version=4))} for i in range(101)]),
        ("multi_select", [f"tag{i}" for i in range(101)]),
        ("rich_text", [{"text": "x", "bold": i % 2 == 0} for i in range(101)]),
    ],
)
def test_more_than_100_items_is_refused_with_the_limit(type_name: str, value: object) -> None:
    """Notion takes at most 100 items in one value; the message says so."""
    with pytest.raises(ValueProblem) as caught:
        codec_for(type_name).from_manifest(value, CONFIGS.get(type_name, {}))
    assert "at most 100" in caught.value.message


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("people", [str(uuid.UUID(int=i, version=4)) for i in range(100)]),
        ("relation", [{"page_id": str(uuid.UUID(int=i, version=4))} for i in range(100)]),
        ("multi_select", [f"tag{i}" for i in range(100)]),
    ],
)
def test_exactly_100_items_is_accepted(type_name: str, value: list[object]) -> None:
    """The limit is inclusive."""
    canonical = codec_for(type_name).from_manifest(value, CONFIGS.get(type_name, {}))
    assert isinstance(canonical, list)
    expected = 100
    assert expected == len(canonical)


def test_a_problem_can_be_relocated_under_an_enclosing_key() -> None:
    """ValueProblem.at prefixes the path, keeping message and hint."""
    problem = ValueProblem("bad", hint="fix it", path=(2, "color")).at("options")
    expected = (("options", 2, "color"), "bad", "fix it")
    assert expected == (problem.path, problem.message, problem.hint)
