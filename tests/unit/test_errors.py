"""The error tree: exit codes and message formatting."""

from __future__ import annotations

from reconciler.errors import (
    ApprovalRequired,
    ManifestError,
    Problem,
    ReconcilerError,
    StalePlanError,
)


def test_exit_codes_follow_the_cli_contract() -> None:
    """1 for errors, 3 for a gate, 4 for a stale plan."""
    assert ReconcilerError("x").exit_code == 1
    assert ApprovalRequired("x").exit_code == 3
    assert StalePlanError("x").exit_code == 4


def test_manifest_error_lists_problems_sorted_by_file_and_line() -> None:
    """All problems of a run at once, in file and line order, each with its hint."""
    error = ManifestError(
        [
            Problem("b.yaml", 1, 1, "second file"),
            Problem("a.yaml", 9, 3, "later line", "fix it"),
            Problem("a.yaml", 2, 5, "earlier line"),
        ]
    )
    text = str(error)
    assert text.index("a.yaml:2:5") < text.index("a.yaml:9:3") < text.index("b.yaml:1:1")
    assert "hint: fix it" in text
    assert text.startswith("3 problems")
