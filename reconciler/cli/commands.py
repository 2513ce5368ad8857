"""Discovers the commands: every ``reconciler/cli/cmd_*.py`` module exposes one ``command``,
given here the options every command shares (``--log-format``, ``--quiet``).

One module per command keeps each command's options, help and wiring together, and lets commands
be added without touching a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

import reconciler.cli as cli_package
from reconciler.cli.common import with_shared_options

__all__ = ["discover"]


def discover() -> list[click.Command]:
    """Every ``command`` defined by a ``cmd_*`` module of this package, in module-name order."""
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda i: i.name):
        if not info.name.startswith("cmd_"):
            continue
        module = importlib.import_module(f"{cli_package.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module.__name__} must define a click command named `command`")
        found.append(with_shared_options(command))
    return found
