"""The conformance replay over the recorded Notion traffic in ``tests/recordings`` (issue 2).

Every recording is replayed against a fresh emulator (``ultimate-notion/fixtures`` read as context,
never scored) and each answer compared with Notion's. At least 97% of in-scope interactions must
pass, every failing one must be triaged, and ``docs/conformance.md`` must list them as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator.conformance import RecordingResult, run, totals
from reconciler.emulator.conformance.report import MARKER, failure_list, unexplained

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings"
FIXTURES = RECORDINGS / "ultimate-notion" / "fixtures"
FAILURE_LIST = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
REGENERATE = (
    "python -m reconciler.emulator.conformance tests/recordings "
    "--context tests/recordings/ultimate-notion/fixtures --failures docs/conformance.md"
)


@pytest.fixture(scope="module")
def results() -> list[RecordingResult]:
    """One replay of every recording (about two seconds)."""
    return run([RECORDINGS], [FIXTURES])


def test_at_least_97_percent_of_in_scope_interactions_pass(results: list[RecordingResult]) -> None:
    """The bar of issue 18, counted in interactions."""
    total = totals(results)
    assert total.rate >= 0.97, total.lines()


def test_moving_pages_and_block_updates_are_in_scope(results: list[RecordingResult]) -> None:
    """More of the recorded traffic is replayed than the 922 interactions of issue 18's start:
    block updates (PATCH /v1/blocks/{id}) among them."""
    total = totals(results)
    updates = [
        o
        for r in results
        for o in r.outcomes
        if o.interaction.method == "PATCH"
        and o.interaction.path.count("/") == 3
        and o.interaction.path.startswith("/v1/blocks/")
    ]
    assert total.in_scope > 922, total.lines()
    assert [o for o in updates if o.verdict == "skip"] == []


def test_the_fixtures_are_read_for_seeding_and_not_scored(results: list[RecordingResult]) -> None:
    """Context recordings never get a verdict."""
    expected: list[str] = []
    assert expected == [r.recording.name for r in results if "/fixtures/" in r.recording.name]


def test_every_failing_interaction_is_triaged(results: list[RecordingResult]) -> None:
    """A new difference is fixed, or explained in reconciler/emulator/conformance/known.py."""
    expected: list[str] = []
    assert expected == [
        f"{o.interaction.index} {o.interaction.endpoint}: {o.reason}" for o in unexplained(results)
    ]


def test_the_failure_list_in_the_docs_is_current(results: list[RecordingResult]) -> None:
    """docs/conformance.md lists exactly today's failures (regenerate it with the command)."""
    written = FAILURE_LIST.read_text(encoding="utf-8")
    listed = written[written.index(MARKER) :] if MARKER in written else ""
    generated = "\n".join(failure_list(results)).replace(RECORDINGS.as_posix(), "tests/recordings")
    assert generated + "\n" == listed, f"regenerate: {REGENERATE}"
