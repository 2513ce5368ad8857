"""The plan and render packages export a sorted ``__all__`` of names that exist.

Sorted as ruff (RUF022) sorts: constants, then classes, then functions, each alphabetically.
"""

from __future__ import annotations

import pytest

import reconciler.plan
import reconciler.render


@pytest.mark.parametrize("package", [reconciler.plan, reconciler.render])
def test_exports_are_sorted_and_exist(package: object) -> None:
    """``__all__`` is sorted and every name in it is an attribute of the package."""
    names = list(getattr(package, "__all__", []))

    def kind(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert (names == sorted(names, key=kind), [n for n in names if not hasattr(package, n)]) == (
        True,
        [],
    )
