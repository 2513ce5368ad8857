"""What every scenario is given: where to work, the pace, the baseline's pace, a progress line.

The reconciler always runs at ``pace`` (time-scaled Notion). The naive baseline makes two
requests per row, so at large sizes it would take hours even time-scaled; ``baseline_pace``
runs it faster where needed (never slower than the reconciler's pace) so that it stays
measurable in the same run. A faster pace favours the baseline (its per-request overheads weigh
less), and every figure is also given against its own pace's rate-limit floor.
"""

from __future__ import annotations

import math
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.scenarios.pace import Pace

__all__ = ["Context"]


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@dataclass(frozen=True)
class Context:
    """The run's settings, shared by the scenarios."""

    work: Path
    pace: Pace
    quick: bool = False
    baseline_budget_seconds: float = 120.0
    naive_max_rows: int = 10_000
    """Largest database the naive script syncs (it makes two requests per row)."""
    say: Callable[[str], None] = field(default=_stderr)

    def baseline_pace(self, requests: int) -> Pace:
        """The reconciler's pace, or a faster one that lets ``requests`` run within the budget."""
        needed = requests / (self.pace.rps * self.baseline_budget_seconds)
        if needed <= 1:
            return self.pace
        return Pace(math.ceil(self.pace.scale * needed / 10) * 10)

    def folder(self, name: str) -> Path:
        """A fresh, empty folder for one scenario step."""
        path = self.work / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path
