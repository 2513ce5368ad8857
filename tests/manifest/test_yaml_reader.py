"""Safe YAML reading: plain data only, YAML 1.2 scalars, marks, duplicates, limits, variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.manifest import yaml_reader
from reconciler.manifest.located import YamlDocument
from reconciler.manifest.source import SourceFile
from reconciler.manifest.yaml_reader import ReadResult, read_documents


def _read(text: str, environ: dict[str, str] | None = None) -> ReadResult:
    return read_documents(SourceFile(Path("m.yaml"), "m.yaml", "m.yaml", text), environ)


def _data(text: str, environ: dict[str, str] | None = None) -> object:
    result = _read(text, environ)
    assert result.problems == ()
    assert len(result.documents) == 1
    return result.documents[0].data


def _messages(text: str, environ: dict[str, str] | None = None) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in _read(text, environ).problems]


def test_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    """yes/no/on stay text, 12:30 is not 750, dates stay ISO text, numbers and null resolve."""
    text = "[yes, no, on, off, 12:30, 2026-12-01, 3, -2.5, 1e3, 0x1F, 0o17, ~, null, true, False]"
    expected = ["yes", "no", "on", "off", "12:30", "2026-12-01", 3, -2.5, 1000.0, 31, 15,
                None, None, True, False]  # fmt: skip
    assert expected == _data(text)


def test_quoted_and_block_scalars_stay_text() -> None:
    """Quoting keeps digits and words as text."""
    assert _data("a: '3'\nb: \"true\"\nc: |\n  line\n") == {"a": "3", "b": "true", "c": "line\n"}


def test_mapping_keys_are_always_text() -> None:
    """A key written as a number or boolean keeps its spelling (property names are text)."""
    assert _data("2026: year\nNo: answer\ntrue: 1\n") == {"2026": "year", "No": "answer", "true": 1}


def test_explicit_core_tags_convert_their_text() -> None:
    """!!str, !!int and !!float say what a scalar is."""
    assert _data("a: !!str 3\nb: !!int '7'\nc: !!float 1\n") == {"a": "3", "b": 7, "c": 1.0}


def test_a_tag_that_does_not_fit_its_text_is_a_problem() -> None:
    """!!int abc cannot be an integer."""
    assert _messages("a: !!int abc\n") == [(1, 4, "!!int 'abc' is not a valid int")]


def test_merge_keys_merge_mappings_and_explicit_keys_win() -> None:
    """`<<: *defaults` copies missing keys; keys written in the mapping take precedence."""
    text = "defaults: &d {Status: Todo, Estimate: 1}\nrow:\n  Estimate: 3\n  <<: *d\n"
    assert _data(text)["row"] == {"Estimate": 3, "Status": "Todo"}  # type: ignore[index]


def test_several_documents_are_read_and_empty_ones_skipped() -> None:
    """`---` separates documents; an empty document (a leading ---) is not one."""
    result = _read("---\n---\na: 1\n---\nb: 2\n")
    assert [d.data for d in result.documents] == [{"a": 1}, {"b": 2}]


def test_marks_are_one_based_lines_and_columns_of_keys_and_values() -> None:
    """A value's mark is where it starts; a key's mark is where the key starts."""
    document: YamlDocument = _read("rows:\n  - Name: Write docs\n").documents[0]
    assert document.marks.value_mark(("rows", 0, "Name")) == (2, 11)
    assert document.marks.key_mark(("rows", 0, "Name")) == (2, 5)
    assert document.marks.value_mark(("rows", 0, "Unknown")) == (2, 5)


def test_duplicate_keys_are_reported_at_the_second_one() -> None:
    """PyYAML would keep the last value silently; here it is a problem naming the first line."""
    assert _messages("a: 1\nb: 2\na: 3\n") == [
        (3, 1, "duplicate key 'a' (first written at line 1)")
    ]


def test_python_tags_are_refused_with_their_location() -> None:
    """No object is ever constructed from a tag."""
    text = "a: !!python/object/apply:os.system ['true']\n"
    assert _messages(text) == [(1, 4, "unsupported YAML tag !!python/object/apply:os.system")]


def test_an_alias_bomb_stops_reading_the_file() -> None:
    """Sizes are counted, not expanded: a billion-node file fails at once."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        name, previous = chr(97 + index), chr(96 + index)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    result = _read("\n".join(levels) + "\n")
    assert not result.complete
    assert [p.message for p in result.problems] == [
        "aliases expand to more than 200,000 nodes in this file"
    ]


def test_aliases_within_the_budget_share_their_data() -> None:
    """Anchors and aliases work as YAML defines them."""
    assert _data("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_nesting_deeper_than_the_limit_stops_reading() -> None:
    """Deeply nested data fails with a clear problem instead of exhausting the stack."""
    result = _read("a: " + "[" * 100 + "]" * 100 + "\n")
    assert [p.message for p in result.problems] == ["the data is nested more than 64 levels deep"]


def test_variables_expand_in_values_and_keys() -> None:
    """${VAR} and ${VAR:-default} read the environment given."""
    text = "${KEY}: ${VALUE}\nother: ${MISSING:-fallback}\n"
    assert _data(text, {"KEY": "Name", "VALUE": "Docs"}) == {"Name": "Docs", "other": "fallback"}


def test_an_expanded_plain_scalar_takes_its_type_and_a_quoted_one_stays_text() -> None:
    """Unquoted ${N:-3} is the number 3; quoted, it is the text "3"."""
    assert _data("a: ${N:-3}\nb: '${N:-3}'\n", {}) == {"a": 3, "b": "3"}


def test_an_unset_variable_without_default_is_a_problem_and_taints_its_value() -> None:
    """The problem names the variable; later checks of that value stay quiet."""
    result = _read("id: ${TASKS_ID}\n", {})
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (1, 5, "environment variable TASKS_ID is not set")
    ]
    assert result.documents[0].is_tainted(("id",))


def test_data_files_read_without_environment_keep_references() -> None:
    """With no environment (rows_from data), ${...} is just text."""
    assert _data("a: ${HOME}\n", None) == {"a": "${HOME}"}


def test_syntax_errors_stop_the_file_but_keep_earlier_documents() -> None:
    """A broken second document leaves the first one readable."""
    result = _read("a: 1\n---\nb: c: d\n")
    assert [d.data for d in result.documents] == [{"a": 1}]
    assert not result.complete
    assert [p.line for p in result.problems] == [3]


def test_only_a_plain_merge_key_merges() -> None:
    """A quoted "<<" is an ordinary key, as YAML defines it."""
    text = 'd: &d {a: 1}\nquoted:\n  "<<": *d\n'
    assert _data(text)["quoted"] == {"<<": {"a": 1}}  # type: ignore[index]


def test_a_second_merge_key_is_a_duplicate() -> None:
    """Two << in one mapping are reported like any repeated key."""
    text = "d: &d {a: 1}\nx:\n  <<: *d\n  <<: *d\n"
    assert _messages(text) == [(4, 3, "duplicate key '<<' (first written at line 3)")]


_TRICKY = (
    "rows:\n  - Name: a\n    Tags: [x, y]\n    Due: 007\n  - Name: b\n    Name: c\n",
    "x:\n  a: {k: 1}\n  a: {k: 2, k: 3}\n",
    "d: &d {a: 1, b: [1, 2]}\nrows:\n  - <<: *d\n    a: 2\n  - x:\n      <<: 3\n      <<: *d\n",
    "x:\n  y:\n    ? {k: 1}\n    : {k: 2}\n    '': {k: 3}\n",
    "x:\n  y:\n    *a : 1\n",
    (
        "a: &a {k: [1, 2]}\n---\nrows:\n  - Name: ${NAME}\n    ${KEY}: 1\n"
        "    z: !!python/name:os.system x\n"
    ),
    "rows:\n  - Name: a\n    Deep: {a: {b: {c: [1, 2, {d: e}]}}}\n---\nrows:\n  - Name: b: c\n",
)


def _every_path(document: YamlDocument) -> list[tuple[str | int, ...]]:
    def walk(value: object, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
        found = [path]
        if isinstance(value, dict):
            for key, item in value.items():
                found += walk(item, (*path, key))
                found.append((*path, key, "missing"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                found += walk(item, (*path, index))
            found.append((*path, len(value)))
        return found

    return walk(document.data, ())


def test_shallow_marks_read_as_every_mark_would() -> None:
    """Marks deeper than EAGER_DEPTH are found again when asked: data, problems, taint and every
    mark are those of a read keeping every mark, refused keys and merges included."""
    for text in _TRICKY:
        source = SourceFile(Path("m.yaml"), "m.yaml", "m.yaml", text)
        shallow = read_documents(source, {"NAME": "n"})
        every = yaml_reader._read(source, {"NAME": "n"}, every_mark=True)
        assert shallow.problems == every.problems, text
        assert shallow.complete == every.complete
        assert len(shallow.documents) == len(every.documents)
        for ours, theirs in zip(shallow.documents, every.documents, strict=True):
            assert (ours.data, ours.tainted) == (theirs.data, theirs.tainted)
            assert ours.marks.number_texts == theirs.marks.number_texts
            for path in _every_path(theirs):
                assert ours.marks.value_mark(path) == theirs.marks.value_mark(path), path
                assert ours.marks.key_mark(path) == theirs.marks.key_mark(path), path


def test_a_valid_document_keeps_no_deep_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row's cells are not marked as it is read (the memory of a 10,000-row manifest), and
    the file is read again, once for all its documents, only when a deeper mark is asked for."""
    reads: list[bool] = []
    read = yaml_reader._read

    def counted(
        source: SourceFile, environ: dict[str, str] | None, *, every_mark: bool
    ) -> ReadResult:
        reads.append(every_mark)
        return read(source, environ, every_mark=every_mark)

    monkeypatch.setattr(yaml_reader, "_read", counted)
    text = "".join(f"  - Name: row {i}\n    Tags: [a, b]\n    Size: {i}\n" for i in range(50))
    first, second = _read(f"database: tasks\nrows:\n{text}---\nrows:\n{text}").documents
    assert max(len(path) for path in first.marks.values) == yaml_reader.EAGER_DEPTH
    assert max(len(path) for path in first.marks.keys) == 1
    assert first.marks.value_mark(("rows", 49)) == (150, 5)
    assert first.marks.key_mark(("database",)) == (1, 1)
    assert first.marks.number_texts[("rows", 2, "Size")] == "2"
    assert reads == [False]
    assert first.marks.value_mark(("rows", 49, "Tags", 1)) == (151, 15)
    assert first.marks.key_mark(("rows", 0, "Size")) == (5, 5)
    assert second.marks.value_mark(("rows", 0, "Tags", 0)) == (156, 12)
    assert reads == [False, True]
