"""Applying plans to the emulated workspace: order, batching, links, failures, progress, stop."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from reconciler.apply import ApplySession, ChangeFinished, ProgressEvent, StageStarted, Status
from reconciler.errors import NotionValidationError
from reconciler.model import JSON, RowKey
from reconciler.notion.gateway import CreatedDatabase, Gateway, WrittenPage
from reconciler.readspec import read_specs
from tests.apply.conftest import PROJECTS, TASKS, Project, writes


class RefusingCreates:
    """A gateway that refuses the creates of some keys as Notion would (400), else delegates."""

    def __init__(self, inner: Gateway, keys: set[str]) -> None:
        self._inner = inner
        self._keys = keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_row(
        self,
        data_source_id: str,
        properties: Mapping[str, JSON],
        key_property: str,
        key_type: str,
        key: RowKey,
        *,
        database: str,
        page: Mapping[str, JSON] | None = None,
        markdown: str | None = None,
    ) -> WrittenPage:
        if key in self._keys:
            raise NotionValidationError(
                "body failed validation: body.properties.Name.title[0].text.content.length"
                " should be ≤ `2000`, instead was `2001`.",
                status=400,
                code="validation_error",
                request_id="7c1d2e3f-0000-4000-8000-00000000abcd",
            )
        return self._inner.create_row(
            data_source_id,
            properties,
            key_property,
            key_type,
            key,
            database=database,
            page=page,
            markdown=markdown,
        )


def live_rows(project: Project, handle: str) -> dict[str, Mapping[str, JSON]]:
    """The live rows of a database by key, values under their names (relations as page ids)."""
    live = project.gateway.read_state(read_specs(project.desired(), [handle])).databases[handle]
    return {str(row.key): row.values for row in live.rows if not row.in_trash}


def test_a_new_workspace_converges_and_then_plans_empty(project: Project) -> None:
    """Databases, schema, rows and links are created; planning again finds nothing to do."""
    result = project.converge()
    assert result.complete
    plan, _ = project.plan()
    assert plan.is_empty


def test_rows_link_to_rows_created_in_the_same_apply(project: Project) -> None:
    """A self-relation to a row created in the same apply points at that row's page."""
    project.converge()
    tasks = project.gateway.read_state(read_specs(project.desired(), ["tasks"])).databases["tasks"]
    pages = {row.key: row.page_id for row in tasks.rows}
    expected = [{"page_id": pages["write-brief"]}]
    assert expected == {row.key: row.values for row in tasks.rows}["design-pages"]["Blocked by"]


def test_schema_changes_of_one_database_are_one_request(project: Project) -> None:
    """Three new properties of one database are added by one data source update."""
    project.converge()
    tasks = dict(TASKS)
    tasks["properties"] = {
        **TASKS["properties"],
        "Notes": "rich_text",
        "Link": "url",
        "Points": "number",
    }
    project.write(tasks)
    plan, live = project.plan()
    since = project.mark()
    project.apply(plan, live=live)
    expected = 1
    assert expected == sum(1 for w in writes(project.emulator, since) if "/data_sources/" in w)


def test_a_failed_create_does_not_stop_the_other_rows(project: Project) -> None:
    """One create refused by Notion: the other rows are created, the failure carries Notion's
    message and request id, and the link to the missing row is skipped."""
    plan, live = project.plan()
    refusing = RefusingCreates(project.gateway, {"write-brief"})
    result = project.apply(plan, live=live, gateway=refusing)
    failed = [(o.change.id, o.request_id) for o in result.failures]
    refused = [("tasks/create_row/write-brief", "7c1d2e3f-0000-4000-8000-00000000abcd")]
    assert refused == failed
    assert "should be ≤ `2000`" in result.failures[0].message
    skipped = {o.change.id: o.message for o in result.skipped}
    expected = {
        "tasks/link_row/design-pages": "it links to tasks/write-brief, which was not created",
        "tasks/link_row/write-brief": "tasks/create_row/write-brief failed: "
        + result.failures[0].message,
    }
    assert expected == skipped
    assert {"design-pages", "outline"} == set(live_rows(project, "tasks"))


def test_after_a_partial_failure_the_next_apply_finishes_the_work(project: Project) -> None:
    """Run again without the fault, the same plan completes what failed or was skipped."""
    plan, live = project.plan()
    refusing = RefusingCreates(project.gateway, {"write-brief"})
    project.apply(plan, live=live, gateway=refusing)
    second = project.apply(plan)
    assert second.complete
    assert {"write-brief", "design-pages", "outline"} == set(live_rows(project, "tasks"))
    replanned, _ = project.plan()
    assert replanned.is_empty


def test_a_plan_applied_twice_sends_nothing_the_second_time(project: Project) -> None:
    """The journal knows every change is done: no request is made again."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    since = project.mark()
    again = project.apply(plan)
    assert len(plan.changes) == again.count(Status.ALREADY_DONE)
    assert not writes(project.emulator, since)


def test_progress_reports_every_stage_and_every_change(project: Project) -> None:
    """The listener hears each stage, and each change once, ending at total."""
    plan, live = project.plan()
    events: list[ProgressEvent] = []
    project.apply(plan, live=live, listener=events.append)
    finished = [e for e in events if isinstance(e, ChangeFinished)]
    stages = [e.title for e in events if isinstance(e, StageStarted)]
    assert len(plan.changes) == len(finished)
    assert (len(plan.changes), len(plan.changes)) == (finished[-1].finished, finished[-1].total)
    expected = ["databases", "schema", "row creates", "relation links"]
    assert expected == list(dict.fromkeys(stages))


def test_a_stop_finishes_what_is_in_flight_and_leaves_the_rest(project: Project) -> None:
    """After a stop no further operation starts; running the plan again completes it."""
    plan, live = project.plan()
    stop = threading.Event()

    def stop_after_three(event: ProgressEvent) -> None:
        if isinstance(event, ChangeFinished) and event.finished == 3:
            stop.set()

    with ApplySession(
        project.gateway,
        project.options(),
        listener=stop_after_three,
        stop=stop,
    ) as session:
        first = session.apply(plan, live=live)
    assert first.interrupted
    assert first.count(Status.NOT_STARTED) > 0
    assert not first.failures
    second = project.apply(plan)
    assert second.complete
    assert {"write-brief", "design-pages", "outline"} == set(live_rows(project, "tasks"))


def test_the_audit_log_has_one_line_per_operation(project: Project) -> None:
    """Every change applied is audited with actor, operation, database, key and page id."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    lines = (project.state_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(plan.changes) == len(records)
    created = next(r for r in records if r["operation"] == "create_row" and r["key"] == "outline")
    expected = ("ada", "tasks", "done")
    assert expected == (created["actor"], created["database"], created["outcome"])
    assert created["page_id"]


def test_an_update_changes_only_the_properties_it_names(project: Project) -> None:
    """A changed estimate is one page update; the other rows are not touched."""
    project.converge()
    tasks = json.loads(json.dumps(TASKS))
    tasks["rows"][1]["Estimate"] = 8
    project.write(tasks)
    plan, live = project.plan()
    since = project.mark()
    result = project.apply(plan, live=live)
    expected = ["tasks/update_row/design-pages"]
    assert expected == [o.change.id for o in result.outcomes]
    assert expected == [o.change.id for o in result.outcomes if o.status is Status.DONE]
    one, eight = 1, 8
    assert one == len(writes(project.emulator, since))
    assert eight == live_rows(project, "tasks")["design-pages"]["Estimate"]


def test_a_trashed_row_whose_key_comes_back_is_restored(project: Project) -> None:
    """Removing a row trashes it; putting it back restores the same page, not a new one."""
    project.converge()
    before = project.gateway.read_state(read_specs(project.desired(), ["projects"])).databases[
        "projects"
    ]
    page = next(row.page_id for row in before.rows if row.key == "Handbook")
    trimmed = json.loads(json.dumps(PROJECTS))
    trimmed["rows"] = trimmed["rows"][:1]
    tasks = json.loads(json.dumps(TASKS))
    tasks["rows"] = tasks["rows"][:2]
    project.write(trimmed, tasks)
    project.converge()
    project.write(PROJECTS, TASKS)
    plan, live = project.plan()
    assert "projects/restore_row/Handbook" in [c.id for c in plan.changes]
    project.apply(plan, live=live)
    after = project.gateway.read_state(read_specs(project.desired(), ["projects"])).databases[
        "projects"
    ]
    assert page == next(row.page_id for row in after.rows if row.key == "Handbook")


class Refusing:
    """A gateway whose one method answers Notion's 400, for every call; else delegates."""

    def __init__(self, inner: Gateway, method: str) -> None:
        self._inner = inner
        self._method = method

    def __getattr__(self, name: str) -> Any:
        if name == self._method:
            return self._refuse
        return getattr(self._inner, name)

    def _refuse(self, *args: object, **kwargs: object) -> object:
        raise NotionValidationError(
            "body failed validation: body.properties should be an object.",
            status=400,
            code="validation_error",
        )


class RefusingDatabase:
    """A gateway that cannot create one database (Notion's 400); else delegates."""

    def __init__(self, inner: Gateway, handle: str) -> None:
        self._inner = inner
        self._handle = handle

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_database(
        self,
        handle: str,
        parent_page_id: str,
        title: str,
        properties: Mapping[str, JSON],
        page: Mapping[str, JSON] | None = None,
    ) -> CreatedDatabase:
        if handle == self._handle:
            raise NotionValidationError(
                "body failed validation: body.parent.page_id should be a valid uuid.",
                status=400,
                code="validation_error",
            )
        return self._inner.create_database(handle, parent_page_id, title, properties, page)


def test_a_failed_database_create_skips_everything_in_it(project: Project) -> None:
    """No projects database: its rows are skipped, tasks are created without their links."""
    plan, live = project.plan()
    result = project.apply(plan, live=live, gateway=RefusingDatabase(project.gateway, "projects"))
    by_status: dict[Status, set[str]] = {}
    for outcome in result.outcomes:
        by_status.setdefault(outcome.status, set()).add(outcome.change.id)
    expected_failed = {"projects/create_database/projects"}
    assert expected_failed == by_status[Status.FAILED]
    skipped = {
        "projects/create_row/Website",
        "projects/create_row/Handbook",
        "tasks/add_property/Project",
        "tasks/link_row/write-brief",
        "tasks/link_row/outline",
    }
    assert skipped <= by_status[Status.SKIPPED]
    assert "tasks/add_property/Blocked by" in by_status[Status.DONE]
    assert {"design-pages", "outline", "write-brief"} == set(live_rows(project, "tasks"))


def test_rows_writing_a_property_whose_schema_change_failed_are_skipped(
    project: Project,
) -> None:
    """A new property that could not be added: rows setting it are skipped, others applied."""
    project.converge()
    tasks = json.loads(json.dumps(TASKS))
    tasks["properties"]["Points"] = "number"
    tasks["rows"][0]["Points"] = 3
    tasks["rows"][1]["Estimate"] = 9
    project.write(tasks)
    plan, live = project.plan()
    refusing = Refusing(project.gateway, "update_data_source")
    result = project.apply(plan, live=live, gateway=refusing)
    statuses = {o.change.id: o.status for o in result.outcomes}
    expected = {
        "tasks/add_property/Points": Status.FAILED,
        "tasks/update_row/write-brief": Status.SKIPPED,
        "tasks/update_row/design-pages": Status.DONE,
    }
    assert expected == statuses
