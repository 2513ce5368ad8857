"""What may reach an output: structlog set-up, secret redaction, control characters made visible.

The CLI calls ``configure`` once; every module logs through ``structlog.get_logger(__name__)``
(when nothing has imported structlog yet, ``configure`` applies itself the moment something does,
so commands that never log never import it). The gateway's modules, which every command talking
to Notion imports, log through ``logger(__name__)`` instead: structlog is imported by the first
message the configured level lets through, so a plan that only logs at debug level never imports
it (~20 ms).
``redact`` masks the values of known secrets whatever their shape: values given to
``register_secret`` (the token), the values of environment variables whose names look like
secrets (``looks_secret``: ``*_TOKEN``, ``*_SECRET``, ``*_KEY``, ``*PASSWORD*``, ...), bearer
credentials, Notion-shaped tokens and passwords inside URLs. ``printable`` shows control
characters, direction overrides, invisible characters and line separators as visible escapes, so
that text from Notion or a manifest cannot drive a terminal or hide what a reviewer reads. The
CLI's output streams apply both to everything they print; log lines, the audit log and the plan
files use ``redact`` too.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Final, TextIO

__all__ = [
    "MASK",
    "OWN_SEQUENCES",
    "configure",
    "logger",
    "looks_secret",
    "printable",
    "redact",
    "register_secret",
    "secret_values",
    "secrets_in",
]

MASK: Final = "********"

_SENSITIVE_KEYS = re.compile(r"(?i)(token|authorization|auth|secret|password|api[_-]?key)")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-.=]+")
_NOTION_TOKENS = re.compile(r"\b(secret_|ntn_)[A-Za-z0-9]{8,}")
_URL_PASSWORD = re.compile(r"(?<=://)([^/\s:@]*):[^/\s@]+@")
"""``scheme://user:password@host``: the password of credentials written into a URL."""

_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|(?:^|_)AUTH(?:_|$)"
    r"|KEYS?(?:_|$)"
)
_PATH_NAME = re.compile(r"_(FILE|PATH|DIR|SOCK|SOCKET)\Z")
_MIN_ENVIRONMENT_SECRET = 6
"""Shorter values (``1``, ``true``) would mask ordinary words everywhere; no real secret is."""

_secrets: set[str] = set()
_lock = threading.Lock()


class _Threshold:
    level: int | None = None
    """The level ``configure`` set (None: not configured, every message goes to structlog)."""


@functools.lru_cache(maxsize=4096)
def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret.

    ``NOTION_TOKEN``, ``GITHUB_TOKEN``, ``AWS_SECRET_ACCESS_KEY``, ``API_KEY``, ``DB_PASSWORD``,
    ``NPM_AUTH``: names holding TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, CREDENTIAL or
    PRIVATE, the word AUTH, or a word ending in KEY (any case).
    """
    return _SECRET_NAME.search(name.upper()) is not None


@functools.lru_cache(maxsize=4096)
def _holds_secret(name: str) -> bool:
    """A secret-looking name that does not name where a secret is kept (a file, a socket)."""
    return looks_secret(name) and not _PATH_NAME.search(name.upper())


def _secret_variables(environ: Mapping[str, str]) -> dict[str, str]:
    # Called for every write and log line: the names' verdicts are cached, the values are not
    # (the environment may change between calls).
    return {
        name: value
        for name, value in environ.items()
        if len(value) >= _MIN_ENVIRONMENT_SECRET and _holds_secret(name)
    }


def secret_values(environ: Mapping[str, str]) -> set[str]:
    """The values of the secret-looking variables of ``environ`` (not those naming a file,
    path or folder where a secret is kept, which are paths people need to read)."""
    return set(_secret_variables(environ).values())


def register_secret(value: str) -> None:
    """Mask this exact value in every output from now on (values shorter than 4 are ignored)."""
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)


def _known_secrets() -> list[str]:
    with _lock:
        known = set(_secrets)
    known |= secret_values(os.environ)
    return sorted(known, key=len, reverse=True)  # the longest first: one may contain another


def redact(text: str) -> str:
    """The text with known secrets, bearer credentials, URL passwords and Notion-looking tokens
    masked."""
    for secret in _known_secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
    return _NOTION_TOKENS.sub(MASK, text)


def secrets_in(text: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Which known secrets the text holds, by name: the secret-looking environment variables
    whose values it contains, and ``the Notion token`` for a registered secret; empty when it
    holds none. Never the values themselves."""
    env = os.environ if environ is None else environ
    found = sorted(name for name, value in _secret_variables(env).items() if value in text)
    with _lock:
        registered = any(secret in text for secret in _secrets)
    if registered and not found:
        found.append("the Notion token")
    return found


# --- control characters -----------------------------------------------------------------------

OWN_SEQUENCES: Final = re.compile(r"\x1b\[(?:0|1|2|22|3[1-6]|90)m|\r\x1b\[\?25l|\x1b\[\?25h|\A\r")
"""The escape sequences the reconciler writes itself: SGR colours, bold and normal (plan,
doctor), click's progress bar hiding and showing the cursor, and the carriage return that starts
a progress line redrawn in place (only as the first character of a write). Nothing else reaches
a terminal."""

_VISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (tab and line break kept), DEL, C1 (NEL included)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # direction marks, embeddings, overrides
    "\u200b-\u200d\u2060-\u2064\ufeff"  # zero-width and invisible characters
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff\ufffe\uffff]"  # lone surrogates and non-characters: no encoding takes them
)
_ZWJ = "\u200d"
_EMOJI_CATEGORIES = frozenset({"So", "Sk"})


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner between two emoji (👩‍💻) is part of how they are drawn."""
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or not after:
        return False
    before_is_emoji = before == "\ufe0f" or unicodedata.category(before) in _EMOJI_CATEGORIES
    return before_is_emoji and unicodedata.category(after) in _EMOJI_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep: re.Pattern[str] | None = None) -> str:
    """The text with every character that could drive a terminal or hide text from a reader
    shown as a visible escape (``\\x1b``, ``\\u202e``); tab and line break stay, and so do the
    sequences ``keep`` matches (the reconciler's own colours)."""
    if keep is None:
        return _VISIBLE.sub(lambda m: _visible(m, text), text)
    parts: list[str] = []
    start = 0
    for own in keep.finditer(text):
        parts.append(printable(text[start : own.start()]))
        parts.append(own.group())
        start = own.end()
    parts.append(printable(text[start:]))
    return "".join(parts)


def _visible(match: re.Match[str], text: str) -> str:
    char = match.group()
    if char == _ZWJ and _joins_emoji(text, match.start()):
        return char
    return _escape(char)


# --- structlog ----------------------------------------------------------------------------------


def _redact_value(key: str, value: Any) -> Any:
    if _SENSITIVE_KEYS.search(key) and value is not None and not isinstance(value, bool | int):
        return MASK
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
    quiet: bool = False,
) -> None:
    """Route logs to stderr: JSON lines when not on a TTY (CI), console lines otherwise.

    Warnings and errors only, unless ``verbose`` (info too: the controller's cycle events) or
    ``debug`` (everything); errors only when ``quiet``.
    """
    out = stream or sys.stderr
    level = (
        logging.DEBUG
        if debug
        else logging.ERROR
        if quiet
        else logging.INFO
        if verbose
        else logging.WARNING
    )
    settings = _Settings(out, not out.isatty() if json_lines is None else json_lines, level)
    _Threshold.level = level
    if "structlog" in sys.modules:
        _apply(settings)
        return
    # Nothing that logs is imported yet (every module that logs imports structlog): configure
    # structlog the moment it is imported, so that commands that never log (``--help``,
    # ``validate``) do not pay for importing it.
    for finder in [f for f in sys.meta_path if isinstance(f, _ConfigureOnImport)]:
        sys.meta_path.remove(finder)
    sys.meta_path.insert(0, _ConfigureOnImport(settings))


@dataclass(frozen=True)
class _Settings:
    """What ``configure`` was asked for, kept until structlog is imported."""

    out: TextIO
    json_lines: bool
    level: int


class _ConfigureOnImport(importlib.abc.MetaPathFinder):
    """Finds structlog as the other finders do, and configures it once it has been executed."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != "structlog":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ConfiguringLoader(spec.loader, self.settings)
        return spec


class _ConfiguringLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, settings: _Settings) -> None:
        self._loader = loader
        self._settings = settings

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _apply(self._settings)


def _apply(settings: _Settings) -> None:
    import structlog  # here, not at the top: configure may run before anything logs

    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.json_lines
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
        wrapper_class=structlog.make_filtering_bound_logger(settings.level),
        logger_factory=structlog.PrintLoggerFactory(file=settings.out),
        cache_logger_on_first_use=False,
    )


class Logger:
    """A module's logger (``logger``): messages below the configured level are dropped before
    structlog is imported; the others go to ``structlog.get_logger(name)``, as they are."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def debug(self, event: str, **fields: Any) -> None:
        self._log(logging.DEBUG, "debug", event, fields)

    def info(self, event: str, **fields: Any) -> None:
        self._log(logging.INFO, "info", event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._log(logging.WARNING, "warning", event, fields)

    def error(self, event: str, **fields: Any) -> None:
        self._log(logging.ERROR, "error", event, fields)

    def _log(self, level: int, method: str, event: str, fields: dict[str, Any]) -> None:
        if _Threshold.level is not None and level < _Threshold.level:
            return  # structlog's filtering logger would drop it too
        import structlog

        getattr(structlog.get_logger(self._name), method)(event, **fields)


def logger(name: str) -> Logger:
    """The logger of the module ``name``, importing structlog only for a message that is shown."""
    return Logger(name)
