"""The apply's write phase, read from its JSON events, against the floor of its writes."""

from __future__ import annotations

import json

from benchmarks.scenarios.apply_writes import write_phase
from benchmarks.scenarios.pace import Pace


def _event(name: str, at: str, **fields: object) -> str:
    return json.dumps({"event": name, "timestamp": f"2026-12-07T10:00:{at}Z", **fields})


def test_the_write_phase_runs_from_the_first_stage_to_the_last_change_done() -> None:
    """40 writes in 2.0 s at 30 requests/s (floor (40 - 10) / 30 = 1 s): 2x."""
    lines = [
        "Reading 1 database ...",
        _event("apply stage", "01.000", stage="row updates"),
        *(_event("apply change", "02.000", status="done") for _ in range(39)),
        _event("apply change", "03.000", status="done"),
        _event("apply change", "09.000", status="failed"),
    ]
    phase = write_phase("\n".join(lines), Pace(10))
    assert phase == {"writes": 40, "seconds": 2.0, "floor_seconds": 1.0, "over_floor": 2.0}


def test_an_apply_without_events_has_no_write_phase() -> None:
    """Text output (no JSON events) gives no figure rather than a wrong one."""
    assert write_phase("Applied 3 changes", Pace(10)) is None
