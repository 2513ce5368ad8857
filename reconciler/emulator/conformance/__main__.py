"""``python -m reconciler.emulator.conformance DIR [DIR...] [--context DIR] [--failures FILE]``.

Replays the recordings under the folders against fresh emulators and prints one line per
recording and ``N passed, M failed``. Exit status 0 when the replay ran (whatever the share that
passed), 2 for unusable arguments or recordings. The command line of :func:`.run.run`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reconciler.emulator.conformance.recordings import RecordingError
from reconciler.emulator.conformance.run import run


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run the replay, report to standard output."""
    parser = argparse.ArgumentParser(
        prog="python -m reconciler.emulator.conformance",
        description="Replay recorded Notion traffic against the emulator and compare answers.",
    )
    parser.add_argument("folders", nargs="+", type=Path, help="folders of recordings to score")
    parser.add_argument(
        "--context",
        action="append",
        type=Path,
        default=[],
        help="a folder of recordings read to seed objects, never scored (repeatable)",
    )
    parser.add_argument(
        "--failures", type=Path, help="write every failing interaction to this Markdown file"
    )
    args = parser.parse_args(argv)
    try:
        run(args.folders, args.context, out=sys.stdout, failures=args.failures)
    except RecordingError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
