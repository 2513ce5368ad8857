"""The apply journal: durable records, torn lines, and what is left unfinished."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.apply.journal import Journal, JournalEvent

PLAN = "9b2f" * 16
OTHER = "c0de" * 16


def test_done_records_what_each_change_created(tmp_path: Path) -> None:
    """A done record keeps the page id, and a reopened journal still knows it."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.started(PLAN, "tasks/create_row/write-docs")
    journal.finished(
        PLAN, "tasks/create_row/write-docs", page_id="1f2e3d4c-0000-4000-8000-000000000001"
    )
    journal.close()
    reopened = Journal(path)
    expected = "1f2e3d4c-0000-4000-8000-000000000001"
    assert expected == reopened.done(PLAN)["tasks/create_row/write-docs"].page_id
    reopened.close()


def test_started_without_done_is_unfinished(tmp_path: Path) -> None:
    """A change that was sent but never answered is unfinished, in any plan."""
    journal = Journal(tmp_path / "journal.jsonl")
    journal.started(PLAN, "tasks/create_row/a")
    journal.finished(PLAN, "tasks/create_row/a", page_id="p-a")
    journal.started(PLAN, "tasks/create_row/b")
    journal.started(OTHER, "tasks/update_row/c")
    expected = [(PLAN, "tasks/create_row/b"), (OTHER, "tasks/update_row/c")]
    assert expected == [(e.plan, e.change) for e in journal.unfinished()]
    journal.close()


def test_a_failed_change_stays_unfinished_until_settled(tmp_path: Path) -> None:
    """A failure leaves the outcome unknown; ``absent`` settles it."""
    journal = Journal(tmp_path / "journal.jsonl")
    journal.started(PLAN, "tasks/create_row/a")
    journal.failed(PLAN, "tasks/create_row/a", "service unavailable")
    expected = [JournalEvent.FAILED]
    assert expected == [e.event for e in journal.unfinished()]
    journal.absent(PLAN, "tasks/create_row/a")
    assert not journal.unfinished()
    journal.close()


def test_done_is_per_plan(tmp_path: Path) -> None:
    """Another plan's done records do not count for this plan."""
    journal = Journal(tmp_path / "journal.jsonl")
    journal.finished(OTHER, "tasks/update_row/a")
    assert not journal.done(PLAN)
    journal.close()


def test_a_torn_last_line_is_ignored_and_the_next_record_stands_alone(tmp_path: Path) -> None:
    """A crash mid-write leaves half a line; reading skips it and appending starts afresh."""
    path = tmp_path / "journal.jsonl"
    complete = {"time": "t", "plan": PLAN, "change": "tasks/create_row/a", "event": "done"}
    path.write_text(json.dumps(complete) + '\n{"time": "t", "plan": "9b2f', encoding="utf-8")
    journal = Journal(path)
    journal.finished(PLAN, "tasks/create_row/b", page_id="p-b")
    journal.close()
    expected = {"tasks/create_row/a", "tasks/create_row/b"}
    assert expected == set(Journal(path).done(PLAN))


def test_every_record_is_one_json_line(tmp_path: Path) -> None:
    """The file is JSON lines with time, plan, change and event."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.started(PLAN, "tasks/trash_row/old")
    journal.close()
    record = json.loads(path.read_text(encoding="utf-8").strip())
    expected = {"time", "plan", "change", "event"}
    assert expected == set(record)
    assert record["time"].endswith("Z")


def test_lines_that_are_not_records_are_skipped(tmp_path: Path) -> None:
    """Foreign JSON in the file is not taken for a record."""
    path = tmp_path / "journal.jsonl"
    path.write_text('[1, 2]\n{"plan": "x"}\n{"plan": "x", "change": "c", "event": "odd"}\n')
    journal = Journal(path)
    assert not journal.unfinished()
    journal.close()
