"""Who may call the admin API over HTTP: loopback callers of this server, never a web page.

The admin API (``/_emulator/...``) needs no token, so a page open in the user's browser must not
reach it: a cross-site ``fetch`` or form post (``Origin: http://attacker.example``,
``Content-Type: text/plain``) could reset or reseed a persistent ``--store``, and a DNS-rebinding
page reaches a loopback port under its own host name. A request is answered only when

- it comes from a loopback address;
- its ``Host`` is absent, a loopback name or address (``localhost``, ``127.0.0.1``, ``[::1]``,
  any port), or the host the server listens on;
- its ``Origin`` is absent (command-line clients send none) or a loopback origin;
- a body, when it has one, is declared ``application/json``.

A refused request changes nothing and gets a JSON ``{"error": ...}`` saying why. Used by the
WSGI application before it runs any admin endpoint.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Refusal", "admin_refusal"]

_LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class Refusal:
    """Why an admin request is not answered: the HTTP status and a message for the caller."""

    status: int
    message: str


def admin_refusal(environ: Mapping[str, Any]) -> Refusal | None:
    """The reason to refuse this admin request, or None when it may be answered."""
    if not _is_loopback(str(environ.get("REMOTE_ADDR", "127.0.0.1"))):
        return Refusal(403, "the admin API answers loopback callers only")
    host = environ.get("HTTP_HOST")
    if host is not None and not _host_allowed(str(host), environ):
        return Refusal(
            403,
            f"the admin API refuses Host {host!r}: call it as localhost, 127.0.0.1 or [::1] "
            "(another host name in Host is how DNS rebinding reaches a local server)",
        )
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and not _origin_allowed(str(origin)):
        return Refusal(
            403,
            f"the admin API refuses requests from web pages (Origin {origin!r}); call it from "
            "a script or the command line",
        )
    if _has_body(environ) and not _is_json(str(environ.get("CONTENT_TYPE") or "")):
        shown = environ.get("CONTENT_TYPE") or "none"
        return Refusal(
            415,
            f"the admin API takes JSON bodies only (Content-Type: application/json), "
            f"got Content-Type {shown}",
        )
    return None


def _is_loopback(address: str) -> bool:
    if address.lower() in _LOOPBACK_NAMES:
        return True
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)
    return bool(parsed.is_loopback or (mapped is not None and mapped.is_loopback))


def _hostname(authority: str) -> str:
    """The host of a ``host[:port]`` authority (brackets of an IPv6 address removed)."""
    parsed = urlsplit(f"//{authority}")
    try:
        return (parsed.hostname or "").lower()
    except ValueError:
        return ""


def _host_allowed(host: str, environ: Mapping[str, Any]) -> bool:
    name = _hostname(host)
    served = str(environ.get("SERVER_NAME") or "").lower()
    return bool(name) and (_is_loopback(name) or name == served)


def _origin_allowed(origin: str) -> bool:
    parsed = urlsplit(origin)
    if parsed.scheme not in ("http", "https"):
        return False  # "null" (sandboxed frames, file pages) and other schemes
    return _is_loopback(_hostname(parsed.netloc))


def _has_body(environ: Mapping[str, Any]) -> bool:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return True


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"
