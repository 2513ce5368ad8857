"""``same_content``: the differ's shortcut agrees with comparing content hashes, always."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import JSON, content_hash, same_content

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
