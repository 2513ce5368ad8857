"""Read-only stamps Notion keeps on every page: created_time, last_edited_time, unique_id, button.

Canonical values: created_time / last_edited_time → the UTC minute (``"2026-06-26T13:45Z"``,
the datetime format of ``dates``); unique_id → ``"PREFIX-12"`` or ``"12"`` without a prefix;
button → None. unique_id's configuration is ``{"prefix": str | None}``. Registered in
``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import ReadOnlyCodec, References, ValueProblem
from reconciler.properties.checks import optional_str
from reconciler.properties.dates import canonical_instant

__all__ = ["ButtonCodec", "CreatedTimeCodec", "LastEditedTimeCodec", "UniqueIdCodec"]


class _TimestampCodec(ReadOnlyCodec):
    """A time Notion records on the page (minute precision)."""

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        value = prop.get(self.type_name)
        return canonical_instant(value) if isinstance(value, str) else None


class CreatedTimeCodec(_TimestampCodec):
    """created_time: when the page was created."""

    type_name = "created_time"


class LastEditedTimeCodec(_TimestampCodec):
    """last_edited_time: when the page was last edited."""

    type_name = "last_edited_time"


class ButtonCodec(ReadOnlyCodec):
    """button: an action in the Notion UI; it has no value."""

    type_name = "button"

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return None


class UniqueIdCodec(ReadOnlyCodec):
    """unique_id: Notion's auto-increment number with an optional prefix."""

    type_name = "unique_id"
    config_keys: ClassVar[frozenset[str]] = frozenset({"prefix"})

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        prefix = optional_str(raw.get("prefix"), "the unique_id prefix", path=("prefix",))
        if prefix is not None and (not prefix.strip() or any(c.isspace() for c in prefix)):
            raise ValueProblem(
                f"the unique_id prefix {prefix!r} must be non-empty and without spaces",
                path=("prefix",),
            )
        return {"prefix": prefix or None}

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        return {"prefix": config.get("prefix")}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get("unique_id")
        prefix = body.get("prefix") if isinstance(body, dict) else None
        return {"prefix": prefix if isinstance(prefix, str) and prefix else None}

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get("unique_id")
        if not isinstance(body, dict) or not isinstance(body.get("number"), int):
            return None
        prefix = body.get("prefix")
        return f"{prefix}-{body['number']}" if prefix else str(body["number"])
