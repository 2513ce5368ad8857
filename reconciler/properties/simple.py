"""Codecs of the single-valued scalar types: number, checkbox, url, email and phone_number.

Canonical forms: number → ``int`` when integral else ``float`` (None: empty); checkbox → bool;
url, email, phone_number → ``str`` or None (``""`` counts as empty). Registered in
``reconciler.properties.registry``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import (
    UNREAD,
    PropertyCodec,
    QuickReader,
    References,
    Unread,
    ValueProblem,
)
from reconciler.properties.checks import (
    MAX_PHONE_LENGTH,
    check_email,
    check_url,
    describe_kind,
    expect_str,
)

__all__ = [
    "NUMBER_FORMATS",
    "CheckboxCodec",
    "EmailCodec",
    "NumberCodec",
    "PhoneNumberCodec",
    "UrlCodec",
    "canonical_number",
    "number_text",
]

NUMBER_FORMATS = frozenset(
    {
        "number", "number_with_commas", "percent", "dollar", "canadian_dollar",
        "singapore_dollar", "euro", "pound", "yen", "ruble", "rupee", "won", "yuan", "real",
        "lira", "rupiah", "franc", "hong_kong_dollar", "new_zealand_dollar", "krona",
        "norwegian_krone", "mexican_peso", "rand", "new_taiwan_dollar", "danish_krone", "zloty",
        "baht", "forint", "koruna", "shekel", "chilean_peso", "philippine_peso", "dirham",
        "colombian_peso", "riyal", "ringgit", "leu", "argentine_peso", "uruguayan_peso",
        "peruvian_sol",
    }
)  # fmt: skip
"""Notion's number formats (notion-sdk-js ``NumberFormat``)."""

# Notion stores numbers as IEEE doubles: a larger integer would come back changed.
_MAX_EXACT_INT = 2**53
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _overflows_double(value: int) -> bool:
    """Whether the integer is past the largest double (``float()`` of it raises)."""
    try:
        float(value)
    except OverflowError:
        return True
    return False


def canonical_number(value: int | float) -> int | float:
    """``3.0`` → ``3``, ``-0.0`` → ``0``; past 2**53, where a double is no longer exact, float.

    One JSON text per number, whichever of Python and Notion's JavaScript printed it.
    """
    if abs(value) > _MAX_EXACT_INT:
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def number_text(value: int | float) -> str:
    """The text of a canonical number: ``"3"``, ``"2.5"``, ``"1e-07"`` (Python's shortest)."""
    return str(canonical_number(value))


class NumberCodec(PropertyCodec):
    """number: an int or float; manifests may also give numeric text (CSV rows)."""

    type_name = "number"
    can_be_key = True
    config_keys: ClassVar[frozenset[str]] = frozenset({"format"})

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        fmt = raw.get("format", "number")
        fmt = expect_str(fmt, "the number format", path=("format",))
        if fmt not in NUMBER_FORMATS:
            raise ValueProblem(
                f"{fmt!r} is not a Notion number format",
                hint="e.g. number, number_with_commas, percent, dollar, euro (see "
                "docs/properties.md for all of them)",
                path=("format",),
            )
        return {"format": fmt}

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        return {"format": config.get("format", "number")}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get("number")
        fmt = body.get("format") if isinstance(body, dict) else None
        return {"format": fmt if isinstance(fmt, str) else "number"}

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None:
            return None
        if isinstance(value, str):
            hint = (
                "remove the quotes"
                if _NUMBER_TEXT.match(value.strip())
                else ("write digits with a dot for decimals, e.g. 3 or 2.5")
            )
            raise ValueProblem(f"a number must be a number, not {describe_kind(value)}", hint=hint)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueProblem(f"a number must be a number, not {describe_kind(value)}")
        if isinstance(value, int) and _overflows_double(value):
            value = math.inf if value > 0 else -math.inf
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem(
                f"a number must be finite, not {value}",
                hint=""
                if math.isnan(value)
                else "Notion stores numbers as 64-bit floats: at most about ±1.8e308",
            )
        if isinstance(value, int) and abs(value) > _MAX_EXACT_INT and int(float(value)) != value:
            raise ValueProblem(
                f"{value} cannot be kept exactly: Notion stores numbers as 64-bit floats",
                hint="store it as text (rich_text) if every digit matters",
            )
        return canonical_number(value)

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        if value is None:
            return None
        return self.from_manifest(value, config)

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        value = prop.get("number")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return canonical_number(value)

    def quick_reader(self) -> QuickReader:
        return _quick_number

    def key_text(self, value: JSON) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return number_text(value)

    def display(self, value: JSON, refs: References | None = None) -> str:
        return self.key_text(value) or ""


def _quick_number(prop: Mapping[str, JSON]) -> JSON | Unread:
    """``NumberCodec.from_response`` of an exact integer, a float or null."""
    value = prop.get("number")
    if type(value) is int:
        return value if -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT else UNREAD
    if value is None:
        return None
    return canonical_number(value) if type(value) is float else UNREAD


def _quick_checkbox(prop: Mapping[str, JSON]) -> JSON | Unread:
    return prop.get("checkbox") is True


class CheckboxCodec(PropertyCodec):
    """checkbox: true or false; empty is false (Notion has no unset checkbox)."""

    type_name = "checkbox"
    empty: ClassVar[JSON] = False

    _TEXT: ClassVar[Mapping[str, bool]] = {"true": True, "false": False, "": False}

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        hint = ""
        if isinstance(value, str) and value.strip().lower() in self._TEXT:
            hint = f"write {str(self._TEXT[value.strip().lower()]).lower()} without quotes"
        raise ValueProblem(
            f"a checkbox must be true or false, not {describe_kind(value)}", hint=hint
        )

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return bool(value)

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return prop.get("checkbox") is True

    def quick_reader(self) -> QuickReader:
        return _quick_checkbox

    def display(self, value: JSON, refs: References | None = None) -> str:
        return "true" if value else "false"


class _TextScalarCodec(PropertyCodec):
    """A single string value that may be empty (url, email, phone_number)."""

    can_be_key = True
    noun: ClassVar[str]

    def check(self, text: str) -> str:
        """The text when the type accepts it; raises ValueProblem otherwise."""
        return text

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            # YAML reads an unquoted phone number such as 5551234 as an int.
            value = str(value)
        text = expect_str(value, f"a {self.noun}").strip()
        return self.check(text) if text else None

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return value if isinstance(value, str) and value else None

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        value = prop.get(self.type_name)
        return value if isinstance(value, str) and value else None

    def key_text(self, value: JSON) -> str | None:
        return value if isinstance(value, str) and value else None


class UrlCodec(_TextScalarCodec):
    """url: an http, https, mailto or tel link of at most 2,000 characters."""

    type_name = "url"
    noun = "URL"

    def check(self, text: str) -> str:
        return check_url(text, "the URL")


class EmailCodec(_TextScalarCodec):
    """email: an address of the shape name@domain, at most 200 characters."""

    type_name = "email"
    noun = "e-mail address"

    def check(self, text: str) -> str:
        return check_email(text, "the e-mail address")


class PhoneNumberCodec(_TextScalarCodec):
    """phone_number: free text (Notion does not check it), at most 200 characters."""

    type_name = "phone_number"
    noun = "phone number"

    def check(self, text: str) -> str:
        if len(text) > MAX_PHONE_LENGTH:
            raise ValueProblem(
                f"the phone number is {len(text)} characters long; Notion takes at most "
                f"{MAX_PHONE_LENGTH}"
            )
        return text
