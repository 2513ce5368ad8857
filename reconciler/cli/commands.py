"""Finds the commands: every ``reconciler/cli/cmd_<name>.py`` module exposes one ``command``,
given here the options every command shares (``--log-format``, ``--quiet``).

One module per command keeps each command's options, help and wiring together, and lets commands
be added without touching a shared list. A command's module is imported only when that command
runs (``load``), so ``reconciler validate`` never imports what ``apply`` needs. The group's own
``--help`` lists every command without importing any: ``listing`` reads each module's source for
the command's name, docstring and the decorator arguments that change its help line, and builds
the same click command without its code (a module written any other way is simply imported).
Used by ``reconciler.cli.app``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import click

import reconciler.cli as cli_package
from reconciler.cli.common import with_shared_options

__all__ = ["listing", "load", "names"]

_PREFIX = "cmd_"
_LISTED_ARGUMENTS = frozenset({"help", "short_help", "hidden", "deprecated"})
"""Decorator arguments that change what the group's help shows for a command."""


def names() -> list[str]:
    """Every command's name (its module's name without ``cmd_``), sorted; nothing imported."""
    return sorted(
        info.name.removeprefix(_PREFIX)
        for info in pkgutil.iter_modules(cli_package.__path__)
        if info.name.startswith(_PREFIX)
    )


def load(name: str) -> click.Command:
    """The ``command`` of ``cmd_<name>``, imported now, with the shared options."""
    module = importlib.import_module(f"{cli_package.__name__}.{_PREFIX}{name}")
    command = getattr(module, "command", None)
    if not isinstance(command, click.Command):
        raise TypeError(f"{module.__name__} must define a click command named `command`")
    if command.name != name:
        raise TypeError(f"{module.__name__} must name its command {name!r}, not {command.name!r}")
    return with_shared_options(command)


def listing(name: str) -> click.Command:
    """The command as the group's help lists it: read from its source, or imported when the
    source says it some other way than a plain ``@click.command``/``@click.group``."""
    try:
        source = (Path(cli_package.__path__[0]) / f"{_PREFIX}{name}.py").read_text("utf-8")
        found = _described(ast.parse(source), name)
    except (OSError, SyntaxError):
        found = None
    return found if found is not None else load(name)


def _described(tree: ast.Module, name: str) -> click.Command | None:
    """A code-less command with the help of ``def command`` in ``tree``, or None."""
    try:
        return _read_command(tree, name)
    except ValueError:  # an argument that is not a literal
        return None


def _read_command(tree: ast.Module, name: str) -> click.Command | None:
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name != "command":
            continue
        for decorator in node.decorator_list:
            kind = _click_factory(decorator)
            if kind is None or not isinstance(decorator, ast.Call):
                continue
            given = [ast.literal_eval(arg) for arg in decorator.args]
            if given != [name]:
                return None
            arguments = {
                keyword.arg: ast.literal_eval(keyword.value)
                for keyword in decorator.keywords
                if keyword.arg in _LISTED_ARGUMENTS
            }
            if any(keyword.arg is None for keyword in decorator.keywords):
                return None  # **options: not plainly written
            arguments.setdefault("help", ast.get_docstring(node, clean=True))
            factory = click.Group if kind == "group" else click.Command
            return factory(name, **arguments)
    return None


def _click_factory(decorator: ast.expr) -> str | None:
    """``command`` or ``group`` for ``@click.command(...)`` or ``@click.group(...)``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "click"
        and target.attr in ("command", "group")
    ):
        return target.attr
    return None
