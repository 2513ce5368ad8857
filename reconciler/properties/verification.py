"""Verification: whether a wiki page is verified, and until when.

Canonical value: ``None`` (unverified) or ``{"state": "verified" | "expired", "date": <date
value of ``dates``> | None}``. Manifests write ``verified``, ``unverified`` (or null), or ``{state:
verified, date: ...}``; ``expired`` is Notion's to set and cannot be written. Registered in
``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.model import JSON
from reconciler.properties.base import PropertyCodec, References, ValueProblem
from reconciler.properties.checks import check_mapping_keys, describe_kind, expect_str
from reconciler.properties.dates import (
    date_from_manifest,
    date_from_response,
    date_to_request,
    display_date,
)

__all__ = ["VerificationCodec"]

_STATES = ("verified", "unverified")


def _state(value: object, path: tuple[str | int, ...]) -> str:
    state = expect_str(value, "a verification state", path=path).strip()
    if state == "expired":
        raise ValueProblem(
            "a verification cannot be set to expired; Notion expires it on its date",
            hint="write `verified` with a date, or `unverified`",
            path=path,
        )
    if state not in _STATES:
        raise ValueProblem(
            f"{state!r} is not a verification state", hint="verified or unverified", path=path
        )
    return state


class VerificationCodec(PropertyCodec):
    """verification: verified (optionally until a date) or unverified."""

    type_name = "verification"

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None:
            return None
        if isinstance(value, str):
            state, date = _state(value, ()), None
        elif isinstance(value, Mapping):
            check_mapping_keys(
                value, "a verification", frozenset({"state", "date"}),
                required=frozenset({"state"}),
            )  # fmt: skip
            state = _state(value["state"], ("state",))
            try:
                date = date_from_manifest(value.get("date"))
            except ValueProblem as problem:
                raise problem.at("date") from problem
        else:
            raise ValueProblem(
                f"a verification must be `verified`, `unverified` or {{state, date}}, "
                f"not {describe_kind(value)}"
            )
        return {"state": state, "date": date} if state == "verified" else None

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        if not isinstance(value, dict) or value.get("state") != "verified":
            return {"state": "unverified"}
        payload: dict[str, JSON] = {"state": "verified"}
        if value.get("date") is not None:
            payload["date"] = date_to_request(value["date"])
        return payload

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get(self.type_name)
        if not isinstance(body, dict) or body.get("state") not in ("verified", "expired"):
            return None
        return {"state": body["state"], "date": date_from_response(body.get("date"))}

    def display(self, value: JSON, refs: References | None = None) -> str:
        if not isinstance(value, dict):
            return "unverified"
        date = display_date(value.get("date"))
        return f"{value.get('state')} until {date}" if date else str(value.get("state"))
