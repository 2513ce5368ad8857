"""Filters and sorts Notion refuses, each with Notion's validation_error message."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator.filters import FilterError, validate_filter
from reconciler.emulator.sorting import validate_sorts
from tests.emulator.engines.querying import SCHEMA

LEAF = {"property": "Price", "number": {"equals": 1}}
# The property filter union Notion lists when a filter has no condition key it knows.
UNION = (
    "or", "and", "title", "rich_text", "number", "checkbox", "select", "multi_select",
    "status", "date", "people", "files", "url", "email", "phone_number", "relation",
    "created_by", "created_time", "last_edited_by", "last_edited_time", "formula",
    "unique_id", "rollup",
)  # fmt: skip


def refusal(filter_obj: object) -> str:
    with pytest.raises(FilterError) as raised:
        validate_filter(filter_obj, SCHEMA)
    return raised.value.message


def fix_one(path: str, *keys: str) -> str:
    lines = [f"{path}.{key} should be defined, instead was `undefined`." for key in keys]
    return "body failed validation. Fix one:\n" + "\n".join(lines)


def test_unknown_property_is_named():
    """Notion's wording for a property that is neither a name nor an id of the data source."""
    expected = "Could not find property with name or id: Cost"

    assert expected == refusal({"property": "Cost", "number": {"equals": 1}})


@pytest.mark.parametrize(
    ("prop", "key", "condition", "expected"),
    [
        ("Notes", "number", {"equals": 1}, "text does not match filter number"),
        ("Done", "select", {"equals": "x"}, "checkbox does not match filter select"),
        ("Owners", "relation", {"is_empty": True}, "people does not match filter relation"),
        ("Stage", "status", {"equals": "x"}, "select does not match filter status"),
        ("Score", "number", {"equals": 1}, "formula does not match filter number"),
    ],
    ids=["rich-text-as-number", "checkbox-as-select", "people-as-relation", "select-as-status",
         "formula-without-formula-key"],
)  # fmt: skip
def test_condition_for_another_property_type_is_refused(
    prop: str, key: str, condition: dict[str, Any], expected: str
):
    """'database property <type> does not match filter <key>'; rich_text is 'text' (observed)."""
    assert f"database property {expected}" == refusal({"property": prop, key: condition})


@pytest.mark.parametrize(
    "filter_obj",
    [{"property": "Notes", "text": {"contains": "x"}}, {"orr": [LEAF]}],
    ids=["legacy-text-key", "misspelt-or"],
)
def test_filter_without_a_known_condition_lists_the_union(filter_obj: dict[str, Any]):
    """Observed: 'body failed validation. Fix one:' then one line per accepted key."""
    assert fix_one("body.filter", *UNION) == refusal(filter_obj)


@pytest.mark.parametrize(
    ("filter_obj", "expected"),
    [
        ({"property": "Notes", "rich_text": {"matches": "x"}},
         fix_one("body.filter.rich_text", "equals", "does_not_equal", "contains",
                 "does_not_contain", "starts_with", "ends_with", "is_empty", "is_not_empty")),
        ({"property": "Done", "checkbox": {}},
         fix_one("body.filter.checkbox", "equals", "does_not_equal")),
        ({"property": "Score", "formula": {"text": {"equals": "x"}}},
         fix_one("body.filter.formula", "string", "checkbox", "number", "date")),
        ({"property": "Titles", "rollup": {"all": {"rich_text": {"equals": "x"}}}},
         fix_one("body.filter.rollup", "any", "every", "none", "number", "date")),
        ({"property": "Titles", "rollup": {"any": {"title": {"equals": "x"}}}},
         fix_one("body.filter.rollup.any", "rich_text", "number", "checkbox", "select",
                 "multi_select", "relation", "date", "people", "files", "status")),
        ({"property": "Attachments", "files": {"contains": "x"}},
         fix_one("body.filter.files", "is_empty", "is_not_empty")),
        ({"property": "Verified", "verification": {"equals": "verified"}},
         fix_one("body.filter.verification", "status", "does_not_equal")),
    ],
    ids=["text", "checkbox", "formula", "rollup", "rollup-item", "files", "verification"],
)  # fmt: skip
def test_condition_without_a_known_operator_lists_the_operators(
    filter_obj: dict[str, Any], expected: str
):
    """An operator the type does not have: the accepted operators, one per line."""
    assert expected == refusal(filter_obj)


@pytest.mark.parametrize(
    ("filter_obj", "expected"),
    [
        ({"property": "Price", "number": {"equals": "42"}},
         'body.filter.number.equals should be a number, instead was `"42"`.'),
        ({"property": "Price", "number": {"greater_than": True}},
         "body.filter.number.greater_than should be a number, instead was `true`."),
        ({"property": "Price", "number": {"is_empty": False}},
         "body.filter.number.is_empty should be `true`, instead was `false`."),
        ({"property": "Notes", "rich_text": {"contains": 5}},
         "body.filter.rich_text.contains should be a string, instead was `5`."),
        ({"property": "Notes", "rich_text": {"equals": "a", "contains": "b"}},
         'body.filter.rich_text.contains should be not present, instead was `"b"`.'),
        ({"property": "Done", "checkbox": {"equals": "yes"}},
         'body.filter.checkbox.equals should be a boolean, instead was `"yes"`.'),
        ({"property": "Stage", "select": {"equals": [1]}},
         "body.filter.select.equals should be a string or an array of strings, instead was `[1]`."),
        ({"property": "Owners", "people": {"contains": "Ada"}},
         'body.filter.people.contains should be a valid uuid or `"me"`, instead was `"Ada"`.'),
        ({"property": "Related", "relation": {"contains": "order-1"}},
         'body.filter.relation.contains should be a valid uuid, instead was `"order-1"`.'),
        ({"property": "Due", "date": {"equals": "next tuesday"}},
         ('body.filter.date.equals should be a valid ISO 8601 date string or a relative date,'
          ' instead was `"next tuesday"`.')),
        ({"property": "Due", "date": {"on_or_after": ["2026-06-27"]}},
         ('body.filter.date.on_or_after should be a valid ISO 8601 date string or a relative'
          ' date, instead was `["2026-06-27"]`.')),
        ({"property": "Due", "date": {"past_week": {"days": 1}}},
         'body.filter.date.past_week should be an empty object, instead was `{"days":1}`.'),
        ({"property": "Verified", "verification": {"status": "approved"}},
         ('body.filter.verification.status should be `"verified"`, `"expired"`, or `"none"`,'
          ' instead was `"approved"`.')),
        ({"property": "Price", "number": "x"},
         'body.filter.number should be an object, instead was `"x"`.'),
        ({"property": "Price", "number": {"equals": 1}, "rich_text": {"equals": "x"}},
         'body.filter.rich_text should be not present, instead was `{"equals":"x"}`.'),
        ({"number": {"equals": 1}},
         "body.filter.property should be defined, instead was `undefined`."),
        ({"property": 5, "number": {"equals": 1}},
         "body.filter.property should be a string, instead was `5`."),
        ({"timestamp": "edited_time", "edited_time": {"after": "2026-01-01"}},
         ('body.filter.timestamp should be `"created_time"` or `"last_edited_time"`,'
          ' instead was `"edited_time"`.')),
        ({"timestamp": "created_time", "last_edited_time": {"after": "2026-01-01"}},
         "body.filter.created_time should be defined, instead was `undefined`."),
        ({"and": {}}, "body.filter.and should be an array, instead was `{}`."),
        ([], "body.filter should be an object, instead was `[]`."),
        ({"or": [{"property": "Price", "number": {"equals": "x"}}]},
         'body.filter.or[0].number.equals should be a number, instead was `"x"`.'),
    ],
    ids=["number-as-text", "number-as-boolean", "is-empty-false", "text-as-number",
         "two-operators", "checkbox-as-text", "select-list-of-numbers", "people-not-uuid",
         "relation-not-uuid", "date-not-iso", "date-as-list", "period-with-content",
         "verification-state",
         "condition-not-object", "two-conditions", "no-property", "property-not-text",
         "unknown-timestamp", "timestamp-condition-missing", "compound-not-list",
         "filter-not-object", "nested-path"],
)  # fmt: skip
def test_malformed_condition_is_refused_with_its_path(filter_obj: object, expected: str):
    """'body failed validation: <path> should be ..., instead was `<JSON>`.'"""
    assert f"body failed validation: {expected}" == refusal(filter_obj)


def test_third_level_of_nesting_is_refused():
    """Notion allows two levels of compound filters; a third is 'should be not present'."""
    expected = (
        "body failed validation: body.filter.and[0].or[0].and should be not present,"
        ' instead was `[{"property":"Price","number":{"equals":1}}]`.'
    )

    assert expected == refusal({"and": [{"or": [{"and": [LEAF]}]}]})


def test_third_level_under_or_is_refused_at_its_path():
    """The path names where the third level starts."""
    expected = (
        "body failed validation: body.filter.or[1].and[0].or should be not present,"
        " instead was `[]`."
    )

    assert expected == refusal({"or": [LEAF, {"and": [{"or": []}]}]})


def test_valid_filter_passes_validation():
    """A filter of every kind at once is accepted."""
    everything = {
        "and": [
            {"property": "Notes", "rich_text": {"contains": "x"}},
            {"timestamp": "created_time", "created_time": {"past_week": {}}},
            {
                "or": [
                    LEAF,
                    {"property": "Titles", "rollup": {"any": {"rich_text": {"is_empty": True}}}},
                ]
            },
        ]
    }

    validate_filter(everything, SCHEMA)


# --- sorts ----------------------------------------------------------------------------------


def sort_refusal(sorts: object) -> str:
    with pytest.raises(FilterError) as raised:
        validate_sorts(sorts, SCHEMA)
    return raised.value.message


def test_unknown_sort_property_is_named():
    """Notion's wording for sorts differs from filters: 'sort property'."""
    expected = "Could not find sort property with name or id: Cost"

    assert expected == sort_refusal([{"property": "Cost", "direction": "ascending"}])


@pytest.mark.parametrize(
    ("sorts", "expected"),
    [
        ([{"property": "Price", "direction": "up"}],
         ('body failed validation: body.sorts[0].direction should be `"ascending"` or'
          ' `"descending"`, instead was `"up"`.')),
        ([{"property": "Price"}],
         ("body failed validation: body.sorts[0].direction should be defined, instead was"
          " `undefined`.")),
        ([{"direction": "ascending"}],
         fix_one("body.sorts[0]", "property", "timestamp")),
        ([{"property": "Price", "direction": "ascending"},
          {"timestamp": "edited", "direction": "ascending"}],
         ('body failed validation: body.sorts[1].timestamp should be `"created_time"` or'
          ' `"last_edited_time"`, instead was `"edited"`.')),
        ({}, "body failed validation: body.sorts should be an array, instead was `{}`."),
        (["Price"],
         'body failed validation: body.sorts[0] should be an object, instead was `"Price"`.'),
        ([{"property": 1, "direction": "ascending"}],
         "body failed validation: body.sorts[0].property should be a string, instead was `1`."),
    ],
    ids=["bad-direction", "no-direction", "neither-property-nor-timestamp", "bad-timestamp",
         "not-a-list", "entry-not-object", "property-not-text"],
)  # fmt: skip
def test_malformed_sorts_are_refused(sorts: object, expected: str):
    """Each malformed sort entry is refused at its index."""
    assert expected == sort_refusal(sorts)


def test_valid_sorts_pass_validation():
    """Property sorts by name or id, timestamp sorts, and no sorts at all are accepted."""
    validate_sorts(
        [
            {"property": "Stage", "direction": "ascending"},
            {"property": "%5Di%3BB", "direction": "descending"},
            {"timestamp": "last_edited_time", "direction": "ascending"},
        ],
        SCHEMA,
    )
    validate_sorts(None, SCHEMA)
    validate_sorts([], SCHEMA)
