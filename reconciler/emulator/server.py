"""The emulator over TCP: a threaded HTTP/1.1 server on loopback running the WSGI application.

A small bridge instead of ``wsgiref`` so that a "drop the connection" fault can close the socket
without writing a byte (wsgiref would answer 500). Keep-alive connections are served one request
after another on their own thread. Used by :meth:`Emulator.serve` and the CLI.
"""

from __future__ import annotations

import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from reconciler.emulator.errors import ConnectionDropped

__all__ = ["EmulatorServer", "WsgiApp"]


class WsgiApp(Protocol):
    """A WSGI application (the Emulator)."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Answer one request."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        """Send small answers at once (Nagle plus delayed ACKs cost 40 ms a request)."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(target.path),
            "QUERY_STRING": target.query,
            "REMOTE_ADDR": self.client_address[0],
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
        }
        for key, value in self.headers.items():
            name = key.upper().replace("-", "_")
            if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[f"HTTP_{name}"] = value
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            del exc_info
            captured["status"] = status
            captured["headers"] = headers
            return lambda _data: None

        try:
            chunks = b"".join(self.server.app(environ, start_response))
        except ConnectionDropped:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        code, _, reason = str(captured["status"]).partition(" ")
        self.log_request(int(code))
        self.send_response_only(int(code), reason)
        self.send_header("Server", self.version_string())
        if not any(key.lower() == "date" for key, _ in captured["headers"]):
            self.send_header("Date", self.date_time_string())  # the app's own clock wins
        for key, value in captured["headers"]:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(chunks)

    def do_GET(self) -> None:
        """Answer a GET."""
        self._serve()

    def do_POST(self) -> None:
        """Answer a POST."""
        self._serve()

    def do_PATCH(self) -> None:
        """Answer a PATCH."""
        self._serve()

    def do_PUT(self) -> None:
        """Answer a PUT (the admin config)."""
        self._serve()

    def do_DELETE(self) -> None:
        """Answer a DELETE."""
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator keeps its own request log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: WsgiApp) -> None:
        self.app = app
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)


class EmulatorServer:
    """A running TCP server; ``url`` is its base URL (``http://127.0.0.1:PORT``)."""

    def __init__(self, app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="notion-emulator",
            daemon=True,
        )
        bound_host, bound_port = self._server.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        shown = f"[{host_text}]" if ":" in host_text else host_text
        self.host = host_text
        self.port = int(bound_port)
        self.url = f"http://{shown}:{self.port}"
        # socketserver's shutdown() waits for a serve_forever loop: never call it without one.
        self._served = threading.Event()

    def start(self) -> None:
        """Serve on a background thread."""
        self._served.set()
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve on the calling thread until :meth:`stop` (or Ctrl-C) ends it."""
        self._served.set()
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving (if it ever began) and release the port."""
        if self._served.is_set():
            self._server.shutdown()
        self._server.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
