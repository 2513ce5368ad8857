"""Scalars written so the manifest reader reads them back unchanged, in the style they had."""

from __future__ import annotations

import pytest
import yaml

from reconciler.adopt.edit.yaml_text import Dialect, NotWritable, key_text, scalar_text
from reconciler.manifest.envvars import expand
from reconciler.manifest.scalars import resolve_plain

MANIFEST = Dialect(manifest=True)
DATA = Dialect(manifest=False)


def _read(text: str, *, flow: bool) -> object:
    """How the manifest reader reads a scalar written in that context."""
    document = f"[{text}]" if flow else f"k: {text}"
    events = [
        e for e in yaml.parse(document, Loader=yaml.SafeLoader) if isinstance(e, yaml.ScalarEvent)
    ]
    event = events[-1]
    value = event.value if event.style else resolve_plain(event.value)
    return expand(value, {}) if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("style", "expected"),
    [(None, "Write the docs"), ("'", "'Write the docs'"), ('"', '"Write the docs"')],
)
def test_a_changed_text_keeps_its_quoting(style: str | None, expected: str) -> None:
    """Plain stays plain, single quotes stay single, double stay double."""
    assert scalar_text("Write the docs", MANIFEST, flow=True, style=style) == expected


@pytest.mark.parametrize("text", ["123", "1e3", "true", "null", "~", "0o17", ".inf", ""])
def test_text_the_core_schema_reads_otherwise_is_quoted(text: str) -> None:
    """Text that plain would read as a number, a boolean or null comes back as text."""
    written = scalar_text(text, MANIFEST, flow=True)
    assert (written[0], _read(written, flow=True)) == ("'", text)


@pytest.mark.parametrize(
    "text", ["a: b", "a #b", "[x]", "- item", "{k}", "&anchor", "*alias", "!tag", "'q'"]
)
def test_text_with_yaml_syntax_is_quoted_and_reads_back(text: str) -> None:
    """Indicators, ': ' and ' #' force quotes; the text reads back as it was."""
    for flow in (True, False):
        written = scalar_text(text, MANIFEST, flow=flow)
        assert written != text
        assert _read(written, flow=flow) == text


def test_commas_are_quoted_inside_flow_collections_only() -> None:
    """`x, y` is one plain scalar after a key, two items inside brackets."""
    assert (
        scalar_text("x, y", MANIFEST, flow=False),
        scalar_text("x, y", MANIFEST, flow=True),
    ) == (
        "x, y",
        "'x, y'",
    )


def test_a_literal_variable_reference_is_escaped_in_manifests_only() -> None:
    """A `${X}` that is text is written `$${X}` in a manifest; a data file keeps it."""
    assert scalar_text("costs ${X}", MANIFEST, flow=False) == "costs $${X}"
    assert scalar_text("costs ${X}", DATA, flow=False) == "costs ${X}"


def test_text_with_line_breaks_keeps_a_literal_block_where_it_was_one() -> None:
    """Block context, the old value a `|` block: the new text is one too, indented under its
    key; in flow context it is double-quoted with escapes."""
    assert scalar_text("one\ntwo\n", MANIFEST, flow=False, style="|", key_column=4) == (
        "|\n      one\n      two"
    )
    assert scalar_text("one\ntwo", MANIFEST, flow=True) == '"one\\ntwo"'


def test_characters_yaml_would_read_as_line_breaks_are_escaped() -> None:
    """U+2028 and U+0085 only survive as double-quoted escapes."""
    written = scalar_text("a\u2028b\x85c", MANIFEST, flow=True)
    assert written == '"a\\u2028b\\u0085c"'
    assert _read(written, flow=True) == "a\u2028b\x85c"


@pytest.mark.parametrize(
    ("value", "expected"), [(3, "3"), (2.5, "2.5"), (True, "true"), (None, "null")]
)
def test_numbers_booleans_and_null_are_plain(value: object, expected: str) -> None:
    """Whatever the old style: a quoted number would be text."""
    assert scalar_text(value, MANIFEST, flow=True, style='"') == expected


def test_a_number_that_is_not_finite_is_not_writable() -> None:
    """NaN reads back as no equal number: refused."""
    with pytest.raises(NotWritable):
        scalar_text(float("nan"), MANIFEST, flow=True)


def test_property_names_are_quoted_only_when_they_must_be() -> None:
    """`Blocked by` stays plain; `Due: date` and `#1` are quoted."""
    assert [key_text(name, MANIFEST, flow=True) for name in ("Blocked by", "Due: date", "#1")] == [
        "Blocked by",
        "'Due: date'",
        "'#1'",
    ]
