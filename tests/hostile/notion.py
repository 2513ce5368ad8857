"""A hostile Notion on loopback: every request gets a Notion error whose message the test chose
(escape sequences, say), for checking what the reconciler does with what Notion says."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["hostile_notion_server"]


@contextmanager
def hostile_notion_server(
    message: str, *, status: int = 404, code: str = "object_not_found"
) -> Iterator[str]:
    """A server answering every request with this error; yields its base URL."""
    body = json.dumps({"object": "error", "status": status, "code": code, "message": message})

    class Refusal(BaseHTTPRequestHandler):
        def _refuse(self) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _refuse  # noqa: N815 - http.server's naming

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
