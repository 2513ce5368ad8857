"""The plan as JSON for machines (``--format json``), following ``schemas/plan.schema.json``.

The same document as the plan file, with sensitive values masked and ``"masked": true`` (so it is
never mistaken for an applicable plan file) and the ``read`` section of request accounting when
the plan carries one. Keys sorted, two-space indent, UTF-8: the same plan gives the same bytes.
"""

from __future__ import annotations

import json

from reconciler.plan import Plan, masked, plan_to_json

__all__ = ["render_json"]


def render_json(plan: Plan) -> str:
    """The masked JSON document of the plan, with a final newline."""
    document = plan_to_json(masked(plan), masked=True)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
