"""The editing engine: edits in, the files' new texts out, checked before anything is written.

``edit_manifests`` loads the manifests (as ``plan`` does), records every edit into the editors
of the files it changes, and loads the edited texts again through the project's own reader: the
result must be the loaded state with exactly the edits made, in canonical form. When it is not,
the edits are tried again one at a time, each checked the same way, and those that do not read
back as intended are reported as not applied. Nothing is written here: ``write_changes`` does
that, each file atomically, after checking that no file changed since it was read. Called by
``pull`` (and import of a database that already has a manifest).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.adopt.edit.edits import Edit, EditOutcome, FileChange, NotApplied
from reconciler.adopt.edit.expect import differences
from reconciler.adopt.edit.locate import Sources, SourcesProblem
from reconciler.adopt.edit.mirror import Mirror
from reconciler.adopt.edit.recording import Recorder, Skipped
from reconciler.adopt.edit.splices import Overlap
from reconciler.adopt.edit.yaml_patch import Refused
from reconciler.adopt.edit.yaml_text import NotWritable
from reconciler.errors import ManifestError
from reconciler.manifest import load_desired_state

__all__ = ["edit_manifests"]


@dataclass(frozen=True)
class _Attempt:
    """The edits of one try: the new texts, and how each edit was sorted."""

    texts: Mapping[str, str]
    recorded: tuple[Edit, ...]
    unchanged: tuple[Edit, ...]
    refused: tuple[NotApplied, ...]
    problems: tuple[str, ...]
    """What the reload found wrong (empty: the texts read back as intended)."""


def edit_manifests(
    edits: Sequence[Edit],
    paths: Sequence[str] = (),
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    root: Path | None = None,
) -> EditOutcome:
    """What ``edits`` do to the manifests under ``paths`` (as ``load_desired_state`` finds
    them); writes nothing. Raises ManifestError when the manifests do not load as they are."""
    here = cwd if cwd is not None else Path.cwd()
    env = dict(os.environ if environ is None else environ)
    state = load_desired_state(paths, environ=env, cwd=here, root=root)
    sources = Sources(state, env)
    mirror = Mirror(state, paths, here, env)
    attempt = _attempt(sources, mirror, edits)
    if attempt.problems:
        attempt = _one_by_one(sources, mirror, edits)
    changes = tuple(
        FileChange(path, sources.files[path].text, text, created=sources.files[path].created)
        for path, text in sorted(attempt.texts.items())
        if text != sources.files[path].text
    )
    return EditOutcome(changes, attempt.recorded, attempt.unchanged, attempt.refused)


def _record(
    sources: Sources, edits: Sequence[Edit]
) -> tuple[Recorder, list[Edit], list[Edit], list[NotApplied]]:
    recorder = Recorder(sources)
    recorded: list[Edit] = []
    unchanged: list[Edit] = []
    refused: list[NotApplied] = []
    for edit in edits:
        try:
            recorder.record(edit)
        except Skipped:
            unchanged.append(edit)
        except (Refused, NotWritable, SourcesProblem) as reason:
            refused.append(NotApplied(edit, str(reason), _where(sources, edit)))
        else:
            recorded.append(edit)
    return recorder, recorded, unchanged, refused


def _attempt(sources: Sources, mirror: Mirror, edits: Sequence[Edit]) -> _Attempt:
    recorder, recorded, unchanged, refused = _record(sources, edits)
    try:
        texts = recorder.texts()
    except (Refused, NotWritable, Overlap) as reason:
        return _Attempt({}, (), tuple(unchanged), tuple(refused), (str(reason),))
    problems: list[str] = []
    if texts:
        try:
            reloaded = mirror.load(texts)
        except ManifestError as error:
            problems = [f"{p.file}:{p.line}: {p.message}" for p in error.problems]
        else:
            problems = differences(recorder.expected, reloaded)
    return _Attempt(texts, tuple(recorded), tuple(unchanged), tuple(refused), tuple(problems))


def _one_by_one(sources: Sources, mirror: Mirror, edits: Sequence[Edit]) -> _Attempt:
    """The edits that read back right, found by halves: a half whose result reads back as
    intended is kept whole, one that does not is split again, down to the single edits that do
    not (a few reloads for a few bad edits among many)."""
    kept: list[Edit] = []
    failed: list[NotApplied] = []
    pending = [list(edits)]
    while pending:
        part = pending.pop(0)
        trial = _attempt(sources, mirror, [*kept, *part])
        if not trial.problems:
            kept.extend(part)
        elif len(part) == 1:
            failed.append(NotApplied(part[0], _verdict(trial.problems), _where(sources, part[0])))
        else:
            middle = len(part) // 2
            pending[:0] = [part[:middle], part[middle:]]
    final = _attempt(sources, mirror, kept)
    return dataclasses.replace(final, refused=(*final.refused, *failed))


def _verdict(problems: Sequence[str]) -> str:
    shown = "; ".join(problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return f"the edited file would not read back as intended: {shown}{more}"


def _where(sources: Sources, edit: Edit) -> str:
    """file:line of the row or database an edit is about ("" when unknown)."""
    try:
        source = sources.database(edit.database)
    except SourcesProblem:
        return ""
    if source is None:
        return ""
    key = getattr(edit, "key", None)
    place = source.rows.get(key) if isinstance(key, str) else None
    return source.where(place)
