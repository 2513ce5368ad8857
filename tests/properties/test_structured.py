"""files, place and verification: structured values with their own rules."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

FILES = codec_for("files")
PLACE = codec_for("place")
VERIFICATION = codec_for("verification")
REFS = WorkspaceReferences()


# --- files -------------------------------------------------------------------------------------


def test_a_bare_url_is_named_after_its_last_segment() -> None:
    """`https://example.com/docs/spec%20v2.pdf` is the file "spec v2.pdf"."""
    expected = [{"name": "spec v2.pdf", "url": "https://example.com/docs/spec%20v2.pdf"}]
    assert expected == FILES.from_manifest("https://example.com/docs/spec%20v2.pdf", {})


def test_files_keep_their_order() -> None:
    """Files are a list: order is meaningful and kept."""
    value = [{"name": "b", "url": "https://example.com/b"}, "https://example.com/a.png"]
    expected = [
        {"name": "b", "url": "https://example.com/b"},
        {"name": "a.png", "url": "https://example.com/a.png"},
    ]
    assert expected == FILES.from_manifest(value, {})


def test_hosted_files_compare_by_name_without_their_expiring_url() -> None:
    """A Notion-hosted file reads as {name, hosted} whatever signed URL Notion gives today."""
    answer: Any = {
        "files": [
            {
                "name": "report.pdf",
                "type": "file",
                "file": {
                    "url": "https://s3.example.com/x?sig=1",
                    "expiry_time": "2026-06-27T18:00:00.000Z",
                },
            }
        ]
    }
    expected = [{"name": "report.pdf", "hosted": True}]
    assert expected == FILES.from_response(answer, {})
    assert expected == FILES.from_manifest([{"name": "report.pdf", "hosted": True}], {})


def test_external_files_are_sent_as_external() -> None:
    """{name, url} goes out as {name, type: external, external: {url}}."""
    expected = [{"name": "a", "type": "external", "external": {"url": "https://example.com/a"}}]
    assert expected == FILES.to_request([{"name": "a", "url": "https://example.com/a"}], {}, REFS)


def test_a_hosted_file_cannot_be_sent_again() -> None:
    """Writing a value holding a hosted file is refused with a way out."""
    with pytest.raises(ValueProblem) as caught:
        FILES.to_request([{"name": "report.pdf", "hosted": True}], {}, REFS)
    assert "ignore" in caught.value.hint
    expected = (0,)
    assert expected == caught.value.path


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (["file:///etc/passwd"], (0,)),
        ([{"name": "x"}], (0,)),
        ([{"name": "x", "hosted": True, "url": "https://example.com"}], (0, "url")),
        ([{"url": "https://example.com/a", "size": 3}], (0, "size")),
        ([{"name": "", "url": "https://example.com/a"}], (0, "name")),
        ([3], (0,)),
    ],
)
def test_bad_files_are_located(value: object, path: tuple[object, ...]) -> None:
    """Unsafe URLs, missing URLs, hosted with URL, unknown keys, empty names, non-files."""
    with pytest.raises(ValueProblem) as caught:
        FILES.from_manifest(value, {})
    assert path == caught.value.path


# --- place -------------------------------------------------------------------------------------


def test_a_place_keeps_coordinates_as_floats_and_named_strings() -> None:
    """Integer degrees become floats; empty strings are dropped."""
    value = {"lat": 52, "lon": 13.405, "name": "Berlin", "address": ""}
    expected = {"lat": 52.0, "lon": 13.405, "name": "Berlin"}
    assert expected == PLACE.from_manifest(value, {})


def test_a_recorded_place_decodes() -> None:
    """The recorded Berlin place reads with its provider ids."""
    answer: Any = {
        "place": {
            "lat": 52.52,
            "lon": 13.405,
            "name": None,
            "address": "Berlin, Germany",
            "aws_place_id": "ChIJAVkDPzdOqEcRcDteW0YgIQQ",
            "google_place_id": None,
        }
    }
    expected = {
        "lat": 52.52,
        "lon": 13.405,
        "address": "Berlin, Germany",
        "aws_place_id": "ChIJAVkDPzdOqEcRcDteW0YgIQQ",
    }
    assert expected == PLACE.from_response(answer, {})


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"lat": 91, "lon": 0}, ("lat",)),
        ({"lat": 0, "lon": -181}, ("lon",)),
        ({"lat": "north", "lon": 0}, ("lat",)),
        ({"lat": 0}, ()),
        ({"lat": 0, "lon": 0, "zoom": 3}, ("zoom",)),
        ("Berlin", ()),
    ],
)
def test_bad_places_are_located(value: object, path: tuple[object, ...]) -> None:
    """Out-of-range or non-numeric coordinates, missing lon, unknown keys, plain text."""
    with pytest.raises(ValueProblem) as caught:
        PLACE.from_manifest(value, {})
    assert path == caught.value.path


# --- verification ------------------------------------------------------------------------------


def test_verified_with_a_date_range() -> None:
    """{state: verified, date: {start, end}} keeps the canonical dates."""
    value = {"state": "verified", "date": {"start": "2026-12-01", "end": "2027-03-01"}}
    expected = {"state": "verified", "date": {"start": "2026-12-01", "end": "2027-03-01"}}
    assert expected == VERIFICATION.from_manifest(value, {})


def test_unverified_is_none_both_ways() -> None:
    """`unverified`, null and Notion's {state: unverified} are all None."""
    answer: Any = {"verification": {"state": "unverified", "date": None, "verified_by": None}}
    assert VERIFICATION.from_manifest("unverified", {}) is None
    assert VERIFICATION.from_response(answer, {}) is None


def test_verification_requests() -> None:
    """Verified is sent with its date, None as {state: unverified}."""
    expected = [
        {"state": "verified", "date": {"start": "2026-12-01"}},
        {"state": "unverified"},
    ]
    actual = [
        VERIFICATION.to_request(
            {"state": "verified", "date": {"start": "2026-12-01", "end": None}}, {}, REFS
        ),
        VERIFICATION.to_request(None, {}, REFS),
    ]
    assert expected == actual


def test_expired_cannot_be_written() -> None:
    """Notion expires verifications; a manifest cannot."""
    with pytest.raises(ValueProblem) as caught:
        VERIFICATION.from_manifest({"state": "expired"}, {})
    expected = ("state",)
    assert expected == caught.value.path


def test_a_bad_verification_date_points_inside_date() -> None:
    """A reversed range under `date` is reported at ('date', 'end')."""
    with pytest.raises(ValueProblem) as caught:
        VERIFICATION.from_manifest(
            {"state": "verified", "date": {"start": "2026-12-02", "end": "2026-12-01"}}, {}
        )
    expected = ("date", "end")
    assert expected == caught.value.path
