"""Properties of filter and sort handling, checked on generated request bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.emulator.filters import FilterError, compile_filter
from reconciler.emulator.sorting import sort_pages
from tests.emulator.engines import values as v
from tests.emulator.engines.querying import SCHEMA, page

NOW = datetime(2026, 6, 27, 16, 58, tzinfo=UTC)
# Words a client could put in a filter: property names, type keys, operators, timestamps.
WORDS = [
    *SCHEMA, "property", "timestamp", "and", "or", "any", "every", "none", "string",
    "title", "rich_text", "url", "email", "phone_number", "number", "unique_id", "checkbox",
    "select", "status", "multi_select", "date", "created_time", "last_edited_time", "people",
    "created_by", "last_edited_by", "relation", "files", "formula", "rollup", "verification",
    "equals", "does_not_equal", "contains", "does_not_contain", "starts_with", "ends_with",
    "greater_than", "less_than", "greater_than_or_equal_to", "less_than_or_equal_to",
    "is_empty", "is_not_empty", "before", "after", "on_or_before", "on_or_after", "this_week",
    "past_week", "next_month", "today", "one_week_ago", "me", "verified", "expired",
    "2026-06-27", "2026-06-27T10:00:00Z", v.ADA["id"], "direction", "ascending", "descending",
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(WORDS), st.text(max_size=8), st.integers(), st.floats(allow_nan=False),
    st.booleans(), st.none(),
)  # fmt: skip
documents: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(WORDS), children, max_size=3),
    ),
    max_leaves=12,
)
CONDITION_KEYS = [w for w in WORDS if w not in SCHEMA]
operands = st.one_of(scalars, st.lists(scalars, max_size=2), st.just({}))
conditions = st.one_of(
    st.dictionaries(st.sampled_from(CONDITION_KEYS), operands, min_size=1, max_size=2),
    st.dictionaries(
        st.sampled_from(CONDITION_KEYS),
        st.dictionaries(st.sampled_from(CONDITION_KEYS), operands, min_size=1, max_size=1),
        min_size=1,
        max_size=1,
    ),
)
leaf_filters = st.one_of(
    st.sampled_from(list(SCHEMA)).flatmap(
        lambda prop: st.builds(
            lambda key, condition: {"property": prop, key: condition},
            st.one_of(st.just(SCHEMA[prop]["type"]), st.sampled_from(CONDITION_KEYS)),
            conditions,
        )
    ),
    st.builds(
        lambda stamp, condition: {"timestamp": stamp, stamp: condition},
        st.sampled_from(["created_time", "last_edited_time", "edited"]), conditions,
    ),
)  # fmt: skip
filter_shaped: st.SearchStrategy[Any] = st.recursive(
    leaf_filters,
    lambda children: st.dictionaries(
        st.sampled_from(["and", "or"]), st.lists(children, max_size=3), min_size=1, max_size=1
    ),
    max_leaves=6,
)
PAGES = [
    page("full", Notes=v.text("Ship it"), Price=v.number(42), Done=v.checkbox(True),
         Stage=v.select("Doing"), Tags=v.multi_select("Red"), Due=v.date("2026-06-27"),
         Owners=v.people(v.ADA), Related=v.relation(v.RELATED_IDS[0]),
         Score=v.formula("number", 9), Verified=v.verification("verified")),
    page("empty"),
]  # fmt: skip


@given(st.one_of(documents, filter_shaped))
@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
def test_any_filter_compiles_or_raises_filter_error(document: Any):
    """Whatever a client sends as a filter: a predicate that runs on any page, or FilterError."""
    try:
        keep = compile_filter(document, SCHEMA, now=NOW, bot_id=v.BOT["id"])
    except FilterError:
        return  # a refusal is one of the two allowed answers
    assert all(isinstance(keep(p), bool) for p in PAGES)


@given(documents)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_sorts_order_the_pages_or_raise_filter_error(document: Any):
    """Whatever a client sends as sorts: the same pages reordered, or FilterError."""
    try:
        ordered = sort_pages(PAGES, document, SCHEMA)
    except FilterError:
        return
    assert sorted(p["id"] for p in PAGES) == sorted(str(p["id"]) for p in ordered)
