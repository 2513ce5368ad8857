"""Generated input: whatever a manifest holds, loading gives a DesiredState or a ManifestError.

Three generators: random text (YAML-ish characters, control characters, non-ASCII), random data
structures dumped as YAML, and random manifests built from the real vocabulary (types, settings,
rows with random scalars), so that deep paths of the loader are reached too.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.errors import ManifestError
from reconciler.manifest import load_desired_state
from reconciler.model import ALL_TYPES

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
YAML_CHARACTERS = string.printable + "éß日本😀\x00\x07\ufeff&*!|>%@`"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=YAML_CHARACTERS, max_size=30),
    st.sampled_from(["2026-12-01", "2026-13-45", "${HOME}", "${UNSET}", "javascript:x", "x@y.z"]),
)
structures = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
names = st.sampled_from(["Name", "Status", "Estimate", "Due", "Owner", "Tags", "Rel", "Other"])
declarations = st.one_of(
    st.sampled_from(sorted(ALL_TYPES)),
    st.fixed_dictionaries(
        {"type": st.sampled_from(sorted(ALL_TYPES))},
        optional={
            "options": st.lists(st.text(max_size=8) | structures, max_size=3),
            "format": st.sampled_from(["number", "dollar", "bogus"]),
            "database": st.sampled_from(["tasks", "other", "1429989fe8ac4effbc8f57f56486db54"]),
            "dual": st.booleans(),
            "relation": names,
            "property": names,
            "function": st.sampled_from(["sum", "count", "nope"]),
            "expression": st.sampled_from(['prop("Estimate") * 2', "(((", "1 +"]),
            "prefix": st.text(max_size=5),
        },
    ),
)
manifests = st.fixed_dictionaries(
    {
        "database": st.sampled_from(["tasks", "Tasks DB", "other"]),
        "title": st.text(max_size=10) | structures,
        "properties": st.dictionaries(names, declarations, max_size=6),
    },
    optional={
        "key": names,
        "prune": st.booleans(),
        "ignore": st.lists(names, max_size=2),
        "rows": st.lists(st.dictionaries(names, structures, max_size=5), max_size=5),
        "id": st.sampled_from(["", "1429989fe8ac4effbc8f57f56486db54", "bad", None]),
    },
)


def _load(folder: Path, text: str) -> None:
    (folder / "fuzz.yaml").write_text(text, encoding="utf-8")
    problems: tuple[object, ...] = ()
    try:
        load_desired_state(["fuzz.yaml"], environ={"HOME": "/home/ada"}, cwd=folder, root=folder)
        return
    except ManifestError as error:
        problems = tuple(error.problems)
    assert problems  # an error always says what is wrong


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@FUZZ
@given(text=st.text(alphabet=YAML_CHARACTERS, max_size=300))
def test_random_text_loads_or_fails_with_manifest_errors_only(folder: Path, text: str) -> None:
    """No crash, whatever the characters."""
    _load(folder, text)


@FUZZ
@given(data=structures)
def test_random_structures_load_or_fail_with_manifest_errors_only(
    folder: Path, data: object
) -> None:
    """Any YAML data structure is either a manifest or a list of problems."""
    _load(folder, yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(manifest=manifests, documents=st.integers(min_value=1, max_value=2))
def test_random_manifests_load_or_fail_with_manifest_errors_only(
    folder: Path, manifest: dict[str, object], documents: int
) -> None:
    """Real field names with random types and values reach the codecs and cross-checks."""
    _load(folder, yaml.safe_dump_all([manifest] * documents, allow_unicode=True))
