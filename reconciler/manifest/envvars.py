"""``${VAR}`` and ``${VAR:-default}`` in manifest scalars, read from the environment.

``${VAR:-default}`` takes the default when VAR is unset or empty (as in the shell); ``$${``
writes a literal ``${``. A default cannot contain ``}``. Called by the YAML reader on every
scalar of a manifest (keys included) before its type is resolved, so ``${ESTIMATE:-3}`` unquoted
is the number 3. Data files (rows_from) are data and are never substituted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["VariableProblem", "expand"]

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\Z", re.DOTALL)


class VariableProblem(Exception):
    """A reference that cannot be expanded: unset without default, or malformed."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def expand(text: str, environ: Mapping[str, str]) -> str:
    """The text with every reference replaced; raises VariableProblem for the first bad one."""
    if "${" not in text:
        return text
    return _REFERENCE.sub(lambda match: _replacement(match, environ), text)


def _replacement(match: re.Match[str], environ: Mapping[str, str]) -> str:
    whole = match.group(0)
    if whole == "$${":
        return "${"
    body = match.group(1)
    parsed = _BODY.match(body) if body is not None else None
    if parsed is None:
        shown = whole if body is not None else whole + "..."
        raise VariableProblem(
            f"malformed variable reference {shown!r}",
            "write ${NAME} or ${NAME:-default} (NAME: letters, digits, _); "
            "write $${ for a literal ${",
        )
    name, default = parsed.group(1), parsed.group(2)
    value = environ.get(name, "")
    if value:
        return value
    if default is not None:
        return default
    if name in environ:
        return ""
    raise VariableProblem(
        f"environment variable {name} is not set",
        f"export {name}=..., or give a default: ${{{name}:-value}}",
    )
