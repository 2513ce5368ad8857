"""Checked access to Notion responses: a missing or mistyped field is a clear error, not a KeyError.

``Body`` wraps one JSON object of a response together with the endpoint it came from and its
path inside the response; every accessor checks the type it promises and raises
``UnexpectedResponseError`` naming the endpoint and the field. The API client wraps every
response in a ``Body``; the reader and writer read fields only through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from reconciler.errors import UnexpectedResponseError
from reconciler.model import JSON

__all__ = ["Body"]

_HINT = (
    "the Notion API answered in a shape this version of the reconciler does not know;"
    " run with --debug and report it (with the request id, never the token)"
)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Body:
    """One JSON object of a response, with where it came from for error messages."""

    __slots__ = ("_data", "endpoint", "path")

    def __init__(self, data: object, endpoint: str, path: str = "response") -> None:
        if not isinstance(data, dict):
            raise UnexpectedResponseError(
                f"unexpected response from {endpoint}: {path} is {_kind(data)}, not an object",
                hint=_HINT,
            )
        self._data = cast(dict[str, JSON], data)
        self.endpoint = endpoint
        self.path = path

    def __repr__(self) -> str:
        return f"Body({self.endpoint} {self.path})"

    def _fail(self, name: str, expected: str, value: object) -> UnexpectedResponseError:
        found = "missing" if value is _MISSING else f"{_kind(value)}"
        return UnexpectedResponseError(
            f"unexpected response from {self.endpoint}: field {self.path}.{name}"
            f" should be {expected}, but is {found}",
            hint=_HINT,
        )

    @property
    def raw(self) -> dict[str, JSON]:
        """The object itself, for handing a property value to a codec."""
        return self._data

    def has(self, name: str) -> bool:
        return name in self._data

    def text(self, name: str) -> str:
        value = self._data.get(name, _MISSING)
        if not isinstance(value, str):
            raise self._fail(name, "a string", value)
        return value

    def optional_text(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is not None and not isinstance(value, str):
            raise self._fail(name, "a string or null", value)
        return value

    def flag(self, name: str, default: bool | None = None) -> bool:
        value = self._data.get(name, _MISSING)
        if value is _MISSING and default is not None:
            return default
        if not isinstance(value, bool):
            raise self._fail(name, "a boolean", value)
        return value

    def child(self, name: str) -> Body:
        value = self._data.get(name, _MISSING)
        if not isinstance(value, dict):
            raise self._fail(name, "an object", value)
        return Body(value, self.endpoint, f"{self.path}.{name}")

    def optional_child(self, name: str) -> Body | None:
        if self._data.get(name) is None:
            return None
        return self.child(name)

    def items(self, name: str) -> list[Body]:
        """A list of objects, each checked to be an object."""
        value = self._data.get(name, _MISSING)
        if not isinstance(value, list):
            raise self._fail(name, "a list", value)
        return [
            Body(item, self.endpoint, f"{self.path}.{name}[{i}]") for i, item in enumerate(value)
        ]

    def value(self, name: str) -> JSON:
        """Any JSON value under ``name`` (must be present)."""
        if name not in self._data:
            raise self._fail(name, "present", _MISSING)
        return self._data[name]

    def entries(self) -> Iterator[tuple[str, Body]]:
        """Every member, each checked to be an object (e.g. a data source's ``properties``)."""
        for key, value in self._data.items():
            if not isinstance(value, dict):
                raise self._fail(key, "an object", value)
            yield key, Body(value, self.endpoint, f"{self.path}.{key}")

    def plain_text(self, name: str) -> str:
        """The text of a rich-text list (a title): its items' ``plain_text`` joined."""
        return "".join(run.text("plain_text") for run in self.items(name))

    def in_trash(self) -> bool:
        """Whether the object is in the trash (``in_trash``; ``archived`` before 2026-03-11)."""
        if "in_trash" in self._data:
            return self.flag("in_trash")
        return self.flag("archived")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
