"""structlog set-up: readable console lines on a TTY, JSON lines in CI, and token redaction.

The CLI calls ``configure`` once; every module logs through ``structlog.get_logger(__name__)``.
``register_secret`` adds a value that the redaction processor masks wherever it appears.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

__all__ = ["configure", "redact", "register_secret"]

_SENSITIVE_KEYS = re.compile(r"(?i)(token|authorization|auth|secret|password|api[_-]?key)")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-.=]+")
_NOTION_TOKENS = re.compile(r"\b(secret_|ntn_)[A-Za-z0-9]{8,}")
_MASK = "********"

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Mask this exact value in every log line from now on (values shorter than 4 are ignored)."""
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """The text with registered secrets, bearer credentials and Notion-looking tokens masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, _MASK)
    text = _BEARER.sub(lambda m: m.group(1) + _MASK, text)
    return _NOTION_TOKENS.sub(_MASK, text)


def _redact_value(key: str, value: Any) -> Any:
    if _SENSITIVE_KEYS.search(key) and value is not None and not isinstance(value, bool | int):
        return _MASK
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(key, v) for v in value]
    return value


def _redaction_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        event_dict[key] = _redact_value(key, event_dict[key])
    return event_dict


def configure(
    *,
    debug: bool = False,
    json_lines: bool | None = None,
    stream: TextIO | None = None,
    verbose: bool = False,
) -> None:
    """Route logs to stderr: JSON lines when not on a TTY (CI), console lines otherwise.

    Warnings and errors only, unless ``verbose`` (info too: the controller's cycle events) or
    ``debug`` (everything).
    """
    out = stream or sys.stderr
    if json_lines is None:
        json_lines = not out.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redaction_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
        ),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
