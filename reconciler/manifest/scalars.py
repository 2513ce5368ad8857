"""What a YAML scalar means: the YAML 1.2 core schema, not PyYAML's YAML 1.1 surprises.

Plain (unquoted) scalars become null, booleans, integers or floats only when they are spelled
the YAML 1.2 way; everything else stays text. So ``no``, ``on`` and ``yes`` are text (select
options named No stay No), ``12:30`` is text, not 750, and dates such as ``2026-12-01`` stay
ISO text for the date codec. Quoted and block scalars are always text. Called by the YAML reader.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "SUPPORTED_SCALAR_TAGS",
    "TagProblem",
    "decimal_integer",
    "resolve_plain",
    "resolve_tagged",
]

_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS: Final = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLS["FALSE"] = False
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INFINITY = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_NUMBER_START: Final = frozenset("0123456789+-.")
# A double holds at most 309 integer digits; past that only infinity is left. Python refuses to
# convert more than 4,300 digits to an int (ValueError), so long digit runs never reach int().
_MAX_INTEGER_DIGITS: Final = 400

_CORE = "tag:yaml.org,2002:"
SUPPORTED_SCALAR_TAGS: Final = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
"""Explicit tags a scalar may carry; a timestamp stays ISO text (the date codec reads it)."""


class TagProblem(Exception):
    """An explicitly tagged scalar whose text does not fit its tag."""


def resolve_plain(text: str) -> object:
    """The value of a plain scalar: None, bool, int, float or the text itself."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:
        return text
    if _INT.match(text):
        return decimal_integer(text)
    if _FLOAT.match(text):
        return float(text)
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _INFINITY.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def decimal_integer(text: str) -> int | float:
    """The int of a run of decimal digits (with a sign); past a double's range, ±infinity.

    The number codec refuses infinity with a clear message, where ``int()`` of thousands of
    digits would raise.
    """
    if len(text) > _MAX_INTEGER_DIGITS:
        return float(text)
    return int(text)


def resolve_tagged(tag: str, text: str) -> object:
    """The value of a scalar with an explicit core tag; raises TagProblem when it does not fit."""
    name = tag.removeprefix(_CORE)
    if name in ("str", "timestamp"):
        return text
    value = resolve_plain(text) if text else None
    expected: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "float": (float, int),
        "bool": (bool,),
        "null": (type(None),),
    }
    kinds = expected[name]
    if isinstance(value, bool) and bool not in kinds:
        raise TagProblem(f"!!{name} {text!r} is not a valid {name}")
    if not isinstance(value, kinds):
        raise TagProblem(f"!!{name} {text!r} is not a valid {name}")
    if name == "float":
        assert isinstance(value, int | float)
        return float(value)
    return value
