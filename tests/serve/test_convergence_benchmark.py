"""The convergence benchmark's script runs, and pins the request counts it reports."""

from __future__ import annotations

from pathlib import Path

from benchmarks.serve_convergence import measure, render


def test_one_edit_converges_by_event_in_five_requests_and_by_full_read_in_more(
    tmp_path: Path,
) -> None:
    """150 rows: the event way costs five requests whatever the size; the full re-plan reads
    the two query pages too; both converge, and the report shows both."""
    result = measure(150, 100.0, tmp_path)
    assert (result["event"]["requests"], result["event"]["converged"]) == (5, True)
    assert result["full re-plan"]["converged"] is True
    assert result["full re-plan"]["requests"] > result["event"]["requests"]
    assert "| 150 | event | 5 |" in render([result], 100.0)
