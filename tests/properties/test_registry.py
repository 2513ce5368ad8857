"""The codec registry: one codec per Notion property type, found by type name."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import reconciler.properties
from reconciler.model import ALL_TYPES, KEY_TYPES, READ_ONLY_TYPES, WRITABLE_TYPES
from reconciler.properties import ALL_CODECS, ValueProblem, codec_for, shared_value


def test_codec_for_returns_the_codec_of_that_type() -> None:
    """Each codec answers to its own type name."""
    expected = "rich_text"
    assert expected == codec_for("rich_text").type_name


def test_unknown_type_is_a_value_problem_listing_known_types() -> None:
    """A typo in a declaration gets the list of real types as its hint."""
    with pytest.raises(ValueProblem) as caught:
        codec_for("richtext")
    expected = "'richtext' is not a Notion property type"
    assert expected == caught.value.message
    assert "rich_text" in caught.value.hint


def test_writable_flags_match_the_model() -> None:
    """Codecs registered as writable are exactly the model's WRITABLE_TYPES."""
    writable = {name for name, codec in ALL_CODECS.items() if codec.writable}
    expected = WRITABLE_TYPES & set(ALL_CODECS)
    assert expected == writable
    assert not READ_ONLY_TYPES & writable


def test_key_flags_match_the_model() -> None:
    """Only the model's KEY_TYPES can be row keys."""
    keys = {name for name, codec in ALL_CODECS.items() if codec.can_be_key}
    expected = KEY_TYPES
    assert expected == keys


def test_every_property_type_has_a_codec() -> None:
    """The registry covers exactly the model's types."""
    expected = ALL_TYPES
    assert expected == set(ALL_CODECS)


def test_the_package_exports_a_sorted_all() -> None:
    """reconciler.properties re-exports its public names through a sorted __all__."""
    names = list(reconciler.properties.__all__)
    assert sorted(names) == names
    assert all(hasattr(reconciler.properties, name) for name in names)


def test_shared_values_are_equal_and_one_copy_per_text() -> None:
    """shared_value keeps the value as it is, with equal texts made the same object."""
    first = shared_value({"start": "".join(["2026-", "01-01"]), "end": None})
    second = shared_value({"start": "".join(["2026-01", "-01"]), "end": None})
    assert isinstance(first, dict)
    assert isinstance(second, dict)
    assert (first, first["start"] is second["start"]) == (
        {"start": "2026-01-01", "end": None},
        True,
    )


def test_list_values_keep_their_order_when_shared() -> None:
    """A list's items stay in order; numbers and booleans pass through."""
    assert shared_value(["b", "a", 3, True]) == ["b", "a", 3, True]


def test_only_types_with_few_distinct_texts_repeat() -> None:
    """Options, people and dates are shared between rows; titles and text are not."""
    repeating = sorted(name for name, codec in ALL_CODECS.items() if codec.repeating)
    assert repeating == ["date", "multi_select", "people", "select", "status"]


def test_each_codec_is_registered_under_its_own_type_name() -> None:
    """The lazy table names each codec's module and class: what it makes answers to the name it
    is found by, and asking twice gives the one instance."""
    for name, codec in ALL_CODECS.items():
        assert codec.type_name == name
        assert codec_for(name) is codec


def test_unknown_names_are_not_in_the_table() -> None:
    """Membership and ``get`` answer for unknown names without importing or raising."""
    assert "richtext" not in ALL_CODECS
    assert ALL_CODECS.get("richtext") is None
    with pytest.raises(KeyError):
        ALL_CODECS["richtext"]


_FRESH = """
import json, sys
from reconciler.properties import ALL_CODECS, codec_for
before = sorted(m for m in sys.modules if m.startswith("reconciler.properties."))
names = list(ALL_CODECS)
codec_for("checkbox")
after = sorted(m for m in sys.modules if m.startswith("reconciler.properties."))
print(json.dumps([before, names, after]))
"""


def test_a_codec_module_is_imported_by_the_first_use_of_one_of_its_types() -> None:
    """Importing the package and listing the type names import no codec module; the first
    checkbox imports the module of the simple codecs and no other."""
    done = subprocess.run(
        [sys.executable, "-c", _FRESH], capture_output=True, text=True, check=True
    )
    before, names, after = json.loads(done.stdout)
    codecs = {"computed", "dates", "files", "options", "people", "place", "relation"}
    codecs |= {"simple", "stamps", "text", "verification"}
    assert not {module.rsplit(".", 1)[1] for module in before} & codecs
    assert set(names) == set(ALL_TYPES)
    assert {module.rsplit(".", 1)[1] for module in after} & codecs == {"simple"}


_RACE = """
import json, threading
from concurrent.futures import ThreadPoolExecutor
from reconciler.properties import ALL_CODECS, codec_for
start = threading.Barrier(8)
def first(index):
    start.wait()
    return id(codec_for("date") if index % 2 else ALL_CODECS["date"])
with ThreadPoolExecutor(max_workers=8) as pool:
    print(json.dumps(sorted(set(pool.map(first, range(8))))))
"""


def test_threads_asking_first_at_once_get_one_codec() -> None:
    """Readers decode in threads: the first askers of a type, all at once in a fresh process,
    get the same instance."""
    done = subprocess.run([sys.executable, "-c", _RACE], capture_output=True, text=True, check=True)
    assert len(json.loads(done.stdout)) == 1
