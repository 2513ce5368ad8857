"""What every command shares: --debug, error reporting with exit codes, colour decisions."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import click

from reconciler import logs
from reconciler.errors import ReconcilerError

__all__ = ["approves", "debug_option", "interactive", "reports_errors", "use_colour"]

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


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    root = ctx.find_root()
    root.meta["debug"] = bool(root.meta.get("debug")) or value
    logs.configure(debug=root.meta["debug"])
    return value


debug_option = click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Show tracebacks and debug logs (the token stays hidden).",
)


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
                click.echo(traceback.format_exc(), err=True)
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
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
