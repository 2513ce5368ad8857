"""Values of properties marked ``sensitive: true``, masked for every rendering of a plan.

``masked(plan)`` gives the same plan (checksum included) with every value of a sensitive
property replaced by ``SENSITIVE`` in row changes' payloads and diffs, and without the users
only such values name (their e-mails would name them). Renderers (text, markdown, JSON) call
it before showing anything; the plan file keeps them sealed (``sensitive``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from reconciler.model import JSON
from reconciler.plan.actions import ROW_PAYLOADS
from reconciler.plan.model import Change, DatabasePlan, FieldDiff, Plan
from reconciler.plan.sensitive import people_named

__all__ = ["SENSITIVE", "masked"]

SENSITIVE = "(sensitive)"


def _values(values: Mapping[str, JSON], hidden: frozenset[str]) -> Mapping[str, JSON]:
    return {name: SENSITIVE if name in hidden else value for name, value in values.items()}


def _diff(diff: FieldDiff, hidden: frozenset[str]) -> FieldDiff:
    name = diff.path.split(".", 1)[0]
    if diff.path not in hidden and name not in hidden:
        return diff
    return FieldDiff(diff.path, SENSITIVE, SENSITIVE)


def _change(change: Change, hidden: frozenset[str]) -> Change:
    payload = change.payload
    if not isinstance(payload, ROW_PAYLOADS):
        return change
    return dataclasses.replace(
        change,
        payload=payload.with_values(lambda values: _values(values, hidden)),
        diffs=tuple(_diff(diff, hidden) for diff in change.diffs),
    )


def _database(db: DatabasePlan) -> DatabasePlan:
    hidden = db.sensitive_properties
    if not hidden:
        return db
    return dataclasses.replace(db, changes=tuple(_change(c, hidden) for c in db.changes))


def masked(plan: Plan) -> Plan:
    """The plan with sensitive values masked (for display only: it cannot be applied)."""
    openly = people_named(plan.databases, openly=True)
    users = {user_id: label for user_id, label in plan.users.items() if user_id in openly}
    databases = tuple(_database(db) for db in plan.databases)
    return dataclasses.replace(plan, databases=databases, users=users)
