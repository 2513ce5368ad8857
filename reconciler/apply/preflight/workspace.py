"""The workspace check: a saved plan applies only to the workspace it was made against.

A plan records the workspace it was read from (``Plan.workspace``: the API host or --local
store, the workspace id and the integration's bot). Applied through a gateway that reaches
another workspace (another ``NOTION_BASE_URL``, another --local store, a token of another
workspace) it would create its databases there and find none of its rows: refused, naming both,
before anything is read or written. Another integration of the same workspace may apply it (a
read-only one plans, a writing one applies). Part of the preflight.
"""

from __future__ import annotations

from reconciler.errors import ApplyError
from reconciler.model import WorkspaceIdentity
from reconciler.plan import Plan

__all__ = ["check_workspace"]


def check_workspace(plan: Plan, reached: WorkspaceIdentity) -> None:
    """Raise ``ApplyError`` (exit 1) when ``plan`` was made against another workspace."""
    made = plan.workspace
    if made is None or made.same_workspace(reached):
        return
    raise ApplyError(
        f"this plan was made against {made}, but this apply reaches {reached}; nothing was written",
        hint="apply it where it was made (the same NOTION_BASE_URL, token or --local-store), or"
        " plan again against this workspace: reconciler plan -o plan.json",
    )
