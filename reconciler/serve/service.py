"""The controller assembled: engine, loop, leadership, webhooks, metrics and the HTTP server.

``reconciler serve`` builds a ``Service`` from the gateway it opened and a ``ServeConfig``,
calls ``start()`` (binds the endpoints, takes part in the leader election, starts the loop on a
thread), and on SIGTERM ``shutdown()`` then ``stop()``: the loop ends after the writes in flight
(waiting longer than ``shutdown_grace`` only while an apply is under way, whose writes are
bounded by the gateway's timeouts), then the lease is released and the endpoints close.

The webhook verification token Notion sends when a subscription is created is added to
``webhook-verification-token`` in the state folder (mode 0600), one line per handshake with the
time it came, not to the log: logs are read more widely than the state folder, and the log
redaction would mask it anyway. The handshake is unsigned by nature, so anyone who can reach the
endpoint can send one: a later handshake never replaces an earlier line, and the log says how
many the file holds, so an operator is not talked into verifying a stranger's token.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import structlog

from reconciler.apply.records.redis_lease import RedisLease
from reconciler.model import DesiredState
from reconciler.notion.gateway import Gateway
from reconciler.notion.redis_limiter import connect_redis
from reconciler.serve.breaker import CircuitBreaker
from reconciler.serve.controller import Controller, ControllerOptions, record_change
from reconciler.serve.engine import Engine
from reconciler.serve.hints import HintQueue
from reconciler.serve.http import ControllerApp, Endpoints
from reconciler.serve.leadership import Leadership, LeaseLeadership, SoleReplica
from reconciler.serve.metrics import ControllerMetrics
from reconciler.serve.relay import HintRelay, RedisHintRelay
from reconciler.serve.server import HttpServer
from reconciler.serve.status import Board, StatusBoard
from reconciler.serve.webhooks import WebhookReceiver

__all__ = ["ServeConfig", "Service"]

log = structlog.get_logger(__name__)

LEASE_NAME = "reconciler-serve"
TOKEN_FILE = "webhook-verification-token"  # noqa: S105 - a file name


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``reconciler serve`` was asked for."""

    host: str = "127.0.0.1"
    port: int = 8080
    controller: ControllerOptions = field(default_factory=ControllerOptions)
    webhook_token: str | None = None
    lock_url: str | None = None
    lease_seconds: float = 30.0
    state_dir: Path = Path(".reconciler")
    shutdown_grace: float = 20.0
    workers: int = 4


def _relay(config: ServeConfig) -> HintRelay | None:
    """Hints shared through the lock's Redis when there are several replicas."""
    if not config.lock_url:
        return None
    return RedisHintRelay(connect_redis(config.lock_url), LEASE_NAME)


class Service:
    """The running controller (see the module docstring)."""

    def __init__(
        self, gateway: Gateway, load: Callable[[], DesiredState], config: ServeConfig
    ) -> None:
        self.config = config
        self.metrics = ControllerMetrics(gateway.stats)
        self._hints = HintQueue(relay=_relay(config))
        self._board = StatusBoard(Board(auto_apply=config.controller.auto_apply))
        self._breaker = CircuitBreaker()
        self._leadership = self._elect(config)
        self._engine = Engine(
            gateway,
            load,
            state_dir=config.state_dir,
            workers=config.workers,
            lock_url=config.lock_url,
            before_write=self._leadership.fence,
            on_change=record_change(self.metrics),
        )
        self.controller = Controller(
            self._engine,
            config.controller,
            leadership=self._leadership,
            board=self._board,
            breaker=self._breaker,
            metrics=self.metrics,
            hints=self._hints,
        )
        receiver = WebhookReceiver(
            config.webhook_token,
            self.controller.catalogue,
            on_verification=self._keep_verification_token,
        )
        self.app = ControllerApp(
            Endpoints(self._board, self._breaker, self.metrics, receiver, self._hints, self._alive)
        )
        self._http = HttpServer(self.app, config.host, config.port)
        self._loop = threading.Thread(target=self.controller.run, name="serve-loop", daemon=True)

    def _elect(self, config: ServeConfig) -> Leadership:
        if not config.lock_url:
            return SoleReplica()
        lease = RedisLease.from_url(config.lock_url, LEASE_NAME, ttl_seconds=config.lease_seconds)
        return LeaseLeadership(
            lease,
            lost=self._leadership_lost,
            changed=lambda leader: self.metrics.leader.set(int(leader)),
        )

    def _leadership_lost(self) -> None:
        self.controller.leadership_lost()

    @property
    def url(self) -> str:
        """Where the endpoints answer."""
        return self._http.url

    def _alive(self) -> bool:
        return self._loop.is_alive() or not self._loop.ident

    def start(self) -> None:
        self._http.start()
        self._leadership.start()
        self.metrics.leader.set(int(self._leadership.is_leader()))
        self._loop.start()
        log.info("serving", url=self.url, auto_apply=self.config.controller.auto_apply)

    def shutdown(self) -> None:
        """Ask the loop to stop (from a signal handler: only sets events)."""
        self.controller.shutdown()

    def stop(self) -> None:
        """Wait for the loop (see the module docstring), then release the lease and close."""
        deadline = time.monotonic() + self.config.shutdown_grace
        while self._loop.is_alive():
            self._loop.join(timeout=0.2)
            if time.monotonic() > deadline and not self.controller.applying:
                log.warning("stopping during a read; nothing was being written")
                break
        self._leadership.close()
        self._http.stop()

    def _keep_verification_token(self, token: str) -> None:
        path = self.config.state_dir / TOKEN_FILE
        fingerprint = hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]
        received = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as file:
                file.write(f"{received} {token}\n")
            kept = len(path.read_text(encoding="utf-8").splitlines())
        except OSError as error:
            log.error("webhook verification token not kept", reason=error.strerror)  # noqa: TRY400 - the reason says it all
            return
        log.warning(
            "webhook verification token received: paste it into Notion to verify the"
            " subscription, and set NOTION_WEBHOOK_TOKEN to it (the file's last line; with"
            " several lines, take the one received when you created the subscription)",
            file=str(path),
            fingerprint=fingerprint,
            tokens_in_file=kept,
        )
