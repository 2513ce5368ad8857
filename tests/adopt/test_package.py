"""The editing engine's public surface: a sorted ``__all__``, reachable through the facade."""

from __future__ import annotations

import reconciler.adopt
import reconciler.adopt.edit


def test_the_edit_package_exports_a_sorted_all_of_names_that_exist() -> None:
    """Every public name once, sorted, each an attribute of the package."""
    names = list(reconciler.adopt.edit.__all__)
    assert (names, [n for n in names if not hasattr(reconciler.adopt.edit, n)]) == (
        sorted(set(names)),
        [],
    )


def test_the_adopt_facade_offers_the_whole_engine() -> None:
    """The CLI reaches the engine through reconciler.adopt only (an import-linter contract)."""
    missing = set(reconciler.adopt.edit.__all__) - set(reconciler.adopt.__all__)
    assert missing == set()
