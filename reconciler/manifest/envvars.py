"""``${VAR}`` and ``${VAR:-default}`` in manifest scalars, read from the allowed variables only.

``${VAR:-default}`` takes the default when VAR is unset or empty (as in the shell); ``$${``
writes a literal ``${``. A default cannot contain ``}``. Called by the YAML reader on every
scalar of a manifest and of reconciler.yaml (keys included) before its type is resolved, so
``${ESTIMATE:-3}`` unquoted is the number 3. Data files (rows_from) are data and are never
substituted.

Manifests come from pull requests, and their values show in plans, pull-request comments and
Notion, so they read only the variables the repository allows (``Variables``): the names or
``*`` patterns of ``env:`` in reconciler.yaml, by default ``config.DEFAULT_ENV`` (ids of databases,
data sources and pages: ``TASKS_DATABASE_ID``, ``NOTION_ROOT_PAGE``). A name that looks like a
secret (``reconciler.logs.looks_secret``) and a value that holds a secret are refused whatever
the allow-list says, with or without a default, set or not.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence

from reconciler.config import DEFAULT_ENV
from reconciler.logs import looks_secret, secrets_in

__all__ = ["VariableProblem", "Variables", "expand"]

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\Z", re.DOTALL)
_SECRETS_STAY_OUT = (
    "a manifest's values show in plans, pull-request comments and Notion: keep secrets out of"
    " them (the token reaches Notion through NOTION_TOKEN only)"
)


class VariableProblem(Exception):
    """A reference that cannot be expanded: refused, unset without default, or malformed."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Variables(Mapping[str, str]):
    """The environment as manifests may read it.

    Looking up a name that is not allowed, that looks like a secret, or whose value holds a
    secret raises ``VariableProblem`` (not KeyError): ``expand`` reports it at the reference.
    """

    def __init__(self, environ: Mapping[str, str], allowed: Sequence[str] = DEFAULT_ENV):
        self._environ = environ
        self.allowed = tuple(allowed)

    def _allows(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.allowed)

    def check(self, name: str) -> None:
        """Raise VariableProblem unless manifests may read ``name``."""
        if looks_secret(name):
            raise VariableProblem(
                f"${{{name}}} is refused: {name} looks like a secret, and secrets are never"
                " read into manifests",
                _SECRETS_STAY_OUT,
            )
        if not self._allows(name):
            listed = ", ".join(self.allowed) if self.allowed else "nothing"
            raise VariableProblem(
                f"${{{name}}} is refused: {name} is not an allowed variable (allowed: {listed})",
                f"allow it in reconciler.yaml: env: [{_yaml_list([*self.allowed, name])}]",
            )
        held = secrets_in(self._environ.get(name, ""), self._environ)
        if held:
            raise VariableProblem(
                f"${{{name}}} is refused: the value of {name} holds a secret ({', '.join(held)})",
                _SECRETS_STAY_OUT,
            )

    def __getitem__(self, name: str) -> str:
        self.check(name)
        return self._environ[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._environ if self._allows(name) and not looks_secret(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _yaml_list(patterns: Sequence[str]) -> str:
    """Patterns as YAML flow list items (``*`` starts an alias unless quoted)."""
    return ", ".join(f'"{p}"' if "*" in p else p for p in patterns)


def expand(text: str, environ: Mapping[str, str]) -> str:
    """The text with every reference replaced; raises VariableProblem for the first bad one
    (a ``Variables`` environment refuses names it does not allow)."""
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
