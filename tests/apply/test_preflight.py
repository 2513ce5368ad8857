"""The preflight: each change's state from the journal, and one pass of reads before any write.

Unit tests pin how journal records become states; the tests against the emulator pin that the
checks share their reads (a database's rows are read by page once for the recheck and the stale
check together; a key lookup is answered from a whole read the resume already made).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from reconciler.apply import ChangeState, Journal, JournalEvent, Status
from reconciler.apply.preflight import ChangeStates
from reconciler.plan import Plan
from tests.apply.conftest import TASKS, Project
from tests.plan.world import World, desired_row, task_values, with_values


def _plan() -> Plan:
    """An update of design-pages and a create of ship (tasks)."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Estimate=8)
    rows.append(desired_row("ship", task_values("ship", "Ship it")))
    return world.desired_db("tasks", rows=tuple(rows)).plan()


UPDATE, CREATE = "tasks/update_row/design-pages", "tasks/create_row/ship"


def _states(journal: Journal, plan: Plan) -> dict[str, ChangeState]:
    return dict(ChangeStates(plan, journal).snapshot())


def test_changes_nothing_records_are_pending(tmp_path: Path) -> None:
    """An empty journal: every change is to be sent."""
    journal = Journal(tmp_path / "journal.jsonl")
    expected = {UPDATE: ChangeState.PENDING, CREATE: ChangeState.PENDING}
    assert expected == _states(journal, _plan())


def test_each_last_record_of_the_plan_gives_the_state(tmp_path: Path) -> None:
    """done → done; started or failed → unknown; absent → absent; voided → voided."""
    plan = _plan()
    journal = Journal(tmp_path / "journal.jsonl")
    journal.started(plan.checksum, UPDATE)
    journal.failed(plan.checksum, CREATE, "timed out")
    assert _states(journal, plan) == {UPDATE: ChangeState.UNKNOWN, CREATE: ChangeState.UNKNOWN}
    journal.finished(plan.checksum, UPDATE)
    journal.absent(plan.checksum, CREATE)
    assert _states(journal, plan) == {UPDATE: ChangeState.DONE, CREATE: ChangeState.ABSENT}
    journal.voided(plan.checksum, UPDATE, "put back by hand")
    assert _states(journal, plan)[UPDATE] is ChangeState.VOIDED


def test_a_create_another_plan_left_unknown_is_unknown_here(tmp_path: Path) -> None:
    """The same create started by an earlier plan may have happened: unknown, so it is looked
    up before being sent; an update another plan left unfinished is simply sent (pending)."""
    plan = _plan()
    journal = Journal(tmp_path / "journal.jsonl")
    journal.started("0" * 64, CREATE)
    journal.started("0" * 64, UPDATE)
    assert _states(journal, plan) == {UPDATE: ChangeState.PENDING, CREATE: ChangeState.UNKNOWN}
    journal.absent(plan.checksum, CREATE)
    assert _states(journal, plan)[CREATE] is ChangeState.UNKNOWN


def _forget_done(project: Project, change_ids: list[str]) -> None:
    """Rewrite the journal as a crash would leave it: these changes started, never done."""
    path = project.journal_path
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not (
            json.loads(line)["change"] in change_ids
            and json.loads(line)["event"] == JournalEvent.DONE
        )
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def _before_first_write(project: Project, since: int) -> list[str]:
    """The requests since ``since`` up to the apply's first write."""
    sent = [f"{r['method']} {r['path']}" for r in project.emulator.requests()[since:]]
    first = next(i for i, r in enumerate(sent) if r.startswith(("PATCH", "POST /v1/pages")))
    return sent[:first]


def test_the_recheck_and_the_stale_check_read_a_databases_rows_once(project: Project) -> None:
    """A saved plan applied again after a crash: the done records' rows (recheck) and the
    unfinished change's row (stale check) come from one read of the database, one query,
    before the first write."""
    project.converge()
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][0]["Estimate"] = 3
    tasks["rows"][1]["Estimate"] = 8
    tasks["rows"].append({"Slug": "ship", "Name": "Ship it"})
    project.write(tasks)
    plan, live = project.plan()
    assert project.apply(plan, live=live).complete
    _forget_done(project, ["tasks/update_row/design-pages"])
    since = project.mark()
    result = project.apply(plan)
    assert [o.status for o in result.outcomes].count(Status.DONE) == 1
    reads = _before_first_write(project, since)
    rows_read = [r for r in reads if r.endswith("/query") or r.startswith("GET /v1/pages/")]
    tasks_plan = plan.database("tasks")
    assert tasks_plan is not None
    assert rows_read == [f"POST /v1/data_sources/{tasks_plan.data_source_id}/query"]


def test_a_key_lookup_uses_the_whole_read_the_resume_made(project: Project) -> None:
    """A saved plan creating a row, whose create was left unknown and never happened: the
    resume reads the database whole, and the check that no row with that key appeared since is
    answered from that read. The tasks data source is queried once before the create."""
    without = copy.deepcopy(TASKS)
    without["rows"] = [row for row in without["rows"] if row["Slug"] != "outline"]
    project.write(without)
    project.converge()
    project.write(TASKS)
    plan, live = project.plan()
    assert [c.id for c in plan.changes] == ["tasks/create_row/outline"]
    project.apply(plan, live=live)
    tasks = plan.database("tasks")
    assert tasks is not None
    made = next(
        row.page_id for row in project.plan()[1].databases["tasks"].rows if row.key == "outline"
    )
    project.gateway.set_row_trashed(made, True, database="tasks", row_key="outline")
    _forget_done(project, ["tasks/create_row/outline"])
    since = project.mark()
    assert project.apply(plan).complete
    sent = [f"{r['method']} {r['path']}" for r in project.emulator.requests()[since:]]
    before_create = sent[: sent.index("POST /v1/pages")]
    expected = [f"POST /v1/data_sources/{tasks.data_source_id}/query"]
    assert expected == [r for r in before_create if r.startswith(expected[0])]
