"""One conformance run over folders of recordings, reported as it goes.

:func:`run` reads the scored folders and the context folders (read for seeding, never scored; a
context folder inside a scored one is left out of the scoring), replays every scored recording
and writes the report lines to a stream. Used by ``__main__`` and the conformance test.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reconciler.emulator.conformance.catalog import Catalog
from reconciler.emulator.conformance.recordings import load_folder
from reconciler.emulator.conformance.replay import RecordingResult, replay
from reconciler.emulator.conformance.report import (
    recording_line,
    skip_lines,
    totals,
    write_failures,
)

__all__ = ["run"]


def run(
    folders: Sequence[Path],
    context: Sequence[Path] = (),
    *,
    out: TextIO | None = None,
    failures: Path | None = None,
) -> list[RecordingResult]:
    """Replay every recording under ``folders``; report to ``out``; list failures in a file."""
    scored = [r for folder in folders for r in load_folder(folder, exclude=context)]
    background = [r for folder in context for r in load_folder(folder)]
    catalog = Catalog.of([*background, *scored])
    results = []
    for recording in scored:
        result = replay(recording, catalog)
        results.append(result)
        if out is not None:
            out.write(recording_line(result) + "\n")
    if out is not None:
        out.write("\n".join([*skip_lines(results), *totals(results).lines()]) + "\n")
    if failures is not None:
        write_failures(failures, results)
    return results
