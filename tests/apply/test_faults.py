"""Applies under 20% injected faults — 429, 503, dropped connections and 500s after the write
was made — still leave Notion exactly as the manifests say, without duplicate rows."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest

from reconciler.emulator import Emulator
from reconciler.readspec import read_specs
from tests.apply.conftest import PROJECTS, TASKS, Project

EACH = 0.055  # four independent faults: 1 - (1 - 0.055) ** 4 ≈ 20% of requests fail


def faults(seed: int) -> dict[str, Any]:
    """The emulator's fault configuration: four kinds, each on about 5.5% of all requests."""
    return {
        "seed": seed,
        "faults": [
            {"path": ".*", "status": 429, "code": "rate_limited", "probability": EACH},
            {"path": ".*", "status": 503, "code": "service_unavailable", "probability": EACH},
            {"path": ".*", "status": 0, "probability": EACH},
            {"path": ".*", "status": 500, "probability": EACH, "after_write": True},
        ],
    }


def many_tasks(count: int) -> dict[str, Any]:
    tasks = copy.deepcopy(TASKS)
    tasks["rows"] = [
        {
            "Slug": f"task-{n:03}",
            "Name": f"Task {n}",
            "Project": ["Website" if n % 2 else "Handbook"],
            "Blocked by": [f"task-{n - 1:03}"] if n else [],
            "Estimate": n,
        }
        for n in range(count)
    ]
    return tasks


def live_keys(project: Project) -> Counter[str]:
    state = project.gateway.read_state(read_specs(project.desired()))
    return Counter(
        f"{handle}/{row.key}"
        for handle, database in state.databases.items()
        for row in database.rows
        if not row.in_trash
    )


def converge_under_faults(project: Project, emulator: Emulator, seed: int) -> None:
    emulator.configure(faults(seed))
    result = project.converge()
    emulator.configure({"faults": []})
    assert result.complete, [(o.change.id, o.message) for o in result.failures]
    assert result.stats.retries > 0  # the faults did fire


def check_exact(project: Project, expected_rows: int) -> None:
    plan, _ = project.plan()
    assert not [c.id for c in plan.changes]
    counted = live_keys(project)
    assert expected_rows == len(counted)
    once = {1}
    assert once == set(counted.values())


def run_scenario(project: Project, emulator: Emulator, seed: int) -> None:
    """Create 60 linked tasks, then update half of them and prune a third, all under faults."""
    project.write(many_tasks(60))
    converge_under_faults(project, emulator, seed)
    check_exact(project, 2 + 60)
    changed = many_tasks(40)
    for row in changed["rows"][::2]:
        row["Estimate"] = 100 + row["Estimate"]
        row["Done"] = True
    projects = copy.deepcopy(PROJECTS)
    projects["rows"][0]["Budget"] = 15000
    project.write(projects, changed)
    converge_under_faults(project, emulator, seed + 1)
    check_exact(project, 2 + 40)


@pytest.mark.resilience
def test_twenty_percent_faults_still_converge_exactly(project: Project, emulator: Emulator) -> None:
    """Creates, links, updates and trashes under faults: empty plan, every key once."""
    run_scenario(project, emulator, seed=11)


@pytest.mark.slow
@pytest.mark.resilience
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_twenty_percent_faults_converge_exactly_for_many_seeds(
    project: Project, emulator: Emulator, seed: int
) -> None:
    """The same scenario with other fault sequences."""
    run_scenario(project, emulator, seed=seed * 100)
