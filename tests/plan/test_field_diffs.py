"""``field_diffs``: the differ names the properties DeepDiff named when the differ used it, but
for names beginning with ``__``, which DeepDiff passed over and every plan must compare."""

from __future__ import annotations

import math

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import JSON
from reconciler.plan import FieldDiff
from reconciler.plan.fields import field_diffs

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-2, 2)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1.0, -1.0, math.nan, 0.1 + 0.2, 0.3, 1e-13, 1 + 1e-13, 2**53 + 1])
    | st.text(max_size=2)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["start", "end", "_x", "_y"]), inner, max_size=3)
    ),
    max_leaves=8,
)
_NAMES = ["Name", "Estimate", "Done", "Tags", "_Private", "_icon"]
_ROWS = st.dictionaries(st.sampled_from(_NAMES), _VALUES)
_PAIRS = st.lists(st.sampled_from(_NAMES), unique=True).flatmap(
    lambda names: st.tuples(
        st.fixed_dictionaries(dict.fromkeys(names, _VALUES)),
        st.fixed_dictionaries(dict.fromkeys(names, _VALUES)),
    )
)
"""Two rows under the same names, as the differ compares them (every managed property on both
sides): DeepDiff reports rows sharing few names as one whole change, which a differ never meets."""


def _deepdiff_names(have: dict[str, JSON], want: dict[str, JSON]) -> list[str]:
    report = DeepDiff(have, want, ignore_numeric_type_changes=True)
    changed = {str(key) for key in report.affected_root_keys}
    return [name for name in _NAMES if name in changed]


@settings(deadline=None, max_examples=400)
@given(_PAIRS)
def test_the_properties_that_differ_are_deepdiffs(pair: tuple[dict[str, JSON], ...]) -> None:
    """For any two rows: the same properties, in declaration order, as DeepDiff's report."""
    have, want = pair
    assert [diff.path for diff in field_diffs(have, want, _NAMES)] == _deepdiff_names(have, want)


@settings(deadline=None)
@given(_ROWS)
def test_a_row_differs_from_itself_in_nothing(have: dict[str, JSON]) -> None:
    """A row and its copy differ in nothing (a NaN is the same object on both sides)."""
    assert field_diffs(have, dict(have), _NAMES) == []


def test_numbers_equal_to_twelve_places_are_the_same_value_but_texts_are_not() -> None:
    """``1``, ``1.0`` and ``True`` are one value to a plan's diffs (as to DeepDiff's), and so
    are numbers that agree to 12 places; ``"1"`` is another value."""
    have: dict[str, JSON] = {"Estimate": 1, "Done": True, "Tags": [0.0, 0.1 + 0.2], "Name": "1"}
    want: dict[str, JSON] = {"Estimate": 1.0, "Done": 1, "Tags": [-0.0, 0.3], "Name": 1}
    assert [FieldDiff("Name", "1", 1)] == field_diffs(have, want, _NAMES)


def test_a_property_one_side_lacks_differs() -> None:
    """A property only one side has is a diff, its other side shown as None."""
    assert [FieldDiff("Name", None, "x")] == field_diffs({}, {"Name": "x"}, _NAMES)


def test_a_property_whose_name_begins_with_two_underscores_is_compared() -> None:
    """DeepDiff took ``__Code`` for a private name and never reported it: the row's change was
    lost and the plan never converged. Every property counts, and so does every key inside a
    value."""
    have: dict[str, JSON] = {"__Code": "a", "When": {"start": "2026-01-01", "__end": None}}
    want: dict[str, JSON] = {"__Code": "b", "When": {"start": "2026-01-01", "__end": "x"}}
    assert [diff.path for diff in field_diffs(have, want, ["__Code", "When"])] == ["__Code", "When"]
