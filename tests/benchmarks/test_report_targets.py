"""The benchmark report's targets table: each target against its bound, in one run or two.

``run.py --earlier REPORT_JSON`` keeps an earlier run's measured targets in the report, so that
the table shows both runs side by side and calls a target met only when every run meets it
(the issue's "reproducibly, two full runs"). Rendering only: nothing is measured here.
"""

from __future__ import annotations

from typing import Any

from benchmarks.scenarios.report import earlier_run, targets_markdown


def _report(commit: str, plan_cpu: float, download_cpu: float) -> dict[str, Any]:
    return {
        "command": "python benchmarks/run.py --only plan",
        "pace": "x10",
        "machine": {
            "git_commit": commit,
            "date": "2026-12-07T20:00:00Z",
            "cpu": "a CPU",
            "cores": 2,
            "memory_gib": 8,
            "os": "Linux",
            "load_average_at_start": "0 0 0",
            "python": "3.11",
            "sqlite": "3.40",
            "packages": {},
        },
        "startup": {
            "commands": {
                "help": {
                    "command": "reconciler --help",
                    "cpu_median_seconds": 0.09,
                    "wall_min_seconds": 0.1,
                }
            }
        },
        "plan": {
            "sizes": {
                "10000": {
                    "plan": {"cpu_seconds": plan_cpu},
                    "download": {"cpu_seconds": download_cpu},
                }
            }
        },
    }


def _targets_table(markdown: str) -> list[str]:
    assert markdown.startswith("## Targets")
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def test_one_run_shows_its_measured_value_against_the_bound() -> None:
    """Without an earlier run the table has one measured column."""
    markdown = targets_markdown(_report("a" * 40, 1.6, 0.8))
    header, *rows = _targets_table(markdown)
    assert header == "| target | measured | bound | met |"
    assert "| plan CPU / bare download CPU, 10,000 rows | 2.000x | 1.5x | **no** (+33.3%) |" in rows


def test_two_runs_show_both_values_and_a_target_is_met_only_when_both_meet_it() -> None:
    """The earlier run's value stands beside this run's; the worse of the two decides."""
    report = _report("b" * 40, 1.1, 0.8)
    report["earlier_run"] = earlier_run(_report("b" * 40, 1.3, 0.8))
    markdown = targets_markdown(report)
    header, *rows = _targets_table(markdown)
    assert header == "| target | measured | earlier run | bound | met |"
    assert (
        "| plan CPU / bare download CPU, 10,000 rows | 1.375x | 1.625x | 1.5x | **no** (+8.3%) |"
        in rows
    )
    assert "| `reconciler --help` CPU s (median) | 0.09 s | 0.09 s | 0.25 s | yes |" in rows
    assert "an earlier one of the same commit" in markdown


def test_an_earlier_run_of_another_commit_is_named_by_its_commit() -> None:
    """A reader sees when the two runs did not measure the same code."""
    report = _report("c" * 40, 1.1, 0.8)
    report["earlier_run"] = earlier_run(_report("d" * 40, 1.1, 0.8))
    assert "an earlier one of commit `dddddddddddd`" in targets_markdown(report)
