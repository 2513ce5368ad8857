"""Hypothesis strategies: manifest values of every writable type, with the config they need.

``WRITABLE`` maps each writable type to (declaration, strategy of manifest values). ``REFS``
knows the users and target rows those values may name.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from reconciler.model import LiveUser
from reconciler.properties import WorkspaceReferences
from reconciler.properties.text import TEXT_COLORS

USERS = (
    LiveUser("00000000-0000-4000-8000-0000000000fa", "Ada", "ada@example.com", "person"),
    LiveUser("00000000-0000-4000-8000-0000000000fb", "Grace", "grace@example.com", "person"),
    LiveUser("00000000-0000-4000-8000-0000000000fc", "Build bot", None, "bot"),
)
TARGET_SOURCE = "6804d25f-0b33-46bf-9d2c-0304cd5bbdfe"
TARGET_ROWS = {
    "website": "38c9ce7b-60a4-81a6-b314-f47eef8f5f8c",
    "docs": "38c9ce7b-60a4-8186-b51f-ce28be392a4a",
    "2026": "38c9ce7b-60a4-81d9-974f-fa8f2972d797",
}
OPTIONS = ["Todo", "Doing", "Done ✅", "مرحبا", "🔥 Hot"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


def references() -> WorkspaceReferences:
    """References knowing USERS and the rows of the `projects` target database."""
    refs = WorkspaceReferences(USERS)
    refs.add_data_source("projects", TARGET_SOURCE)
    for key, page_id in TARGET_ROWS.items():
        refs.add_page("projects", key, page_id)
    return refs


REFS = references()

_SAFE = string.ascii_letters + string.digits + "-._~"
_path = st.text(alphabet=_SAFE, min_size=1, max_size=30)
urls = st.one_of(
    st.builds("https://example.com/{}".format, _path),
    st.builds("http://example.org/a/{}?q=1".format, _path),
    st.builds("mailto:{}@example.com".format, _path),
    st.builds("tel:+49{}".format, st.integers(1000, 10**9)),
)
texts = st.text(max_size=60) | st.builds(
    lambda chunk, times: chunk * times, st.text(min_size=1, max_size=8), st.integers(200, 700)
)
_style = {
    "bold": st.booleans(),
    "italic": st.booleans(),
    "strikethrough": st.booleans(),
    "underline": st.booleans(),
    "code": st.booleans(),
    "color": st.sampled_from(sorted(TEXT_COLORS)),
    "link": urls,
}
_run = st.fixed_dictionaries({"text": texts}, optional=_style) | st.fixed_dictionaries(
    {"equation": st.text(min_size=1, max_size=40)},
    optional={k: v for k, v in _style.items() if k != "link"},
)
rich_texts = texts | st.lists(_run | texts, max_size=6)

numbers = st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)

_moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
_instants = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    _moments,
    st.builds(
        lambda m, h: m.replace(tzinfo=dt.timezone(dt.timedelta(minutes=h))),
        _moments,
        st.integers(-720, 840),
    ),
    st.builds(lambda m: m.isoformat(), _moments),
)
dates = st.one_of(
    st.none(),
    _instants,
    st.fixed_dictionaries({"start": _instants}),
    st.builds(
        lambda start, minutes, zone: {
            "start": start.isoformat(timespec="seconds"),
            "end": (start + dt.timedelta(minutes=minutes)).isoformat(timespec="seconds"),
            "time_zone": zone,
        },
        _moments,
        st.integers(0, 60 * 24 * 400),
        st.sampled_from(ZONES),
    ),
)
people = st.lists(
    st.sampled_from([u.email.upper() for u in USERS if u.email] + [u.id for u in USERS])
)
files = st.lists(
    urls.filter(lambda u: u.startswith("http"))
    | st.fixed_dictionaries(
        {
            "name": st.text(alphabet=_SAFE + " ", min_size=1, max_size=20).filter(str.strip),
            "url": urls,
        }
    ),
    max_size=5,
)
_rows = st.sampled_from(sorted(TARGET_ROWS)) | st.sampled_from(sorted(TARGET_ROWS.values())).map(
    lambda i: {"page_id": i}
)
relations = st.lists(_rows | st.uuids(version=4).map(lambda u: {"page_id": str(u)}), max_size=8)
existing_relations = st.lists(_rows, max_size=8)
"""Relations to pages that exist (the emulator refuses others, as Notion does)."""
places = st.none() | st.fixed_dictionaries(
    {"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)},
    optional={
        "name": st.text(max_size=20),
        "address": st.text(max_size=40),
        "google_place_id": st.text(alphabet=_SAFE, min_size=1, max_size=20),
    },
)
verifications = st.one_of(
    st.sampled_from([None, "unverified", "verified"]),
    st.builds(lambda d: {"state": "verified", "date": d}, dates),
)

OPTIONS_DECLARATION = {
    "options": [*OPTIONS[:2], {"name": OPTIONS[2], "color": "green"}, *OPTIONS[3:]]
}
WRITABLE: dict[str, tuple[dict[str, Any], st.SearchStrategy[Any]]] = {
    "title": ({}, rich_texts),
    "rich_text": ({}, rich_texts),
    "number": ({"format": "percent"}, st.none() | numbers),
    "select": (OPTIONS_DECLARATION, st.none() | st.sampled_from(OPTIONS)),
    "status": (OPTIONS_DECLARATION, st.none() | st.sampled_from(OPTIONS)),
    "multi_select": (OPTIONS_DECLARATION, st.lists(st.sampled_from(OPTIONS))),
    "date": ({}, dates),
    "people": ({}, people),
    "files": ({}, files),
    "checkbox": ({}, st.booleans()),
    "url": ({}, st.none() | urls),
    "email": (
        {},
        st.none()
        | st.builds("{}@{}.example".format, _path, st.text(alphabet="abc", min_size=1, max_size=5)),
    ),
    "phone_number": ({}, st.none() | st.text(max_size=200)),
    "relation": ({"database": "projects"}, relations),
    "place": ({}, places),
    "verification": ({}, verifications),
}
