"""The audit log: who did what to which row, with Notion's request id, never the token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.apply.records.audit import AuditLog, AuditRecord, current_actor
from reconciler.logs import register_secret

TOKEN = "ntn_audit_log_test_token_0123456789abcdef"


def test_each_record_is_a_json_line_with_every_field(tmp_path: Path) -> None:
    """time, actor, operation, database, key, page id, request id and outcome."""
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, "ada")
    audit.write(
        AuditRecord(
            plan="9b2f" * 16,
            operation="update_row",
            database="tasks",
            key="write-docs",
            outcome="failed",
            page_id="1f2e3d4c-0000-4000-8000-000000000001",
            request_id="7c1d2e3f-0000-4000-8000-00000000abcd",
            message="Status is expected to be status.",
        )
    )
    audit.close()
    record = json.loads(path.read_text(encoding="utf-8"))
    expected = {
        "actor": "ada",
        "plan": "9b2f" * 16,
        "operation": "update_row",
        "database": "tasks",
        "key": "write-docs",
        "page_id": "1f2e3d4c-0000-4000-8000-000000000001",
        "request_id": "7c1d2e3f-0000-4000-8000-00000000abcd",
        "outcome": "failed",
        "message": "Status is expected to be status.",
    }
    assert expected == {k: v for k, v in record.items() if k != "time"}
    assert record["time"].endswith("Z")


def test_the_token_never_reaches_the_audit_log(tmp_path: Path) -> None:
    """A message that quotes the token is written masked."""
    register_secret(TOKEN)
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, "ada")
    audit.write(AuditRecord("p", "create_row", "tasks", "a", "failed", message=f"bad {TOKEN}"))
    audit.close()
    assert TOKEN not in path.read_text(encoding="utf-8")


def test_the_actor_is_the_github_actor_in_actions() -> None:
    """GITHUB_ACTOR wins over the local user name."""
    expected = "octocat"
    assert expected == current_actor({"GITHUB_ACTOR": expected})


def test_the_actor_is_the_local_user_elsewhere() -> None:
    """Without GITHUB_ACTOR the actor is the logged-in user."""
    assert current_actor({}) not in ("", "octocat")


def test_a_secret_of_the_environment_is_masked_in_every_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row key holding GITHUB_TOKEN's value is masked like the message: the whole line is."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_runnerTokenValue42")
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, "ada")
    audit.write(AuditRecord("p", "create_row", "tasks", "ghs_runnerTokenValue42", "done"))
    audit.close()
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["key"] == "********"
