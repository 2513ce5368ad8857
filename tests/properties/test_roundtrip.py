"""Round trips of every writable type: manifest → canonical → payload → answer → canonical."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import WRITABLE_TYPES, canonical_json
from reconciler.properties import codec_for
from tests.properties import echo
from tests.properties.strategies import REFS, WRITABLE


def test_every_writable_type_has_a_strategy() -> None:
    """No writable type escapes the round trip."""
    expected = WRITABLE_TYPES
    assert expected == set(WRITABLE)


def _desired(type_name: str, value: Any) -> tuple[Any, Any]:
    """(config, canonical desired value resolved for comparison) of a manifest value."""
    codec = codec_for(type_name)
    config = codec.parse_config(WRITABLE[type_name][0])
    return config, codec.resolve_desired(codec.from_manifest(value, config), config, REFS)


@pytest.mark.parametrize("type_name", sorted(WRITABLE))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_written_value_reads_back_equal(type_name: str, data: st.DataObject) -> None:
    """Whatever Notion normalises on the way, the value read back equals the one written."""
    codec = codec_for(type_name)
    config, desired = _desired(type_name, data.draw(WRITABLE[type_name][1]))
    payload = codec.to_request(desired, config, REFS)
    live = codec.resolve_live(
        codec.from_response(echo.answer(type_name, payload), config), config, REFS
    )
    assert canonical_json(desired) == canonical_json(live)


@pytest.mark.parametrize("type_name", sorted(WRITABLE))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_canonical_value_is_its_own_manifest_form(type_name: str, data: st.DataObject) -> None:
    """Canonical values (plan files, exports) load back unchanged, to the same JSON text."""
    codec = codec_for(type_name)
    config = codec.parse_config(WRITABLE[type_name][0])
    canonical = codec.from_manifest(data.draw(WRITABLE[type_name][1]), config)
    assert canonical_json(canonical) == canonical_json(codec.from_manifest(canonical, config))
