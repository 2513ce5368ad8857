"""Valid manifests round-trip into DesiredState: the whole state is pinned as a snapshot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState

HERE = Path(__file__).parent
REPOSITORY = HERE.parents[1]
ENVIRONMENT = {
    "TASKS_DATABASE_ID": "1429989fe8ac4effbc8f57f56486db54",
    "LEAD_EMAIL": "ada@example.com",
    "PLANNING_DAYS": "3",
}


def _plain(state: DesiredState) -> dict[str, object]:
    """The state as plain data (the root folder left out: it differs between machines)."""
    return {
        "settings": dataclasses.asdict(state.settings),
        "databases": [dataclasses.asdict(database) for database in state.databases],
    }


@pytest.mark.parametrize(
    "case", ["minimal", "anchors-and-variables", "rows-from-formats", "keys-and-ignore"]
)
def test_a_valid_manifest_becomes_this_desired_state(
    case: str, snapshot: SnapshotAssertion
) -> None:
    """Canonical values, keys, order and source locations are as pinned."""
    root = HERE / "valid" / case
    state = load_desired_state(["manifests"], environ=ENVIRONMENT, cwd=root, root=root)
    assert snapshot == _plain(state)


def test_the_worked_example_becomes_this_desired_state(snapshot: SnapshotAssertion) -> None:
    """manifests/ (people, projects, tasks) as the --local workspace will receive it."""
    state = load_desired_state(["manifests"], environ={}, cwd=REPOSITORY, root=REPOSITORY)
    assert snapshot == _plain(state)
