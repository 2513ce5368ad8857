"""Formula syntax: what parses, how Notion re-prints it, what it refuses and why."""

from __future__ import annotations

import pytest

from reconciler.emulator.formula import (
    BinaryOperation,
    BooleanLiteral,
    FormulaError,
    FunctionCall,
    KeptAsWritten,
    ListLiteral,
    NumberLiteral,
    PropertyReference,
    StoredReference,
    TextLiteral,
    UnaryOperation,
    parse,
    referenced_properties,
    rewrite,
    unparse,
)

DS = "458a194e-6908-4035-b222-946d546e5610"
WS = "00000000-0000-4000-8000-0000000000f0"
IDS = {"Name": "title", "Price": "%5Di%3BB", "Due Date": "cWX%40", "Status": "%5Cocr"}


def ref(property_id: str) -> str:
    return f"{{{{notion:block_property:{property_id}:{DS}:{WS}}}}}"


def canonical(expression: str) -> str:
    return unparse(parse(expression))


# --- what parses into what ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("42", NumberLiteral(42)),
        ("4.25", NumberLiteral(4.25)),
        ("1e3", NumberLiteral(1000.0)),
        ('"Done"', TextLiteral("Done")),
        ("true", BooleanLiteral(True)),
        ("false", BooleanLiteral(False)),
        ("[1, 2]", ListLiteral((NumberLiteral(1), NumberLiteral(2)))),
        ('prop("Due Date")', PropertyReference("Due Date")),
    ],
    ids=["integer", "decimal", "exponent", "text", "true", "false", "list", "prop"],
)
def test_literals_and_prop_parse_to_their_nodes(source: str, expected: object):
    """Each literal form and prop("Name") parse to one node."""
    assert expected == parse(source)


def test_stored_reference_parses_with_its_url_encoded_id():
    """{{notion:block_property:...}} keeps the property id exactly as stored (URL-encoded)."""
    expected = StoredReference("%3DSK%3B", DS, WS)

    assert expected == parse(ref("%3DSK%3B"))


def test_string_escapes_are_decoded():
    r"""\" \\ \n and \t inside a string are decoded."""
    assert TextLiteral('say "hi"\\\n\t') == parse(r'"say \"hi\"\\\n\t"')


def test_method_call_passes_the_receiver_as_first_argument():
    """prop("Tags").includes("Done") is includes(prop("Tags"), "Done") marked as a method."""
    expected = FunctionCall("includes", (PropertyReference("Tags"), TextLiteral("Done")), True)

    assert expected == parse('prop("Tags").includes("Done")')


@pytest.mark.parametrize("source", ["!true", "not true", "not(true)"])
def test_every_spelling_of_not_is_one_unary_node(source: str):
    """!x, not x and not(x) are the same node."""
    assert UnaryOperation("not", BooleanLiteral(True)) == parse(source)


@pytest.mark.parametrize(("symbol", "word"), [("&&", "and"), ("||", "or")])
def test_symbolic_logical_operators_become_words(symbol: str, word: str):
    """&& and || parse to the and/or operators."""
    expected = BinaryOperation(word, BooleanLiteral(True), BooleanLiteral(False))

    assert expected == parse(f"true {symbol} false")


def test_and_and_or_are_also_functions():
    """and(a, b, c) is a variadic function call, as Notion's or(...) in the recordings."""
    expected = FunctionCall("and", (BooleanLiteral(True),) * 3)

    assert expected == parse("and(true, true, true)")


# --- precedence, shown through Notion's canonical printing ------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", "1 + (2 * 3)"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 + 2 + 3", "(1 + 2) + 3"),
        ("10 - 4 - 3", "(10 - 4) - 3"),
        ("2 ^ 3 ^ 2", "2 ^ (3 ^ 2)"),
        ("-2 ^ 2", "-(2 ^ 2)"),
        ("(-2) ^ 2", "(-2) ^ 2"),
        ("7 % 3 * 2", "(7 % 3) * 2"),
        ("1 < 2 == true", "(1 < 2) == true"),
        ("1 + 1 == 2 and 2 > 1 or false", "(((1 + 1) == 2) and (2 > 1)) or false"),
        ("true || false && false", "true or (false and false)"),
        ("not true and false", "not true and false"),
        ("not (1 > 2)", "not (1 > 2)"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("--1", "--1"),
    ],
)
def test_operators_bind_as_in_notion(source: str, expected: str):
    """Precedence and associativity: ^ right, others left; every nested binary in parentheses."""
    assert expected == canonical(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('if((prop("A") == "x"), 1, 2)', 'if(prop("A") == "x", 1, 2)'),
        ("((((1))))", "1"),
        ("(if(true, 1, 2))", "if(true, 1, 2)"),
        ('concat( "x" ,  "y" )', 'concat("x", "y")'),
        ("[1,2 ,3]", "[1, 2, 3]"),
        ("(1 + 2).format()", "(1 + 2).format()"),
        ("(-1).abs()", "(-1).abs()"),
        ('prop("Tags").length()', 'prop("Tags").length()'),
        ("not (-1).abs()", "(not -1).abs()"),
        ("not ((-1).abs())", "not ((-1).abs())"),
        ("1.50", "1.5"),
        ("1e3", "1000"),
        ("2.5e-7", "2.5e-07"),
        ('"a\\"b\\\\c\\n"', '"a\\"b\\\\c\\n"'),
        ("!true", "not true"),
    ],
    ids=[
        "redundant-parens-in-argument", "parens-around-literal", "parens-around-call",
        "argument-spacing", "list-spacing", "method-on-binary", "method-on-negation",
        "method-on-prop", "not-call-then-method", "not-of-method-on-parenthesized",
        "trailing-zero", "exponent-integral", "exponent-small",
        "escapes", "bang-as-not",
    ],
)  # fmt: skip
def test_canonical_printing(source: str, expected: str):
    """unparse drops redundant parentheses and normalizes spacing, numbers and escapes."""
    assert expected == canonical(source)


# --- refused formulas -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "detail", "position"),
    [
        ("", "the formula is empty", 0),
        ("   ", "the formula is empty", 0),
        ("total(1)", "unknown function total()", 0),
        ("1 + foo(2)", "unknown function foo()", 4),
        ("if(true, 1)", "if() takes 3 arguments, got 2", 0),
        ("dateAdd(now())", "dateAdd() takes 3 arguments, got 1", 0),
        ("round(1, 2, 3)", "round() takes 1 to 2 arguments, got 3", 0),
        ("concat()", "concat() takes at least 1 arguments, got 0", 0),
        ('"open', "unterminated string", 0),
        ("1 + ", "unexpected the end of the formula", 4),
        ("(1 + 2", "expected ')', found the end of the formula", 6),
        ("1 2", "unexpected '2'", 2),
        ("1 = 1", "unexpected character '='", 2),
        ('= prop("Number") *', "unexpected the end of the formula", 18),
        ("1 # 2", "unexpected character '#'", 2),
        ("Price * 2", "unknown name 'Price' (functions need parentheses)", 0),
        ("prop(Price)", "unknown name 'Price' (functions need parentheses)", 5),
        ('prop("A", "B")', 'prop() takes one property name in double quotes', 0),
        ("prop(1)", 'prop() takes one property name in double quotes', 0),
        ("not(1, 2)", "not() takes exactly one argument", 0),
        ("true.1()", "expected a function name after '.', found '1'", 5),
        ("{{notion:block_property:abc}}", "unexpected character '{'", 0),
    ],
    ids=[
        "empty", "blank", "unknown-function", "unknown-function-later", "too-few-arguments",
        "too-few-date-arguments", "too-many-arguments", "no-arguments", "unterminated-string",
        "dangling-operator", "unclosed-parenthesis", "two-values", "single-equals",
        "kept-as-written-but-broken", "unknown-character", "bare-name", "unquoted-prop",
        "prop-two-names",
        "prop-number", "not-two-arguments", "method-without-name", "malformed-reference",
    ],
)  # fmt: skip
def test_bad_formulas_are_refused_saying_what_and_where(source: str, detail: str, position: int):
    """A formula Notion would refuse raises FormulaError with the problem and its position."""
    with pytest.raises(FormulaError) as raised:
        parse(source)

    assert (detail, position) == (raised.value.detail, raised.value.position)


def test_refusal_message_reads_as_one_sentence():
    """str(FormulaError) is the message the emulator puts in its validation_error."""
    expected = "Formula is invalid: unknown function foo() (at character 4)."

    with pytest.raises(FormulaError) as raised:
        parse("1 + foo(2)")

    assert expected == str(raised.value)


def test_deep_parenthesis_nesting_is_refused_not_crashing():
    """Hundreds of nested parentheses give FormulaError, never a RecursionError."""
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("(" * 500 + "1" + ")" * 500)


def test_long_operator_chains_are_refused_past_the_depth_limit():
    """A chain of 1,000 additions nests too deeply to be stored."""
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse(" + ".join(["1"] * 1000))


def test_long_runs_of_prefix_operators_are_refused():
    """A thousand minus signs in a row give FormulaError, never a RecursionError."""
    with pytest.raises(FormulaError, match="prefix operators"):
        parse("-" * 1000 + "1")


def test_thirty_levels_of_nesting_as_in_the_recordings_parse():
    """The recorded task formulas nest 30 parentheses deep; that much is accepted."""
    source = "if(true, " * 30 + "1" + ", 0)" * 30

    assert canonical(source) == source


# --- rewrite and references -------------------------------------------------------------------


def test_rewrite_replaces_every_prop_by_its_stored_reference():
    """Each prop("X") becomes {{notion:block_property:<id of X>:<ds>:<ws>}}."""
    expected = f'if({ref("%5Cocr")} == "Done", {ref("%5Di%3BB")}, 0)'

    assert expected == rewrite('if(prop("Status")=="Done",prop("Price"),0)', IDS, DS, WS)


def test_rewrite_keeps_stored_references_already_there():
    """Sending back what Notion returned gives the same text: rewrite is idempotent."""
    stored = rewrite('prop("Price") * 2', IDS, DS, WS)

    assert stored == rewrite(stored, IDS, DS, WS)


def test_rewrite_normalizes_symbolic_operators():
    """&& || ! are stored as and, or, not."""
    expected = f"(not {ref('title')}.empty() and true) or false"

    assert expected == rewrite('!prop("Name").empty() && true || false', IDS, DS, WS)


def test_rewrite_refuses_an_unknown_property():
    """prop("Cost") when the data source has no Cost property is refused."""
    expected = 'Formula is invalid: property "Cost" does not exist.'

    with pytest.raises(FormulaError) as raised:
        rewrite('prop("Cost") * 2', IDS, DS, WS)

    assert expected == str(raised.value)


def test_rewrite_refuses_what_parse_refuses():
    """rewrite validates the whole formula, not only the property names."""
    with pytest.raises(FormulaError, match="unknown function"):
        rewrite('sum2(prop("Price"))', IDS, DS, WS)


def test_referenced_properties_lists_names_and_ids():
    """prop() names and stored reference ids, each once."""
    expected = {"Price", "Due Date", "%5Cocr"}
    between = 'dateBetween(prop("Due Date"), now(), "days")'

    source = f'if({ref("%5Cocr")} == "x", prop("Price"), {between} + prop("Price"))'

    assert expected == referenced_properties(source)


def test_referenced_properties_of_a_constant_is_empty():
    """A formula without references references nothing."""
    assert set() == referenced_properties('"constant"')


# --- formulas kept as written (a leading "=") -------------------------------------------------


def test_a_formula_with_a_leading_equals_sign_is_read_and_printed_as_written():
    """Notion returned ={{notion:block_property:…}}* 2: it parses, and prints back unchanged."""
    stored = f"={ref('%5Di%3BB')}* 2"

    tree = parse(stored)

    assert (KeptAsWritten, stored) == (type(tree), unparse(tree))


def test_rewrite_keeps_the_spacing_of_a_formula_kept_as_written():
    """Only the prop() references change; the text around them stays as written."""
    expected = f"= {ref('%5Di%3BB')}* 2 +  {ref('%5Cocr')}.length()"

    assert expected == rewrite('= prop("Price")* 2 +  prop("Status").length()', IDS, DS, WS)


def test_a_formula_kept_as_written_still_names_existing_properties():
    """An unknown property is refused as in any formula."""
    with pytest.raises(FormulaError, match='property "Cost" does not exist'):
        rewrite('=prop("Cost")', IDS, DS, WS)


def test_references_of_a_formula_kept_as_written_are_known():
    """What the text after the "=" uses."""
    assert {"Price"} == referenced_properties('=prop("Price") * 2')
