"""The apply package's public surface, and the gates module's."""

from __future__ import annotations

import reconciler.apply
import reconciler.gates


def test_apply_names_are_sorted_and_importable() -> None:
    """__all__ lists every public name once, sorted, and each one exists."""
    names = list(reconciler.apply.__all__)
    assert sorted(set(names)) == names
    missing = [n for n in names if not hasattr(reconciler.apply, n)]
    assert not missing


def test_gates_names_are_sorted_and_importable() -> None:
    """The gates module exports a sorted, complete __all__."""
    names = list(reconciler.gates.__all__)
    assert sorted(set(names)) == names
    missing = [n for n in names if not hasattr(reconciler.gates, n)]
    assert not missing
