"""The convergence benchmark's script runs, and pins the request counts it reports."""

from __future__ import annotations

from pathlib import Path

from benchmarks.serve_convergence import measure, render


def test_one_edit_converges_by_the_emulators_event_in_four_requests_and_by_full_read_in_more(
    tmp_path: Path,
) -> None:
    """150 rows: through the emulator's own webhook the edit is reverted with four requests
    whatever the size, and the event of the revert costs one re-read; the full re-plan reads
    the two query pages too; both converge, and the report shows both."""
    result = measure(150, 100.0, tmp_path)
    event = result["event"]
    assert (event["requests"], event["echo_requests"], event["converged"]) == (4, 1, True)
    assert result["full re-plan"]["converged"] is True
    assert result["full re-plan"]["requests"] > event["requests"]
    assert "| 150 | event | 4 |" in render([result], 100.0)
