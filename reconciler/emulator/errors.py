"""Notion's error objects: the one exception every handler raises, and its usual shapes.

Every refusal the emulator answers goes through :class:`ApiError`, which the WSGI layer turns into
``{"object": "error", "status", "code", "message", "request_id"[, "additional_data"]}`` exactly as
Notion does. The helpers below produce Notion's own wording (collected from recorded traffic and
public bug reports), e.g. the validator's "body failed validation: body.x should be ..., instead
was `...`." style.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

__all__ = [
    "ApiError",
    "ConnectionDropped",
    "archived_edit",
    "invalid_json",
    "invalid_request",
    "invalid_request_url",
    "js",
    "not_found",
    "should_be",
    "unauthorized",
    "validation_error",
]


class ApiError(Exception):
    """A refusal, answered as Notion's error object with this status, code and message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        additional_data: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional_data = dict(additional_data) if additional_data else None

    def body(self, request_id: str) -> dict[str, object]:
        """The JSON error object, in Notion's key order."""
        out: dict[str, object] = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional_data is not None:
            out["additional_data"] = self.additional_data
        out["request_id"] = request_id
        return out


class ConnectionDropped(httpx.RemoteProtocolError):
    """A fault asked for the connection to be closed without any response.

    Over TCP the server closes the socket; in-process (httpx's WSGI transport re-raises what the
    application raises) the client sees the same transport error a closed socket gives.
    """

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a response.")


def js(value: object) -> str:
    """A value as JavaScript's JSON.stringify writes it (Notion quotes offending values so)."""
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def validation_error(message: str) -> ApiError:
    """400 validation_error with this exact message."""
    return ApiError(400, "validation_error", message)


def should_be(
    where: str, path: str, expectation: str, value: object, *, defined: bool = True
) -> ApiError:
    """Notion's schema-validator refusal: "<where> failed validation: <path> should be ..."."""
    shown = js(value) if defined else "undefined"
    return validation_error(
        f"{where} failed validation: {path} should be {expectation}, instead was `{shown}`."
    )


def invalid_json() -> ApiError:
    """400 invalid_json, for a body that does not parse."""
    return ApiError(400, "invalid_json", "Error parsing JSON body.")


def invalid_request_url() -> ApiError:
    """400 invalid_request_url, for a path (or method) Notion does not serve."""
    return ApiError(400, "invalid_request_url", "Invalid request URL.")


def invalid_request(what: str) -> ApiError:
    """400 invalid_request, for a request Notion understands but does not support."""
    return ApiError(400, "invalid_request", f"Unsupported request: {what}.")


def unauthorized() -> ApiError:
    """401 unauthorized, for a missing or unknown bearer token."""
    return ApiError(401, "unauthorized", "API token is invalid.")


def not_found(kind: str, object_id: str, integration: str, integration_id: str) -> ApiError:
    """404 object_not_found in Notion's words, naming the integration it is not shared with."""
    if kind == "user":
        message = (
            f"Could not find user with ID: {object_id}. Make sure your integration has "
            "capabilities to read user information. With those capabilities, only members and "
            "guests in the integration's workspace are visible."
        )
    else:
        message = (
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
            f'databases are shared with your integration "{integration}".'
        )
    return ApiError(404, "object_not_found", message, {"integration_id": integration_id})


def archived_edit() -> ApiError:
    """400 for an edit of something in the trash (Notion still says "archived")."""
    return validation_error(
        "Can't edit block that is archived. You must unarchive the block before editing."
    )
