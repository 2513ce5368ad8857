"""Fixtures for manifest tests: a throwaway repository to write manifests into and load."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.errors import ManifestError, Problem
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState


@dataclass
class Repository:
    """A repository folder in tmp_path; loads with it as root and current directory."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def load(self, *paths: str, environ: Mapping[str, str] | None = None) -> DesiredState:
        return load_desired_state(list(paths), environ=environ or {}, cwd=self.root, root=self.root)

    def problems(self, *paths: str, environ: Mapping[str, str] | None = None) -> list[Problem]:
        with pytest.raises(ManifestError) as caught:
            self.load(*paths, environ=environ)
        return list(caught.value.problems)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    """An empty repository (a folder with reconciler.yaml absent) to write manifests into."""
    return Repository(tmp_path)
