"""Plans for renderer tests, made by the real differ from hand-built states.

``every_kind_of_change()`` holds each action at least once (a new database, schema additions,
updates, a rename, a type change, option and property removals, row creates, updates with text,
people and list changes, a restore, links and a trash) and a sensitive property.
``guarded()`` holds guard notes, unmanaged rows and options, and a sensitive value.
"""

from __future__ import annotations

import dataclasses

from reconciler.model import (
    DesiredDatabase,
    LiveDatabase,
    LiveProperty,
    PropertySpec,
)
from reconciler.plan import Plan
from tests.plan.world import (
    ADA,
    GRACE,
    ROOT,
    TASK_SPECS,
    World,
    at,
    desired_row,
    live_options,
    live_properties,
    live_row,
    options,
    relation,
    spec,
    task_values,
    with_live_values,
    with_values,
)

_PHONE = PropertySpec("Phone", "phone_number", {}, sensitive=True)


def _releases(world: World) -> World:
    """A third database, not in Notion yet: created with one row relating to a project."""
    releases = DesiredDatabase(
        handle="releases",
        title="Releases",
        key="Name",
        properties=(
            spec("Name", "title"),
            PropertySpec("Project", "relation", relation("projects")),
        ),
        rows=(desired_row("v1.0", {"Name": "v1.0", "Project": ["Website"]}),),
        location=at("manifests/releases.yaml", 1),
        parent=ROOT,
    )
    world.desired = dataclasses.replace(
        world.desired, databases=(*world.desired.databases, releases)
    )
    empty = LiveDatabase("releases", None, None, "Releases", (), ())
    world.live = dataclasses.replace(
        world.live, databases={**world.live.databases, "releases": empty}
    )
    return world


def _projects_schema(world: World) -> World:
    """Retitled, Lead renamed from Manager, Budget added, Legacy removed (prune_properties)."""
    lead = PropertySpec("Lead", "people", {}, renamed_from="Manager")
    budget = PropertySpec("Budget", "number", {"format": "dollar"})
    world.desired_db(
        "projects",
        title="Initiatives",
        properties=(spec("Name", "title"), lead, budget),
        prune_properties=True,
    )
    live = (
        LiveProperty("title", "Name", "title"),
        LiveProperty("p1", "Manager", "people"),
        LiveProperty("p9", "Legacy", "rich_text"),
    )
    rows = tuple(
        dataclasses.replace(row, values={"Name": row.values["Name"], "Manager": row.values["Lead"]})
        for row in world.live_rows("projects")
    )
    return world.live_db("projects", properties=live, rows=rows)


def _tasks_schema(world: World) -> World:
    """Status gains Blocked and loses Archived; Points turns from number into text; Phone."""
    status = PropertySpec(
        "Status",
        "select",
        {"options": options("Todo", "Doing", "Done", "Blocked")},
        prune_options=True,
    )
    specs = tuple(status if s.name == "Status" else s for s in TASK_SPECS)
    world.desired_db(
        "tasks",
        properties=(*specs, spec("Points", "rich_text"), _PHONE, spec("Notes", "rich_text")),
    )
    live = [
        LiveProperty(
            "p2", "Status", "select", {"options": live_options("Todo", "Doing", "Done", "Archived")}
        )
        if p.name == "Status"
        else p
        for p in live_properties(TASK_SPECS)
    ]
    live += [
        LiveProperty("p8", "Points", "number", {"format": "number"}),
        LiveProperty("p10", "Phone", "phone_number"),
        LiveProperty("notes", "Notes", "rich_text"),
    ]
    return world.live_db("tasks", properties=tuple(live))


def _tasks_rows(world: World) -> World:
    """Update (text, people, status, phone), restore, create + link (a cycle), trash."""
    extra = {"Points": "", "Phone": None}
    brief, design = (with_values(row, **extra) for row in world.desired_rows("tasks"))
    design = with_values(
        design, Name="Design the landing pages", Owner=[ADA, GRACE], Status="Blocked",
        Phone="+44 20 7946 0000",
    )  # fmt: skip
    draft = desired_row(
        "draft-copy",
        {**task_values("draft-copy", "Draft the copy", blocked_by=["review-copy"]), **extra},
    )
    review = desired_row(
        "review-copy",
        {**task_values("review-copy", "Review the copy", blocked_by=["draft-copy"]), **extra},
    )
    back = desired_row(
        "archive-old", {**task_values("archive-old", "Archive old pages", estimate=1), **extra}
    )
    world.desired_db("tasks", rows=(brief, design, draft, review, back))
    brief_live, design_live = world.live_rows("tasks")
    design_live = with_live_values(design_live, {"Phone": "+44 20 7946 9999"})
    trashed = live_row(
        14,
        "archive-old",
        task_values("archive-old", "Archive old pages", estimate=2),
        in_trash=True,
    )
    stale = live_row(15, "old-task", task_values("old-task", "An old task", status="Done"))
    return world.live_db("tasks", rows=(brief_live, design_live, trashed, stale))


def every_kind_of_change() -> Plan:
    """A plan with every action, a sensitive value and people labels."""
    world = _releases(_tasks_rows(_tasks_schema(_projects_schema(World.steady()))))
    return world.plan(requests_per_second=3.0, read={"requests": 9, "retries": 0})


def guarded(rows: int = 0) -> Plan:
    """Guards (duplicate keys, protected), things left alone, a sensitive value; ``rows``
    more new tasks with long names make the markdown comment overflow."""
    world = World.steady()
    twin = dataclasses.replace(
        world.live_rows("tasks")[1],
        page_id="00000000-0000-4000-8000-000000000099",
        url="https://www.notion.so/row-99",
    )
    stale = live_row(13, "old-task", task_values("old-task", "An old task"))
    world.live_db("tasks", rows=(*world.live_rows("tasks"), twin, stale))
    extra = tuple(
        desired_row(
            f"task-{n:05d}",
            task_values(f"task-{n:05d}", f"Task number {n} " + "with a long descriptive name " * 3),
        )
        for n in range(rows)
    )
    world.desired_db("tasks", rows=(*world.desired_rows("tasks"), *extra))
    projects_live = world.live.databases["projects"]
    lone = live_row(3, "Intranet", {"Name": "Intranet", "Lead": [ADA]})
    world.live_db("projects", rows=(*projects_live.rows, lone))
    world.desired_db(
        "projects", protect=True, properties=(spec("Name", "title"), spec("Lead", "people"))
    )
    projects = world.desired.database("projects")
    assert projects is not None
    world.desired_db(
        "projects",
        properties=(*projects.properties, PropertySpec("Code", "phone_number", {}, sensitive=True)),
        rows=tuple(with_values(r, Code="+1 555 0100") for r in projects.rows),
    )
    return world.plan(requests_per_second=3.0)
