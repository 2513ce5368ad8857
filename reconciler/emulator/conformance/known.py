"""Why each interaction the emulator still answers differently is left so: the triaged failures.

Every failing interaction of the replay over ``tests/recordings`` belongs to one category below,
named by recording and interaction index. A failure no entry names is *unexplained*: the
conformance test refuses it, so a new difference is fixed or triaged here (and the failure list
in ``docs/conformance.md`` regenerated). Used by the report.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATEGORIES", "KNOWN", "Category", "explain"]


@dataclass(frozen=True)
class Category:
    """A kind of remaining difference and why it stays."""

    key: str
    title: str
    why: str


CATEGORIES = {
    c.key: c
    for c in (
        Category(
            "scrubbed-bots",
            "Two bots share one scrubbed id",
            "The recorded users list shows two bots under one placeholder id (scrubbing gave "
            "every bot the same id), and a workspace holds one user per id: the replay can "
            "seed only one of them. A replay artefact.",
        ),
        Category(
            "search-index-lag",
            "Notion's search index lags behind writes",
            "Notion finds a page or data source in search only some requests after creating it, "
            "and keeps showing a trashed one for a while; the emulator's search is consistent "
            "at once. When the index catches up is not in the recordings: left as it is "
            "(clients must not rely on search finding what they just wrote).",
        ),
        Category(
            "outside-writer",
            "An object made outside the recorded calls",
            "A page shows up mid-recording without any recorded call creating it (made by "
            "another client at that moment); the replay can only seed it from the start, so a "
            "search before its creation already finds it. A replay artefact.",
        ),
        Category(
            "search-tie-order",
            "Search order among results edited in the same minute",
            "Search lists the newest edit first; results edited in the same minute come in an "
            "order the recordings do not reveal (newest created first in most lists, not in "
            "this one). Not derivable from what the recordings show.",
        ),
    )
}
"""Every category of remaining difference."""

KNOWN: dict[tuple[str, int], str] = {
    ("ultimate-notion/test_session/test_all_users.json", 0): "scrubbed-bots",
    ("ultimate-notion/test_page/test_created_edited_by.json", 1): "scrubbed-bots",
    ("ultimate-notion/test_docs_py_snippets/test_page_advanced.json", 52): "scrubbed-bots",
    **{
        ("ultimate-notion/test_examples/test_sync_google_tasks.json", index): "search-index-lag"
        for index in (6, 7, 8, 9, 10, 11, 12, 13, 24, 35, 45)
    },
    **{
        ("ultimate-notion/test_schema/test_all_createable_props_schema.json", index): (
            "search-index-lag"
        )
        for index in range(3, 12)
    },
    ("ultimate-notion/test_docs_py_snippets/test_page_advanced.json", 61): "search-index-lag",
    ("ultimate-notion/test_schema/test_all_createable_props_schema.json", 0): "outside-writer",
    ("ultimate-notion/test_session/test_search_page.json", 0): "search-tie-order",
}
"""(recording path below ``tests/recordings/``, interaction index) -> category key."""


def explain(recording: str, index: int) -> Category | None:
    """The category of a failing interaction, or None when nobody triaged it."""
    for (suffix, known_index), key in KNOWN.items():
        if known_index == index and recording.endswith(suffix):
            return CATEGORIES[key]
    return None
