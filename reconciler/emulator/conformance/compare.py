"""How a response is judged against the recorded one: the first difference that matters, or None.

Compared: the status; for errors the ``code``, the message (ids in it aside) and the keys; for
answers the set of keys at every level, the JSON type of every value, list lengths, and every
value that is not volatile. Volatile
(compared by type only): ids and ``*_id`` values, times, urls, request ids, avatar urls, cursors,
file expiry times. Formula expressions are compared with the ids inside their property references
left out. Used by the replay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["VOLATILE_KEYS", "Difference", "compare"]

VOLATILE_KEYS = frozenset(
    {
        "id",
        "option_ids",
        "request_id",
        "created_time",
        "last_edited_time",
        "url",
        "public_url",
        "status_url",
        "avatar_url",
        "href",
        "next_cursor",
        "next_url",
        "expiry_time",
    }
)
"""Keys whose values differ between any two runs (ids, times, urls, cursors)."""

_REFERENCE = re.compile(r"\{\{notion:block_property:[^}]*\}\}")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


@dataclass(frozen=True)
class Difference:
    """Where a response first differs from the recorded one, and how."""

    path: str
    expected: str
    got: str

    def reason(self) -> str:
        """``path: expected X, got Y`` in one line."""
        return f"{self.path or '(body)'}: expected {self.expected}, got {self.got}"


def compare(status: int, expected: object, got_status: int, got: object) -> Difference | None:
    """The first difference between a recorded answer and the emulator's, or None."""
    if status != got_status:
        return Difference("status", _outcome(status, expected), _outcome(got_status, got))
    if isinstance(expected, dict) and expected.get("object") == "error":
        if not isinstance(got, dict) or got.get("code") != expected.get("code"):
            return Difference("code", _outcome(status, expected), _outcome(got_status, got))
        message, other = (_UUID.sub("<id>", str(b.get("message"))) for b in (expected, got))
        if message != other:
            return Difference("message", _short(message), _short(other))
        return _keys(expected, got, "")
    return _diff(expected, got, "", None)


def _outcome(status: int, body: object) -> str:
    if isinstance(body, dict) and body.get("object") == "error":
        return f"{status} {body.get('code')} ({body.get('message')})"
    return str(status)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _volatile(key: str | None) -> bool:
    return key is not None and (key in VOLATILE_KEYS or key.endswith("_id"))


def _keys(expected: dict[str, object], got: dict[str, object], path: str) -> Difference | None:
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    if missing or extra:
        return Difference(
            path or "(body)",
            f"keys {sorted(expected)}",
            f"missing {missing}, extra {extra}"
            if missing and extra
            else (f"missing {missing}" if missing else f"extra {extra}"),
        )
    return None


def _diff(expected: object, got: object, path: str, key: str | None) -> Difference | None:
    if _kind(expected) != _kind(got):
        return Difference(
            path, f"{_kind(expected)} {_short(expected)}", f"{_kind(got)} {_short(got)}"
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        found = _keys(expected, got, path)
        if found is not None:
            return found
        for name, value in expected.items():
            found = _diff(value, got[name], f"{path}.{name}" if path else name, name)
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return Difference(path, f"{len(expected)} items", f"{len(got)} items")
        for n, (item, other) in enumerate(zip(expected, got, strict=True)):
            found = _diff(item, other, f"{path}[{n}]", key)
            if found is not None:
                return found
        return None
    if _volatile(key):
        return None
    if key == "expression" and isinstance(expected, str) and isinstance(got, str):
        expected, got = _REFERENCE.sub("{{ref}}", expected), _REFERENCE.sub("{{ref}}", got)
    if expected != got:
        return Difference(path, _short(expected), _short(got))
    return None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
