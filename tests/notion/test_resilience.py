"""The gateway under injected faults, over TCP: reads stay exact, creates never duplicate.

The emulator serves on loopback, so a "drop the connection" fault really closes the socket.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import Emulator, EmulatorServer
from reconciler.model import JSON, LiveDatabase
from reconciler.notion import NotionGateway, RequestStats
from tests.conftest import FAST_RETRIES, TOKEN
from tests.notion.conftest import (
    TASKS_DB,
    TASKS_DS,
    desired_database,
    minute,
    row_page,
    seed_database,
    spec,
    specs_of,
    text,
)

pytestmark = pytest.mark.resilience

SCHEMA = {
    "Name": {"type": "title", "title": {}},
    "Estimate": {"type": "number", "number": {"format": "number"}},
}
SPECS = [spec("Name", "title"), spec("Estimate", "number", format="number")]
QUERY = "POST /v1/data_sources/{id}/query"

# About one request in five fails: rate limited, server errors, overload, dropped connections.
TRANSIENT_FAULTS: list[dict[str, Any]] = [
    {"path": "^/v1/", "status": status, "probability": 0.05, "retry_after": 1}
    for status in (429, 503, 529, 0)
]


def gateway_for(server: EmulatorServer) -> NotionGateway:
    return NotionGateway(
        Secret(TOKEN),
        base_url=server.url,
        rate_limit=RateLimitSettings(rps=0),
        retry=FAST_RETRIES,
        concurrency=4,
    )


def seed_rows(emulator: Emulator, count: int, per_minute: int) -> None:
    seed_database(emulator, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    emulator.seed(
        {
            "pages": [
                row_page(
                    TASKS_DS,
                    n,
                    {"Name": {"title": text(f"task {n}")}, "Estimate": {"number": n}},
                    created_time=minute(n // per_minute),
                )
                for n in range(count)
            ]
        }
    )


def read_tasks(gateway: NotionGateway) -> LiveDatabase:
    desired = desired_database("tasks", "Tasks", SPECS, id=TASKS_DB)
    return gateway.read_state(specs_of(desired)).databases["tasks"]


def failed_fraction(stats: RequestStats) -> float:
    succeeded = sum(stats.count(endpoint, "200") for endpoint in stats.by_endpoint)
    return 1 - succeeded / stats.requests


def test_a_read_through_20_percent_failures_equals_the_undisturbed_read(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """130 rows past a cap of 50 read the same with and without faults, in the same queries."""
    seed_rows(emulator, 130, per_minute=3)
    emulator.configure({"query_result_cap": 50, "seed": 11})
    with gateway_for(emulator_server) as calm:
        expected = read_tasks(calm)
        calm_queries = calm.stats().count(QUERY, "200")
    emulator.configure({"faults": TRANSIENT_FAULTS})
    with gateway_for(emulator_server) as stormy:
        actual = read_tasks(stormy)
        stats = stormy.stats()
    assert actual == expected
    assert (stats.count(QUERY, "200"), calm_queries) == (3, 3)
    assert failed_fraction(stats) >= 0.15
    assert stats.retries > 0


def test_creates_under_after_write_faults_never_duplicate_a_key(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """40 concurrent creates, a third of them failing after the write: 40 rows, 40 keys."""
    seed_database(emulator, TASKS_DB, TASKS_DS, "Tasks", SCHEMA)
    emulator.configure(
        {
            "seed": 5,
            "faults": [
                *(
                    {
                        "method": "POST",
                        "path": "^/v1/pages$",
                        "status": status,
                        "probability": 0.12,
                        "after_write": True,
                    }
                    for status in (503, 0, 529)
                ),
                {"method": "POST", "path": "/query$", "status": 503, "probability": 0.2},
            ],
        }
    )
    keys = [f"task {n}" for n in range(40)]

    def create(key: str) -> bool:
        values: dict[str, JSON] = {"Name": {"title": text(key)}, "Estimate": {"number": 1}}
        page = gateway.create_row(TASKS_DS, values, "Name", "title", key, database="tasks")
        return page.recovered

    with gateway_for(emulator_server) as gateway, ThreadPoolExecutor(4) as pool:
        recovered = list(pool.map(create, keys))
        creates_sent = gateway.stats().count("POST /v1/pages")
    emulator.configure({"faults": []})
    with gateway_for(emulator_server) as reader:
        live = Counter(row.key for row in read_tasks(reader).rows)
    assert live == Counter(keys)
    assert sum(recovered) > 0
    assert creates_sent == 40  # every create was written: a second one would be a duplicate


@pytest.mark.slow
def test_25000_rows_past_a_cap_of_10000_read_exactly_once_in_252_queries(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """25,000 rows, 100 a minute, cap 10,000: every row once in 252 queries, faults or not.

    A window ends at the cap and the next starts at its last row's minute, re-reading that
    minute's 100 rows: 10,000 + 10,000 + 5,200 rows fetched = 100 + 100 + 52 queries of 100 (the
    plain minimum would be 250; the overlap of one minute per window is the price of the cap).
    The same read through 20% failures gives the same rows from the same 252 answered queries.
    """
    seed_rows(emulator, 25_000, per_minute=100)
    emulator.configure({"query_result_cap": 10_000, "seed": 3})
    with gateway_for(emulator_server) as gateway:
        calm = read_tasks(gateway)
        calm_stats = gateway.stats()
    assert (len(calm.rows), len({r.page_id for r in calm.rows}), calm.complete) == (
        25_000,
        25_000,
        True,
    )
    assert (calm_stats.count(QUERY), calm_stats.retries) == (252, 0)
    emulator.configure({"faults": TRANSIENT_FAULTS})
    with gateway_for(emulator_server) as gateway:
        stormy = read_tasks(gateway)
        stormy_stats = gateway.stats()
    assert stormy == calm
    assert stormy_stats.count(QUERY, "200") == 252
    assert failed_fraction(stormy_stats) >= 0.15
