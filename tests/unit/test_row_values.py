"""``RowValues``: a live row's values packed in a tuple read as the mapping they stand for."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import JSON, RowValues, content_hash

_VALUES = st.dictionaries(
    st.text(min_size=1, max_size=4),
    st.none() | st.booleans() | st.integers() | st.text(max_size=4) | st.lists(st.text(max_size=3)),
    max_size=6,
)


def _packed(values: dict[str, JSON]) -> RowValues:
    return RowValues({name: at for at, name in enumerate(values)}, tuple(values.values()))


@settings(deadline=None)
@given(_VALUES)
def test_packed_values_read_as_the_dict_they_pack(values: dict[str, JSON]) -> None:
    """Every lookup, the names, the length, equality both ways and the content hash are the
    dict's."""
    packed = _packed(values)
    assert dict(packed) == values
    assert packed == values
    assert values == packed
    assert list(packed) == list(values)
    assert len(packed) == len(values)
    assert all(packed[name] == value and name in packed for name, value in values.items())
    assert packed.get("absent name that is long") is None
    assert packed.get("absent", 7) == 7
    assert content_hash(packed) == content_hash(values)


def test_rows_of_one_read_compare_by_their_values() -> None:
    """Two rows packed under the same names are equal exactly when their values are."""
    at = {"Name": 0, "Estimate": 1}
    assert RowValues(at, ("a", 1)) == RowValues(at, ("a", 1))
    assert RowValues(at, ("a", 1)) != RowValues(at, ("a", 2))
    assert RowValues(at, ("a", 1)) == RowValues({"Estimate": 0, "Name": 1}, (1, "a"))


def test_packed_values_show_and_pickle_as_their_mapping() -> None:
    """The repr is the dict's; a pickled copy is equal."""
    packed = _packed({"Name": "Ship", "Tags": ["a"]})
    assert repr(packed) == repr({"Name": "Ship", "Tags": ["a"]})
    assert pickle.loads(pickle.dumps(packed)) == packed
