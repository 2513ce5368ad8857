"""``reconciler emulator serve``: run the local Notion API on loopback until Ctrl-C.

Only parses options and hands them to :class:`reconciler.emulator.Emulator`; prints the URL to
point ``NOTION_BASE_URL`` at. ``--example-people`` seeds the people of the example manifests (the
same users as a new ``--local`` workspace), ``--seed FILE`` an admin seed (the JSON that
``POST /_emulator/seed`` takes, see docs/emulator.md). Refuses to listen beyond loopback unless
``--allow-remote`` says so (the admin API has no token). Ctrl-C and SIGTERM (``docker stop``)
both stop it cleanly.
"""

from __future__ import annotations

import ipaddress
import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from reconciler.cli.common import debug_option, reports_errors
from reconciler.cli.runtime import LOCAL_USERS
from reconciler.errors import ConfigError

if TYPE_CHECKING:
    from reconciler.emulator import Emulator

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
  reconciler emulator serve --example-people         with the example manifests' people
  reconciler emulator serve --seed seed.json         with the users, pages and databases given
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
@click.option("--example-people", is_flag=True,
              help="Start with the example manifests' people (Ada, Grace and Alan, "
                   "@example.com), as a new --local workspace has them.")  # fmt: skip
@click.option("--seed", "seed_file", default=None, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Install the users, pages and databases of this admin seed (JSON, as "
                   "POST /_emulator/seed takes it) at start.")  # fmt: skip
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
    example_people: bool,
    seed_file: Path | None,
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
    seed = _read_seed(seed_file) if seed_file is not None else None
    try:
        emulator = Emulator(store=store or ":memory:", tokens=tokens, rate_limit=rate_limit or None)
    except StoreError as error:
        raise ConfigError(str(error)) from None
    try:
        seeded = _install(emulator, seed, seed_file, example_people=example_people)
    except ConfigError:
        emulator.close()
        raise
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
            for line in seeded:
                click.echo(f"  seeded: {line}")
            wait_for_ctrl_c()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        server.stop()
        emulator.close()


def _read_seed(path: Path) -> dict[str, Any]:
    """The admin seed in a JSON file, or a ConfigError saying what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such seed file", hint="give the path of a JSON file, e.g. --seed seed.json"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the seed file ({error})") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{path}:{error.lineno}:{error.colno}: the seed is not JSON ({error.msg})",
            hint='a seed is an object such as {"users": [...], "pages": [...], "databases": [...]}',
        ) from None
    if not isinstance(payload, dict):
        raise ConfigError(
            f"{path}: the seed must be a JSON object with users, pages and databases lists",
            hint='e.g. {"users": [{"name": "Ada", "type": "person", "person": {"email": ...}}]}',
        )
    return payload


def _install(
    emulator: Emulator, seed: dict[str, Any] | None, path: Path | None, *, example_people: bool
) -> list[str]:
    """Seed the example people and the seed file; one line per source saying what was added."""
    from reconciler.emulator import SeedError

    lines = []
    if example_people:
        emulator.seed({"users": [dict(user) for user in LOCAL_USERS]})
        names = ", ".join(str(user["person"]["email"]) for user in LOCAL_USERS)
        lines.append(f"the example people ({names})")
    if seed is not None:
        try:
            added = emulator.seed(seed)
        except SeedError as error:
            raise ConfigError(
                f"{path}: the seed was refused: {error}",
                hint="see docs/emulator.md for the shape of users, pages and databases",
            ) from None
        counts = ", ".join(f"{len(added[key])} {key.replace('_', ' ')}" for key in added)
        lines.append(f"{counts} from {path}")
    return lines
