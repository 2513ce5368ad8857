"""The corpus of broken manifests: each file gives exactly one problem, at its line, with a hint.

Every file in ``invalid/`` is loaded on its own (the corpus folder is the repository root, the
environment is empty) and must fail with the message, file and line listed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import ManifestError, Problem
from reconciler.manifest import load_desired_state

CORPUS = Path(__file__).parent / "invalid"

# (manifest, file the problem names, line, part of the message)
CASES: list[tuple[str, str, int, str]] = [
    # --- YAML and safety
    ("yaml-syntax-error.yaml", "yaml-syntax-error.yaml", 7, "YAML syntax error: mapping values"),
    ("yaml-tab-indentation.yaml", "yaml-tab-indentation.yaml", 5, "YAML syntax error"),
    ("duplicate-property.yaml", "duplicate-property.yaml", 7,
     "duplicate key 'Due' (first written at line 6)"),
    ("duplicate-row-field.yaml", "duplicate-row-field.yaml", 10,
     "duplicate key 'Estimate' (first written at line 9)"),
    ("python-object-tag.yaml", "python-object-tag.yaml", 7,
     "unsupported YAML tag !!python/object/apply:os.system"),
    ("custom-tag.yaml", "custom-tag.yaml", 4, "unsupported YAML tag !include"),
    ("billion-laughs.yaml", "billion-laughs.yaml", 12,
     "aliases expand to more than 200,000 nodes in this file"),
    ("recursive-alias.yaml", "recursive-alias.yaml", 8,
     "alias *rows refers to the mapping or list it is inside"),
    ("unknown-alias.yaml", "unknown-alias.yaml", 7,
     "alias *defaults refers to no anchor defined before it"),
    ("nesting-too-deep.yaml", "nesting-too-deep.yaml", 6,
     "the data is nested more than 64 levels deep"),
    ("merge-of-a-scalar.yaml", "merge-of-a-scalar.yaml", 7,
     "a << merge key takes a mapping or a list of mappings"),
    ("complex-key.yaml", "complex-key.yaml", 5,
     "a mapping key must be plain text, not a mapping or list"),
    ("invalid-utf8.yaml", "invalid-utf8.yaml", 7,
     "the file is not UTF-8 text: byte 0xe9 cannot be decoded"),
    ("control-character.yaml", "control-character.yaml", 7,
     "the file contains a character YAML does not allow"),
    # --- schema
    ("not-a-mapping.yaml", "not-a-mapping.yaml", 2,
     "a manifest document must be a mapping, not a list"),
    ("unknown-field.yaml", "unknown-field.yaml", 6,
     "unknown field 'rowz' in the manifest (did you mean 'rows'?)"),
    ("unknown-property-setting.yaml", "unknown-property-setting.yaml", 6,
     "unknown field 'optons' in property 'Status' (a select property) (did you mean 'options'?)"),
    ("setting-of-another-type.yaml", "setting-of-another-type.yaml", 6,
     "unknown field 'format' in property 'Due' (a date property)"),
    ("wrong-type-boolean.yaml", "wrong-type-boolean.yaml", 4,
     "prune must be true or false, not a string ('yes')"),
    ("missing-database-handle.yaml", "missing-database-handle.yaml", 2,
     "missing field 'database' in the manifest"),
    ("invalid-handle.yaml", "invalid-handle.yaml", 2,
     "'my tasks' is not a valid database handle (database)"),
    ("unknown-property-type.yaml", "unknown-property-type.yaml", 5,
     "'tittle' is not a known property type (property 'Name') (did you mean 'title'?)"),
    ("option-colour-unknown.yaml", "option-colour-unknown.yaml", 9,
     "'turquoise' is not a known option colour ($.properties.Status.options[0].color)"),
    ("number-format-unknown.yaml", "number-format-unknown.yaml", 6,
     "'dollars' is not a known number format ($.properties.Price.format) (did you mean 'dollar'?)"),
    ("relation-without-target.yaml", "relation-without-target.yaml", 6,
     "missing field 'database' in property 'Project' (a relation property)"),
    ("invalid-database-id.yaml", "invalid-database-id.yaml", 4,
     "'not-a-notion-id' is not a valid Notion id (id)"),
    ("rows-from-not-a-data-file.yaml", "rows-from-not-a-data-file.yaml", 6,
     "'data/tasks.txt' is not a valid data file (rows_from)"),
    ("empty-properties.yaml", "empty-properties.yaml", 4, "properties must not be empty"),
    ("row-not-a-mapping.yaml", "row-not-a-mapping.yaml", 7,
     "row 1 must be a mapping, not a string ('Write docs')"),
    # --- databases, keys and rows
    ("duplicate-handle.yaml", "duplicate-handle.yaml", 7,
     "database handle 'tasks' is already declared at duplicate-handle.yaml:2"),
    ("duplicate-row-key.yaml", "duplicate-row-key.yaml", 9,
     "duplicate row key 'Write docs' in database 'tasks' (first at duplicate-row-key.yaml:7:5)"),
    ("key-not-declared.yaml", "key-not-declared.yaml", 4,
     "the key property 'Slug' is not declared (did you mean 'Slugs'?)"),
    ("key-of-a-non-key-type.yaml", "key-of-a-non-key-type.yaml", 4,
     "the key property 'Status' is a select property, which cannot identify rows"),
    ("key-ignored.yaml", "key-ignored.yaml", 4, "the key property 'Slug' is ignored"),
    ("no-title-property.yaml", "no-title-property.yaml", 5, "no title property is declared"),
    ("two-title-properties.yaml", "two-title-properties.yaml", 6,
     "a second title property 'Headline' (the first is 'Name')"),
    ("row-without-key.yaml", "row-without-key.yaml", 9, "row 2 has no key: its 'Name' is empty"),
    ("row-undeclared-property.yaml", "row-undeclared-property.yaml", 9,
     "row 1 sets 'Stauts', which is not declared (did you mean 'Status'?)"),
    ("row-ignored-property.yaml", "row-ignored-property.yaml", 10,
     "row 1 sets 'Notes', which is listed under `ignore`"),
    ("row-sets-formula.yaml", "row-sets-formula.yaml", 11,
     "Hours: a formula property is computed by Notion"),
    ("row-sets-rollup.yaml", "row-sets-rollup.yaml", 10,
     "Total: a rollup property is computed by Notion"),
    ("title-empty-without-id.yaml", "title-empty-without-id.yaml", 2,
     "database 'tasks' has an empty title and no `id`: it is found or created by its title"),
    ("formula-names-a-renamed-property.yaml", "formula-names-a-renamed-property.yaml", 10,
     "formula 'Effort' uses prop(\"Estimate\"), which this manifest renames to 'Days'"),
    # --- values (checked by the property codecs)
    ("number-as-text.yaml", "number-as-text.yaml", 9, "Estimate: a number must be a number"),
    ("number-quoted.yaml", "number-quoted.yaml", 9,
     "Estimate: a number must be a number, not a string ('3')"),
    ("checkbox-quoted.yaml", "checkbox-quoted.yaml", 9,
     "Done: a checkbox must be true or false, not a string ('true')"),
    ("date-not-a-date.yaml", "date-not-a-date.yaml", 9, "Due: '2026-13-01'"),
    ("select-undeclared-option.yaml", "select-undeclared-option.yaml", 9,
     "Status: 'Doing' is not an option"),
    ("multi-select-undeclared-option.yaml", "multi-select-undeclared-option.yaml", 11,
     "Tags: 'dcos' is not an option"),
    ("email-malformed.yaml", "email-malformed.yaml", 9, "'ada.example.com' is not an e-mail"),
    ("url-malformed.yaml", "url-malformed.yaml", 9, "'example.com/docs' has no scheme"),
    ("url-javascript.yaml", "url-javascript.yaml", 9, "'javascript:alert(1)' has javascript:"),
    ("url-file-scheme.yaml", "url-file-scheme.yaml", 9, "'file:///etc/passwd' has file:"),
    ("too-many-people.yaml", "too-many-people.yaml", 9, "Notion takes at most 100"),
    # --- references across databases
    ("relation-unknown-database.yaml", "relation-unknown-database.yaml", 6,
     ("relation 'Project' targets database 'projcts', which no manifest declares"
      " (did you mean 'projects'?)")),
    ("relation-unknown-key.yaml", "relation-unknown-key.yaml", 9,
     "Project: 'Webiste' is not a key of database 'projects' (did you mean 'Website'?)"),
    ("rollup-through-non-relation.yaml", "rollup-through-non-relation.yaml", 7,
     "rollup 'Total' rolls up through 'Estimate', which is a number property"),
    ("rollup-through-undeclared.yaml", "rollup-through-undeclared.yaml", 7,
     ("rollup 'Total' rolls up through 'Project', which is not declared (did you mean"
      " 'Projects'?)")),
    # --- environment
    ("env-variable-unset.yaml", "env-variable-unset.yaml", 4,
     "environment variable TASKS_DATABASE_ID is not set"),
    ("env-reference-malformed.yaml", "env-reference-malformed.yaml", 4,
     "malformed variable reference '${ROOT PAGE}'"),
    # --- rows_from
    ("rows-from-missing.yaml", "rows-from-missing.yaml", 6,
     "rows_from 'data/missing.csv': the file does not exist"),
    ("rows-from-outside-repository.yaml", "rows-from-outside-repository.yaml", 6,
     "rows_from '../../conftest.yaml' is outside the repository"),
    ("rows-from-csv-cell-count.yaml", "data/cell-count.csv", 3,
     "this CSV record has 3 cells; the header has 2"),
    ("rows-from-csv-bad-number.yaml", "data/bad-number.csv", 3,
     "Estimate: a number must be a number"),
    ("rows-from-csv-unknown-column.yaml", "data/unknown-column.csv", 1,
     "the header names 'Estimat', which is not declared (did you mean 'Estimate'?)"),
    ("rows-from-yaml-not-a-list.yaml", "data/not-a-list.yaml", 1,
     "a rows_from file holds a list of rows"),
    ("rows-from-json-malformed.yaml", "data/malformed.json", 3, "malformed JSON"),
]  # fmt: skip


def _problems_of(name: str) -> tuple[Problem, ...]:
    with pytest.raises(ManifestError) as caught:
        load_desired_state([name], environ={}, cwd=CORPUS, root=CORPUS)
    return tuple(caught.value.problems)


@pytest.mark.parametrize(("name", "file", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_manifest_reports_its_problem_at_its_line(
    name: str, file: str, line: int, message: str
) -> None:
    """The manifest fails with exactly one problem: this file, this line, this message."""
    problems = _problems_of(name)
    assert [(file, line)] == [(p.file, p.line) for p in problems]
    assert message in problems[0].message


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_every_problem_says_how_to_fix_it(name: str) -> None:
    """Each problem carries a hint and a 1-based column."""
    problem = _problems_of(name)[0]
    assert problem.hint
    assert problem.column >= 1


def test_every_corpus_file_has_its_expectation() -> None:
    """No file in invalid/ escapes the table (and the table names no missing file)."""
    assert sorted(c[0] for c in CASES) == sorted(p.name for p in CORPUS.glob("*.yaml"))


def test_corpus_holds_at_least_forty_broken_manifests() -> None:
    """Issue 3 asks for a corpus of at least 40 invalid manifests."""
    assert len(CASES) >= 40
