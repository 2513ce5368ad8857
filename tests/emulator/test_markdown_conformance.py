"""The recorded Markdown interactions are in the conformance replay's scope, and pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator.conformance import Catalog, load_folder, replay

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings" / "notion-sdk-py"
MARKDOWN = ("test_pages_retrieve_markdown", "test_async_tasks_retrieve")


@pytest.mark.parametrize("name", MARKDOWN)
def test_a_recorded_markdown_exchange_replays_in_full(name: str) -> None:
    """Every interaction is replayed (none skipped) and answered as Notion answered it."""
    recordings = load_folder(RECORDINGS)
    (recording,) = [r for r in recordings if Path(r.name).stem == name]
    result = replay(recording, Catalog.of(recordings))
    verdicts = [(o.interaction.endpoint, o.verdict, o.reason) for o in result.outcomes]
    assert [v for v in verdicts if v[1] != "pass"] == []
    assert any("/markdown" in endpoint for endpoint, _, _ in verdicts)
