"""The command line: click commands, the only place that prints, reads the terminal or exits."""

from reconciler.cli.app import cli, main

__all__ = ["cli", "main"]
