"""Token redaction in log lines."""

from __future__ import annotations

import io
import json

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
