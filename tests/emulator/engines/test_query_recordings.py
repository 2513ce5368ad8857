"""Every recorded data source query (filters, sorts, default order) reproduced exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconciler.emulator.filters import compile_filter
from reconciler.emulator.sorting import sort_pages
from tests.emulator.engines.recorded import QueryExample, query_examples

QUERIES = query_examples()
# The recordings were made in June and July 2026; no relative-date filter in them is near "now".
RECORDED_AT = datetime(2026, 6, 27, 17, 5, tzinfo=UTC)


def test_recordings_hold_the_known_query_examples():
    """The recordings give 84 replayable queries, 71 of them filtered and 3 sorted."""
    expected = (84, 71, 3)

    filtered = sum(1 for q in QUERIES if "filter" in q.body)
    sorted_ = sum(1 for q in QUERIES if "sorts" in q.body)

    assert expected == (len(QUERIES), filtered, sorted_)


@pytest.mark.parametrize("query", QUERIES, ids=[f"{q.source}-{q.index}" for q in QUERIES])
def test_query_returns_the_recorded_pages_in_the_recorded_order(query: QueryExample):
    """Filtering then sorting the known pages gives Notion's result ids, in Notion's order."""
    keep = compile_filter(query.body.get("filter", {"and": []}), query.schema, now=RECORDED_AT)

    ordered = sort_pages([p for p in query.pages if keep(p)], query.body.get("sorts"), query.schema)

    assert query.result_ids == [page["id"] for page in ordered]
