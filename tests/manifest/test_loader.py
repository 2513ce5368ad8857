"""Loading manifests into DesiredState: discovery, settings, rows, rows_from, references, order."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from reconciler.manifest import MAX_FILE_BYTES, find_repository_root, load_desired_state
from reconciler.model import READ_ONLY_TYPES, WRITABLE_TYPES, SourceLocation
from tests.manifest.conftest import Repository

EXAMPLE = Path(__file__).parents[2] / "manifests"

TASKS = """\
database: tasks
title: Tasks
key: Slug
properties:
  Name: title
  Slug: rich_text
  Estimate: number
  Tags: {type: multi_select, options: [docs, web]}
  Done: checkbox
  Notes: rich_text
ignore: [Notes]
rows:
  - {Slug: write-docs, Name: Write the docs, Estimate: 3}
  - {Slug: review, Name: Review, Tags: [web, docs], Done: true}
"""


def test_the_example_uses_every_writable_type_and_each_read_only_feature() -> None:
    """manifests/ declares every writable type plus a formula, a rollup and a unique_id."""
    state = load_desired_state([str(EXAMPLE)], environ={})
    types = {spec.type for db in state.databases for spec in db.properties}
    assert types >= WRITABLE_TYPES
    assert {"formula", "rollup", "unique_id"} <= types & READ_ONLY_TYPES


def test_the_example_relates_across_databases_and_to_itself_and_reads_a_csv() -> None:
    """tasks → projects → people by key, tasks → tasks, and rows from data/tasks.csv."""
    state = load_desired_state([str(EXAMPLE)], environ={})
    targets = {
        (db.handle, str(spec.config["database"]))
        for db in state.databases
        for spec in db.properties
        if spec.type == "relation"
    }
    assert {("tasks", "projects"), ("tasks", "tasks"), ("projects", "people")} <= targets
    tasks = state.database("tasks")
    assert tasks is not None
    assert "manifests/data/tasks.csv" in {row.location.file for row in tasks.rows}


def test_the_example_parent_defaults_to_the_local_root_page_and_ids_stay_unset() -> None:
    """${PEOPLE_DATABASE_ID:-} is no id; ${NOTION_ROOT_PAGE:-...} is the --local root page."""
    state = load_desired_state([str(EXAMPLE)], environ={})
    assert {(None, "00000000-0000-4000-8000-000000000001")} == {
        (db.id, db.parent) for db in state.databases
    }


def test_rows_hold_every_managed_property_with_empty_values_for_those_left_out(
    repo: Repository,
) -> None:
    """A row owns all declared writable, non-ignored properties; ignored ones are absent."""
    repo.write("manifests/tasks.yaml", TASKS)
    rows = repo.load("manifests").databases[0].rows
    expected = {"Slug": "review", "Name": "Review", "Estimate": None, "Tags": ["docs", "web"]}
    assert [(row.key, row.values["Tags"]) for row in rows] == [
        ("write-docs", []),
        ("review", ["docs", "web"]),
    ]
    assert expected | {"Done": True} == dict(rows[1].values)


def test_locations_are_relative_to_the_repository(repo: Repository) -> None:
    """Databases and rows keep file:line:column of where they were written."""
    repo.write("manifests/tasks.yaml", TASKS)
    database = repo.load("manifests").databases[0]
    assert SourceLocation("manifests/tasks.yaml", 1, 1) == database.location
    assert SourceLocation("manifests/tasks.yaml", 13, 5) == database.rows[0].location
    spec = database.property_named("Estimate")
    assert spec is not None
    assert SourceLocation("manifests/tasks.yaml", 7, 3) == spec.location


def test_the_desired_state_is_frozen(repo: Repository) -> None:
    """Nobody downstream can change what the manifests asked for."""
    repo.write("manifests/tasks.yaml", TASKS)
    database = repo.load("manifests").databases[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        database.title = "Other"  # type: ignore[misc]


def test_databases_come_in_dependency_order_then_by_handle(repo: Repository) -> None:
    """Relation targets first (zeta before alpha), independent ones by handle."""
    repo.write(
        "manifests/all.yaml",
        "database: alpha\ntitle: A\n"
        "properties: {Name: title, Z: {type: relation, database: zeta}}\n"
        "---\ndatabase: zeta\ntitle: Z\nproperties: {Name: title}\n"
        "---\ndatabase: beta\ntitle: B\nproperties: {Name: title}\n",
    )
    assert [db.handle for db in repo.load("manifests").databases] == ["beta", "zeta", "alpha"]


def test_a_relation_cycle_is_broken_at_the_smallest_handle(repo: Repository) -> None:
    """Two databases relating to each other still get a deterministic order."""
    repo.write(
        "manifests/all.yaml",
        "database: tasks\ntitle: T\n"
        "properties: {Name: title, P: {type: relation, database: projects}}"
        "\n---\ndatabase: projects\ntitle: P\n"
        "properties: {Name: title, T: {type: relation, database: tasks}}\n",
    )
    assert [db.handle for db in repo.load("manifests").databases] == ["projects", "tasks"]


def test_ids_are_normalised_and_empty_ones_mean_unset(repo: Repository) -> None:
    """A 32-digit id becomes the dashed lower-case form; ${VAR:-} gives no id at all."""
    repo.write(
        "manifests/tasks.yaml",
        "database: tasks\ntitle: T\nid: ${TASKS_ID:-}\nparent: ${ROOT_PAGE}\n"
        "properties: {Name: title}\n",
    )
    database = repo.load("manifests", environ={"ROOT_PAGE": "1429989FE8AC4EFFBC8F57F56486DB54"})
    assert (
        database.databases[0].id,
        database.databases[0].parent,
    ) == (None, "1429989f-e8ac-4eff-bc8f-57f56486db54")


def test_a_dual_relation_is_declared_with_dual_true(repo: Repository) -> None:
    """`dual: true` and `synced_property` make a dual_property relation."""
    repo.write(
        "manifests/t.yaml",
        "database: t\ntitle: T\nproperties:\n  Name: title\n"
        "  A: {type: relation, database: t, dual: true}\n"
        "  B: {type: relation, database: t, synced_property: Back}\n",
    )
    specs = repo.load("manifests").databases[0].properties
    assert [(s.config["type"], s.config["synced_property"]) for s in specs[1:]] == [
        ("dual_property", None),
        ("dual_property", "Back"),
    ]


def test_declaration_attributes_reach_the_property_spec(repo: Repository) -> None:
    """description, renamed_from, sensitive and prune_options are kept on the spec."""
    repo.write(
        "manifests/t.yaml",
        "database: t\ntitle: T\nproperties:\n  Name: title\n"
        "  Kind: {type: select, options: [a], prune_options: true, description: What,"
        " renamed_from: Type, sensitive: true}\n",
    )
    spec = repo.load("manifests").databases[0].properties[1]
    assert (
        spec.description,
        spec.renamed_from,
        spec.sensitive,
        spec.prune_options,
    ) == ("What", "Type", True, True)


def test_problems_of_several_files_come_together_sorted_by_file_and_line(
    repo: Repository,
) -> None:
    """All problems of a run are reported at once."""
    repo.write("manifests/b.yaml", "database: b\ntitle: B\nproperties: {Name: title}\nrowz: []\n")
    repo.write("manifests/a.yaml", "database: a\ntitle: A\nprune: yes\nproperties: {Name: titel}\n")
    assert [(p.file, p.line) for p in repo.problems("manifests")] == [
        ("manifests/a.yaml", 3),
        ("manifests/a.yaml", 4),
        ("manifests/b.yaml", 4),
    ]


def test_an_unreadable_file_silences_unknown_database_errors(repo: Repository) -> None:
    """The missing handle may be declared in the broken file: only the syntax error shows."""
    repo.write("manifests/projects.yaml", "database: projects\ntitle: [unclosed\n")
    repo.write(
        "manifests/tasks.yaml",
        "database: tasks\ntitle: T\n"
        "properties: {Name: title, P: {type: relation, database: projects}}\n",
    )
    assert [p.file for p in repo.problems("manifests")] == ["manifests/projects.yaml"]


def test_relation_keys_are_not_checked_when_the_target_does_not_prune(repo: Repository) -> None:
    """Without prune: true the target may hold rows the manifest does not list."""
    repo.write(
        "manifests/all.yaml",
        "database: tasks\ntitle: T\nproperties: {Name: title, P: {type: relation, database: p}}\n"
        "rows: [{Name: a, P: [Somewhere]}]\n"
        "---\ndatabase: p\ntitle: P\nproperties: {Name: title}\n",
    )
    assert repo.load("manifests").database("tasks").rows[0].values["P"] == ["Somewhere"]  # type: ignore[union-attr]


def test_a_rollup_must_name_a_declared_property_when_the_target_declares_all(
    repo: Repository,
) -> None:
    """prune_properties: true means the target's properties are all known."""
    repo.write(
        "manifests/all.yaml",
        "database: tasks\ntitle: T\nproperties:\n  Name: title\n"
        "  P: {type: relation, database: p}\n"
        "  Sum: {type: rollup, relation: P, property: Budgt, function: sum}\n"
        "---\ndatabase: p\ntitle: P\nprune_properties: true\n"
        "properties: {Name: title, Budget: number}\n",
    )
    assert [p.message for p in repo.problems("manifests")] == [
        (
            "rollup 'Sum' rolls up 'Budgt', "
            "which database 'p' does not declare (did you mean 'Budget'?)"
        )
    ]


# --- discovery, repository root and settings ----------------------------------------------


def test_without_paths_the_folder_named_in_reconciler_yaml_is_read(repo: Repository) -> None:
    """reconciler.yaml `manifests:` names the folder; the file itself is no manifest."""
    repo.write("reconciler.yaml", "manifests: defs\nrate_limit: {rps: 2}\n")
    repo.write("defs/tasks.yaml", TASKS)
    state = load_desired_state(environ={}, cwd=repo.root)
    assert (["tasks"], 2.0, repo.root.resolve()) == (
        [db.handle for db in state.databases],
        state.settings.rate_limit.rps,
        state.root,
    )


def test_a_bad_setting_is_a_problem_at_its_line(repo: Repository) -> None:
    """reconciler.yaml is checked against config.schema.json."""
    repo.write("reconciler.yaml", "manifests: manifests\nnotion_version: '2022-06-28'\n")
    repo.write("manifests/tasks.yaml", TASKS)
    problems = repo.problems("manifests")
    assert [(p.file, p.line) for p in problems] == [("reconciler.yaml", 2)]
    assert "'2022-06-28' is not a known Notion API version" in problems[0].message


def test_the_root_is_the_folder_holding_reconciler_yaml(tmp_path: Path) -> None:
    """Searched upwards from the first path given."""
    (tmp_path / "repo" / "manifests").mkdir(parents=True)
    (tmp_path / "repo" / "reconciler.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    assert (tmp_path / "repo").resolve() == find_repository_root(Path("repo/manifests"), tmp_path)


def test_the_root_falls_back_to_the_git_top_level_then_the_current_directory(
    tmp_path: Path,
) -> None:
    """Without reconciler.yaml the nearest folder holding .git is the root."""
    (tmp_path / "top" / "sub").mkdir(parents=True)
    (tmp_path / "top" / ".git").mkdir()
    (tmp_path / "loose").mkdir()
    found = find_repository_root(Path("top/sub"), tmp_path)
    assert (tmp_path / "top").resolve() == found
    assert (tmp_path / "loose").resolve() == find_repository_root(Path(), tmp_path / "loose")


def test_hidden_folders_are_not_searched(repo: Repository) -> None:
    """.git, .reconciler and other hidden folders hold no manifests."""
    repo.write("manifests/tasks.yaml", TASKS)
    repo.write("manifests/.drafts/broken.yaml", "database: [\n")
    assert [db.handle for db in repo.load("manifests").databases] == ["tasks"]


def test_a_missing_path_is_a_problem(repo: Repository) -> None:
    """A typo in a path says so instead of validating nothing."""
    problems = repo.problems("manifest")
    assert [(p.file, p.message) for p in problems] == [("manifest", "no such file or folder")]


def test_a_file_over_the_size_limit_is_refused_unread(repo: Repository) -> None:
    """Files over 10 MiB are refused before they are read."""
    path = repo.write("manifests/huge.yaml", "")
    os.truncate(path, MAX_FILE_BYTES + 1)
    problems = repo.problems("manifests")
    assert [p.message for p in problems] == ["the file is 10.0 MiB; files over 10 MiB are refused"]


# --- rows_from ---------------------------------------------------------------------------------


ROWS_FROM = """\
database: tasks
title: Tasks
key: Slug
properties:
  Name: title
  Slug: rich_text
  Estimate: number
  Tags: {type: multi_select, options: [docs, web]}
  Done: checkbox
  Due: date
rows:
  - {Slug: first, Name: First}
rows_from: [data/more.csv, data/more.yaml, data/more.json]
"""


def test_rows_from_csv_yaml_and_json_follow_the_inline_rows_in_order(repo: Repository) -> None:
    """Each file's rows come after the manifest's own, in the order the files are listed."""
    repo.write("manifests/tasks.yaml", ROWS_FROM)
    repo.write(
        "manifests/data/more.csv",
        "Slug,Name,Estimate,Tags,Done,Due\n"
        'csv,"From CSV, quoted",2.5,docs;web,yes,2026-12-01/2026-12-03\n',
    )
    repo.write("manifests/data/more.yaml", "- {Slug: yaml, Name: From YAML, Tags: [web]}\n")
    repo.write("manifests/data/more.json", '[{"Slug": "json", "Name": "From JSON", "Done": true}]')
    rows = repo.load("manifests").databases[0].rows
    assert [row.key for row in rows] == ["first", "csv", "yaml", "json"]
    assert dict(rows[1].values) == {
        "Slug": "csv",
        "Name": "From CSV, quoted",
        "Estimate": 2.5,
        "Tags": ["docs", "web"],
        "Done": True,
        "Due": {"start": "2026-12-01", "end": "2026-12-03"},
    }
    assert [row.location.line for row in rows[1:]] == [2, 1, 1]


def test_a_yaml_data_file_inside_the_manifest_folder_is_not_read_as_a_manifest(
    repo: Repository,
) -> None:
    """Files named by rows_from are data, even with a .yaml name."""
    repo.write(
        "manifests/tasks.yaml",
        "database: t\ntitle: T\nproperties: {Name: title}\nrows_from: data/rows.yaml\n",
    )
    repo.write("manifests/data/rows.yaml", "- Name: From data\n")
    assert [[row.key for row in db.rows] for db in repo.load("manifests").databases] == [
        ["From data"]
    ]


def test_a_symbolic_link_leading_outside_the_repository_is_refused(tmp_path: Path) -> None:
    """rows_from is resolved through links before the containment check."""
    outside = tmp_path / "outside.csv"
    outside.write_text("Name\nSecret\n", encoding="utf-8")
    repo = Repository(tmp_path / "repo")
    repo.write(
        "manifests/t.yaml",
        "database: t\ntitle: T\nproperties: {Name: title}\nrows_from: link.csv\n",
    )
    (repo.root / "manifests" / "link.csv").symlink_to(outside)
    problems = repo.problems("manifests")
    assert [(p.file, p.line) for p in problems] == [("manifests/t.yaml", 4)]
    assert "rows_from 'link.csv' is outside the repository" in problems[0].message
