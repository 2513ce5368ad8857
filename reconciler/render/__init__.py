"""Renderers: the plan for a terminal (text), a pull-request comment (markdown) and machines (json).

Each takes a frozen ``Plan`` and returns a string; none prints, none changes the plan, and all of
them mask the values of ``sensitive: true`` properties. Called by the ``plan`` and ``show``
commands (and by ``apply`` to show what it is about to do).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

from reconciler.plan import Plan
from reconciler.render.describe import UNRESTORABLE, edited_words, moment, plural

if TYPE_CHECKING:
    from reconciler.render.json import render_json
    from reconciler.render.markdown import (
        APPROVAL_FILE,
        MARKER,
        MAX_COMMENT,
        escape,
        render_markdown,
    )
    from reconciler.render.text import render_text, terminal_safe

__all__ = [
    "APPROVAL_FILE",
    "FORMATS",
    "MARKER",
    "MAX_COMMENT",
    "UNRESTORABLE",
    "edited_words",
    "escape",
    "moment",
    "plural",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
    "terminal_safe",
]

FORMATS = ("text", "markdown", "json")

_MODULE_OF: Final = {
    "render_json": "json",
    **dict.fromkeys(
        ("APPROVAL_FILE", "MARKER", "MAX_COMMENT", "escape", "render_markdown"), "markdown"
    ),
    **dict.fromkeys(("render_text", "terminal_safe"), "text"),
}
"""Each format's names, imported from its module when first asked for: a run renders one format
(``plan --format json`` imports neither the text nor the Markdown renderer)."""


if not TYPE_CHECKING:  # to type checkers the package holds the names imported above only

    def __getattr__(name: str) -> object:
        if name not in _MODULE_OF:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)


def render(
    plan: Plan,
    fmt: str,
    *,
    colour: bool = False,
    apply_args: str | None = None,
    local: bool = False,
    approved: bool = False,
) -> str:
    """The plan in one of ``FORMATS``; ``local``: of the --local workspace (no Notion links);
    ``apply_args``: what follows ``reconciler apply`` in the text's closing command;
    ``approved``: the approval in effect is this plan's (the pull-request comment says so)."""
    if fmt == "json":
        from reconciler.render.json import render_json

        return render_json(plan)
    if fmt == "markdown":
        from reconciler.render.markdown import render_markdown

        return render_markdown(plan, local=local, approved=approved)
    from reconciler.render.text import render_text

    return render_text(plan, colour=colour, apply_args=apply_args, local=local)
