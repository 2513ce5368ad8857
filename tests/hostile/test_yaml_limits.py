"""The YAML reader's limits speak in its own words, whatever the PyYAML release parses the file.

PyYAML 6.0.4 bundles libyaml 0.2.6, which refuses 1,000 levels of nesting itself; when they stand
on one line its scanner reaches that limit before the reader sees the 65th level, and its own
wording ("exceeded maximum nesting depth") used to reach the user. The reader maps it to its
message and hint. Aliases are bounded in nodes and in characters of text: one long anchored
string named by every row multiplies what is validated, planned and printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reconciler.errors import Problem
from reconciler.manifest import yaml_reader
from reconciler.manifest.source import SourceFile
from reconciler.manifest.yaml_reader import ReadResult, read_documents
from tests.hostile.conftest import TASKS_HEAD, one_string_aliased_by_500_rows

HEAD = TASKS_HEAD + "rows:\n"
TOO_DEEP = "the data is nested more than 64 levels deep"
FLATTEN = "a manifest needs only a few levels; flatten this structure"
ALIAS_HINT = (
    "each alias copies its anchor's whole value: this looks like an alias bomb; write the data"
    " out, shorten the anchored value or use fewer aliases"
)


def read(text: str) -> ReadResult:
    return read_documents(SourceFile(Path("tasks.yaml"), "tasks.yaml", "tasks.yaml", text), {})


def without_column(problems: tuple[Problem, ...]) -> list[tuple[str, int, str, str]]:
    return [(p.file, p.line, p.message, p.hint) for p in problems]


class _ParserAtItsNestingLimit:
    """A parser that fails as libyaml 0.2.6 does at its nesting limit (line 3, column 12)."""

    def __init__(self, _text: str, context: str) -> None:
        self.context = context

    def get_event(self) -> yaml.Event:
        mark = yaml.Mark("<unicode string>", 1040, 2, 11, None, 0)
        raise yaml.scanner.ScannerError(self.context, mark, "exceeded maximum nesting depth", mark)

    def dispose(self) -> None:
        """Nothing to free."""


def test_deep_flow_nesting_on_one_line_is_refused_in_the_readers_words() -> None:
    """200,000 brackets on line 8: the reader's message and hint at line 8, with PyYAML 6.0.3
    (which hands the reader every level) and 6.0.4 (whose parser stops at 1,000 by itself)."""
    text = HEAD + "  - {Name: a, Notes: " + "[" * 200_000 + "]" * 200_000 + "}\n"

    result = read(text)

    assert without_column(result.problems) == [("tasks.yaml", 8, TOO_DEEP, FLATTEN)]
    assert not result.complete


@pytest.mark.parametrize("context", ["while increasing flow level", "while increasing block level"])
def test_the_parsers_own_nesting_limit_is_reported_as_the_readers(
    context: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libyaml's "exceeded maximum nesting depth" becomes the reader's problem at its mark."""
    monkeypatch.setattr(
        yaml_reader, "_Parser", lambda text: _ParserAtItsNestingLimit(text, context)
    )

    result = read("a: b\n")

    assert result.problems == (Problem("tasks.yaml", 3, 12, TOO_DEEP, FLATTEN),)


def test_one_long_string_aliased_by_every_row_stops_at_the_alias_that_crosses_the_limit() -> None:
    """195 KB times 500 rows would be 97.5 MB: the 52nd alias (line 60) passes 10,000,000."""
    text = one_string_aliased_by_500_rows()

    result = read(text)

    assert 200_000 < len(text) < 215_000
    assert result.problems == (
        Problem(
            "tasks.yaml",
            60,
            27,
            "aliases expand to more than 10,000,000 characters in this file",
            ALIAS_HINT,
        ),
    )
    assert not result.complete


def test_keys_copied_through_aliases_count_as_text() -> None:
    """A mapping whose key is long text is as costly to copy as a long value."""
    text = f"a: &a\n  ? {'k' * 1_000_000}\n  : 1\n" + "".join(f"b{n}: *a\n" for n in range(12))

    result = read(text)

    assert [(p.line, p.message) for p in result.problems] == [
        (13, "aliases expand to more than 10,000,000 characters in this file")
    ]


def test_a_long_text_shared_by_many_rows_under_the_limit_is_read() -> None:
    """Sharing a 2,000-character description among 1,000 rows (2 million characters) is fine."""
    rows = [f"  - {{Name: row 0, Notes: &notes {'n' * 2000}}}\n"]
    rows += [f"  - {{Name: row {n}, Notes: *notes}}\n" for n in range(1, 1000)]

    result = read(HEAD + "".join(rows))

    assert result.problems == ()
    data = result.documents[0].data
    assert isinstance(data, dict)
    assert [row["Notes"] for row in data["rows"]] == ["n" * 2000] * 1000


def test_the_character_budget_is_shared_by_every_document_of_a_file() -> None:
    """Splitting the aliases over documents does not reset the budget."""
    document = f"a: &a {'x' * 1_000_000}\n" + "".join(f"b{n}: *a\n" for n in range(4))
    text = "---\n".join([document] * 3)

    result = read(text)

    assert [(p.line, p.message) for p in result.problems] == [
        (16, "aliases expand to more than 10,000,000 characters in this file")
    ]
