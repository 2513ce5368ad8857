"""Hints shared between replicas through Redis, so that the leader acts on every event.

Notion delivers each event once, to one address; behind a Kubernetes Service that is any one
replica, often not the leader. Every replica pushes the hints of the events it receives onto
one Redis list (bounded in length and time), and the leader drains the list at the start of
each cycle and checks it between cycles. A Redis failure only loses the sharing: the replica
keeps its own hints, and the full read every ``--full-every`` covers the rest.
"""

from __future__ import annotations

import json
from typing import Protocol, cast

import structlog

from reconciler.serve.webhooks import Hint

__all__ = ["HintRelay", "RedisHintRelay"]

log = structlog.get_logger(__name__)

_KEY_PREFIX = "notion-reconciler:hints:"
_MAX_WAITING = 10_000
_EXPIRY_SECONDS = 3600


class HintRelay(Protocol):
    """Where replicas leave hints for the leader."""

    def push(self, hint: Hint) -> None: ...

    def waiting(self) -> bool: ...

    def drain(self) -> list[Hint]: ...


class _Pipeline(Protocol):
    def lrange(self, key: str, start: int, end: int) -> object: ...

    def delete(self, key: str) -> object: ...

    def execute(self) -> list[object]: ...


class RedisHintRelay:
    """A ``HintRelay`` on one Redis list (the client from ``connect_redis``)."""

    def __init__(self, client: object, name: str) -> None:
        self._client = client
        self._key = _KEY_PREFIX + name
        from redis.exceptions import RedisError

        self._error: type[Exception] = RedisError

    def push(self, hint: Hint) -> None:
        record = json.dumps(
            {"database": hint.database, "page_id": hint.page_id, "type": hint.event_type}
        )
        client = cast("_Client", self._client)
        try:
            client.rpush(self._key, record)
            client.ltrim(self._key, -_MAX_WAITING, -1)
            client.expire(self._key, _EXPIRY_SECONDS)
        except self._error as error:
            log.warning("hint not shared with the leader", reason=type(error).__name__)

    def waiting(self) -> bool:
        try:
            return bool(cast("_Client", self._client).llen(self._key))
        except self._error:
            return False

    def drain(self) -> list[Hint]:
        pipeline = cast("_Client", self._client).pipeline(transaction=True)
        pipeline.lrange(self._key, 0, -1)
        pipeline.delete(self._key)
        try:
            records = cast("list[bytes]", pipeline.execute()[0])
        except self._error as error:
            log.warning("shared hints not read", reason=type(error).__name__)
            return []
        hints = []
        for raw in records:
            record = json.loads(raw)
            hints.append(Hint(record["database"], record["page_id"], "", record["type"]))
        return hints


class _Client(Protocol):
    def rpush(self, key: str, value: str) -> object: ...

    def ltrim(self, key: str, start: int, end: int) -> object: ...

    def expire(self, key: str, seconds: int) -> object: ...

    def llen(self, key: str) -> int: ...

    def pipeline(self, *, transaction: bool) -> _Pipeline: ...
