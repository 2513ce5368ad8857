"""Async tasks: a write asked for with ``allow_async`` is answered 202 with a task to poll.

Observed: ``PATCH /v1/pages/{id}/markdown`` with ``allow_async: true`` answers 202
``{"object": "async_task", "status": "queued", "poll_after_seconds": 2, ...}``; ``GET
/v1/async_tasks/{task_id}`` then shows ``"status": "succeeded"`` and the operation's answer under
``result``. The emulator does the work at once, so the first poll finds it done. Tasks are
visible to the integration that started them. Used by the page Markdown endpoint and the router.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from reconciler.emulator.calls import Call
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["accepted", "retrieve_task"]

_STATUS_URL = "https://api.notion.com/v1/async_tasks/"


def accepted(
    ws: Workspace, caller: Caller, operation: str, result: dict[str, Any]
) -> dict[str, Any]:
    """Store a finished task with this result; the queued task as the 202 answer shows it."""
    now = ws.now()
    task = Row(
        id=f"task_{uuid.uuid4().hex}",
        kind="async_task",
        created_time=now,
        last_edited_time=now,
        seq=ws.store.next_seq(),
        body={
            "operation": {"surface": "rest", "name": operation},
            "result": result,
            "shared": [caller.integration],
        },
    )
    ws.store.save(task)
    return {
        **_envelope(task, "queued"),
        "poll_after_seconds": 2,
        "operation": task.body["operation"],
    }


def retrieve_task(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/async_tasks/{task_id}``."""
    task = ws.find(("async_task",), call.params["task_id"], caller, "async_task")
    return {
        **_envelope(task, "succeeded"),
        "operation": task.body["operation"],
        "result": task.body["result"],
    }


def _envelope(task: Row, status: str) -> dict[str, Any]:
    created = task.created_time.astimezone(UTC).isoformat(timespec="milliseconds")
    return {
        "object": "async_task",
        "id": task.id,
        "status": status,
        "status_url": _STATUS_URL + task.id,
        "created_time": created.replace("+00:00", "Z"),
    }
