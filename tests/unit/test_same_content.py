"""``same_content``: the differ's shortcut agrees with comparing content hashes, always."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import JSON, content_hash, same_content, surely_same_items

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1.0, -1.0, math.nan])
    | st.text(max_size=3)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)
_ROWS = st.dictionaries(st.sampled_from(["Name", "Estimate", "Done", "Tags", "Due"]), _VALUES)
_TUPLES = st.lists(_VALUES, min_size=0, max_size=5).map(tuple)


def _loosened(value: JSON) -> JSON:
    """A value Python finds equal whose canonical form may differ (1 → 1.0, True → 1, 0.0 →
    -0.0), or the value itself."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        return -value if value == 0 else value
    if isinstance(value, list):
        return [_loosened(item) for item in value]
    if isinstance(value, dict):
        return {name: _loosened(item) for name, item in reversed(value.items())}
    return value


@settings(deadline=None)
@given(_ROWS, _ROWS)
def test_same_content_is_equal_hashes_for_any_two_rows(
    a: dict[str, JSON], b: dict[str, JSON]
) -> None:
    """For any two rows of JSON values: the shortcut says what the hashes say."""
    assert same_content(a, b) == (content_hash(a) == content_hash(b))


@settings(deadline=None)
@given(_ROWS)
def test_same_content_is_equal_hashes_for_values_python_finds_equal(a: dict[str, JSON]) -> None:
    """Numbers Python compares equal across types or signs are told apart exactly as the
    hashes tell them apart; a row is always the same content as itself and as a copy."""
    loose = {name: _loosened(value) for name, value in a.items()}
    assert same_content(a, loose) == (content_hash(a) == content_hash(loose))
    assert same_content(a, dict(a))


def test_an_int_and_an_equal_float_are_different_content() -> None:
    """``1`` and ``1.0`` are equal in Python but not in a plan's hashes, nor here."""
    assert not same_content({"Estimate": 1}, {"Estimate": 1.0})
    assert not same_content({"Done": True}, {"Done": 1})
    assert not same_content({"Place": {"lat": 0.0}}, {"Place": {"lat": -0.0}})


def test_nan_is_the_same_content_as_nan() -> None:
    """NaN is unequal to itself in Python; its canonical form is one text, so rows agree."""
    assert same_content({"Estimate": [math.nan]}, {"Estimate": [math.nan]})


@settings(deadline=None)
@given(_TUPLES, _TUPLES)
def test_surely_same_items_never_says_so_of_rows_of_other_content(
    a: tuple[JSON, ...], b: tuple[JSON, ...]
) -> None:
    """The differ's tuple shortcut says two rows are the same only when their hashes agree."""
    if surely_same_items(a, b):
        names = [f"p{index}" for index in range(len(a))]
        assert content_hash(dict(zip(names, a, strict=True))) == content_hash(
            dict(zip(names, b, strict=True))
        )


@settings(deadline=None)
@given(_TUPLES)
def test_surely_same_items_tells_loosened_values_apart_and_copies_alike(
    a: tuple[JSON, ...],
) -> None:
    """Values Python finds equal across types or signs are not surely the same unless their
    hashes agree; a row's copy always is (as ``same_content``'s first test)."""
    loose = tuple(_loosened(value) for value in a)
    names = [f"p{index}" for index in range(len(a))]
    if surely_same_items(a, loose):
        assert content_hash(dict(zip(names, a, strict=True))) == content_hash(
            dict(zip(names, loose, strict=True))
        )
    copied = tuple(a)
    assert surely_same_items(a, copied) == all(
        same_content({"v": value}, {"v": value}) for value in a
    )
    assert surely_same_items(a, copied) or any(_has_nan(value) for value in a)


def _has_nan(value: JSON) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list):
        return any(_has_nan(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nan(item) for item in value.values())
    return False
