"""``RowMatch``: the live rows of a database grouped by key."""

from __future__ import annotations

from reconciler.model import LiveDatabase, LiveRow
from reconciler.plan.index import RowMatch


def _row(page: str, key: str | None, *, in_trash: bool = False) -> LiveRow:
    return LiveRow(page_id=page, key=key, values={}, url=f"https://n/{page}", in_trash=in_trash)


def test_rows_are_grouped_by_key_in_the_order_read() -> None:
    """Keys one row has map to it (in read order); a key several rows share lists them all, in
    read order, and is nowhere else; trashed rows by key (the first), keyless rows apart."""
    rows = (
        _row("p1", "a"),
        _row("p2", "dup"),
        _row("p3", "b"),
        _row("p4", "dup"),
        _row("p5", None),
        _row("p6", "dup"),
        _row("p7", "gone", in_trash=True),
        _row("p8", "gone", in_trash=True),
        _row("p9", "c"),
    )
    match = RowMatch.of(LiveDatabase("tasks", "db", "ds", "Tasks", (), rows))
    assert list(match.by_key) == ["a", "b", "c"]
    assert [row.page_id for row in match.by_key.values()] == ["p1", "p3", "p9"]
    assert {key: [r.page_id for r in shared] for key, shared in match.duplicates.items()} == {
        "dup": ["p2", "p4", "p6"]
    }
    assert match.trashed["gone"].page_id == "p7"
    assert [row.page_id for row in match.keyless] == ["p5"]
    assert match.live_count == 7
