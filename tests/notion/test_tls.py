"""The TLS context built once per process, on a thread a command starts before its first request."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.notion import tls


@pytest.fixture(autouse=True)
def unbuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in a process that has built no context yet."""
    monkeypatch.setattr(tls, "_built", None)


def test_the_context_is_httpx_own_default_built_once() -> None:
    """prepare() starts the one build; context() waits for it and hands the same context to
    every client: verifying certificates and host names, as httpx's default does."""
    tls.prepare()
    tls.prepare()
    first, second = tls.context(), tls.context()
    assert first is second
    default = httpx.create_ssl_context()
    assert (first.verify_mode, first.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert (first.verify_mode, first.check_hostname) == (
        default.verify_mode,
        default.check_hostname,
    )
    assert first.cert_store_stats() == default.cert_store_stats()


def test_context_builds_it_when_nothing_prepared_it() -> None:
    assert isinstance(tls.context(), ssl.SSLContext)


def test_a_failing_build_is_raised_by_context_as_httpx_raises_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSL_CERT_FILE naming no file: the error httpx raises building a client, from context()."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(OSError) as direct:
        httpx.create_ssl_context()
    tls.prepare()
    with pytest.raises(OSError) as prepared:
        tls.context()
    assert (type(prepared.value), str(prepared.value)) == (type(direct.value), str(direct.value))


@pytest.mark.parametrize(("local", "built"), [(False, True), (True, False)])
def test_commands_against_notion_start_building_it_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local: bool, built: bool
) -> None:
    """A command that talks to Notion starts the build as its options are parsed, before its
    manifests are read (here they fail to load: nothing is sent); --local never needs it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NOTION_TOKEN", "secret_not_used")
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", *(["--local"] if local else [])])
    assert result.exit_code != 0
    assert (tls._built is not None) is built
