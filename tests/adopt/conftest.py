"""Fixtures for the editing engine's tests: a repository of manifests to edit and read back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.adopt.edit import Edit, EditOutcome, edit_manifests, write_changes
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredDatabase


@dataclass
class Repository:
    """A repository folder (``reconciler.yaml``, ``manifests/``) in tmp_path."""

    root: Path

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def read(self, relative: str) -> str:
        return (self.root / relative).read_bytes().decode("utf-8")

    def edit(self, *edits: Edit, environ: dict[str, str] | None = None) -> EditOutcome:
        """What the edits do (nothing written)."""
        return edit_manifests(edits, cwd=self.root, root=self.root, environ=environ or {})

    def apply(self, *edits: Edit, environ: dict[str, str] | None = None) -> EditOutcome:
        """The edits, written; every one of them applied or already so."""
        outcome = self.edit(*edits, environ=environ)
        assert outcome.not_applied == (), [str(n) for n in outcome.not_applied]
        write_changes(outcome, self.root)
        return outcome

    def database(self, handle: str, environ: dict[str, str] | None = None) -> DesiredDatabase:
        state = load_desired_state([], environ=environ or {}, cwd=self.root, root=self.root)
        found = state.database(handle)
        assert found is not None
        return found

    def values(self, handle: str, key: str) -> dict[str, object]:
        """The canonical values of one row as the manifest reader reads them now."""
        row = next(r for r in self.database(handle).rows if r.key == key)
        return dict(row.values)


def diff_of(outcome: EditOutcome) -> str:
    """Every changed file's unified diff, one after the other."""
    return "".join(change.unified_diff() for change in outcome.files)


def changed_lines(outcome: EditOutcome) -> Sequence[str]:
    """The removed and added lines of the diffs (headers aside)."""
    return [
        line
        for line in diff_of(outcome).splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    """An empty repository: reconciler.yaml and a manifests folder."""
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    return Repository(tmp_path)
