"""Which changes of a plan need approval, and whether they have it: a pure decision.

Called by ``reconciler apply`` (the CLI) before anything is written; ``decide`` is a function of
(plan, approvals, thresholds, protected databases) alone, so the same inputs always give the
same decision.

Rules:

- *Safe* changes (create, update, add) never need approval.
- *Lossy* changes (type change, option removal, clearing values) and *destructive* ones (trash
  rows, remove properties) need one of:

  - ``--allow-destroy``: every lossy and destructive change, except row trashes that break a
    threshold (below) unless ``--force-thresholds`` is given too;
  - ``--approve CHECKSUM`` (or ``RECONCILER_APPROVE``) equal to the plan's checksum: every lossy
    and destructive change of exactly that plan, thresholds included. The checksum covers what
    the plan's changes write and the content hash of every live row they touch (not the text
    that explains them), so an approval never carries over to a plan that differs in a single
    change or a single touched row; a checksum that does not match approves nothing;
  - typing a database's name at the interactive prompt (a TTY only, never in CI): every lossy and
    destructive change of that database, thresholds included (the prompt states the counts).

- Thresholds (``gates`` in reconciler.yaml): trashing more than ``max_delete_fraction`` of a
  database's managed rows once it has ``min_rows_for_fraction`` of them, or more than
  ``max_deletes`` rows in one apply across all databases.
- ``protect: true`` databases never lose rows or properties: a row trash or property removal
  there is refused whatever the approvals, even when a hand-edited plan asks for it. The plan
  records each database's flag as planned; ``protected`` adds the databases the manifests
  protect now (set after a saved plan was made, the flag still holds).

A change's class is taken as at least what its content implies (``class_of``: a trash is
destructive, an update writing an empty value is lossy, whatever class a plan file or a caller
wrote beside it), so the gate cannot be talked out of an approval.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from reconciler.config import GateSettings
from reconciler.plan import Action, Change, ChangeClass, DatabasePlan, Plan, class_of

__all__ = [
    "Approvals",
    "GateDecision",
    "HeldChange",
    "HoldReason",
    "ThresholdBreach",
    "approval_command",
    "decide",
    "describe_block",
    "effective_class",
]

_RANK = {ChangeClass.SAFE: 0, ChangeClass.LOSSY: 1, ChangeClass.DESTRUCTIVE: 2}
_PROTECTED_ACTIONS = frozenset({Action.TRASH_ROW, Action.REMOVE_PROPERTY})


@dataclass(frozen=True)
class Approvals:
    """What the person or pipeline running the apply has approved."""

    allow_destroy: bool = False
    approved_checksum: str | None = None
    force_thresholds: bool = False
    confirmed_databases: frozenset[str] = frozenset()
    """Databases whose name was typed at the interactive prompt."""


class HoldReason(enum.StrEnum):
    """Why a change may not be applied yet."""

    NEEDS_APPROVAL = "needs_approval"
    THRESHOLD = "threshold"
    PROTECTED = "protected"


@dataclass(frozen=True)
class ThresholdBreach:
    """A threshold the plan's row trashes go over; ``database`` None: the whole apply."""

    database: str | None
    trashes: int
    limit: int
    message: str


@dataclass(frozen=True)
class HeldChange:
    """A change the gate holds back, and why."""

    change: Change
    change_class: ChangeClass
    reason: HoldReason


@dataclass(frozen=True)
class GateDecision:
    """The gate's verdict on a plan: allowed when nothing is held."""

    checksum: str
    held: tuple[HeldChange, ...]
    breaches: tuple[ThresholdBreach, ...]
    mismatched_checksum: str | None = None
    """An ``--approve`` checksum that is not this plan's (it approved nothing)."""

    @property
    def allowed(self) -> bool:
        return not self.held

    @property
    def protected(self) -> tuple[HeldChange, ...]:
        return tuple(h for h in self.held if h.reason is HoldReason.PROTECTED)

    @property
    def promptable_databases(self) -> tuple[str, ...]:
        """Databases whose held changes typing their name at the prompt would approve."""
        names = [h.change.database for h in self.held if h.reason is not HoldReason.PROTECTED]
        return tuple(dict.fromkeys(names))


def effective_class(change: Change) -> ChangeClass:
    """The change's class, raised to what its content implies when a plan understates it."""
    return max(change.change_class, class_of(change.payload), key=_RANK.__getitem__)


def _breaches(plan: Plan, settings: GateSettings) -> tuple[ThresholdBreach, ...]:
    found: list[ThresholdBreach] = []
    total = 0
    for db in plan.databases:
        trashes = sum(1 for c in db.changes if c.action is Action.TRASH_ROW)
        total += trashes
        managed = max(db.managed_rows, trashes)
        limit = int(settings.max_delete_fraction * managed)
        if trashes and managed >= settings.min_rows_for_fraction and trashes > limit:
            share = round(100 * trashes / managed)
            allowed = round(100 * settings.max_delete_fraction)
            found.append(
                ThresholdBreach(
                    db.handle,
                    trashes,
                    limit,
                    f"{db.handle}: trashes {trashes} of {managed} managed rows ({share}%),"
                    f" more than gates.max_delete_fraction ({allowed}%)",
                )
            )
    if total > settings.max_deletes:
        found.append(
            ThresholdBreach(
                None,
                total,
                settings.max_deletes,
                f"the apply trashes {total} rows, more than gates.max_deletes"
                f" ({settings.max_deletes})",
            )
        )
    return tuple(found)


def _hold(
    db: DatabasePlan,
    change: Change,
    plan: Plan,
    approvals: Approvals,
    *,
    over_threshold: bool,
    protected: bool,
) -> HoldReason | None:
    if protected and change.action in _PROTECTED_ACTIONS:
        return HoldReason.PROTECTED
    if effective_class(change) is ChangeClass.SAFE:
        return None
    if approvals.approved_checksum == plan.checksum or db.handle in approvals.confirmed_databases:
        return None
    if not approvals.allow_destroy:
        return HoldReason.NEEDS_APPROVAL
    if over_threshold and change.action is Action.TRASH_ROW and not approvals.force_thresholds:
        return HoldReason.THRESHOLD
    return None


def decide(
    plan: Plan,
    approvals: Approvals,
    settings: GateSettings,
    *,
    protected: Collection[str] = (),
) -> GateDecision:
    """Hold every change that needs an approval it does not have (see the module docstring);
    ``protected``: databases protected besides those the plan marks."""
    breaches = _breaches(plan, settings)
    everywhere = any(b.database is None for b in breaches)
    breached = {b.database for b in breaches}
    held: list[HeldChange] = []
    for db in plan.databases:
        over = everywhere or db.handle in breached
        protects = db.protect or db.handle in protected
        for change in db.changes:
            reason = _hold(db, change, plan, approvals, over_threshold=over, protected=protects)
            if reason is not None:
                held.append(HeldChange(change, effective_class(change), reason))
    mismatch = approvals.approved_checksum
    return GateDecision(
        checksum=plan.checksum,
        held=tuple(held),
        breaches=breaches,
        mismatched_checksum=mismatch if mismatch not in (None, plan.checksum) else None,
    )


def approval_command(command: Sequence[str], checksum: str) -> str:
    """The command line that approves exactly this plan (``command`` without approval flags)."""
    return shlex.join([*command, "--approve", checksum])


def _describe_change(held: HeldChange) -> str:
    change = held.change
    note = f" ({change.note})" if change.note else ""
    what = f"{change.action.value} {change.database}/{change.target}"
    return f"  - {held.change_class.value} {what}{note}"


def describe_block(decision: GateDecision, command: Sequence[str]) -> str:
    """The message of a blocked apply: each held change, and exactly how to approve it.

    ``command`` is the apply command as given, without approval flags
    (``["reconciler", "apply", "plan.json"]``).
    """
    held = len(decision.held)
    needs = "1 change needs" if held == 1 else f"{held} changes need"
    lines = [f"{needs} approval; nothing was written."]
    if decision.mismatched_checksum is not None:
        lines.append(
            f"--approve {decision.mismatched_checksum} does not match this plan's checksum"
            f" {decision.checksum}: the plan (or a row it touches) changed since that approval;"
            " review the plan again"
        )
    groups = (
        (HoldReason.PROTECTED, "refused, whatever the approval (protect: true):"),
        (HoldReason.NEEDS_APPROVAL, "lossy or destructive, not approved:"),
        (HoldReason.THRESHOLD, "over a threshold, --allow-destroy is not enough:"),
    )
    for reason, title in groups:
        items = [h for h in decision.held if h.reason is reason]
        if items:
            lines.append(title)
            lines.extend(_describe_change(h) for h in items)
    lines.extend(f"threshold: {b.message}" for b in decision.breaches)
    if decision.protected:
        handles = sorted({h.change.database for h in decision.protected})
        lines.append(
            "to allow deletes in " + ", ".join(handles) + ": remove `protect: true` from its"
            " manifest and plan again (the plan then needs approval like any other)"
        )
    if len(decision.protected) < len(decision.held):
        approve = approval_command(command, decision.checksum)
        destroy = [*command, "--allow-destroy"]
        if decision.breaches:
            destroy.append("--force-thresholds")
        lines.append(f"to approve exactly this plan: {approve}")
        lines.append(f"or approve every lossy and destructive change: {shlex.join(destroy)}")
        lines.append("or run it in a terminal and type the database name when asked")
    return "\n".join(lines)
