"""Runs against the --local workspace say what is true of it: no www.notion.so links (its pages
open nowhere) and no estimate at the embedded workspace's unlimited rate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "manifests"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The worked example in a fresh repository, applied to its local workspace."""
    shutil.copytree(EXAMPLE, tmp_path / "manifests")
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("NOTION_TOKEN", "NOTION_BASE_URL", "NO_COLOR", "RECONCILER_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_local_plan_prints_database_ids_and_no_rate(example: Path) -> None:
    """First plan and the plan after apply: no notion.so link, no "10000 requests/s"."""
    runner = CliRunner()
    first = runner.invoke(cli, ["plan", "--local"])
    applied = runner.invoke(cli, ["apply", "--local", "--yes"])
    again = runner.invoke(cli, ["plan", "--local"])

    assert (first.exit_code, applied.exit_code, again.exit_code) == (0, 0, 0)
    for result in (first, applied, again):
        assert "notion.so" not in result.output
        assert "10000 requests/s" not in result.output
    assert "(the local workspace has no rate limit)" in first.stdout
    assert "People: 3 live rows, id " in again.stdout
