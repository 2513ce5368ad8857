"""Scenario ``resilience``: the long resilience and hostile-input suites, with their outcome.

Runs pytest (each suite in a child process, JUnit XML parsed for the counts): every test marked
``resilience`` in ``tests/resilience``, ``tests/apply`` and ``tests/notion``, the slow ones
included (fault matrices, SIGKILL at many points, concurrent applies, humans editing a 10,000-row
database during an apply), and the whole of ``tests/hostile``. The default test run keeps only
their fast subset; this is where the long versions run.
"""

from __future__ import annotations

import os
import sys
import time
import xml.etree.ElementTree as ET
from typing import Any

from benchmarks.scenarios.child import run_measured
from benchmarks.scenarios.context import Context
from benchmarks.scenarios.served import REPO

__all__ = ["SUITES", "run"]

_OPTIONS = ["-p", "no:cacheprovider", "-q", "-ra", "--strict-markers"]
_HOSTS = "--allow-hosts=127.0.0.1,::1"

SUITES: dict[str, list[str]] = {
    "resilience": [
        "tests/resilience", "tests/apply", "tests/notion", "-m", "resilience",
    ],
    "hostile": ["tests/hostile", "-m", "slow or not slow", "-n", "2"],
}  # fmt: skip
QUICK_SUITES: dict[str, list[str]] = {
    "hostile": ["tests/hostile", "-k", "billion"],
}
"""A smoke run: one test, to prove the suites are found and their results read."""


def _counts(report: ET.Element) -> dict[str, int]:
    suite = report if report.tag == "testsuite" else report.find("testsuite")
    assert suite is not None
    total = int(suite.get("tests", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped = int(suite.get("skipped", 0))
    xfailed = sum(
        1
        for case in suite.iter("testcase")
        if (skip := case.find("skipped")) is not None and skip.get("type") == "pytest.xfail"
    )
    return {
        "tests": total,
        "passed": total - failed - skipped,
        "failed": failed,
        "xfailed": xfailed,
        "skipped": skipped - xfailed,
    }


def run(ctx: Context) -> dict[str, Any]:
    """Each suite's counts and wall time; a failure is recorded, not raised."""
    results: dict[str, Any] = {}
    for name, args in (QUICK_SUITES if ctx.quick else SUITES).items():
        folder = ctx.folder(f"suite-{name}")
        junit = folder / "junit.xml"
        ctx.say(f"resilience: pytest {' '.join(args)}")
        started = time.perf_counter()
        measured = run_measured(
            [sys.executable, "-m", "pytest", *_OPTIONS, _HOSTS, f"--junitxml={junit}", *args],
            cwd=REPO,
            env=dict(os.environ),
            expect=(0, 1),
            timeout=1800,
        )
        counts = _counts(ET.parse(junit).getroot())
        results[name] = {
            "command": "pytest " + " ".join(args),
            **counts,
            "wall_seconds": round(time.perf_counter() - started, 1),
            "exit_code": measured.exit_code,
            "summary": measured.stdout.strip().splitlines()[-1] if measured.stdout.strip() else "",
        }
    return {"suites": results}
