"""Token redaction in log lines."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys

import pytest
import structlog

from reconciler import logs


def test_registered_secret_is_masked_in_every_field() -> None:
    """A registered token never reaches the log stream, whatever field carries it."""
    logs.register_secret("ntn_supersecretvalue123")
    stream = io.StringIO()
    logs.configure(debug=True, json_lines=True, stream=stream)
    structlog.get_logger().warning(
        "request failed ntn_supersecretvalue123",
        headers={"Authorization": "Bearer ntn_supersecretvalue123"},
        detail=["x", "ntn_supersecretvalue123"],
        token="ntn_supersecretvalue123",
    )
    line = stream.getvalue()
    assert "supersecretvalue" not in line
    record = json.loads(line)
    assert record["headers"]["Authorization"] == "********"


def test_bearer_and_notion_shaped_tokens_are_masked_even_unregistered() -> None:
    """Defence in depth: text that looks like a credential is masked too."""
    text = logs.redact("Authorization: Bearer abc.def-123 and secret_ABCDEFGHIJKL")
    assert "abc.def-123" not in text
    assert "ABCDEFGHIJKL" not in text


# --- secrets of the environment -------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "NOTION_TOKEN",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "NOTION_WEBHOOK_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "API_KEY",
        "STRIPE_APIKEY",
        "DB_PASSWORD",
        "PASSWORD_OF_ADA",
        "client_secret",
        "NPM_AUTH",
        "SSH_PRIVATE",
    ],
)
def test_names_of_secrets_look_secret(name: str) -> None:
    """*_TOKEN, *_SECRET, *_KEY, *PASSWORD* and their kin, in any case."""
    assert logs.looks_secret(name)


@pytest.mark.parametrize(
    "name", ["TASKS_DATABASE_ID", "NOTION_ROOT_PAGE", "TEAM", "HOME", "KEYBOARD", "AUTHOR"]
)
def test_ordinary_names_do_not_look_secret(name: str) -> None:
    """Ids, pages and ordinary settings are not secrets."""
    assert not logs.looks_secret(name)


def test_secret_values_are_those_of_secret_looking_variables_only() -> None:
    """Values of secret names count (not paths to secrets, not values too short to be one)."""
    environ = {
        "GITHUB_TOKEN": "ghs_runner_token_value",
        "DEPLOY_KEY": "k3y-material-123",
        "NOTION_TOKEN_FILE": "/run/secrets/notion",
        "CI_TOKEN": "1",
        "TASKS_DATABASE_ID": "1429989fe8ac4effbc8f57f56486db54",
    }
    assert logs.secret_values(environ) == {"ghs_runner_token_value", "k3y-material-123"}


def test_the_value_of_a_secret_looking_variable_is_masked_whatever_its_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A secret that looks like nothing in particular is masked because its name says secret."""
    monkeypatch.setenv("DEPLOY_PASSWORD", "correct horse battery staple")
    assert logs.redact("said: correct horse battery staple!") == "said: ********!"


def test_a_password_inside_a_url_is_masked() -> None:
    """redis://:pass@host and https://user:pass@host keep the user, lose the password."""
    assert logs.redact("redis://:hunter22@cache:6379/0 https://ada:pw@example.com/x") == (
        "redis://:********@cache:6379/0 https://ada:********@example.com/x"
    )


def test_secrets_in_names_what_the_text_holds_never_the_value() -> None:
    """The names of the variables whose values the text holds; nothing for clean text."""
    environ = {"GITHUB_TOKEN": "ghs_runner_token_value", "TEAM": "platform"}
    assert logs.secrets_in("Notes: ghs_runner_token_value", environ) == ["GITHUB_TOKEN"]
    assert logs.secrets_in("Notes: platform", environ) == []


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),
        (
            "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
            "\\x1b]8;;https://evil.example\\x07link\\x1b]8;;\\x07",
        ),
        ("a\rb", "a\\x0db"),
        ("\x9b2J", "\\x9b2J"),
        ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("line\u2028separator\u2029", "line\\u2028separator\\u2029"),
        ("next\x85line", "next\\x85line"),
        ("join\u200dme", "join\\u200dme"),
        ("lone \ud83d surrogate", "lone \\ud83d surrogate"),
    ],
)
def test_printable_shows_what_could_drive_a_terminal_or_hide_text(raw: str, shown: str) -> None:
    """Escapes, C1 controls, direction controls, invisible characters and line separators."""
    assert logs.printable(raw) == shown


def test_printable_keeps_ordinary_text_and_emoji_sequences() -> None:
    """Tabs, line breaks, accents and emoji joined by zero-width joiners are left alone."""
    text = "Écrire\tla doc 👩\u200d💻 🏳\ufe0f\u200d🌈\nfin"
    assert logs.printable(text) == text


def test_printable_keeps_only_the_sequences_it_is_told_to_keep() -> None:
    """Own colours pass; a foreign 'conceal' SGR next to them does not."""
    text = "\x1b[32m+\x1b[0m row \x1b[8mhidden"
    assert logs.printable(text, keep=logs.OWN_SEQUENCES) == "\x1b[32m+\x1b[0m row \\x1b[8mhidden"


_CONFIGURED_BEFORE_IMPORT = """
import io, sys
from reconciler import logs
stream = io.StringIO()
logs.configure(debug=True, json_lines=True, stream=stream)
imported_by_configure = "structlog" in sys.modules
import structlog
structlog.get_logger("demo").debug("seen", token="secret_abcdefghijklmnop")
sys.stdout.write(repr((imported_by_configure, stream.getvalue())))
"""


def test_configure_before_structlog_is_imported_applies_once_it_is() -> None:
    """Configuring does not import structlog; the first import gets the configuration (level,
    stream, JSON lines, redaction) before anything can log."""
    done = subprocess.run(
        [sys.executable, "-c", _CONFIGURED_BEFORE_IMPORT],
        capture_output=True,
        text=True,
        check=True,
    )
    imported_by_configure, written = ast.literal_eval(done.stdout)
    assert not imported_by_configure
    line = json.loads(written)
    assert (line["event"], line["level"], line["token"]) == ("seen", "debug", logs.MASK)


_MODULE_LOGGER = """
import io, sys
from reconciler import logs
stream = io.StringIO()
logs.configure(json_lines=True, stream=stream)
log = logs.logger("demo")
log.debug("dropped", token="secret_abcdefghijklmnop")
log.info("dropped too")
imported_below_the_level = "structlog" in sys.modules
log.warning("shown", token="secret_abcdefghijklmnop")
sys.stdout.write(repr((imported_below_the_level, stream.getvalue())))
"""


def test_a_module_logger_imports_structlog_only_for_a_message_that_is_shown() -> None:
    """``logger``: messages below the configured level import nothing and are dropped; the first
    one shown imports structlog, configured (level, stream, redaction)."""
    done = subprocess.run(
        [sys.executable, "-c", _MODULE_LOGGER], capture_output=True, text=True, check=True
    )
    imported_below_the_level, written = ast.literal_eval(done.stdout)
    assert not imported_below_the_level
    (line,) = [json.loads(text) for text in written.splitlines()]
    assert (line["event"], line["level"], line["token"]) == ("shown", "warning", logs.MASK)
