"""The versions in use: Python, notion-reconciler and each of its dependencies, as installed.

The dependency names come from the installed package's own metadata, so the list follows
pyproject.toml without a copy of it: every runtime dependency, then those of the optional extras
(redis, serve) that are installed. Called by ``reconciler doctor --debug`` and by the benchmark
report (benchmarks/scenarios/machine.py), so that a bug report or a measurement names exactly what
it ran with.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Final

from reconciler import __version__

__all__ = ["DISTRIBUTION", "InstalledVersion", "describe_versions", "versions_in_use"]

DISTRIBUTION: Final = "notion-reconciler"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_MISSING: Final = "not installed"


@dataclass(frozen=True)
class InstalledVersion:
    """One component and its version; ``extra`` names the optional part it belongs to."""

    name: str
    version: str
    extra: str = ""

    @property
    def installed(self) -> bool:
        return self.version != _MISSING

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return _MISSING


def _declared() -> list[tuple[str, str]]:
    """(name, extra) of every requirement the installed package declares, in its order."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return []
    declared: list[tuple[str, str]] = []
    for requirement in requirements:
        name = _NAME.match(requirement)
        extra = _EXTRA.search(requirement)
        entry = (name[0] if name else requirement, extra[1] if extra else "")
        if name and entry not in declared:
            declared.append(entry)
    return declared


def versions_in_use() -> tuple[InstalledVersion, ...]:
    """Python, notion-reconciler, each runtime dependency, then the installed optional ones.

    Test and lint tools (the ``test`` extra) are left out: they are not part of a run.
    """
    found = [InstalledVersion("Python", platform.python_version())]
    found.append(InstalledVersion(DISTRIBUTION, __version__))
    for name, extra in _declared():
        if extra == "test":
            continue
        version = InstalledVersion(name, _installed(name), extra)
        if not extra or version.installed:
            found.append(version)
    return tuple(found)


def describe_versions(versions: tuple[InstalledVersion, ...]) -> str:
    """One line: Python and notion-reconciler, the runtime dependencies, then the optional ones."""
    required = ", ".join(str(v) for v in versions if not v.extra)
    optional = ", ".join(f"{v} ({v.extra})" for v in versions if v.extra)
    return f"{required}; optional: {optional}" if optional else required
