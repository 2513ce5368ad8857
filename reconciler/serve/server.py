"""Serving the endpoints over HTTP with waitress, on a thread of their own, and stopping them.

``HttpServer(app, host, port)`` binds at once (port 0: a free one, see ``port``), ``start()``
serves on a daemon thread and ``stop()`` closes the listening socket and every open connection,
then waits for waitress's worker threads. waitress also bounds what a request may send: the
body (``max_body``), the headers and the number of connections.
"""

from __future__ import annotations

import threading
from wsgiref.types import WSGIApplication

from waitress.server import create_server

__all__ = ["HttpServer", "parse_listen"]


def parse_listen(value: str) -> tuple[str, int]:
    """``"127.0.0.1:8080"`` → (host, port); ``"[::1]:8080"`` for IPv6; ValueError otherwise."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{value!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


class HttpServer:
    """waitress serving one WSGI application until ``stop()``."""

    def __init__(
        self, app: WSGIApplication, host: str, port: int, *, max_body: int = 1024 * 1024
    ) -> None:
        # Our own socket map: stop() closes every connection in it.
        self._sockets: dict[int, object] = {}
        self._server = create_server(
            app,
            map=self._sockets,
            host=host,
            port=port,
            threads=4,
            connection_limit=100,
            max_request_body_size=max_body,
            max_request_header_size=64 * 1024,
            channel_timeout=30,
            ident="reconciler",
            clear_untrusted_proxy_headers=True,
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="serve-http", daemon=True)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        # waitress's own run() loops forever; this loop checks for stop() between polls, and
        # closes the sockets on this thread (closing them under a running poll breaks it).
        server = self._server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=0.5, map=self._sockets, use_poll=True, count=1)
        finally:
            for channel in list(self._sockets.values()):
                close = getattr(channel, "close", None)
                if close is not None:
                    close()
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)

    def stop(self) -> None:
        """Close the socket and the connections; wait (briefly) for the threads to end."""
        self._stopping.set()
        if self._thread.ident is None:  # never started: close on this thread
            self._serve()
            return
        self._server.pull_trigger()
        self._thread.join(timeout=10)
