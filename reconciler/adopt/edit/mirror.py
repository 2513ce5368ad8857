"""The edited manifests loaded through the project's own reader, before anything is written.

``Mirror`` knows every file a load of the manifests reads (``reconciler.yaml``, the manifest files
under the paths given, the ``rows_from`` files they name, the rows' page body files); ``load``
copies them into a temporary folder laid out like the repository, with the edited texts in place of
the originals, and loads that with ``reconciler.manifest``, exactly as ``plan`` will load the real
files. Used by the engine to check edits before writing them."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from reconciler.manifest import load_desired_state
from reconciler.manifest.repository import CONFIG_FILE, ManifestFile, find_manifest_files
from reconciler.manifest.rows_from import data_file_paths
from reconciler.manifest.source import FileProblem, read_source
from reconciler.manifest.yaml_reader import read_documents
from reconciler.model import DesiredState

__all__ = ["Mirror"]


class Mirror:
    """The files one load of the manifests reads, to load again with some texts replaced."""

    def __init__(
        self, state: DesiredState, paths: Sequence[str], cwd: Path, environ: Mapping[str, str]
    ) -> None:
        self.root = state.root.resolve()
        self.environ = environ
        given = list(paths) or [os.path.relpath(self.root / state.settings.manifests, cwd)]
        manifests, _ = find_manifest_files(given, self.root, cwd)
        self.manifests = [self._relative(file.path) for file in manifests]
        self.files = sorted({*self.manifests, *self._data_files(manifests), *_body_files(state)})
        if (self.root / CONFIG_FILE).is_file():
            self.files.append(CONFIG_FILE)

    def _relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def _data_files(self, manifests: Sequence[ManifestFile]) -> list[str]:
        found: list[str] = []
        for file in manifests:
            try:
                source = read_source(file.path, file.display, self.root)
            except FileProblem:
                continue
            for document in read_documents(source, self.environ).documents:
                found.extend(
                    self._relative(data)
                    for data in data_file_paths(document)
                    if data.is_file() and data.is_relative_to(self.root)
                )
        return found

    def load(self, texts: Mapping[str, str]) -> DesiredState:
        """The desired state with ``texts`` (repository-relative path → text) in place of those
        files; raises ManifestError as a load of the real files would."""
        with tempfile.TemporaryDirectory(prefix="reconciler-edit-") as folder:
            copy = Path(folder)
            for relative in sorted({*self.files, *texts}):
                target = copy / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if relative in texts:
                    target.write_text(texts[relative], encoding="utf-8", newline="")
                else:
                    shutil.copyfile(self.root / relative, target)
            return load_desired_state(self.manifests, environ=self.environ, cwd=copy, root=copy)


def _body_files(state: DesiredState) -> set[str]:
    """The page body files the rows were read with (repository-relative)."""
    return {
        row.body.file
        for database in state.databases
        for row in database.rows
        if row.body is not None and row.body.file is not None
    }
