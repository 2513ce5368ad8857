"""Fixtures for the gateway tests: an emulated workspace, a recording transport, manifest builders.

The emulator (``reconciler.emulator``) is driven by the real notion-client through the gateway;
``Recorder`` wraps the transport so a test can count and inspect what the gateway sent.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from reconciler.config import RateLimitSettings, Secret, Settings
from reconciler.emulator.app import DEFAULT_TOKEN, Emulator
from reconciler.model import (
    JSON,
    DesiredDatabase,
    DesiredRow,
    DesiredState,
    PropertySpec,
    SourceLocation,
)
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.readspec import ReadSpec, read_spec
from tests.conftest import FAST_RETRIES

ROOT_PAGE = "00000000-0000-4000-8000-000000000001"
TASKS_DB = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
TASKS_DS = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
PROJECTS_DB = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PROJECTS_DS = "5b2c3d4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"


@dataclass(frozen=True)
class Sent:
    """One request the gateway sent."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: Any

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


class Recorder(httpx.BaseTransport):
    """A transport that records every request, then hands it to the real one.

    A "drop the connection" fault reaches the client as ``httpx.RemoteProtocolError`` both
    in-process and over TCP, so the recorder passes it through.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        query = tuple(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        self.sent.append(Sent(request.method, request.url.path, query, body))
        return self.inner.handle_request(request)

    def matching(self, method: str, path_part: str) -> list[Sent]:
        return [s for s in self.sent if s.method == method and path_part in s.path]

    def queries(self) -> list[Sent]:
        return [s for s in self.sent if s.method == "POST" and s.path.endswith("/query")]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """An emulated workspace without rate limit (tests that need one configure it)."""
    emulator = Emulator(rate_limit=None, seed=7)
    yield emulator
    emulator.close()


GatewayFactory = Callable[..., tuple[NotionGateway, Recorder]]


@pytest.fixture
def connect(emu: Emulator) -> Iterator[GatewayFactory]:
    """Build gateways over the in-process emulator; each returns (gateway, recorder)."""
    opened: list[NotionGateway] = []

    def factory(
        *,
        token: str = DEFAULT_TOKEN,
        rps: float = 0,
        notion_version: str = "2025-09-03",
        **kwargs: Any,
    ) -> tuple[NotionGateway, Recorder]:
        recorder = Recorder(httpx.WSGITransport(app=emu))
        gateway = NotionGateway(
            Secret(token),
            base_url="http://127.0.0.1:8787",
            notion_version=notion_version,
            rate_limit=RateLimitSettings(rps=rps),
            retry=kwargs.pop("retry", FAST_RETRIES),
            http_client=httpx.Client(transport=recorder),
            **kwargs,
        )
        opened.append(gateway)
        return gateway, recorder

    yield factory
    for gateway in opened:
        gateway.close()


# --- redis ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A redis-server of its own on a free loopback port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- seeding -------------------------------------------------------------------------------------


def text(content: str) -> list[JSON]:
    return [{"type": "text", "text": {"content": content}}]


def seed_database(
    emu: Emulator,
    database_id: str,
    data_source_id: str,
    title: str,
    properties: Mapping[str, Any],
    *,
    parent: str = ROOT_PAGE,
    **extra: Any,
) -> None:
    emu.seed(
        {
            "databases": [
                {
                    "id": database_id,
                    "parent": {"type": "page_id", "page_id": parent},
                    "title": text(title),
                    "data_sources": [{"id": data_source_id, "properties": dict(properties)}],
                    **extra,
                }
            ]
        }
    )


def page_id(n: int, prefix: str = "3f6b8e4c-2d5a-4b7c-8e9f") -> str:
    return f"{prefix}-{n:012x}"


def row_page(
    data_source_id: str,
    n: int,
    values: Mapping[str, Any],
    *,
    created_time: str = "2026-05-01T10:00:00.000Z",
    in_trash: bool = False,
    prefix: str = "3f6b8e4c-2d5a-4b7c-8e9f",
) -> dict[str, Any]:
    return {
        "id": page_id(n, prefix),
        "parent": {"type": "data_source_id", "data_source_id": data_source_id},
        "created_time": created_time,
        "in_trash": in_trash,
        "properties": dict(values),
    }


def minute(n: int) -> str:
    """The n-th minute after 2026-05-01 08:00 UTC, as Notion writes created_time."""
    hours, minutes = divmod(n, 60)
    days, hours = divmod(8 + hours, 24)
    return f"2026-05-{1 + days:02d}T{hours:02d}:{minutes:02d}:00.000Z"


# --- desired state -------------------------------------------------------------------------------

LOCATION = SourceLocation("manifests/tasks.yaml", 1, 1)


def spec(name: str, kind: str, **config: JSON) -> PropertySpec:
    return PropertySpec(name=name, type=kind, config=config, location=LOCATION)


def desired_database(
    handle: str,
    title: str,
    properties: Sequence[PropertySpec],
    *,
    key: str = "Name",
    keys: Sequence[str] = (),
    **extra: Any,
) -> DesiredDatabase:
    rows = tuple(DesiredRow(k, {}, LOCATION) for k in keys)
    return DesiredDatabase(
        handle=handle,
        title=title,
        key=key,
        properties=tuple(properties),
        rows=rows,
        location=LOCATION,
        **extra,
    )


def desired_state(*databases: DesiredDatabase) -> DesiredState:
    return DesiredState(databases=tuple(databases), settings=Settings(), root=Path("."))


def specs_of(*databases: DesiredDatabase) -> tuple[ReadSpec, ...]:
    """What the gateway reads of these manifests' databases."""
    return tuple(read_spec(database) for database in databases)
