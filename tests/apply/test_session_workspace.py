"""Which workspace an apply session writes to: asked on entering, or told by the plan made
inside its lock (``workspace_from_plan``), so that the question rides with the plan's read."""

from __future__ import annotations

import copy

from reconciler.apply import ApplySession
from reconciler.plan import read_and_plan
from tests.apply.conftest import TASKS, Project

ME = ("GET", "/v1/users/me")


def asked_since(project: Project, since: int) -> int:
    """How many times the workspace was asked of Notion since ``since``."""
    return sum((r["method"], r["path"]) == ME for r in project.emulator.requests()[since:])


def test_a_session_entered_as_usual_asks_its_workspace_at_once(project: Project) -> None:
    """Without ``workspace_from_plan`` entering asks Notion which workspace it reaches."""
    since = project.mark()
    with ApplySession(project.gateway, project.options(), actor="ada"):
        assert asked_since(project, since) == 1


def test_a_session_told_by_its_plan_asks_nothing_more(project: Project) -> None:
    """With ``workspace_from_plan`` entering sends no request; the plan read inside the lock
    asks once, the session takes that answer, and the plan applies with that workspace's
    journal: one question in all."""
    project.converge()
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    project.write(tasks)
    since = project.mark()
    session = ApplySession(
        project.gateway, project.options(), actor="ada", workspace_from_plan=True
    )
    with session:
        assert project.emulator.requests()[since:] == []
        plan, read = read_and_plan(project.gateway, project.desired())
        session.identify(plan.workspace)
        result = session.apply(plan, live=read.live, current=True)
    assert result.complete
    assert asked_since(project, since) == 1
    assert session.workspace == plan.workspace
    assert project.journal_path.exists()


def test_a_session_told_nothing_asks_when_the_workspace_is_first_needed(
    project: Project,
) -> None:
    """With ``workspace_from_plan`` but no workspace handed over (a plan that recorded none),
    the session asks Notion the first time it needs to know."""
    since = project.mark()
    with ApplySession(
        project.gateway, project.options(), actor="ada", workspace_from_plan=True
    ) as session:
        assert asked_since(project, since) == 0
        workspace = session.workspace
    assert asked_since(project, since) == 1
    assert workspace.bot_id
