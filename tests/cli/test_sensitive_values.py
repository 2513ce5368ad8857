"""`sensitive: true` values (issue 14, item 2): no file the reconciler writes and no output holds
one; a saved plan carries digests and its apply takes the values from the manifests.

The example's people database marks Phone sensitive. Each test starts from the example applied
to a --local workspace, then changes Ada's phone in the manifest.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli

REPOSITORY = Path(__file__).resolve().parents[2]
OLD_PHONE = "+44 20 7946 0001"
NEW_PHONE = "+44 20 7946 0999"
LATER_PHONE = "+44 20 7946 0555"
ADA_PHONE = "people/ada@example.com.Phone"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def local(*args: str) -> Result:
    return run(*args, "--local", "--local-store", "local.sqlite")


def set_phone(root: Path, phone: str) -> None:
    manifest = root / "manifests" / "people.yaml"
    text = manifest.read_text(encoding="utf-8")
    current = OLD_PHONE if OLD_PHONE in text else NEW_PHONE
    manifest.write_text(text.replace(current, phone, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example applied to a --local workspace, then Ada's phone changed in the manifest."""
    shutil.copytree(REPOSITORY / "manifests", tmp_path / "manifests")
    monkeypatch.chdir(tmp_path)
    for name in ("PEOPLE_DATABASE_ID", "PROJECTS_DATABASE_ID", "TASKS_DATABASE_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NOTION_ROOT_PAGE", raising=False)
    applied = local("apply", "--yes")
    assert applied.exit_code == 0, applied.output
    set_phone(tmp_path, NEW_PHONE)
    return tmp_path


def files_under(root: Path) -> dict[str, str]:
    """Every text file the runs left in the repository (the --local store excepted)."""
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8", errors="replace")
        for path in root.rglob("*")
        if path.is_file() and "manifests" not in path.parts and not path.name.endswith(".sqlite")
    }


def test_a_saved_plan_holds_neither_the_old_nor_the_new_value(repo: Path) -> None:
    """plan -o: the file holds a digest of the value it writes and nothing of the one it
    replaces; it still loads, with the checksum the plan printed."""
    planned = local("plan", "-o", "pp.json")
    assert planned.exit_code == 0, planned.output
    text = (repo / "pp.json").read_text(encoding="utf-8")
    assert (OLD_PHONE in text, NEW_PHONE in text) == (False, False)
    (change,) = [c for db in json.loads(text)["databases"] for c in db["changes"]]
    assert (change["before"]["Phone"], sorted(change["after"]["Phone"])) == (
        {"$sensitive": None},
        ["$sensitive"],
    )
    shown = run("show", "pp.json", "--format", "json")
    assert json.loads(shown.stdout)["checksum"] == json.loads(text)["checksum"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_rendering_of_a_plan_holds_the_values(repo: Path, fmt: str) -> None:
    """plan and show, in every format: the values are masked, on stdout and stderr."""
    planned = local("plan", "--format", fmt, "-o", "pp.json")
    shown = run("show", "pp.json", "--format", fmt)
    for result in (planned, shown):
        assert result.exit_code == 0, result.output
        assert OLD_PHONE not in result.output
        assert NEW_PHONE not in result.output
        assert "(sensitive)" in result.stdout


def test_a_saved_plan_writes_the_manifests_value_when_applied(repo: Path) -> None:
    """apply pp.json takes the phone from the manifest (its digest matches) and writes it: the
    plan afterwards is empty. Neither phone shows in the output, the journal, the audit log or
    the undo plan."""
    local("plan", "-o", "pp.json")
    applied = local("apply", "--yes", "pp.json")
    assert applied.exit_code == 0, applied.output
    assert local("plan", "--detailed-exitcode").exit_code == 0
    written = files_under(repo)
    assert {"pp.json", ".reconciler/audit.jsonl"} <= set(written)
    assert any(name.startswith(".reconciler/journal-") for name in written)
    assert any(name.startswith(".reconciler/undo/") for name in written)
    leaks = [name for name, text in written.items() if OLD_PHONE in text or NEW_PHONE in text] + [
        stream for stream in ("stdout", "stderr") if NEW_PHONE in getattr(applied, stream)
    ]
    assert leaks == []


def test_the_undo_of_a_sensitive_change_says_it_cannot_put_the_value_back(repo: Path) -> None:
    """The undo plan leaves the old phone out (no plan keeps it), and both the apply's summary
    and the undo plan's rendering say so."""
    applied = local("apply", "--yes")
    assert f"It cannot put back {ADA_PHONE}:" in applied.stdout
    (line,) = [line for line in applied.stdout.splitlines() if line.startswith("Undo plan: ")]
    undo = line.removeprefix("Undo plan: ").split(" ", 1)[0]
    shown = run("show", undo)
    assert "not put back: ada@example.com.Phone (the old values of sensitive" in shown.stdout
    assert "No changes" in shown.stdout
    markdown = run("show", undo, "--format", "markdown")
    assert "### Not put back" in markdown.stdout


def test_a_saved_plan_is_refused_when_the_manifests_value_changed_since(repo: Path) -> None:
    """The manifest's phone changed after the plan was saved: its digest no longer matches, so
    the apply is refused as stale (exit 4), names the value, and writes nothing."""
    local("plan", "-o", "pp.json")
    set_phone(repo, LATER_PHONE)
    refused = local("apply", "--yes", "pp.json")
    assert refused.exit_code == 4, refused.output
    assert "the manifests no longer hold the sensitive values this plan writes" in (refused.stderr)
    assert ADA_PHONE in refused.stderr
    assert LATER_PHONE not in refused.output
    set_phone(repo, NEW_PHONE)
    assert local("plan", "--detailed-exitcode").exit_code == 2  # Notion still has the old one
