"""number, checkbox, url, email and phone_number: canonical forms, keys and refused values."""

from __future__ import annotations

import pytest

from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

NUMBER = codec_for("number")
CHECKBOX = codec_for("checkbox")
URL = codec_for("url")
EMAIL = codec_for("email")
PHONE = codec_for("phone_number")
REFS = WorkspaceReferences()


def test_an_integral_float_is_an_int() -> None:
    """3.0 from YAML or from Notion is the int 3, so the two compare equal."""
    expected = 3
    assert expected == NUMBER.from_manifest(3.0, {})
    assert expected == NUMBER.from_response({"type": "number", "number": 3.0}, {})
    assert isinstance(NUMBER.from_manifest(3.0, {}), int)


def test_a_fraction_stays_a_float() -> None:
    """2.5 stays 2.5."""
    expected = 2.5
    assert expected == NUMBER.from_manifest(2.5, {})


def test_numeric_text_is_refused_with_a_hint_to_drop_the_quotes() -> None:
    """A number written as text ("42") is a manifest mistake (CSV cells are converted first)."""
    with pytest.raises(ValueProblem) as caught:
        NUMBER.from_manifest("42", {})
    expected = ("a number must be a number, not a string ('42')", "remove the quotes")
    assert expected == (caught.value.message, caught.value.hint)


def test_other_text_is_refused_with_a_hint_on_number_syntax() -> None:
    """Text that is no number at all gets a hint on how numbers are written."""
    with pytest.raises(ValueProblem) as caught:
        NUMBER.from_manifest("three", {})
    assert "e.g. 3 or 2.5" in caught.value.hint


def test_a_boolean_is_not_a_number() -> None:
    """YAML `yes` is a boolean, not 1."""
    with pytest.raises(ValueProblem) as caught:
        NUMBER.from_manifest(True, {})
    expected = "a number must be a number, not a boolean (true)"
    assert expected == caught.value.message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "3 apples", 2**60 + 1])
def test_values_notion_cannot_hold_exactly_are_refused(value: object) -> None:
    """NaN, infinity, non-numeric text and integers past 2**53 are ValueProblems."""
    with pytest.raises(ValueProblem):
        NUMBER.from_manifest(value, {})


def test_number_key_text_is_its_canonical_text() -> None:
    """3.0 keys as "3", 2.5 as "2.5"."""
    expected = ["3", "2.5"]
    assert expected == [NUMBER.key_text(3.0), NUMBER.key_text(2.5)]


def test_number_request_is_the_number() -> None:
    """A number is sent as is; empty as null."""
    expected = [7, None]
    assert expected == [NUMBER.to_request(7, {}, REFS), NUMBER.to_request(None, {}, REFS)]


def test_checkbox_empty_is_false() -> None:
    """Notion has no unset checkbox: null is false."""
    assert CHECKBOX.from_manifest(None, {}) is False
    assert CHECKBOX.empty is False


def test_checkbox_refuses_quoted_booleans_with_a_hint() -> None:
    """ "true" in quotes is text; the hint says to drop the quotes (CSV cells are converted)."""
    with pytest.raises(ValueProblem) as caught:
        CHECKBOX.from_manifest("TRUE", {})
    expected = "write true without quotes"
    assert expected == caught.value.hint


def test_checkbox_refuses_other_values() -> None:
    """1 is not a checkbox value."""
    with pytest.raises(ValueProblem):
        CHECKBOX.from_manifest(1, {})


def test_empty_url_is_none() -> None:
    """ "" and null both mean no URL; Notion's null reads as None."""
    assert URL.from_manifest("", {}) is None
    assert URL.from_response({"type": "url", "url": None}, {}) is None


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a?b=1", "http://example.com", "mailto:ada@example.com", "tel:+4930123"],
)
def test_safe_url_schemes_are_accepted(url: str) -> None:
    """http, https, mailto and tel links are kept as written."""
    expected = url
    assert expected == URL.from_manifest(url, {})


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "example.com/x",
        "https://",
    ],
)
def test_unsafe_or_incomplete_urls_are_refused(url: str) -> None:
    """javascript:, file:, data:, scheme-less and host-less URLs are ValueProblems."""
    with pytest.raises(ValueProblem):
        URL.from_manifest(url, {})


def test_a_url_longer_than_2000_characters_is_refused() -> None:
    """Notion's URL limit is 2,000 characters."""
    with pytest.raises(ValueProblem) as caught:
        URL.from_manifest("https://example.com/" + "a" * 1981, {})
    assert "2001 characters" in caught.value.message


def test_email_must_have_the_shape_of_an_address() -> None:
    """ada@example.com is fine, "ada at example" is not."""
    expected = "ada@example.com"
    assert expected == EMAIL.from_manifest(" ada@example.com ", {})
    with pytest.raises(ValueProblem):
        EMAIL.from_manifest("ada at example", {})


def test_email_longer_than_200_characters_is_refused() -> None:
    """Notion's e-mail limit is 200 characters."""
    with pytest.raises(ValueProblem):
        EMAIL.from_manifest("a" * 190 + "@example.com", {})


def test_phone_numbers_are_free_text_up_to_200_characters() -> None:
    """Any text is a phone number; a YAML number becomes its text; 201 characters is too long."""
    expected = ["+1 234 567 890", "5551234"]
    assert expected == [PHONE.from_manifest("+1 234 567 890", {}), PHONE.from_manifest(5551234, {})]
    with pytest.raises(ValueProblem):
        PHONE.from_manifest("1" * 201, {})


def test_text_scalars_are_keys_by_their_string() -> None:
    """url, email and phone keys are the string itself; empty gives no key."""
    expected = "https://example.com"
    assert expected == URL.key_text("https://example.com")
    assert EMAIL.key_text(None) is None
