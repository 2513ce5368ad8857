"""The controller's small parts: the hint queue, the snapshot patch, the circuit breaker."""

from __future__ import annotations

import pytest

from reconciler.model import (
    DesiredDatabase,
    DesiredRow,
    LiveDatabase,
    LiveRow,
    LiveState,
    SourceLocation,
)
from reconciler.serve.breaker import BreakerState, CircuitBreaker
from reconciler.serve.hints import HintQueue, Pending
from reconciler.serve.snapshot import catalogue, patched
from reconciler.serve.webhooks import Catalogue, Hint, Sighting

HERE = SourceLocation("manifests/tasks.yaml", 1, 1)


# --- hints -----------------------------------------------------------------------------------


def test_hints_about_one_page_are_one_re_read() -> None:
    """Three events about one page and one about another: two pages to read, and the loop woken."""
    queue = HintQueue()
    for page in ("p1", "p1", "p2", "p1"):
        queue.put(Hint("tasks", page))
    assert queue.arrived.is_set()
    taken = queue.take()
    assert taken == Pending(pages={"tasks": frozenset({"p1", "p2"})})
    assert not queue.arrived.is_set()
    assert queue.take().empty


def test_hints_a_cycle_could_not_use_wait_again() -> None:
    """put_back merges what a failed cycle took with what arrived since."""
    queue = HintQueue()
    queue.put(Hint("tasks", "p1"))
    taken = queue.take()
    queue.put(Hint("tasks", "p2"))
    queue.put_back(taken)
    assert queue.take().pages == {"tasks": frozenset({"p1", "p2"})}


def test_too_many_pages_of_one_database_become_a_full_read_of_it() -> None:
    """Past max_pages the database is read in full and its page set is dropped."""
    queue = HintQueue(max_pages=2)
    for page in ("p1", "p2", "p3"):
        queue.put(Hint("tasks", page))
    queue.put(Hint("people", "q1"))
    taken = queue.take()
    assert taken.databases == frozenset({"tasks"})
    assert taken.pages == {"people": frozenset({"q1"})}


def _ticking() -> tuple[list[float], HintQueue]:
    """A queue whose clock the test sets (now[0])."""
    now = [0.0]
    return now, HintQueue(max_held=3, clock=lambda: now[0])


def _sighting(page: str) -> Sighting:
    return Sighting(f"e-{page}", "page.properties_updated", page, ("ds",))


def test_an_unplaced_event_is_held_without_waking_the_loop() -> None:
    """hold() keeps an event the catalogue could not place: no hint, and the loop sleeps on."""
    _, queue = _ticking()
    queue.hold(_sighting("p1"))
    assert not queue.arrived.is_set()
    assert queue.take().empty


def test_held_events_since_the_cycles_start_are_placed_in_the_new_catalogue() -> None:
    """Events that arrived since the cycle began become hints if the new catalogue knows their
    database; earlier ones were seen by the cycle's read and are dropped, as are those about
    databases still unknown."""
    now, queue = _ticking()
    queue.hold(_sighting("before"))
    now[0] = 10.0
    queue.hold(_sighting("during"))
    queue.hold(Sighting("e-x", "page.created", "elsewhere", ("other-source",)))
    assert queue.place_held(Catalogue({"ds": "tasks"}), since=5.0) is False
    assert queue.take().pages == {"tasks": frozenset({"during"})}
    assert queue.place_held(Catalogue({"ds": "tasks"}), since=0.0) is False
    assert queue.take().empty


def test_past_the_bound_the_oldest_held_events_go_and_placing_says_so() -> None:
    """max_held events at most: a fourth pushes the first out, and place_held reports the loss
    (the caller then reads in full), once."""
    _, queue = _ticking()
    for page in ("p1", "p2", "p3", "p4"):
        queue.hold(_sighting(page))
    assert queue.place_held(Catalogue({"ds": "tasks"}), since=0.0) is True
    assert queue.take().pages == {"tasks": frozenset({"p2", "p3", "p4"})}
    assert queue.place_held(Catalogue({"ds": "tasks"}), since=0.0) is False


# --- snapshot --------------------------------------------------------------------------------


def _row(page: str, key: str, status: str, *, trash: bool = False, created: str = "") -> LiveRow:
    return LiveRow(page, key, {"Status": status}, f"https://notion.so/{page}", trash, created)


def _state(*rows: LiveRow) -> LiveState:
    database = LiveDatabase("tasks", "db", "ds", "Tasks", (), rows)
    return LiveState({"tasks": database})


def _desired(*keys: str) -> DesiredDatabase:
    rows = tuple(DesiredRow(key, {}, HERE) for key in keys)
    return DesiredDatabase("tasks", "Tasks", "Name", (), rows, HERE)


def test_a_re_read_row_replaces_the_one_in_the_snapshot() -> None:
    """The row read back replaces the old one; the others stay as they were."""
    live = _state(_row("p1", "a", "Todo", created="1"), _row("p2", "b", "Todo", created="2"))
    after = patched(live, _desired("a", "b"), ["p1"], {"p1": _row("p1", "a", "Done", created="1")})
    rows = after.databases["tasks"].rows
    assert [(r.page_id, r.values["Status"]) for r in rows] == [("p1", "Done"), ("p2", "Todo")]
    assert live.databases["tasks"].rows[0].values["Status"] == "Todo"


def test_a_page_created_since_joins_the_snapshot() -> None:
    """A new page of the database is added, in created_time order."""
    live = _state(_row("p1", "a", "Todo", created="2"))
    after = patched(live, _desired("a"), ["p0"], {"p0": _row("p0", "z", "Todo", created="1")})
    assert [r.page_id for r in after.databases["tasks"].rows] == ["p0", "p1"]


def test_a_page_notion_no_longer_has_leaves_the_snapshot() -> None:
    """Asked for and not read back (404): gone, as from a query."""
    live = _state(_row("p1", "a", "Todo"), _row("p2", "b", "Todo"))
    after = patched(live, _desired("a", "b"), ["p1"], {})
    assert [r.page_id for r in after.databases["tasks"].rows] == ["p2"]


def test_a_trashed_row_the_manifest_wants_stays_to_be_restored() -> None:
    """In the trash, its key in the manifest and on no other live row: kept, so the plan
    restores it rather than creating a duplicate."""
    live = _state(_row("p1", "a", "Todo"))
    after = patched(live, _desired("a"), ["p1"], {"p1": _row("p1", "a", "Todo", trash=True)})
    assert [r.in_trash for r in after.databases["tasks"].rows] == [True]


def test_a_trashed_row_nobody_wants_leaves_the_snapshot() -> None:
    """In the trash with a key the manifest does not have: dropped, as a query drops it."""
    live = _state(_row("p1", "x", "Todo"))
    after = patched(live, _desired("a"), ["p1"], {"p1": _row("p1", "x", "Todo", trash=True)})
    assert after.databases["tasks"].rows == ()


def test_the_catalogue_knows_databases_sources_and_rows_by_any_spelling_of_their_id() -> None:
    """Ids with or without dashes, any case, name the managed database."""
    live = LiveState(
        {
            "tasks": LiveDatabase(
                "tasks",
                "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d",
                "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e",
                "Tasks",
                (),
                (_row("3f6b8e4c-2d5a-4b7c-8e9f-000000000001", "a", "Todo"),),
            )
        }
    )
    known = catalogue(live)
    assert known.database_of("2E5A7D3B1C4F4A6B9D8E0F1A2B3C4D5E") == "tasks"
    assert known.database_of("1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d") == "tasks"
    assert known.page_database("3f6b8e4c2d5a4b7c8e9f000000000001") == "tasks"
    assert known.database_of("00000000-0000-4000-8000-000000000099") is None


# --- breaker ---------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_the_threshold_and_backs_off_more_each_time() -> None:
    """Three failures open it; each further failure doubles the wait, up to the maximum."""
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, base_backoff=5, max_backoff=30, clock=clock)
    waits = []
    for _ in range(7):
        breaker.failed("Notion answered 503")
        waits.append(breaker.wait_seconds())
    assert waits == [5, 5, 5, 10, 20, 30, 30]
    assert breaker.state is BreakerState.OPEN


def test_below_the_threshold_a_failure_still_waits_the_base_back_off() -> None:
    """One failure does not open the breaker, but the next cycle is not immediate."""
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, base_backoff=5, clock=clock)
    breaker.failed("timeout")
    assert (breaker.state, breaker.wait_seconds()) == (BreakerState.CLOSED, 5)


def test_after_the_back_off_the_breaker_is_half_open_and_a_success_closes_it() -> None:
    """Open → half open once the wait is over → closed after Notion answers."""
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, base_backoff=5, clock=clock)
    breaker.failed("dropped")
    clock.now += 5
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.succeeded()
    assert breaker.view().state is BreakerState.CLOSED
    assert breaker.view().last_error is None


def test_a_breaker_needs_sensible_settings() -> None:
    """A zero threshold or an inverted back-off range is a programming error."""
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(threshold=0)
    with pytest.raises(ValueError, match="backoff"):
        CircuitBreaker(base_backoff=10, max_backoff=1)
