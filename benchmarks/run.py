"""Every benchmark scenario against the emulator, next to its baselines, in one report.

Usage::

    python benchmarks/run.py [--quick] [--only NAME ...] [--scale 10] [--output DIR]

Scenarios (``benchmarks/scenarios/``): ``plan`` (plan and sync 1% changes of 1,000 / 10,000 /
50,000 rows, the bare download, the naive script and whole-state DeepDiff beside), ``apply``
(100 / 1,000 creates and updates, 300 updates at 100 ms latency), ``import-export`` (10,000
rows), ``resilience`` (the long resilience and hostile-input suites), ``startup`` (``--help``
and ``validate``, repeated). The package is byte-compiled first, as installing it does.
The emulator runs at Notion's rate and latency scaled by ``--scale``
(default 10: 30 requests/s and 20 ms standing for 3 and 200 ms), stated in the report. Writes
``report.json`` and ``REPORT.md`` into ``--output`` (default ``benchmarks/``); with ``--only``
the other scenarios' sections of an existing report.json are kept; ``--render`` only writes
REPORT.md again from report.json; ``--earlier REPORT_JSON`` keeps an earlier run's measured
targets, which the targets table shows beside this run's (a target is met when both meet it).
``--quick`` runs small sizes
only (a smoke run; a test in the default suite runs it so this entry point cannot rot). The report
names the versions measured with (Python, notion-reconciler, every dependency) and those that
differ from the lock of what ships (requirements/runtime.txt).
Seeded workspaces are kept in ``--work`` between runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(REPO))

from benchmarks.scenarios import (  # noqa: E402
    apply_writes,
    import_export,
    plan_sync,
    startup,
    suites,
)
from benchmarks.scenarios.context import Context  # noqa: E402
from benchmarks.scenarios.machine import (  # noqa: E402
    describe_machine,
    load_average,
    locked_versions,
)
from benchmarks.scenarios.pace import Pace  # noqa: E402
from benchmarks.scenarios.report import earlier_run, render_markdown  # noqa: E402

LOCK = REPO / "requirements" / "runtime.txt"
"""What ships: the report says whether it measured these versions."""

SCENARIOS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "plan": plan_sync.run,
    "apply": apply_writes.run,
    "import-export": import_export.run,
    "resilience": suites.run,
    "startup": startup.run,
}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument(
        "--only", action="append", choices=sorted(SCENARIOS), metavar="NAME",
        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}",
    )  # fmt: skip
    parser.add_argument(
        "--scale", type=float, default=None,
        help="time scaling (default 10; 100 with --quick)",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "reconciler-benchmarks",
        help="scratch folder; seeded workspaces are kept there between runs",
    )  # fmt: skip
    parser.add_argument(
        "--render", action="store_true",
        help="only write REPORT.md again from the report.json in --output (no measuring)",
    )  # fmt: skip
    parser.add_argument(
        "--earlier", type=Path, default=None, metavar="REPORT_JSON",
        help="an earlier run's report.json: the targets table shows its figures beside these",
    )  # fmt: skip
    parser.add_argument(
        "--naive-max-rows", type=int, default=10_000,
        help="largest database the naive script syncs (two requests per row)",
    )  # fmt: skip
    return parser.parse_args(argv)


def _previous(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.render:
        report = _previous(args.output / "report.json")
        (args.output / "REPORT.md").write_text(
            render_markdown(report, locked_versions(LOCK)), encoding="utf-8"
        )
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    args.output.mkdir(parents=True, exist_ok=True)
    startup.compile_package(REPO)
    pace = Pace(args.scale or (100.0 if args.quick else 10.0))
    context = Context(
        work=args.work, pace=pace, quick=args.quick, naive_max_rows=args.naive_max_rows
    )
    names = args.only or list(SCENARIOS)
    json_path = args.output / "report.json"
    report = _previous(json_path) if args.only else {}
    command = "python benchmarks/run.py" + " ".join(["", *(argv or sys.argv[1:])])
    report.update(command=command.strip(), pace=pace.describe(), machine=describe_machine(REPO))
    started = time.perf_counter()
    for name in names:
        begun = time.perf_counter()
        report[name] = SCENARIOS[name](context)
        report[name]["scenario_seconds"] = round(time.perf_counter() - begun, 1)
        context.say(f"{name}: done in {report[name]['scenario_seconds']} s")
    report["run_seconds"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_average_at_end"] = load_average()
    report.pop("earlier_run", None)
    if args.earlier is not None:
        report["earlier_run"] = earlier_run(_previous(args.earlier))
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.output / "REPORT.md").write_text(
        render_markdown(report, locked_versions(LOCK)), encoding="utf-8"
    )
    context.say(f"wrote {json_path} and {args.output / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
