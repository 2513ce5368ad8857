"""Resuming after a crash: creates whose outcome is unknown are looked up before any resend."""

from __future__ import annotations

import json

from reconciler.apply import Journal, JournalEvent, Status
from reconciler.readspec import read_specs
from tests.apply.conftest import Project, writes


def crash_after_sending(project: Project, change_ids: list[str]) -> None:
    """Rewrite the journal as a crash would leave it: these changes started, never done."""
    path = project.journal_path
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["change"] in change_ids and record["event"] == JournalEvent.DONE:
            continue
        kept.append(line)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def keys_of(project: Project, handle: str) -> list[str]:
    live = project.gateway.read_state(read_specs(project.desired(), [handle])).databases[handle]
    return sorted(str(row.key) for row in live.rows if not row.in_trash)


def test_a_create_done_but_not_recorded_is_found_by_key_not_sent_again(
    project: Project,
) -> None:
    """The row exists: the resumed apply records it done and sends no create."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    crash_after_sending(project, ["tasks/create_row/outline"])
    since = project.mark()
    result = project.apply(plan)
    assert result.complete
    assert not [w for w in writes(project.emulator, since) if w == "POST /v1/pages"]
    expected = ["design-pages", "outline", "write-brief"]
    assert expected == keys_of(project, "tasks")


def test_a_create_started_but_never_made_is_made_once(project: Project) -> None:
    """The row does not exist: the resumed apply creates it, once."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    outline = next(c for c in plan.changes if c.id == "tasks/create_row/outline")
    gone = project.gateway.read_state(read_specs(project.desired(), ["tasks"])).databases["tasks"]
    page = next(row.page_id for row in gone.rows if row.key == "outline")
    project.gateway.set_row_trashed(page, True, database="tasks", row_key="outline")
    crash_after_sending(project, [outline.id])
    since = project.mark()
    result = project.apply(plan)
    assert result.complete
    created = [w for w in writes(project.emulator, since) if w == "POST /v1/pages"]
    once = ["POST /v1/pages"]
    assert once == created
    expected = ["design-pages", "outline", "write-brief"]
    assert expected == keys_of(project, "tasks")


def test_a_database_created_but_not_recorded_is_found_by_title(project: Project) -> None:
    """The resumed apply finds the database under its parent instead of making a second."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    crash_after_sending(project, ["tasks/create_database/tasks", "tasks/create_row/outline"])
    since = project.mark()
    result = project.apply(plan)
    assert result.complete
    assert not [w for w in writes(project.emulator, since) if w == "POST /v1/databases"]


def test_settled_creates_are_journaled_done_with_their_page(project: Project) -> None:
    """After the look-up the journal holds the page the earlier run made."""
    plan, live = project.plan()
    first = project.apply(plan, live=live)
    made = next(o.page_id for o in first.outcomes if o.change.id == "tasks/create_row/outline")
    crash_after_sending(project, ["tasks/create_row/outline"])
    second = project.apply(plan)
    outline = next(o for o in second.outcomes if o.change.id == "tasks/create_row/outline")
    assert (Status.ALREADY_DONE, made) == (outline.status, outline.page_id)
    journal = Journal(project.journal_path)
    assert made == journal.done(plan.checksum)["tasks/create_row/outline"].page_id
    journal.close()


def test_a_create_found_on_resume_is_audited_as_recovered(project: Project) -> None:
    """The killed run could not audit its create; the resumed run does, as recovered."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    audit = project.state_dir / "audit.jsonl"
    audit.write_text("", encoding="utf-8")
    crash_after_sending(project, ["tasks/create_row/outline"])
    project.apply(plan)
    records = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    expected = [("create_row", "outline", "recovered")]
    assert expected == [(r["operation"], r["key"], r["outcome"]) for r in records]
