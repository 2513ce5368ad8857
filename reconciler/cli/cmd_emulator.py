"""``reconciler emulator serve``: run the local Notion API on loopback until Ctrl-C.

Only parses options and hands them to :class:`reconciler.emulator.Emulator`; prints the URL to
point ``NOTION_BASE_URL`` at. Refuses to listen beyond loopback unless ``--allow-remote`` says so
(the admin API has no token). Ctrl-C and SIGTERM (``docker stop``) both stop it cleanly.
"""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from reconciler.cli.common import debug_option, reports_errors
from reconciler.errors import ConfigError

__all__ = ["command", "wait_for_ctrl_c"]

_INTEGRATION = "Notion Emulator"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (``docker stop``, service managers) stops the server as Ctrl-C does.

    Without it the process dies without closing the store, and as a container's PID 1 it
    ignores SIGTERM altogether until it is killed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def wait_for_ctrl_c() -> None:
    """Block until Ctrl-C (or SIGTERM, see above) raises KeyboardInterrupt."""
    forever = threading.Event()
    while not forever.wait(timeout=3600):
        continue


@click.group(
    "emulator",
    epilog="""\b
Examples:
  reconciler emulator serve                          in memory, on http://127.0.0.1:8787
  reconciler emulator serve --store emu.sqlite       the workspace survives restarts
  reconciler emulator serve --help                   every option of the server
""",
)
@debug_option
def command() -> None:
    """A local Notion API for tests, demos and offline work (no token of yours needed)."""


@command.command(
    "serve",
    epilog="""\b
Examples:
  reconciler emulator serve                          in memory, on http://127.0.0.1:8787
  reconciler emulator serve --store emu.sqlite       the workspace survives restarts
  reconciler emulator serve --port 0 --rate-limit 0  any free port, no rate limit
Then: NOTION_BASE_URL=<printed url> NOTION_TOKEN=<token> reconciler plan
""",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port).")  # fmt: skip
@click.option("--store", "store", default=None, metavar="FILE",
              help="SQLite file holding the workspace (default: in memory).")  # fmt: skip
@click.option("--token", default=None, metavar="TOKEN",
              help="Bearer token clients must send (default: secret_emulator).")  # fmt: skip
@click.option("--rate-limit", "rate_limit", default=3.0, show_default=True,
              type=click.FloatRange(min=0), metavar="RPS",
              help="Average requests per second per token, as Notion (0 disables).")  # fmt: skip
@click.option("--allow-remote", is_flag=True,
              help="Listen beyond loopback (whoever reaches it gets the admin API).")  # fmt: skip
@debug_option
@reports_errors
def serve(
    *,
    host: str,
    port: int,
    store: str | None,
    token: str | None,
    rate_limit: float,
    allow_remote: bool,
) -> None:
    """Serve the emulated Notion API (Notion-Version 2025-09-03 and 2026-03-11) until Ctrl-C."""
    from reconciler.emulator import DEFAULT_TOKEN, Emulator, EmulatorServer, StoreError

    if not _is_loopback(host) and not allow_remote:
        raise ConfigError(
            f"refusing to listen on {host}: the emulator and its admin API are meant for this"
            " machine only",
            hint="use --host 127.0.0.1, or add --allow-remote if you really mean it",
        )
    tokens = {token or DEFAULT_TOKEN: _INTEGRATION}
    try:
        emulator = Emulator(store=store or ":memory:", tokens=tokens, rate_limit=rate_limit or None)
    except StoreError as error:
        raise ConfigError(str(error)) from None
    try:
        server = EmulatorServer(emulator, host, port)
    except OSError as error:
        emulator.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            hint="choose another --port (0: any free port)",
        ) from None
    shown = DEFAULT_TOKEN if token is None else "<the token given with --token>"
    limit = f"{rate_limit:g} requests/s" if rate_limit else "off"
    # Served on its own thread from here on, so that `stop` below returns whenever the stop comes
    # (socketserver's shutdown waits forever for a serve_forever that was never entered).
    server.start()
    try:
        with _stopped_by_sigterm():  # before the URL is out: a client may stop it at once
            click.echo(f"Notion emulator listening on {server.url}")
            click.echo(f"  NOTION_BASE_URL={server.url}")
            click.echo(f"  NOTION_TOKEN={shown}")
            click.echo(
                f"  store: {store or 'in memory (lost on exit)'}; rate limit: {limit}; Ctrl-C stops"
            )
            wait_for_ctrl_c()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        server.stop()
        emulator.close()
