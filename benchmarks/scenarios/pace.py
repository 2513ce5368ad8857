"""Notion's pace, and the time scaling that lets a benchmark run it faster.

Notion answers about 3 requests a second per integration, each after 200 ms or so. A run at
``scale`` 10 sets the emulator to 30 requests/s and 20 ms: every request slot and every round
trip ten times shorter, so the ratio of latency to slot, which decides whether a client is
rate-bound, stays Notion's. Wall times are then multiplied by the scale to stand for Notion's.
Used by every scenario and written into the report.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BURST", "NOTION_LATENCY_MS", "NOTION_RPS", "Pace"]

NOTION_RPS = 3.0
NOTION_LATENCY_MS = 200.0
BURST = 10
"""Requests Notion (and the emulator) let through at once before the rate applies."""


@dataclass(frozen=True)
class Pace:
    """Notion's rate and latency, run ``scale`` times faster."""

    scale: float = 10.0
    latency_override_ms: float | None = None
    """A latency of its own instead of Notion's scaled (a case that measures a slower network)."""

    @property
    def rps(self) -> float:
        return NOTION_RPS * self.scale

    @property
    def latency_ms(self) -> float:
        if self.latency_override_ms is not None:
            return self.latency_override_ms
        return NOTION_LATENCY_MS / self.scale

    def floor_seconds(self, requests: int) -> float:
        """The least time ``requests`` can take at this rate, starting from a full burst."""
        return max(0, requests - BURST) / self.rps

    def at_notion(self, seconds: float) -> float:
        """What a time measured at this pace stands for at Notion's."""
        return seconds * self.scale

    def describe(self) -> str:
        if self.latency_override_ms is not None:
            return f"{self.rps:g} requests/s and {self.latency_ms:g} ms latency"
        return (
            f"{self.rps:g} requests/s and {self.latency_ms:g} ms latency standing for"
            f" {NOTION_RPS:g} requests/s and {NOTION_LATENCY_MS:g} ms (x{self.scale:g})"
        )
