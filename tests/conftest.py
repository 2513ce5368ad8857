"""Shared fixtures for the whole suite: a local Notion (the emulator) and clients bound to it.

Fixtures:

``emulator``
    A fresh in-memory :class:`reconciler.emulator.Emulator`, reset (one root page,
    ``ROOT_PAGE_ID``, one bot user), rate limit off, accepting the token :data:`TOKEN` of the
    integration :data:`INTEGRATION`. Drive its admin API directly: ``emulator.seed({...})``,
    ``emulator.configure({...})``, ``emulator.requests()``, ``emulator.stats()``.
``notion``
    A real ``notion_client.Client`` bound in-process to ``emulator`` (httpx's WSGI transport),
    Notion-Version 2025-09-03, notion-client's own retry off. Never use it as ``with notion:``:
    notion-client then swaps in a plain httpx client and the requests would leave the process.
``notion_2026``
    The same at Notion-Version 2026-03-11.
``emulator_server``
    ``emulator`` served over TCP on 127.0.0.1 (a free port); ``.url`` is its base URL, for
    subprocess and CLI tests (``NOTION_BASE_URL=emulator_server.url``, ``NOTION_TOKEN=TOKEN``).
``tcp_notion``
    A ``notion_client.Client`` talking to ``emulator_server`` over TCP (retry off).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from notion_client import Client

from reconciler.emulator import ROOT_PAGE_ID, Emulator, EmulatorServer
from reconciler.notion.retry import RetryPolicy

__all__ = [
    "FAST_RETRIES",
    "INTEGRATION",
    "ROOT_PAGE_ID",
    "TOKEN",
    "in_process_client",
    "tcp_client",
]

TOKEN = "secret_reconciler_tests"
INTEGRATION = "Reconciler Tests"

FAST_RETRIES = RetryPolicy(
    max_attempts=12, initial_delay=0.001, max_delay=0.01, jitter=0.001, in_flight_seconds=0.0
)
"""Retries for gateways bound in-process to the emulator: quick, and with nothing to wait out in
flight (in-process, a request is over when its call returns)."""

# notion-client adds a console handler to its default logger for every Client; one quiet logger
# for all test clients keeps the output readable (records still reach pytest's capture).
_CLIENT_LOGGER = logging.getLogger("tests.notion_client")


def in_process_client(emulator: Emulator, version: str = "2025-09-03", token: str = TOKEN) -> Any:
    """A notion-client Client whose requests go straight into the emulator (no socket).

    Typed ``Any``: notion-client types every method as "a result or an awaitable of one", and
    these clients are synchronous.
    """
    transport = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    return Client(
        auth=token,
        client=transport,
        base_url="http://notion.emulator",
        notion_version=version,
        retry=False,
        logger=_CLIENT_LOGGER,
    )


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh in-memory emulator, reset, rate limit off, accepting TOKEN."""
    emu = Emulator(store=":memory:", tokens={TOKEN: INTEGRATION}, rate_limit=None)
    emu.reset()
    yield emu
    emu.close()


@pytest.fixture
def notion(emulator: Emulator) -> Any:
    """notion-client bound in-process to the emulator at Notion-Version 2025-09-03."""
    return in_process_client(emulator)


@pytest.fixture
def notion_2026(emulator: Emulator) -> Any:
    """notion-client bound in-process to the emulator at Notion-Version 2026-03-11."""
    return in_process_client(emulator, "2026-03-11")


@pytest.fixture
def emulator_server(emulator: Emulator) -> Iterator[EmulatorServer]:
    """The emulator served over TCP on loopback."""
    with emulator.serve(host="127.0.0.1", port=0) as server:
        yield server


def tcp_client(url: str, token: str = TOKEN) -> Any:
    """A notion-client Client for an emulator served at ``url`` (retry off; typed as above)."""
    return Client(auth=token, base_url=url, retry=False, logger=_CLIENT_LOGGER)


@pytest.fixture
def tcp_notion(emulator_server: EmulatorServer) -> Any:
    """notion-client talking to the emulator over TCP (retry off)."""
    return tcp_client(emulator_server.url)
