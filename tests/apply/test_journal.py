"""The apply journal: durable records, torn lines, and what is left unfinished."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.apply.records.journal import Journal, JournalEvent

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


def test_a_voided_change_is_no_longer_done_after_reopening(tmp_path: Path) -> None:
    """voided: done no more, and not unfinished either (it is settled: to be sent again)."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.finished(PLAN, "tasks/create_row/a", page_id="p-a")
    journal.voided(PLAN, "tasks/create_row/a", "the row it created is gone")
    journal.close()
    reopened = Journal(path)
    assert (reopened.done(PLAN), reopened.unfinished()) == ({}, ())
    reopened.close()


def plan_id(n: int) -> str:
    return f"{n:04x}" * 16


def test_a_large_journal_keeps_recent_and_unfinished_plans_when_compacted(tmp_path: Path) -> None:
    """Past the size limit, opening keeps the last record of each change of the plans with an
    unfinished change and of the most recent ones; the rest is gone; the file stays valid."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.started(plan_id(0), "tasks/create_row/in-flight")  # unfinished: must survive
    for n in range(1, 8):
        for row in range(3):
            journal.started(plan_id(n), f"tasks/create_row/r{row}")
            journal.finished(plan_id(n), f"tasks/create_row/r{row}", page_id=f"p{n}-{row}")
    journal.finished(plan_id(2), "tasks/update_row/late")  # plan 2 written to recently
    journal.close()
    before = path.stat().st_size

    compacted = Journal(path, compact_above=1000, keep_plans=3)

    assert [(e.plan, e.change) for e in compacted.unfinished()] == [
        (plan_id(0), "tasks/create_row/in-flight")
    ]
    survivors = [n for n in range(1, 8) if compacted.done(plan_id(n))]
    assert survivors == [2, 6, 7]
    assert compacted.done(plan_id(7))["tasks/create_row/r2"].page_id == "p7-2"
    assert len(compacted.done(plan_id(2))) == 4
    compacted.finished(plan_id(8), "tasks/update_row/x")
    compacted.close()
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert path.stat().st_size < before / 2
    assert len(records) == 1 + 3 + 4 + 3 + 1
    assert not (tmp_path / "journal.jsonl.compacting").exists()
    again = Journal(path, compact_above=10**9)
    assert [n for n in range(1, 9) if again.done(plan_id(n))] == [2, 6, 7, 8]
    again.close()


def test_a_journal_under_the_limit_is_left_as_it_is(tmp_path: Path) -> None:
    """Below the size limit the file is not rewritten."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    for n in range(5):
        journal.finished(plan_id(n), "tasks/update_row/a")
    journal.close()
    before = path.read_bytes()
    Journal(path, keep_plans=1).close()
    assert path.read_bytes() == before


def test_a_compaction_cut_short_leaves_the_journal_whole(tmp_path: Path) -> None:
    """A crash while compacting leaves a partial `.compacting` file and the journal intact: the
    next open ignores the leftover and compacts again."""
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    for n in range(4):
        journal.finished(plan_id(n), "tasks/update_row/a")
    journal.close()
    (tmp_path / "journal.jsonl.compacting").write_text('{"plan": "torn')

    reopened = Journal(path, compact_above=10, keep_plans=2)

    assert [n for n in range(4) if reopened.done(plan_id(n))] == [2, 3]
    assert not (tmp_path / "journal.jsonl.compacting").exists()
    reopened.close()
