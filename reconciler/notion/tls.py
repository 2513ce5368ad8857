"""The TLS context the gateway's HTTP clients verify Notion with, built once per process.

Building it loads the CA bundle (certifi's, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, as httpx
reads them: ``httpx.create_ssl_context``), 30-60 ms that used to sit between a command's start
and its first request. ``prepare`` starts that on a thread of its own (OpenSSL reads the bundle
without holding the interpreter's lock), so a command overlaps it with parsing its options and
reading its manifests; ``context`` is that context, waited for (built here when nothing
prepared it). Nothing is sent: a manifest that fails validation still asks Notion nothing.
"""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future

import httpx

__all__ = ["context", "prepare"]

_lock = threading.Lock()
_built: Future[ssl.SSLContext] | None = None


def prepare() -> None:
    """Start building the context on a thread, unless that was done already."""
    global _built  # noqa: PLW0603 - one context per process, shared by every client
    with _lock:
        if _built is not None:
            return
        _built = Future()
    threading.Thread(target=_build, args=(_built,), name="tls-context", daemon=True).start()


def context() -> ssl.SSLContext:
    """The process's context (its failure, such as an unreadable ``SSL_CERT_FILE``, raised
    here, as httpx would raise it building a client)."""
    prepare()
    assert _built is not None
    return _built.result()


def _build(built: Future[ssl.SSLContext]) -> None:
    try:
        built.set_result(httpx.create_ssl_context())
    except BaseException as error:  # noqa: BLE001 - handed to whoever waits for it
        built.set_exception(error)
