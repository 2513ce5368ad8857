"""Conformance replay: real recorded Notion traffic resent to the emulator, answers compared.

``python -m reconciler.emulator.conformance DIR [DIR...] [--context DIR] [--failures FILE]``
replays every recording under the folders (see ``tests/recordings/README.md``), each against a
fresh emulator seeded with what existed before it, and prints one line per recording and
``N passed, M failed``. The parts: :mod:`.recordings` (reading), :mod:`.catalog` (what the
recordings show of each object), :mod:`.seeding`, :mod:`.idmap`, :mod:`.scope`, :mod:`.compare`,
:mod:`.replay` and :mod:`.report`. Used by ``tests/emulator/test_conformance.py`` and by hand.
"""

from reconciler.emulator.conformance.catalog import Catalog
from reconciler.emulator.conformance.recordings import Recording, RecordingError, load_folder
from reconciler.emulator.conformance.replay import Outcome, RecordingResult, replay
from reconciler.emulator.conformance.report import Totals, totals
from reconciler.emulator.conformance.run import run

__all__ = [
    "Catalog",
    "Outcome",
    "Recording",
    "RecordingError",
    "RecordingResult",
    "Totals",
    "load_folder",
    "replay",
    "run",
    "totals",
]
