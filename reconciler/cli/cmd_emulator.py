"""``reconciler emulator serve``: run the local Notion API on loopback until Ctrl-C.

Only parses options and hands them to :class:`reconciler.emulator.Emulator`; prints the URL to
point ``NOTION_BASE_URL`` at. Refuses to listen beyond loopback unless ``--allow-remote`` says so
(the admin API has no token).
"""

from __future__ import annotations

import ipaddress

import click

from reconciler.cli.common import debug_option

__all__ = ["command"]

_INTEGRATION = "Notion Emulator"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group("emulator")
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
        raise click.ClickException(
            f"refusing to listen on {host}: the emulator and its admin API are meant for this "
            "machine only; use --host 127.0.0.1, or add --allow-remote if you really mean it"
        )
    tokens = {token or DEFAULT_TOKEN: _INTEGRATION}
    try:
        emulator = Emulator(store=store or ":memory:", tokens=tokens, rate_limit=rate_limit or None)
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    try:
        server = EmulatorServer(emulator, host, port)
    except OSError as error:
        emulator.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    click.echo(f"Notion emulator listening on {server.url}")
    click.echo(f"  NOTION_BASE_URL={server.url}")
    shown = DEFAULT_TOKEN if token is None else "<the token given with --token>"
    click.echo(f"  NOTION_TOKEN={shown}")
    limit = f"{rate_limit:g} requests/s" if rate_limit else "off"
    click.echo(f"  store: {store or 'in memory (lost on exit)'}; rate limit: {limit}; Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        server.stop()
        emulator.close()
