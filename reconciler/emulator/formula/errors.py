"""The one error of the formula engine: a formula Notion would refuse, or one that cannot run.

Raised by the parser (:mod:`.syntax`), the value conversions (:mod:`.values`) and the functions
(:mod:`.functions`); :func:`.evaluation.evaluate` turns it into an empty result unless strict.
"""

from __future__ import annotations

__all__ = ["FormulaError"]


class FormulaError(ValueError):
    """A formula that Notion would refuse: bad syntax, unknown function or property, bad call."""

    def __init__(self, detail: str, position: int | None = None) -> None:
        where = f" (at character {position})" if position is not None else ""
        super().__init__(f"Formula is invalid: {detail}{where}.")
        self.detail = detail
        self.position = position
