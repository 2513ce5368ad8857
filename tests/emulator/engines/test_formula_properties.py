"""Properties of the formula parser and printer, checked on generated formulas and text."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.emulator import formula
from reconciler.emulator.formula import (
    BinaryOperation,
    BooleanLiteral,
    Expression,
    FormulaError,
    FunctionCall,
    ListLiteral,
    NumberLiteral,
    PropertyReference,
    StoredReference,
    TextLiteral,
    UnaryOperation,
    parse,
    unparse,
)
from tests.emulator.engines import values as v

OPERATORS = ("+", "-", "*", "/", "%", "^", "==", "!=", "<", ">", "<=", ">=", "and", "or")
# Functions with their argument counts, a sample wide enough to cover every parsing path.
FUNCTIONS = {
    "if": (3, 3), "ifs": (3, 5), "concat": (1, 3), "length": (1, 1), "lower": (1, 1),
    "contains": (2, 2), "replaceAll": (3, 3), "format": (1, 1), "toNumber": (1, 1),
    "empty": (1, 1), "and": (1, 3), "or": (1, 3), "round": (1, 2), "min": (1, 3),
    "sum": (1, 3), "now": (0, 0), "today": (0, 0), "dateAdd": (3, 3),
    "dateBetween": (3, 3), "formatDate": (2, 2), "year": (1, 1), "join": (1, 3),
    "at": (2, 2), "slice": (2, 3), "split": (1, 2), "repeat": (2, 2), "padStart": (2, 3),
}  # fmt: skip
IDENTIFIER = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%_-~",
    min_size=1,
    max_size=8,
)

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.floats(min_value=0, max_value=1e30, allow_nan=False, allow_infinity=False),
).map(NumberLiteral)
leaves: st.SearchStrategy[Expression] = st.one_of(
    numbers,
    st.text(max_size=12).map(TextLiteral),
    st.booleans().map(BooleanLiteral),
    st.text(max_size=12).map(PropertyReference),
    st.builds(StoredReference, IDENTIFIER, IDENTIFIER, IDENTIFIER),
)


@st.composite
def calls(draw: st.DrawFn, children: st.SearchStrategy[Expression]) -> Expression:
    name = draw(st.sampled_from(sorted(FUNCTIONS)))
    low, high = FUNCTIONS[name]
    arguments = tuple(draw(st.lists(children, min_size=low, max_size=high)))
    method = bool(arguments) and draw(st.booleans())
    return FunctionCall(name, arguments, method)


def extend(children: st.SearchStrategy[Expression]) -> st.SearchStrategy[Expression]:
    return st.one_of(
        st.builds(UnaryOperation, st.sampled_from(("-", "not")), children),
        st.builds(BinaryOperation, st.sampled_from(OPERATORS), children, children),
        st.lists(children, max_size=3).map(lambda items: ListLiteral(tuple(items))),
        calls(children),
    )


expressions = st.recursive(leaves, extend, max_leaves=25)
formula_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet='()[]{},."+-*/%^!=<>&|' + " abnotrue0129prop", max_size=60),
    expressions.map(unparse).map(lambda text: text[: len(text) // 2]),
)


@given(expressions)
@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
def test_printing_then_parsing_gives_back_the_same_tree(tree: Expression):
    """parse(unparse(tree)) == tree: Notion's canonical form loses nothing."""
    assert tree == parse(unparse(tree))


@given(expressions)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_canonical_form_is_a_fixed_point(tree: Expression):
    """Printing the parse of a printed formula gives the same text (rewrite is idempotent)."""
    text = unparse(tree)

    assert text == unparse(parse(text))


@given(formula_text)
@settings(max_examples=300)
def test_any_text_parses_or_raises_formula_error(text: str):
    """Whatever a client sends, the parser answers a tree or a FormulaError, nothing else."""
    try:
        tree = parse(text)
    except FormulaError:
        return  # a refusal is one of the two allowed answers
    assert tree == parse(unparse(tree))


PROPERTY_NAMES = sorted(v.EVERY_TYPE)
page_expressions = st.recursive(
    st.one_of(leaves, st.sampled_from(PROPERTY_NAMES).map(PropertyReference)),
    extend,
    max_leaves=25,
)
NOW = datetime(2026, 6, 27, 16, 58, tzinfo=UTC)


@given(page_expressions)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_evaluating_any_formula_gives_a_payload(tree: Expression):
    """Evaluation never raises by default: a failing formula is a null string, as in Notion."""
    payload = formula.evaluate(tree, v.EVERY_TYPE, property_names_by_id={}, now=NOW)

    assert payload["type"] in {"string", "number", "boolean", "date"}
