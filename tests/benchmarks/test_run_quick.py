"""The benchmark entry point runs end to end: ``benchmarks/run.py --quick`` writes its report.

A smoke run of small sizes (time-scaled x100), so that the one command that produces the
committed figures cannot rot unnoticed. The figures themselves are not asserted (machines are
noisy); what the report must hold is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_run_writes_a_report_of_every_scenario(tmp_path: Path) -> None:
    """Every scenario ran, the workspace converged, both report files were written, and
    --render writes the same Markdown again from report.json."""
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--output", str(tmp_path / "out"),
         "--work", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    succeeded = 0
    assert succeeded == done.returncode, done.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    scenarios = {"plan", "apply", "import-export", "resilience", "startup"}
    assert scenarios <= set(report)
    [size] = report["plan"]["sizes"].values()
    assert size["converged"]
    assert size["download"]["rows"] == 100
    assert set(report["startup"]["commands"]) == {"help", "validate"}
    assert all(case["converged"] for case in report["apply"]["cases"].values())
    assert report["import-export"]["import"]["plan_after_import_empty"]
    [suite] = report["resilience"]["suites"].values()
    one_passed = (1, 0)
    assert one_passed == (suite["passed"], suite["failed"])
    markdown = (tmp_path / "out" / "REPORT.md").read_text()
    assert "## Headline" in markdown
    assert "## Targets" in markdown
    assert "## Start-up" in markdown
    assert "standing for 3 requests/s and 200 ms (x100)" in markdown
    assert report["machine"]["git_commit"] in markdown
    (tmp_path / "out" / "REPORT.md").unlink()
    rendered = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--render", "--output", str(tmp_path / "out")],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert succeeded == rendered.returncode, rendered.stderr[-2000:]
    assert markdown == (tmp_path / "out" / "REPORT.md").read_text()


def test_only_one_scenario_keeps_the_others_sections(tmp_path: Path) -> None:
    """--only reruns one scenario and keeps what report.json already held for the rest."""
    out = tmp_path / "out"
    out.mkdir()
    earlier = {"apply": {"pace": "earlier run", "cases": {}}}
    (out / "report.json").write_text(json.dumps(earlier))
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "resilience", "--output",
         str(out), "--work", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    succeeded = 0
    assert succeeded == done.returncode, done.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert earlier["apply"] == report["apply"]
    assert "plan" not in report
    assert "resilience" in report
