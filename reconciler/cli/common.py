"""What every command shares: --debug, --log-format and --quiet, error reporting with exit codes,
notes on stderr, colour and terminal decisions.

``--log-format text|json`` (env RECONCILER_LOG_FORMAT; text by default, in CI too) and ``--quiet``
(only results and errors) are given to every command by ``with_shared_options``, which the
command discovery calls; commands read them through ``output_settings`` and tell the person what
is going on with ``note``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import click

from reconciler import logs
from reconciler.cli.permissions import explain_refusal, with_permission_hint
from reconciler.errors import ReconcilerError

__all__ = [
    "LOG_FORMATS",
    "OutputSettings",
    "approves",
    "configure_logs",
    "debug_option",
    "interactive",
    "log_event",
    "note",
    "output_settings",
    "reports_errors",
    "use_colour",
    "with_shared_options",
]

P = ParamSpec("P")
R = TypeVar("R")


def interactive() -> bool:
    """Whether a person can answer prompts: stdin and stderr are terminals. Where they are not
    (CI), every command the CLI suggests carries ``--yes``, so it runs as printed."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def approves(checksum: str) -> bool:
    """Whether the approval an apply here would use (RECONCILER_APPROVE) is this checksum: a
    pull-request comment then says the plan is approved (the workflows set it from the pull
    request's approval file)."""
    return os.environ.get("RECONCILER_APPROVE", "").strip().lower() == checksum


def use_colour(stream: Any = None) -> bool:
    """Colours only on a TTY, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    out = stream if stream is not None else sys.stdout
    return bool(getattr(out, "isatty", lambda: False)())


LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class OutputSettings:
    """How a command talks: ``--debug``, ``--log-format`` and ``--quiet`` as given to it."""

    debug: bool = False
    log_format: str = "text"
    quiet: bool = False

    @property
    def json(self) -> bool:
        return self.log_format == "json"


def output_settings() -> OutputSettings:
    """The output options of the command running now (defaults outside a command)."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.find_root().meta if ctx is not None else {}
    return OutputSettings(
        debug=bool(meta.get("debug")),
        log_format=str(meta.get("log_format", "text")),
        quiet=bool(meta.get("quiet")),
    )


def configure_logs(*, verbose: bool = False) -> None:
    """structlog as the options say: text or JSON lines, errors only with --quiet; ``verbose``:
    info events too (the controller's cycles)."""
    chosen = output_settings()
    logs.configure(debug=chosen.debug, json_lines=chosen.json, verbose=verbose, quiet=chosen.quiet)


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        root = ctx.find_root()
        if name == "debug":
            value = bool(root.meta.get("debug")) or value  # `reconciler --debug plan` too
        if value is not None:
            root.meta[name] = value
        configure_logs()
        return value

    return callback


debug_option = click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_remember("debug"),
    help="Show tracebacks and debug logs (the token stays hidden).",
)


def _shared_options() -> list[click.Option]:
    """``--log-format`` and ``--quiet``: every command has them (``with_shared_options``)."""
    return [
        click.Option(
            ["--log-format"],
            type=click.Choice(LOG_FORMATS),
            envvar="RECONCILER_LOG_FORMAT",
            default="text",
            show_default=True,
            expose_value=False,
            is_eager=True,
            callback=_remember("log_format"),
            help="Logs and progress on stderr: readable text, or one JSON event a line (env"
            " RECONCILER_LOG_FORMAT).",
        ),
        click.Option(
            ["--quiet", "-q"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_remember("quiet"),
            help="Only results and errors: no progress, notes or warnings.",
        ),
    ]


def with_shared_options(command: click.Command) -> click.Command:
    """Give a command (every leaf of a group) ``--log-format`` and ``--quiet``."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_shared_options(sub)
        return command
    have = {param.name for param in command.params}
    command.params.extend(o for o in _shared_options() if o.name not in have)
    return command


def note(message: str, **fields: object) -> None:
    """Tell the person what is going on, on stderr: nothing with --quiet; a JSON event with
    --log-format json (``fields`` go into it)."""
    chosen = output_settings()
    if chosen.quiet:
        return
    click.echo(log_event(message, fields) if chosen.json else message, err=True)


def log_event(
    event: str, fields: Mapping[str, object] | None = None, *, level: str = "info"
) -> str:
    """One JSON log line, shaped like the structlog lines (read by CI log viewers), redacted."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    record: dict[str, object] = {"event": event, "level": level, "timestamp": now}
    record.update({k: v for k, v in (fields or {}).items() if v is not None})
    return logs.redact(json.dumps(record, ensure_ascii=False))


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into one clear message and their exit code; anything else into exit 1.

    The messages go to stderr, which the command group guards (``reconciler.cli.output``):
    secrets are masked and escape sequences relayed from Notion shown, never obeyed."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().meta.get("debug"))
        try:
            return func(*args, **kwargs)
        except ReconcilerError as exc:
            if debug:
                click.echo(logs.redact(traceback.format_exc()), err=True)
            click.echo(logs.redact(f"Error: {with_permission_hint(exc)}"), err=True)
            ctx.exit(exc.exit_code)
        except PermissionError as exc:  # a write no error reported: say which and what to do
            if debug:
                click.echo(logs.redact(traceback.format_exc()), err=True)
            click.echo(logs.redact(f"Error: {explain_refusal(exc)}"), err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            raise  # the reader left (`| head`): click exits 1 quietly, as other tools do
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - last resort: one message, never a traceback
            if debug:
                click.echo(traceback.format_exc(), err=True)
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {exc}\n  hint: this is a bug in"
                " notion-reconciler; rerun with --debug and report the traceback",
                err=True,
            )
            ctx.exit(1)
        raise AssertionError("unreachable")  # ctx.exit raises

    return wrapper
