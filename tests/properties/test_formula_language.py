"""The formula printer: one canonical text per meaning, references resolved to names."""

from __future__ import annotations

import pytest

from reconciler.properties.formula_language import (
    FormulaSyntaxError,
    canonical_formula,
    live_formula,
)

SOURCE = "1113b971-e8d1-4ad4-8244-05ee96652c56"
WORKSPACE = "00000000-0000-4000-8000-0000000000f0"


def _names(data_source_id: str, property_id: str) -> str | None:
    """The schema of the recorded 'Salary' data source."""
    known = {(SOURCE, "XdU%3B"): "Hiring Date", (SOURCE, "title"): "Name"}
    return known.get((data_source_id, property_id))


def _ref(property_id: str) -> str:
    return "{{notion:block_property:" + property_id + ":" + SOURCE + ":" + WORKSPACE + "}}"


def test_the_recorded_rewrite_equals_the_written_formula() -> None:
    """Notion's spacing, parentheses and references give the same canonical text."""
    written = '50000 + dateBetween(prop("Hiring Date"), now(), "years")*1000'
    answered = f'50000 + (dateBetween({_ref("XdU%3B")}, now(), "years") * 1000)'
    expected = '50000 + (dateBetween(prop("Hiring Date"), now(), "years") * 1000)'
    assert expected == canonical_formula(written)
    assert expected == canonical_formula(answered, _names)


def test_redundant_parentheses_are_dropped() -> None:
    """`if((a == b), ...)` and `if(a == b, ...)` are one formula."""
    expected = canonical_formula('if(prop("Status") == "Done", "✅", "")')
    assert expected == canonical_formula('if((prop("Status") == "Done"), "✅", (""))')


def test_nested_operations_are_parenthesised_by_structure() -> None:
    """a + b * c and a + (b * c) print alike; (a + b) * c keeps its parentheses."""
    expected = ["1 + (2 * 3)", "(1 + 2) * 3"]
    assert expected == [canonical_formula("1+2*3"), canonical_formula("(1 + 2)*3")]


def test_symbolic_and_word_operators_print_alike() -> None:
    """&&, || and ! are and, or and not."""
    expected = canonical_formula("not a and (b or c)")
    assert expected == canonical_formula("!a && (b || c)")


def test_methods_lists_and_conditionals_print() -> None:
    """Method calls, list literals, property access and ?: keep their meaning."""
    text = 'prop("Tags").includes("x") ? [1, 2.50, -3] : current.name'
    expected = 'prop("Tags").includes("x") ? [1, 2.5, -3] : current.name'
    assert expected == canonical_formula(text)


def test_single_quoted_strings_print_double_quoted() -> None:
    """'Done' and "Done" are the same text literal."""
    expected = canonical_formula('prop("Status") == "Done"')
    assert expected == canonical_formula("prop('Status') == 'Done'")


def test_unknown_references_are_kept_verbatim() -> None:
    """A reference to a property the schema does not know stays as Notion wrote it."""
    expected = f"{_ref('zzzz')} + 1"
    assert expected == canonical_formula(f"{_ref('zzzz')}+1", _names)


@pytest.mark.parametrize("text", ['if(prop("A"), 1', "1 +", "a b", '"open', "1 = 2", "f(,)"])
def test_malformed_formulas_raise_syntax_errors(text: str) -> None:
    """Unclosed calls, dangling operators, juxtaposition, open strings, bare =, empty args."""
    with pytest.raises(FormulaSyntaxError):
        canonical_formula(text)


def test_live_formulas_never_fail() -> None:
    """A text that does not parse keeps its words with references resolved."""
    expected = 'prop("Name") = 2'
    assert expected == live_formula(f"  {_ref('title')}   =   2", _names)


def test_a_formula_kept_as_written_reads_as_equals_and_the_canonical_rest() -> None:
    """Notion returned ``={{…}}* 2`` for a formula typed with a leading ``=``: it parses, keeps
    its ``=``, and equals the manifest's ``=prop("Hiring Date") * 2`` however it is spaced."""
    answered = f"={_ref('XdU%3B')}* 2"
    expected = '=prop("Hiring Date") * 2'
    assert expected == live_formula(answered, _names)
    assert expected == canonical_formula('  =prop("Hiring Date")*2')


def test_a_broken_formula_after_an_equals_sign_says_where() -> None:
    """The position counts from the start of the whole text."""
    with pytest.raises(FormulaSyntaxError) as raised:
        canonical_formula('= prop("A") *')
    assert (str(raised.value), raised.value.offset) == ("unexpected the end at character 14", 13)
