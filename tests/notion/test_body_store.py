"""The body store: cached reads trusted only when safe, write records kept, files optional."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reconciler.model import LiveBody, LiveRow, WrittenBody
from reconciler.notion import BodyStore

EDITED = "2026-07-01T10:00:00.000Z"
AT_EDIT = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def _row(edited: str = EDITED, created: str = "2026-06-01T09:00:00.000Z") -> LiveRow:
    return LiveRow("p1", "a", {}, "https://notion.so/p1", created_time=created,
                   last_edited_time=edited)  # fmt: skip


def test_a_read_long_after_the_last_edit_is_trusted() -> None:
    """Read two minutes or more after the page's edit minute, the body comes from the cache."""
    store = BodyStore()
    store.remember(_row(), LiveBody("text"), AT_EDIT + timedelta(minutes=2))
    assert store.cached(_row()) == LiveBody("text")


def test_a_read_within_the_margin_is_not_trusted() -> None:
    """An edit in the same minute as the read would not move the time: read again."""
    store = BodyStore()
    store.remember(_row(), LiveBody("text"), AT_EDIT + timedelta(seconds=90))
    assert store.cached(_row()) is None


def test_a_moved_edit_time_is_never_trusted() -> None:
    """Once the page's last_edited_time moved, the cached body is stale."""
    store = BodyStore()
    store.remember(_row(), LiveBody("text"), AT_EDIT + timedelta(hours=1))
    assert store.cached(_row(edited="2026-07-01T11:00:00.000Z")) is None


def test_a_page_created_again_with_the_same_id_is_not_trusted() -> None:
    """The cache is keyed by the page's creation time too."""
    store = BodyStore()
    store.remember(_row(), LiveBody("text"), AT_EDIT + timedelta(hours=1))
    assert store.cached(_row(created="2026-06-02T09:00:00.000Z")) is None


def test_the_cache_and_the_records_survive_in_the_folder(tmp_path: Path) -> None:
    """Saved, both are there for the next store of the same folder."""
    store = BodyStore(tmp_path)
    store.remember(
        _row(), LiveBody("text", unknown_block_ids=("b1",)), AT_EDIT + timedelta(hours=1)
    )
    store.record_written("p1", WrittenBody("sent", "held"))
    store.save()
    again = BodyStore(tmp_path)
    assert again.cached(_row()) == LiveBody("text", unknown_block_ids=("b1",))
    assert again.written("p1") == WrittenBody("sent", "held")


def test_an_unreadable_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    """A broken cache only costs requests: it is read as empty."""
    (tmp_path / "bodies.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "written.json").write_text(json.dumps({"format": 99, "pages": {}}), "utf-8")
    store = BodyStore(tmp_path)
    assert store.cached(_row()) is None
    assert store.written("p1") is None


def test_a_store_without_a_folder_writes_nothing(tmp_path: Path) -> None:
    """In memory only: saving is a no-op."""
    store = BodyStore()
    store.record_written("p1", WrittenBody("a", "b"))
    store.save()
    assert store.written("p1") == WrittenBody("a", "b")
