"""``reconciler serve``: the controller, keeping Notion converged with the manifests.

Only wiring and the process: the settings of the repository, the gateway (``open_workspace``,
``--local`` included), the ``reconciler.serve.Service``, the log format, and SIGTERM/SIGINT,
which stop the loop after the writes in flight; the command then exits 0. The manifests may be
missing or invalid at start (a git-sync sidecar may not have synced yet): the controller starts
anyway and is not ready until they load.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from reconciler import logs
from reconciler.cli.common import configure_logs, debug_option, note, reports_errors
from reconciler.cli.runtime import (
    load_manifests,
    open_workspace,
    seals_by_workspace,
    workspace_options,
)
from reconciler.config import LOCK_URL_VARIABLE, resolve_lock_url, state_folder
from reconciler.errors import ConfigError, ReconcilerError
from reconciler.manifest import find_repository

if TYPE_CHECKING:  # the controller (prometheus, waitress) loads only when `serve` runs
    from reconciler.serve import Service

__all__ = ["command"]


def _listen(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, int]:
    from reconciler.serve import parse_listen

    try:
        return parse_listen(value)
    except ValueError as error:
        raise click.BadParameter(f"{error}; e.g. 127.0.0.1:8080 or 0.0.0.0:8080") from None


@click.command(
    "serve",
    epilog="""\b
Examples:
  reconciler serve --local --auto-apply safe          converge the embedded workspace
  reconciler serve --listen 0.0.0.0:8080 --auto-apply safe manifests/   in a container
  reconciler serve --interval 60 --full-every 900     plan every minute, read all every 15 min
  reconciler serve --lock-url redis://redis:6379/0    several replicas: one leader applies
  curl -s localhost:8080/status | jq .databases       what each database is waiting for

\b
Endpoints: GET /healthz, /readyz, /metrics (Prometheus), /status (JSON), and
POST /webhooks/notion for Notion's webhooks (events verified with NOTION_WEBHOOK_TOKEN; the
verification token of a new subscription is written to <state-dir>/webhook-verification-token).
Without NOTION_WEBHOOK_TOKEN every cycle reads every database.
With --auto-apply safe only safe changes are applied; lossy and destructive ones wait for
`reconciler apply` and show in /status and the metrics. SIGTERM stops after the writes in flight.
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option(
    "--listen",
    default="127.0.0.1:8080",
    show_default=True,
    metavar="HOST:PORT",
    callback=_listen,
    help="Where the endpoints answer (port 0: any free port).",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 86_400),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between cycles when no webhook event arrives.",
)
@click.option(
    "--full-every",
    type=click.FloatRange(0, 604_800),
    default=3600.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between full reads of every database (events re-read single pages between).",
)
@click.option(
    "--auto-apply",
    type=click.Choice(["none", "safe"]),
    default="none",
    show_default=True,
    help="none: plan and report only; safe: apply the changes that need no approval.",
)
@click.option(
    "--lock-url",
    envvar="RECONCILER_LOCK_URL",
    default=None,
    metavar="redis://HOST:PORT/DB",
    help="Redis for the leader lease between replicas and the apply lock (env"
    " RECONCILER_LOCK_URL; default: `lock:` in reconciler.yaml).",
)
@click.option(
    "--lease-seconds",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    help="How long a leader's lease lasts without renewal (a takeover waits this long).",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Journal, audit log and undo plans (default .reconciler/ in the repository).",
)
@click.option(
    "--shutdown-grace",
    type=click.FloatRange(0, 600),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM, how long to wait for a cycle that is reading (an apply always finishes"
    " its writes in flight).",
)
@workspace_options
@debug_option
@reports_errors
@seals_by_workspace
def command(
    *,
    paths: tuple[str, ...],
    listen: tuple[str, int],
    interval: float,
    full_every: float,
    auto_apply: str,
    lock_url: str | None,
    lease_seconds: float,
    state_dir: str | None,
    shutdown_grace: float,
    local: bool,
    local_store: str | None,
) -> None:
    """Run the controller: keep Notion converged with the manifests, with health and metrics.

    Each cycle reloads the manifests (invalid ones keep the last good ones and make /readyz
    fail), plans, and with --auto-apply safe applies the safe changes. Notion's webhook events
    re-read the page they name at once; a full read every --full-every catches what they miss.
    """
    from reconciler.serve import ControllerOptions, ServeConfig, Service

    configure_logs(verbose=True)  # one line per cycle and change; --log-format json: JSON
    webhook_token = os.environ.get("NOTION_WEBHOOK_TOKEN", "").strip() or None
    if webhook_token:
        logs.register_secret(webhook_token)
    repository = find_repository(Path(paths[0]) if paths else None)
    root, settings = repository.root, repository.settings
    # The same Redis as `reconciler apply` (lock: in reconciler.yaml), so that the controller's
    # applies and the CLI's never interleave; checked, its password registered as a secret.
    lock_url = resolve_lock_url(settings, {LOCK_URL_VARIABLE: lock_url or ""})
    host, port = listen
    config = ServeConfig(
        host=host,
        port=port,
        controller=ControllerOptions(
            interval=interval,
            full_every=full_every,
            auto_apply=auto_apply,
            events=webhook_token is not None,
        ),
        webhook_token=webhook_token,
        lock_url=lock_url,
        lease_seconds=lease_seconds,
        state_dir=Path(state_dir) if state_dir else state_folder(settings, root),
        shutdown_grace=shutdown_grace,
    )
    with open_workspace(settings, root, local=local, local_store=local_store) as workspace:
        try:
            service = Service(workspace.gateway, lambda: load_manifests(paths, local=local), config)
        except OSError as error:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({error.strerror})",
                hint="choose another --listen address or port",
            ) from None
        _run(service, workspace.label)


def _run(service: Service, label: str) -> None:
    """Serve until SIGTERM or SIGINT, then stop cleanly."""
    stopping = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        service.shutdown()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        service.start()
        note(f"Serving on {service.url} ({label}); SIGTERM or Ctrl-C stops", url=service.url)
        # Wake every half second: a signal sets ``stopping``; a crashed loop ends the wait too.
        while service.controller.crashed is None and not stopping.wait(0.5):
            continue
        note("Stopping: finishing the writes in flight ...")
        service.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if service.controller.crashed is not None:
        raise ReconcilerError(
            f"the reconciliation loop stopped on an unexpected error: {service.controller.crashed}",
            hint="this is a bug in notion-reconciler; rerun with --debug and report the log",
        )
    note("Stopped.")
