"""Relation targets: a managed database's handle, or the data source id of an unmanaged one."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.manifest import load_desired_state

MANIFEST = """\
database: tasks
title: Tasks
properties:
  Name: title
  Source: {{type: relation, database: "{target}"}}
rows: []
"""


@pytest.mark.parametrize(
    "target",
    [
        "62222222-2222-4222-8222-222222222222",
        "62222222222242228222222222222222",
        "a2222222-2222-4222-8222-222222222222",
    ],
)
def test_a_data_source_id_is_a_valid_relation_target(tmp_path: Path, target: str) -> None:
    """Ids starting with a digit or a letter, dashed or not, pass the schema and the loader."""
    (tmp_path / "tasks.yaml").write_text(MANIFEST.format(target=target), encoding="utf-8")
    state = load_desired_state([str(tmp_path)], root=tmp_path, cwd=tmp_path)
    source = state.databases[0].property_named("Source")
    assert source is not None
    assert source.type == "relation"
