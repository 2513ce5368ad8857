"""Hand-built desired and live states for differ and renderer tests: a projects and tasks world.

``World`` starts from a steady state (the live databases hold exactly what the manifests ask for)
and tests change one side with ``desired_db``/``live_db`` replacements, so each test states only
the difference it is about.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reconciler.config import Settings
from reconciler.model import (
    JSON,
    DesiredDatabase,
    DesiredRow,
    DesiredState,
    LiveDatabase,
    LiveProperty,
    LiveRow,
    LiveState,
    LiveUser,
    PropertySpec,
    SourceLocation,
)
from reconciler.plan import Plan, make_plan

ADA = "0000000a-0000-4000-8000-00000000000a"
GRACE = "0000000b-0000-4000-8000-00000000000b"
USERS = (
    LiveUser(ADA, "Ada Lovelace", "ada@example.com", "person"),
    LiveUser(GRACE, "Grace Hopper", "grace@example.com", "person"),
)
PROJECTS_DB = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PROJECTS_DS = "5b2c3d4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
TASKS_DB = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
TASKS_DS = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
ROOT = "00000000-0000-4000-8000-000000000001"


def page(n: int) -> str:
    """A stable page id for row ``n``."""
    return f"00000000-0000-4000-8000-{n:012d}"


def at(file: str, line: int) -> SourceLocation:
    return SourceLocation(file, line, 5)


def spec(name: str, kind: str, **config: Any) -> PropertySpec:
    extra = {
        k: config.pop(k) for k in ("renamed_from", "sensitive", "prune_options") if k in config
    }
    return PropertySpec(name=name, type=kind, config=config, **extra)


def relation(target: str) -> dict[str, JSON]:
    return {"database": target, "type": "single_property", "synced_property": None}


def options(*names: str) -> list[JSON]:
    return [{"name": name} for name in names]


def live_options(*names: str) -> list[JSON]:
    return [{"id": f"opt-{name}", "name": name, "color": "default"} for name in names]


PROJECT_SPECS = (
    spec("Name", "title"),
    spec("Lead", "people"),
)
TASK_SPECS = (
    spec("Name", "title"),
    spec("Slug", "rich_text"),
    PropertySpec("Status", "select", {"options": options("Todo", "Doing", "Done")}),
    PropertySpec("Estimate", "number", {"format": "number"}),
    spec("Owner", "people"),
    PropertySpec("Project", "relation", relation("projects")),
    PropertySpec("Blocked by", "relation", relation("tasks")),
    spec("Done", "checkbox"),
)


def project_values(name: str, lead: list[JSON]) -> dict[str, JSON]:
    return {"Name": name, "Lead": lead}


def task_values(
    slug: str,
    name: str,
    *,
    status: str | None = "Todo",
    estimate: JSON = None,
    owner: list[JSON] | None = None,
    project: list[JSON] | None = None,
    blocked_by: list[JSON] | None = None,
    done: bool = False,
) -> dict[str, JSON]:
    return {
        "Name": name,
        "Slug": slug,
        "Status": status,
        "Estimate": estimate,
        "Owner": owner or [],
        "Project": project or [],
        "Blocked by": blocked_by or [],
        "Done": done,
    }


def desired_row(key: str, values: Mapping[str, JSON], line: int = 10) -> DesiredRow:
    return DesiredRow(key=key, values=dict(values), location=at("manifests/x.yaml", line))


def live_row(n: int, key: str | None, values: Mapping[str, JSON], **extra: Any) -> LiveRow:
    return LiveRow(
        page_id=page(n),
        key=key,
        values=dict(values),
        url=f"https://www.notion.so/row-{n}",
        created_time=f"2026-01-01T00:{n % 60:02d}:00.000Z",
        **extra,
    )


def live_properties(specs: tuple[PropertySpec, ...]) -> tuple[LiveProperty, ...]:
    """Live schema equal to the declared one (options get ids, relations keep their handle)."""
    out = []
    for index, s in enumerate(specs):
        config = dict(s.config)
        if "options" in config:
            raw = config["options"]
            assert isinstance(raw, list)
            names = [str(o["name"]) for o in raw if isinstance(o, dict)]
            config["options"] = live_options(*names)
        pid = "title" if s.type == "title" else f"p{index}"
        out.append(LiveProperty(id=pid, name=s.name, type=s.type, config=config))
    return tuple(out)


@dataclasses.dataclass
class World:
    """Both states; by default the live databases hold exactly the manifests' rows."""

    desired: DesiredState
    live: LiveState

    @classmethod
    def steady(cls) -> World:
        projects = DesiredDatabase(
            handle="projects",
            title="Projects",
            key="Name",
            properties=PROJECT_SPECS,
            rows=(
                desired_row("Website", project_values("Website", [GRACE])),
                desired_row("Analytics", project_values("Analytics", [ADA])),
            ),
            location=at("manifests/projects.yaml", 1),
            id=PROJECTS_DB,
            prune=True,
        )
        tasks = DesiredDatabase(
            handle="tasks",
            title="Tasks",
            key="Slug",
            properties=(*TASK_SPECS, spec("Notes", "rich_text")),
            rows=(
                desired_row(
                    "write-brief",
                    task_values(
                        "write-brief", "Write the brief", status="Done", estimate=2,
                        owner=[GRACE], project=["Website"], done=True,
                    ),
                ),
                desired_row(
                    "design-pages",
                    task_values(
                        "design-pages", "Design the pages", status="Doing", estimate=5.5,
                        owner=[ADA], project=["Website"], blocked_by=["write-brief"],
                    ),
                ),
            ),
            location=at("manifests/tasks.yaml", 1),
            id=TASKS_DB,
            prune=True,
            ignore=("Notes",),
        )  # fmt: skip
        live_projects = LiveDatabase(
            handle="projects",
            database_id=PROJECTS_DB,
            data_source_id=PROJECTS_DS,
            title="Projects",
            properties=live_properties(PROJECT_SPECS),
            rows=(
                live_row(1, "Website", project_values("Website", [GRACE])),
                live_row(2, "Analytics", project_values("Analytics", [ADA])),
            ),
            url="https://www.notion.so/projects",
        )
        live_tasks = LiveDatabase(
            handle="tasks",
            database_id=TASKS_DB,
            data_source_id=TASKS_DS,
            title="Tasks",
            properties=(
                *live_properties(TASK_SPECS),
                LiveProperty("notes", "Notes", "rich_text"),
            ),
            rows=(
                live_row(
                    11,
                    "write-brief",
                    task_values(
                        "write-brief", "Write the brief", status="Done", estimate=2,
                        owner=[GRACE], project=[{"page_id": page(1)}], done=True,
                    ),
                ),
                live_row(
                    12,
                    "design-pages",
                    task_values(
                        "design-pages", "Design the pages", status="Doing", estimate=5.5,
                        owner=[ADA], project=[{"page_id": page(1)}],
                        blocked_by=[{"page_id": page(11)}],
                    ),
                ),
            ),
            url="https://www.notion.so/tasks",
        )  # fmt: skip
        return cls(
            desired=DesiredState((projects, tasks), Settings(), Path(".")),
            live=LiveState({"projects": live_projects, "tasks": live_tasks}, USERS),
        )

    def desired_db(self, handle: str, **changes: Any) -> World:
        """The world with the manifest of ``handle`` changed (dataclass fields)."""
        databases = tuple(
            dataclasses.replace(db, **changes) if db.handle == handle else db
            for db in self.desired.databases
        )
        self.desired = dataclasses.replace(self.desired, databases=databases)
        return self

    def live_db(self, handle: str, **changes: Any) -> World:
        """The world with the live database ``handle`` changed (dataclass fields)."""
        databases = dict(self.live.databases)
        databases[handle] = dataclasses.replace(databases[handle], **changes)
        self.live = dataclasses.replace(self.live, databases=databases)
        return self

    def status_without_options(self, specs: Sequence[PropertySpec]) -> World:
        """The world with the tasks' Status a status property that declares no options, in the
        manifest (whose properties are ``specs``) and live (Notion has Todo, Doing, Done)."""
        desired = tuple(
            PropertySpec("Status", "status", {}) if s.name == "Status" else s for s in specs
        )
        live = tuple(
            dataclasses.replace(p, type="status") if p.name == "Status" else p
            for p in self.live.databases["tasks"].properties
        )
        self.desired_db("tasks", properties=desired)
        return self.live_db("tasks", properties=live)

    def desired_rows(self, handle: str) -> tuple[DesiredRow, ...]:
        db = self.desired.database(handle)
        assert db is not None
        return db.rows

    def live_rows(self, handle: str) -> tuple[LiveRow, ...]:
        return self.live.databases[handle].rows

    def plan(self, **options: Any) -> Plan:
        return make_plan(self.desired, self.live, **options)


def with_values(row: DesiredRow, **values: JSON) -> DesiredRow:
    """The manifest row with some values changed (property names with spaces: use dict)."""
    return dataclasses.replace(row, values={**row.values, **values})


def with_live_values(row: LiveRow, values: Mapping[str, JSON]) -> LiveRow:
    return dataclasses.replace(row, values={**row.values, **values})
