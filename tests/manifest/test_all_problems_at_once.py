"""Every problem of a run is reported at once, even where one problem hides behind another."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import ManifestError
from reconciler.manifest import load_desired_state

MANIFEST = """\
database: tasks
title: Tasks
key: Slug
properties:
  Name: title
  Slug: rich_text
  Estimate: number
rows:
  - {Slug: a, Name: A, Estimate: "3"}
  - {Slug: a, Name: B}
"""


def test_a_duplicate_key_is_reported_even_when_the_first_row_has_a_bad_value(
    tmp_path: Path,
) -> None:
    """Row 1's quoted number and row 2's duplicate key come out together, in line order."""
    (tmp_path / "tasks.yaml").write_text(MANIFEST, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_desired_state([str(tmp_path)], root=tmp_path, cwd=tmp_path)
    found = [(p.line, p.message) for p in caught.value.problems]
    assert [line for line, _ in found] == [9, 10]
    assert found[0][1].startswith("Estimate")
    assert found[1][1].startswith("duplicate row key 'a' in database 'tasks' (first at tasks.yaml")
