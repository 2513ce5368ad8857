"""Settings, the Secret type and the endpoint checks of reconciler.config."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from reconciler import logs
from reconciler.config import (
    DEFAULT_BASE_URL,
    STATE_DIR_VARIABLE,
    Secret,
    Settings,
    resolve_base_url,
    resolve_lock_url,
    resolve_token,
    state_folder,
)
from reconciler.errors import ConfigError


def test_secret_never_shows_itself_in_str_repr_or_format() -> None:
    """The token is masked everywhere it could be printed."""
    secret = Secret("secret_abcdefghijklmnop")
    shown = [str(secret), repr(secret), f"{secret}", f"{secret!r}", str([secret])]
    assert all("abcdefghijklmnop" not in text for text in shown)
    assert secret.reveal() == "secret_abcdefghijklmnop"


def test_secret_refuses_to_be_pickled() -> None:
    """Pickling would write the token somewhere; it is refused."""
    with pytest.raises(TypeError):
        pickle.dumps(Secret("secret_x"))


def test_token_comes_from_environment_or_file(tmp_path: Path) -> None:
    """NOTION_TOKEN wins; NOTION_TOKEN_FILE is read and stripped."""
    assert resolve_token({"NOTION_TOKEN": " ntn_1 "}).reveal() == "ntn_1"
    token_file = tmp_path / "token"
    token_file.write_text("ntn_2\n", encoding="utf-8")
    assert resolve_token({"NOTION_TOKEN_FILE": str(token_file)}).reveal() == "ntn_2"


def test_missing_token_says_how_to_set_one() -> None:
    """No token: a ConfigError that names NOTION_TOKEN and --local."""
    with pytest.raises(ConfigError) as info:
        resolve_token({})
    assert "NOTION_TOKEN" in str(info.value)
    assert "--local" in str(info.value)


def test_unreadable_token_file_is_a_clear_error(tmp_path: Path) -> None:
    """A token file that does not exist is named in the error."""
    with pytest.raises(ConfigError, match="cannot be read"):
        resolve_token({"NOTION_TOKEN_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", DEFAULT_BASE_URL),
        ("https://api.notion.com", "https://api.notion.com"),
        ("https://proxy.example.com:8443/", "https://proxy.example.com:8443"),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
        ("http://localhost:8787", "http://localhost:8787"),
        ("http://[::1]:8787", "http://[::1]:8787"),
    ],
)
def test_base_url_accepts_https_and_loopback_http(raw: str, expected: str) -> None:
    """https anywhere and http on loopback are accepted, normalised to an origin."""
    assert resolve_base_url({"NOTION_BASE_URL": raw}) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://example.com",
        "http://10.0.0.1:8787",
        "file:///etc/passwd",
        "ftp://127.0.0.1:9/",
        "https://api.notion.com/v1",
        "https://user:pw@api.notion.com",
        "not a url",
        "http://127.0.0.1:port",
        "http://[::1",
        "http://127.0.0.1:99999",
    ],
)
def test_base_url_refuses_anything_else(raw: str) -> None:
    """Plain http off loopback, other schemes and paths are refused with a hint."""
    with pytest.raises(ConfigError) as info:
        resolve_base_url({"NOTION_BASE_URL": raw})
    assert info.value.hint


def test_settings_defaults_match_the_design() -> None:
    """Defaults: 3 rps, burst 10, 30% of 10+ rows, 25 deletes, version 2025-09-03."""
    settings = Settings.from_mapping({})
    assert settings.rate_limit.rps == 3.0
    assert settings.rate_limit.burst == 10
    assert settings.gates.max_delete_fraction == 0.3
    assert settings.gates.min_rows_for_fraction == 10
    assert settings.gates.max_deletes == 25
    assert settings.notion_version == "2025-09-03"


def test_settings_refuse_an_unknown_notion_version() -> None:
    """Only the versions the reconciler speaks are accepted."""
    with pytest.raises(ConfigError, match="not supported"):
        Settings.from_mapping({"notion_version": "2022-06-28"})


# --- a token that cannot be sent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "found"),
    [
        ("ntn_first_half\nntn_second_half", "a line break (character 15 of 30)"),
        ("ntn_abc\u00e9defghijklmnop", "a non-ASCII character (character 8 of 21)"),
        ("Bearer ntn_abcdefghijklmnop", "a space or control character (character 7 of 27)"),
    ],
)
def test_a_token_that_cannot_be_sent_is_refused_at_start_up(token: str, found: str) -> None:
    """Not 8 retries and "Notion is unavailable": a message about the token, without it."""
    with pytest.raises(ConfigError) as info:
        resolve_token({"NOTION_TOKEN": token})
    message = str(info.value)
    assert f"the Notion token in NOTION_TOKEN holds {found}" in message
    assert "abcdefghijklmnop" not in message
    assert "half" not in message


def test_a_token_file_with_two_lines_is_refused_naming_the_file(tmp_path: Path) -> None:
    """A token file holding a second line (a comment, another token) is named in the error."""
    token_file = tmp_path / "token"
    token_file.write_text("ntn_one\nntn_two\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"the file NOTION_TOKEN_FILE names .* holds a line break"
    ):
        resolve_token({"NOTION_TOKEN_FILE": str(token_file)})


def test_the_token_is_masked_from_the_moment_it_is_read() -> None:
    """Any output redacted after resolve_token masks the token, whatever its shape."""
    resolve_token({"NOTION_TOKEN": "plainTokenWithoutPrefix42"})
    assert logs.redact("sent plainTokenWithoutPrefix42") == "sent ********"


# --- the state folder ----------------------------------------------------------------------------


@pytest.mark.parametrize("state_dir", ["../../elsewhere", "state/../../out", "/var/tmp/state"])
def test_state_dir_of_the_settings_stays_inside_the_repository(state_dir: str) -> None:
    """reconciler.yaml cannot move the lock, journal, audit log and undo plans out."""
    with pytest.raises(ConfigError) as info:
        Settings.from_mapping({"state_dir": state_dir})
    assert STATE_DIR_VARIABLE in str(info.value)


def test_a_relative_state_dir_inside_the_repository_is_accepted() -> None:
    """A folder below the root, even written with .. inside it, is fine."""
    assert Settings.from_mapping({"state_dir": "state/../.state"}).state_dir == "state/../.state"


def test_the_state_folder_may_be_moved_anywhere_from_the_environment(tmp_path: Path) -> None:
    """RECONCILER_STATE_DIR (an absolute path, or relative to the current directory) wins."""
    settings = Settings()
    elsewhere = tmp_path / "elsewhere"
    assert state_folder(settings, tmp_path / "repo", {}) == tmp_path / "repo" / ".reconciler"
    assert state_folder(settings, tmp_path / "repo", {STATE_DIR_VARIABLE: str(elsewhere)}) == (
        elsewhere
    )


def test_the_apply_lock_comes_from_reconciler_yaml_or_the_environment() -> None:
    """`lock:` in reconciler.yaml names the Redis of the apply lock; RECONCILER_LOCK_URL wins."""
    settings = Settings.from_mapping({"lock": "redis://locks.internal:6379/2"})
    assert resolve_lock_url(settings, {}) == "redis://locks.internal:6379/2"
    assert resolve_lock_url(Settings(), {}) is None
    environ = {"RECONCILER_LOCK_URL": "rediss://other:6380/0"}
    assert resolve_lock_url(settings, environ) == "rediss://other:6380/0"


@pytest.mark.parametrize("raw", ["http://locks:6379", "redis://", "redis://locks:port/0"])
def test_a_lock_that_is_not_a_redis_url_is_refused(raw: str) -> None:
    """Anything but redis:// or rediss:// with a host is a clear error saying what to give."""
    with pytest.raises(ConfigError) as caught:
        Settings.from_mapping({"lock": raw})
    assert caught.value.message.startswith("reconciler.yaml: lock")
    assert "redis://HOST:PORT/DB" in (caught.value.hint or "")


def test_the_lock_urls_password_is_a_secret() -> None:
    """A password in RECONCILER_LOCK_URL is masked in every output from the moment it is read,
    and never echoed by a refusal."""
    url = "redis://:lockPassw0rdSecret@locks:6379/0"
    resolve_lock_url(Settings(), {"RECONCILER_LOCK_URL": url})
    assert "lockPassw0rdSecret" not in logs.redact("connected with lockPassw0rdSecret")
    with pytest.raises(ConfigError) as caught:
        resolve_lock_url(Settings(), {"RECONCILER_LOCK_URL": "http://:otherPassw0rd@locks:6379"})
    assert "otherPassw0rd" not in str(caught.value)
