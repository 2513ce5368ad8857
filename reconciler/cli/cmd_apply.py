"""``reconciler apply``: make Notion match the manifests or a saved plan, gated and journaled.

Only wiring and the terminal: the plan comes from ``read_and_plan`` (manifest paths) or the plan
file; ``reconciler.gates`` decides what needs approval, with the ``protect: true`` flags of the
manifests as they are now; ``reconciler.apply.ApplySession`` holds the lock and runs the apply.
This module shows the plan, asks (on a TTY only: the database name for gated changes, then
yes/no), renders progress (a bar on a TTY, JSON log lines in CI), turns Ctrl-C into
a clean stop, and prints the summary. Exit codes: 0 done (or nothing to do), 1 error, partial
apply or no confirmation, 3 blocked by a gate, 4 stale plan.
"""

from __future__ import annotations

import shlex
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import click

from reconciler.apply import (
    ApplyOptions,
    ApplyResult,
    ApplySession,
    Status,
    check_workspace,
)
from reconciler.cli.common import (
    debug_option,
    interactive,
    note,
    output_settings,
    reports_errors,
    use_colour,
)
from reconciler.cli.progress import progress_listener
from reconciler.cli.runtime import (
    apply_arguments,
    load_manifests,
    open_workspace,
    read_summary,
    seals_by_workspace,
    shown_path,
    workspace_options,
)
from reconciler.config import GateSettings, Settings, resolve_lock_url, state_folder
from reconciler.errors import ApplyError, ApprovalRequired, ReconcilerError
from reconciler.gates import Approvals, GateDecision, decide, describe_block
from reconciler.manifest import find_repository, load_desired_state
from reconciler.model import JSON, DesiredState, WorkspaceIdentity
from reconciler.plan import (
    Action,
    Plan,
    ValueAt,
    load_plan,
    manifest_values,
    read_and_plan,
    sealed_writes,
    selected_handles,
    unsealed,
)
from reconciler.render import UNRESTORABLE, plural, render_text, terminal_safe

__all__ = ["command"]


@dataclass(frozen=True)
class _Request:
    """What the command was asked to apply, and how it was spelt (for suggested commands)."""

    paths: tuple[str, ...]
    plan_file: Path | None
    databases: tuple[str, ...]
    local: bool
    local_store: str | None
    yes: bool = False

    def command(self) -> list[str]:
        """The command again, as a suggestion: with ``--yes`` when it was given or when there
        is no terminal to confirm on, so it runs as printed where it is printed."""
        arguments = apply_arguments(
            self.paths,
            self.databases,
            local=self.local,
            local_store=self.local_store,
            yes=self.yes or not interactive(),
        )
        return ["reconciler", "apply", *arguments]


def _plan_file(paths: Sequence[str]) -> Path | None:
    """The plan file when the only argument is an existing ``.json`` file."""
    if len(paths) == 1 and paths[0].lower().endswith(".json") and Path(paths[0]).is_file():
        return Path(paths[0])
    return None


# --- asking -------------------------------------------------------------------------------------


def _ask_for_approvals(decision: GateDecision, approvals: Approvals) -> Approvals:
    """On a TTY: each database with held changes is approved by typing its name."""
    confirmed = set(approvals.confirmed_databases)
    for handle in decision.promptable_databases:
        held = [h for h in decision.held if h.change.database == handle]
        click.echo(f"\n{plural(len(held), 'change')} to {handle!r} can lose data:", err=True)
        for item in held:
            what = f"{item.change.action.value} {item.change.target}"
            click.echo(f"  - {item.change_class.value} {what}", err=True)
        for breach in decision.breaches:
            if breach.database in (handle, None):
                click.echo(f"  over a threshold: {breach.message}", err=True)
        typed = click.prompt(
            f"Type the database name ({handle}) to approve them, anything else to stop",
            default="",
            show_default=False,
            err=True,
        )
        if typed.strip() == handle:
            confirmed.add(handle)
    return Approvals(
        allow_destroy=approvals.allow_destroy,
        approved_checksum=approvals.approved_checksum,
        force_thresholds=approvals.force_thresholds,
        confirmed_databases=frozenset(confirmed),
    )


def _gate(
    plan: Plan,
    approvals: Approvals,
    settings: Settings,
    request: _Request,
    protected: frozenset[str],
) -> bool:
    """Raise ApprovalRequired (exit 3) unless every gated change is approved; ``protected``:
    databases the manifests protect now (a saved plan may predate the flag). Whether a person
    was asked."""
    decision = decide(plan, approvals, settings.gates, protected=protected)
    asked = not decision.allowed and bool(decision.promptable_databases) and interactive()
    if asked:
        approved = _ask_for_approvals(decision, approvals)
        decision = decide(plan, approved, settings.gates, protected=protected)
    if not decision.allowed:
        raise ApprovalRequired(describe_block(decision, request.command()))
    return asked


def _confirm(plan: Plan, request: _Request, label: str) -> bool:
    """--yes, or yes at the prompt on a TTY; without either nothing is written (exit 1).
    Whether a person was asked."""
    if request.yes:
        return False
    count = len(plan.changes)
    if not interactive():
        raise ApplyError(
            f"not applied: the {plural(count, 'change')} shown above"
            f" {'needs' if count == 1 else 'need'} confirmation and there is no terminal to ask"
            " on; nothing was written",
            hint=f"to apply {'it' if count == 1 else 'them'}: {shlex.join(request.command())}",
        )
    asked = f"Apply {'this change' if count == 1 else f'these {count} changes'} to {label}?"
    if not click.confirm(asked, default=False, err=True):
        raise ApplyError("not applied: not confirmed; nothing was written")
    return True


# --- Ctrl-C -------------------------------------------------------------------------------------


@contextmanager
def _stoppable(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C (or SIGTERM) stops taking new operations; a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo(
            "\nStopping: finishing the operations in flight (Ctrl-C again to abort them)...",
            err=True,
        )

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- the summary --------------------------------------------------------------------------------


def _undo_command(undo: Plan, shown: str, request: _Request, gates: GateSettings) -> list[str]:
    """The command that applies the undo plan as printed: in the same workspace, with --yes
    where there is no terminal, and approving exactly that undo when it needs approval (it
    trashes what this apply created), so it is not blocked in turn."""
    words = apply_arguments(
        [shown],
        (),
        local=request.local,
        local_store=request.local_store,
        yes=request.yes or not interactive(),
    )
    if not decide(undo, Approvals(), gates).allowed:
        words += ["--approve", undo.checksum]
    return ["reconciler", "apply", *words]


def _note_voided(result: ApplyResult) -> None:
    """Changes an earlier apply recorded done that Notion no longer shows, sent again."""
    journal = shown_path(result.journal_path or Path())
    head = (
        f"Sent again: {plural(len(result.voided), 'change')} that an earlier apply of this"
        f" same plan recorded done ({journal}), but Notion no longer shows:"
    )
    lines = [head]
    groups: dict[tuple[str, str], list[str]] = {}
    for item in result.voided:
        database = item.change.split("/", 1)[0]
        groups.setdefault((database, item.reason), []).append(item.change)
    for (database, reason), changes in groups.items():
        listed = ", ".join(change.split("/", 1)[1] for change in changes[:3])
        more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
        lines.append("  " + terminal_safe(f"{database}: {listed}{more}: {reason}"))
    note("\n".join(lines), voided=len(result.voided))


def _report_created(result: ApplyResult, local: bool) -> None:
    """The id (and URL, but in the --local workspace, whose URLs open nowhere) of each database
    this apply created, to pin in its manifest with ``id:``."""
    for outcome in result.outcomes:
        change = outcome.change
        ids = result.created.get(change.database)
        if change.action is not Action.CREATE_DATABASE or outcome.status is not Status.DONE:
            continue
        if ids is None or ids.database_id is None:
            continue
        url = f" ({ids.url})" if ids.url and not local else ""
        click.echo(
            f"Created database {change.database}: id {ids.database_id}{url}; pin it in its"
            f" manifest with `id: {ids.database_id}`"
        )


def _report(result: ApplyResult, request: _Request, gates: GateSettings) -> None:
    if result.voided:
        _note_voided(result)
    click.echo(f"Apply: {result.summary()}")
    _report_created(result, request.local)
    if result.outcomes and result.count(Status.ALREADY_DONE) == len(result.outcomes):
        journal = shown_path(result.journal_path or Path())
        note(
            f"Every change of this plan was applied before (recorded in {journal}); nothing was"
            " sent. To see what differs in Notion now, plan again."
        )
    for outcome in result.failures:
        request_id = f" (request {outcome.request_id})" if outcome.request_id else ""
        shown = terminal_safe(f"{outcome.change.id}: {outcome.message}")
        click.echo(f"  failed  {shown}{request_id}")
    for outcome in result.skipped:
        click.echo(f"  skipped {terminal_safe(f'{outcome.change.id}: {outcome.message}')}")
    if result.undo_path is not None:
        undo = shown_path(result.undo_path)
        assert result.undo is not None  # written together with its path
        back = shlex.join(_undo_command(result.undo, undo, request, gates))
        click.echo(f"Undo plan: {undo} (to put back what this apply did: {back})")
        if result.unrestorable:
            listed = terminal_safe(", ".join(result.unrestorable))
            click.echo(f"  It cannot put back {listed}: {UNRESTORABLE}.")
    again = shlex.join(request.command())
    if result.interrupted:
        raise ApplyError(
            f"interrupted: {plural(result.count(Status.NOT_STARTED), 'change')} not started;"
            f" everything sent was recorded in {shown_path(result.journal_path or Path())}",
            hint=f"run `{again}` again to finish: done changes are not sent twice",
        )
    if result.failures or result.skipped:
        raise ApplyError(
            f"{plural(len(result.failures), 'change')} failed and {len(result.skipped)}"
            f" {'was' if len(result.skipped) == 1 else 'were'} skipped;"
            " the others were applied",
            hint=f"fix the cause above and run `{again}` again: done changes are not sent twice",
        )


# --- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """What the command applies: manifests (planned inside the lock) or a saved plan."""

    desired: DesiredState | None
    plan: Plan | None
    settings: Settings
    root: Path
    protected: frozenset[str] = frozenset()
    """Databases the manifests protect now (for a saved plan)."""
    values: Mapping[ValueAt, JSON] | None = None
    """The manifests' sensitive values a saved plan holds only digests of (None: none)."""

    def opened(self, workspace: WorkspaceIdentity) -> Plan | None:
        """The saved plan writing the manifests' sensitive values, once it is known to be
        applied to the workspace it was made against (digests are keyed by that workspace's
        secret: elsewhere they could only fail to match, which would hide the real reason)."""
        if self.plan is None or self.values is None:
            return self.plan
        check_workspace(self.plan, workspace)
        return unsealed(self.plan, self.values)


def _inputs(request: _Request) -> _Inputs:
    """The manifests, or the saved plan with the repository's settings and protect flags."""
    if request.plan_file is None:
        desired = load_manifests(request.paths, local=request.local)
        selected_handles(desired, request.databases)  # an unknown handle: refused at once
        return _Inputs(desired, None, desired.settings, desired.root)
    if request.databases:
        raise click.UsageError("--database applies to manifest paths; a saved plan is whole")
    repository = find_repository()
    plan = load_plan(request.plan_file)
    sealed = sealed_writes(plan)
    now = _manifests_now(needed=bool(sealed))
    values = manifest_values(now, plan) if sealed and now is not None else None
    protected = frozenset(db.handle for db in now.databases if db.protect) if now else ()
    return _Inputs(None, plan, repository.settings, repository.root, frozenset(protected), values)


def _manifests_now(*, needed: bool) -> DesiredState | None:
    """The manifests as they are now: their ``protect: true`` flags hold even when set after a
    plan was made, and they give the sensitive values a plan file keeps only digests of.
    Manifests that do not load are an error when ``needed``; else they protect nothing more,
    with a note (a saved plan applies without them)."""
    try:
        return load_desired_state(())
    except ReconcilerError as error:
        if needed:
            raise
        first = str(error).splitlines()[0]
        note(
            f"note: the manifests could not be read to check `protect:` ({first}); the plan's"
            " own protect flags apply"
        )
        return None


@click.command(
    "apply",
    epilog="""\b
Examples:
  reconciler apply --local --yes                     the embedded workspace, no questions
  reconciler apply plan.json                         a plan saved with `plan -o plan.json`
  reconciler apply plan.json --approve <checksum>    approve exactly that plan's deletions
  reconciler apply --allow-destroy manifests/        approve every lossy or destructive change
  RECONCILER_APPROVE=<checksum> reconciler apply --yes plan.json     in CI

\b
Approvals: lossy and destructive changes need --allow-destroy, --approve CHECKSUM (that exact
plan, thresholds included), or typing the database name at the prompt (a terminal only).
Trashing more rows than the gates in reconciler.yaml allow also needs --force-thresholds with
--allow-destroy. `protect: true` databases never lose rows or properties.
State in .reconciler/: journal-<workspace>.jsonl (resume), audit.jsonl, undo/, apply.lock.
Two applies from one checkout never interleave (apply.lock); from several checkouts or machines,
only with `lock: redis://HOST:PORT/DB` in reconciler.yaml (or RECONCILER_LOCK_URL).
A saved plan's sensitive values are sealed by the token: one made by another integration applies
only when both set the same RECONCILER_SEAL_KEY.
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PLAN.json | PATH...]")
@click.option("--allow-destroy", is_flag=True, help="Approve every lossy and destructive change.")
@click.option(
    "--approve",
    "approved",
    envvar="RECONCILER_APPROVE",
    metavar="CHECKSUM",
    default=None,
    help="Approve the gated changes of exactly the plan with this checksum"
    " (env RECONCILER_APPROVE).",
)
@click.option(
    "--force-thresholds",
    is_flag=True,
    help="With --allow-destroy: trash even more rows than the gates in reconciler.yaml allow.",
)
@click.option("--yes", "-y", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--database",
    "databases",
    multiple=True,
    metavar="HANDLE",
    help="Apply only this database's changes (repeatable; manifest paths only).",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False),
    default=None,
    help="The apply journal (default .reconciler/journal-<workspace>.jsonl, one per workspace).",
)
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False),
    default=None,
    help="The audit log (default .reconciler/audit.jsonl).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=8,
    show_default=True,
    help="Requests in flight at once (all within the rate limit).",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(0, 3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another apply on this workspace to finish (this checkout's lock,"
    " and the Redis lock when reconciler.yaml sets `lock:` or RECONCILER_LOCK_URL is set).",
)
@workspace_options
@debug_option
@reports_errors
@seals_by_workspace
def command(
    *,
    paths: tuple[str, ...],
    allow_destroy: bool,
    approved: str | None,
    force_thresholds: bool,
    yes: bool,
    databases: tuple[str, ...],
    journal: str | None,
    audit_log: str | None,
    workers: int,
    lock_wait: float,
    local: bool,
    local_store: str | None,
) -> None:
    """Apply the manifests (planning first) or a saved plan to Notion.

    Shows the plan, checks approvals, asks for confirmation (--yes skips it; without --yes and
    without a terminal nothing is written and the exit code is 1), then applies in order. An
    interrupted apply resumes where it stopped when run again; every apply leaves an undo plan.
    """
    request = _Request(paths, _plan_file(paths), databases, local, local_store, yes)
    inputs = _inputs(request)
    settings = inputs.settings
    options = ApplyOptions(
        state_dir=state_folder(settings, inputs.root),
        journal_path=Path(journal) if journal else None,
        audit_path=Path(audit_log) if audit_log else None,
        workers=workers,
        lock_wait_seconds=lock_wait,
        lock_url=resolve_lock_url(settings),
    )
    approvals = Approvals(allow_destroy, (approved or "").strip().lower() or None, force_thresholds)
    stop = threading.Event()
    with (
        open_workspace(settings, inputs.root, local=local, local_store=local_store) as workspace,
        ApplySession(
            workspace.gateway,
            options,
            listener=progress_listener(),
            stop=stop,
            command=" ".join(request.command()),
            workspace_from_plan=inputs.desired is not None,
        ) as session,
    ):
        plan, live = None, None
        if inputs.desired is None:
            plan = inputs.opened(session.workspace)
        else:
            # The plan's read asks which workspace it reaches, unless the session asked already
            # (a Redis lease is the workspace's); the session takes that answer.
            plan, read = read_and_plan(
                workspace.gateway, inputs.desired, databases, workspace=session.known_workspace
            )
            session.identify(plan.workspace)
            note(read_summary(read.stats, read.seconds, len(read.handles)))
            live = read.live
        assert plan is not None
        if not output_settings().quiet:  # the plan is shown; the result is what was applied
            click.echo(render_text(plan, colour=use_colour(), local=workspace.local), nl=False)
        if plan.is_empty:
            click.echo("Nothing to apply.")
            return
        asked = _gate(plan, approvals, settings, request, inputs.protected)
        asked = _confirm(plan, request, workspace.label) or asked
        with _stoppable(stop):
            # Read just now, inside the lock, nobody asked since: the preflight checks the
            # rows against that read instead of reading them again.
            result = session.apply(plan, live=live, current=not asked)
    _report(result, request, settings.gates)
