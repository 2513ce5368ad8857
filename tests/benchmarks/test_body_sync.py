"""The bodies benchmark runs end to end, and its request counts are the ones the report quotes.

A small, time-scaled run (40 rows, x100): the figures of time are not asserted (machines are
noisy), the requests are: a plan with a warm cache reads no body, and the apply of the changed
bodies sends what the plan estimated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import body_sync  # noqa: E402


def test_a_warm_plan_reads_no_body_and_the_apply_sends_the_estimate() -> None:
    """Cold: every body read; warm: none; the apply: one write and one check per change, and
    one request asking which workspace it writes to (a plan is bound to its workspace)."""
    args = argparse.Namespace(rows=40, changed=5, rps=3.0, latency_ms=200.0, workers=4, scale=100)
    result = body_sync.run(args)
    minimum = result["minimum"]
    assert result["plan_cold"]["requests"] == minimum["plan_cold"]
    assert result["plan_warm"]["requests"] == minimum["plan_warm"]
    assert "GET /v1/pages/{id}/markdown" not in result["plan_warm"]["by_endpoint"]
    assert result["changes"] == 2
    assert result["apply"]["requests"] == result["estimate"] == 2 * result["changes"] + 1
    assert result["emulator_429s"] == 0
