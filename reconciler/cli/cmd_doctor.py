"""``reconciler doctor [PATH...]``: check the set-up and say how to fix each problem.

Prints the findings of ``doctor_checks`` as a checklist as they are made: ✓ passed, ✗ failed
(with the fix under it), ! a warning, - a note; plain ASCII marks when the output cannot show
those characters, colours only on a terminal without NO_COLOR. Exits 1 when any check failed.
"""

from __future__ import annotations

import codecs
import sys
from typing import Final, TextIO

import click

from reconciler.cli.common import debug_option, reports_errors, use_colour
from reconciler.cli.doctor_checks import Finding, Status, run_checks
from reconciler.cli.runtime import workspace_options

__all__ = ["command", "marks_for"]

_UNICODE_MARKS: Final[dict[Status, str]] = {"ok": "✓", "fail": "✗", "warn": "!", "note": "-"}
_ASCII_MARKS: Final[dict[Status, str]] = {
    "ok": "[ok]",
    "fail": "[FAIL]",
    "warn": "[warn]",
    "note": "[--]",
}
_COLOURS: Final[dict[Status, str]] = {
    "ok": "green",
    "fail": "red",
    "warn": "yellow",
    "note": "bright_black",
}


def marks_for(stream: TextIO) -> dict[Status, str]:
    """The check marks the stream can show: ✓ ✗ in UTF-8, ``[ok]`` ``[FAIL]`` otherwise."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        is_utf = codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        is_utf = False
    return _UNICODE_MARKS if is_utf else _ASCII_MARKS


def _plain(text: str) -> str:
    """Text for an output that cannot show non-ASCII characters (arrows become ``->``)."""
    text = text.replace("\u2192", "->").replace("\u2026", "...")
    return text.encode("ascii", "replace").decode("ascii")


def _line(finding: Finding, marks: dict[Status, str], colour: bool) -> str:
    mark = marks[finding.status]
    if colour:
        mark = click.style(mark, fg=_COLOURS[finding.status], bold=finding.status == "fail")
    text = f"{mark} {finding.text}"
    if finding.fix:
        label = "fix" if finding.status in ("fail", "warn") else "tip"
        text += f"\n    {label}: {finding.fix}"
    return text if marks is _UNICODE_MARKS else _plain(text)


@click.command(
    "doctor",
    epilog="""\b
Examples:
  reconciler doctor                   token, version, capabilities, every manifest's database
  reconciler doctor manifests/tasks.yaml
                                      only the databases of these manifests
  reconciler doctor --local           the embedded workspace (no token needed)
  reconciler doctor --debug           also the versions in use, and why a check failed
  NOTION_TOKEN_FILE=/run/secrets/notion reconciler doctor
""",
)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@workspace_options
@debug_option
@reports_errors
def command(paths: tuple[str, ...], local: bool, local_store: str | None) -> None:
    """Check the token, Notion-Version, capabilities and access to every database.

    Also checks rate-limit headroom and that the state folder (.reconciler/) is writable.
    Reads only: nothing is written to Notion. Each problem comes with its fix. With --debug it
    first names the versions in use (Python, notion-reconciler, every dependency). Exit codes:
    0 every check passed (warnings allowed), 1 a check failed.
    """
    marks, colour = marks_for(sys.stdout), use_colour(sys.stdout)
    debug = bool(click.get_current_context().find_root().meta.get("debug"))
    failed = 0
    for finding in run_checks(paths, local=local, local_store=local_store, versions=debug):
        failed += finding.status == "fail"
        click.echo(_line(finding, marks, colour), color=colour)
    if failed:
        click.echo(f"{failed} {'check' if failed == 1 else 'checks'} failed.")
        click.get_current_context().exit(1)
    click.echo("All checks passed.")
