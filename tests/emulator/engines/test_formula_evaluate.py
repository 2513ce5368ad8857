"""Formula evaluation: operators, functions, property values and result payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconciler.emulator.formula import FormulaError, evaluate
from tests.emulator.engines import values as v

# A Saturday, 41 seconds into the minute: now() is truncated to 16:58.
NOW = datetime(2026, 6, 27, 16, 58, 41, tzinfo=UTC)
PAGE = v.EVERY_TYPE
RELATED = v.RELATED_IDS
NAMES_BY_ID = {value["id"]: name for name, value in PAGE.items()}


def run(expression: str) -> dict[str, object]:
    return evaluate(expression, PAGE, property_names_by_id=NAMES_BY_ID, now=NOW, strict=True)


def string(text: str | None) -> dict[str, object]:
    return {"type": "string", "string": text}


def number(value: float | None) -> dict[str, object]:
    return {"type": "number", "number": value}


def boolean(value: bool) -> dict[str, object]:
    return {"type": "boolean", "boolean": value}


def day(start: str, end: str | None = None) -> dict[str, object]:
    return {"type": "date", "date": {"start": start, "end": end, "time_zone": None}}


def check(cases: list[tuple[str, dict[str, object]]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("expression", "expected"), cases, ids=[c[0] for c in cases])


# --- reading each property type -----------------------------------------------------------


@check(
    [
        ('prop("Name")', string("Ship the release")),
        ('prop("Notes")', string("")),
        ('prop("Price")', number(42)),
        ('prop("Empty number")', number(None)),
        ('prop("Done")', boolean(True)),
        ('prop("Stage")', string("Doing")),
        ('prop("No stage")', string("")),
        ('prop("Status")', string("Done")),
        ('prop("Tags")', string("Red,Blue")),
        ('prop("Due")', day("2026-07-01")),
        ('prop("No due")', {"type": "date", "date": None}),
        ('prop("Meeting")', day("2026-06-27T09:30:00.000+02:00")),
        ('prop("Span")', day("2026-07-01", "2026-07-05")),
        ('prop("Owners")', string("Ada Lovelace,Reconciler Bot")),
        ('prop("Related")', string(",".join(RELATED))),
        ('prop("Attachments")', string("plan.pdf,budget.xlsx")),
        ('prop("Website")', string("https://example.com")),
        ('prop("Mail")', string("ada@example.com")),
        ('prop("No phone")', string("")),
        ('prop("Ticket")', string("TASK-7")),
        ('prop("Sequence")', number(3)),
        ('prop("Score")', number(9)),
        ('prop("Label")', string("hot")),
        ('prop("Created")', day("2026-06-26T13:45:00.000+00:00")),
        ('prop("Author")', string("Ada Lovelace")),
        ('prop("Verified")', string("verified")),
        ('prop("Total")', number(12)),
        ('prop("Titles")', string("A,B")),
        ('prop("Missing")', string(None)),
    ]
)
def test_each_property_type_reads_as_notion_shows_it(expression: str, expected: object):
    """Text as plain text, options by name, lists joined by commas, dates as dates."""
    assert expected == run(expression)


def test_stored_reference_reads_the_property_by_id():
    """{{notion:block_property:<id>:...}} finds the property through its URL-encoded id."""
    expression = "{{notion:block_property:%5Di%3BB:ds:ws}} * 2"

    assert number(84) == run(expression)


def test_stored_reference_falls_back_to_the_ids_in_the_page():
    """Without a name for the id, the page's own property ids are searched."""
    actual = evaluate(
        "{{notion:block_property:%5Di%3BB:ds:ws}} + 1", PAGE, property_names_by_id={}, now=NOW
    )

    assert number(43) == actual


# --- operators ------------------------------------------------------------------------------


@check(
    [
        ("1 + 2", number(3)),
        ("7 - 10", number(-3)),
        ("6 * 7", number(42)),
        ("7 / 2", number(3.5)),
        ("7 % 3", number(1)),
        ("-7 % 3", number(-1)),
        ("2 ^ 10", number(1024)),
        ("2 ^ -1", number(0.5)),
        ('-prop("Price")', number(-42)),
        ("1 / 0", number(None)),
        ("5 % 0", number(None)),
        ("0.1 + 0.2", number(0.30000000000000004)),
        ('prop("Empty number") * 2', number(0)),
        ('prop("Empty number") + 1', number(1)),
        ('-prop("Empty number")', number(None)),
    ]
)
def test_arithmetic(expression: str, expected: object):
    """Numbers as in JavaScript (% keeps the dividend's sign); an empty number counts as 0."""
    assert expected == run(expression)


@check(
    [
        ('"Total: " + prop("Price")', string("Total: 42")),
        ('prop("Price") + " EUR"', string("42 EUR")),
        ('"a" + true', string("atrue")),
        ('prop("Notes") + "!"', string("!")),
        ('prop("Name") + "!"', string("Ship the release!")),
        ('"due " + prop("Due")', string("due July 1, 2026")),
    ]
)
def test_plus_concatenates_when_either_side_is_text(expression: str, expected: object):
    """+ with text on either side joins the texts, formatting the other side."""
    assert expected == run(expression)


@check(
    [
        ('prop("Price") > 40', boolean(True)),
        ('prop("Price") >= 42', boolean(True)),
        ('prop("Price") < 42', boolean(False)),
        ('prop("Price") <= 41', boolean(False)),
        ('prop("Price") == 42', boolean(True)),
        ('prop("Price") != 42', boolean(False)),
        ('"abc" < "abd"', boolean(True)),
        ('prop("Due") > prop("Meeting")', boolean(True)),
        ('prop("Due") == parseDate("2026-07-01")', boolean(True)),
        ('prop("Stage") == "Doing"', boolean(True)),
        ('prop("Stage") == "doing"', boolean(False)),
        ('prop("No stage") == ""', boolean(True)),
        ('prop("Empty number") == 0', boolean(False)),
        ('prop("Empty number") < 1', boolean(True)),
        ('prop("No due") < now()', boolean(False)),
        ("true == 1", boolean(False)),
        ("[1, 2] == [1, 2]", boolean(True)),
    ]
)
def test_comparisons(expression: str, expected: object):
    """Numbers, text, dates and booleans compare by value; empty dates are never ordered."""
    assert expected == run(expression)


@check(
    [
        ("true and false", boolean(False)),
        ("true && not false", boolean(True)),
        ('false or prop("Done")', boolean(True)),
        ('!prop("Done")', boolean(False)),
        ("and(true, true, false)", boolean(False)),
        ("or(false, false, true)", boolean(True)),
        ("not(1 > 2)", boolean(True)),
    ]
)
def test_logic(expression: str, expected: object):
    """and, or, not, in both spellings and as functions."""
    assert expected == run(expression)


def test_and_does_not_evaluate_its_right_side_when_the_left_is_false():
    """Short-circuit: a failing right side is never reached."""
    assert boolean(False) == run('false and ("a" * 2 == 1)')


# --- functions ------------------------------------------------------------------------------


@check(
    [
        ('if(prop("Done"), "yes", "no")', string("yes")),
        ('if(prop("Notes"), "yes", "no")', string("no")),
        ('ifs(prop("Price") > 50, "high", prop("Price") > 40, "mid", "low")', string("mid")),
        ('ifs(false, "a", false, "b", "c")', string("c")),
        ("ifs(false, 1, false, 2)", number(None)),
        ('if(empty(prop("Due")), toNumber(""), 1)', number(1)),
        ('if(empty(prop("No due")), toNumber(""), 1)', number(None)),
        ('if(true, prop("No due"), now())', {"type": "date", "date": None}),
        ('empty(prop("Notes"))', boolean(True)),
        ("empty(0)", boolean(True)),
        ("empty([])", boolean(True)),
        ('empty(prop("Tags"))', boolean(False)),
        ('empty(prop("Empty number"))', boolean(True)),
        ("empty(false)", boolean(False)),
    ]
)
def test_conditionals_and_empty(expression: str, expected: object):
    """if, ifs (with and without a default), empty(); an empty branch keeps its type."""
    assert expected == run(expression)


@check(
    [
        ('concat("a", "b", "c")', string("abc")),
        ('join(["a", "b"], "-")', string("a-b")),
        ('join("-", "a", "b")', string("a-b")),
        ('prop("Tags").join(" / ")', string("Red / Blue")),
        ('length("héllo")', number(5)),
        ('prop("Name").length()', number(16)),
        ('lower("ABC")', string("abc")),
        ('upper(prop("Stage"))', string("DOING")),
        ('trim("  x  ")', string("x")),
        ('contains(prop("Name"), "the")', boolean(True)),
        ('prop("Name").contains("ship")', boolean(False)),
        ('includes(prop("Tags"), "Red")', boolean(True)),
        ('prop("Tags").includes("Done")', boolean(False)),
        ('replace("a-b-c", "-", "+")', string("a+b-c")),
        ('replaceAll("a-b-c", "-", "+")', string("a+b+c")),
        ('replaceAll("a1b22", "\\\\d+", "#")', string("a#b#")),
        ('test("abc123", "\\\\d+")', boolean(True)),
        ('match("a1b22", "\\\\d+")', string("1,22")),
        ("format(42)", string("42")),
        ("format(1.5)", string("1.5")),
        ("format(true)", string("true")),
        ('format(prop("Meeting"))', string("June 27, 2026 9:30 AM")),
        ('format(prop("Span"))', string("July 1, 2026 → July 5, 2026")),
        ('slice("hello", 1, 3)', string("el")),
        ('substring("hello", 1)', string("ello")),
        ('split("a,b", ",")', string("a,b")),
        ('split("a b", " ").length()', number(2)),
        ('repeat("ab", 3)', string("ababab")),
        ('padStart("7", 3, "0")', string("007")),
        ('padEnd("7", 3)', string("7  ")),
        ('style("x", "b", "red")', string("x")),
        ('unstyle("x")', string("x")),
        ('link("Docs", "https://example.com")', string("Docs")),
    ]
)
def test_text_functions(expression: str, expected: object):
    """Text functions; contains() is case-sensitive, replace() takes a regular expression."""
    assert expected == run(expression)


@check(
    [
        ('toNumber("42")', number(42)),
        ('toNumber("4.5kg")', number(4.5)),
        ('toNumber("")', number(None)),
        ('toNumber("abc")', number(None)),
        ("toNumber(true)", number(1)),
        ('toNumber(prop("Due"))', number(1782864000000)),
        ("round(2.5)", number(3)),
        ("round(-2.5)", number(-2)),
        ("round(3.14159, 2)", number(3.14)),
        ("floor(-1.5)", number(-2)),
        ("ceil(1.2)", number(2)),
        ("abs(-3)", number(3)),
        ("min(3, 1, 2)", number(1)),
        ('max(prop("Price"), 50)', number(50)),
        ("sum(1, 2, 3)", number(6)),
        ("sum([1, 2], 3)", number(6)),
        ("mean(1, 2, 3, 4)", number(2.5)),
        ("median(3, 1, 2)", number(2)),
        ("sqrt(16)", number(4)),
        ("sqrt(-1)", number(None)),
        ("cbrt(-8)", number(-2)),
        ("ln(e())", number(1)),
        ("log10(1000)", number(3)),
        ("log2(8)", number(3)),
        ("exp(0)", number(1)),
        ("sign(-5)", number(-1)),
        ("pi()", number(3.141592653589793)),
        ("mod(7, 3)", number(1)),
        ("pow(2, 3)", number(8)),
        ("add(2, 3)", number(5)),
        ("subtract(2, 3)", number(-1)),
        ("multiply(2, 3)", number(6)),
        ("divide(3, 2)", number(1.5)),
        ("unaryMinus(4)", number(-4)),
        ('unaryPlus("4")', number(4)),
        ("larger(3, 2)", boolean(True)),
        ("largerEq(2, 2)", boolean(True)),
        ("smaller(3, 2)", boolean(False)),
        ("smallerEq(2, 2)", boolean(True)),
        ("equal(2, 2)", boolean(True)),
        ("unequal(2, 2)", boolean(False)),
    ]
)
def test_number_functions(expression: str, expected: object):
    """Number functions; round() rounds halves up as JavaScript does."""
    assert expected == run(expression)


@check(
    [
        ("[1, 2, 3].length()", number(3)),
        ("at([1, 2, 3], 1)", number(2)),
        ("at([1, 2, 3], 5)", number(None)),
        ('first(prop("Tags"))', string("Red")),
        ('last(prop("Tags"))', string("Blue")),
        ("reverse([1, 2])", string("2,1")),
        ("sort([3, 1, 2])", string("1,2,3")),
        ('sort(["b", "a"])', string("a,b")),
        ("unique([1, 1, 2])", string("1,2")),
        ("flat([[1], [2, 3]])", string("1,2,3")),
        ("concat([1], [2])", string("1,2")),
        ("includes([1, 2], 2)", boolean(True)),
        ("slice([1, 2, 3], 1)", string("2,3")),
    ]
)
def test_list_functions(expression: str, expected: object):
    """Lists: a list result is reported as text joined by commas."""
    assert expected == run(expression)


@check(
    [
        ("now()", day("2026-06-27T16:58:00.000+00:00")),
        ("today()", day("2026-06-27")),
        ('dateAdd(prop("Due"), 3, "days")', day("2026-07-04")),
        ('dateAdd(prop("Due"), 1, "months")', day("2026-08-01")),
        ('dateAdd(parseDate("2026-01-31"), 1, "month")', day("2026-02-28")),
        ('dateAdd(prop("Due"), 1, "quarters")', day("2026-10-01")),
        ('dateAdd(prop("Due"), 2, "years")', day("2028-07-01")),
        ('dateAdd(prop("Span"), 1, "weeks")', day("2026-07-08", "2026-07-12")),
        ('dateSubtract(now(), 2, "hours")', day("2026-06-27T14:58:00.000+00:00")),
        ('dateSubtract(now(), 30, "minutes")', day("2026-06-27T16:28:00.000+00:00")),
        ('dateAdd(prop("No due"), 1, "days")', {"type": "date", "date": None}),
        ('dateBetween(prop("Due"), now(), "days")', number(3)),
        ('dateBetween(now(), prop("Due"), "days")', number(-3)),
        ('dateBetween(prop("Due"), now(), "hours")', number(79)),
        ('dateBetween(parseDate("2026-03-31"), parseDate("2026-02-28"), "months")', number(1)),
        ('dateBetween(parseDate("2026-03-27"), parseDate("2026-02-28"), "months")', number(0)),
        ('dateBetween(parseDate("2027-06-27"), now(), "years")', number(0)),
        ('dateBetween(parseDate("2028-06-28"), now(), "years")', number(2)),
        ('dateBetween(prop("No due"), now(), "days")', number(None)),
        ('formatDate(prop("Due"), "MMMM D, YYYY")', string("July 1, 2026")),
        ('formatDate(now(), "YYYY-MM-DD HH:mm")', string("2026-06-27 16:58")),
        ('formatDate(now(), "dddd [week] W, h:mm a")', string("Saturday week 26, 4:58 pm")),
        ('formatDate(prop("Due"), "ddd Do MMM YY, Q")', string("Wed 1st Jul 26, 3")),
        ('year(prop("Due"))', number(2026)),
        ('month(prop("Due"))', number(7)),
        ('date(prop("Due"))', number(1)),
        ('day(prop("Due"))', number(3)),
        ('week(prop("Due"))', number(27)),
        ('hour(prop("Meeting"))', number(9)),
        ("minute(now())", number(58)),
        ('timestamp(prop("Due"))', number(1782864000000)),
        ("fromTimestamp(0)", day("1970-01-01T00:00:00.000+00:00")),
        ('dateStart(prop("Span"))', day("2026-07-01")),
        ('dateEnd(prop("Span"))', day("2026-07-05")),
        ('dateRange(prop("Due"), parseDate("2026-07-03"))', day("2026-07-01", "2026-07-03")),
        ('parseDate("2026-06-27T10:00:00Z")', day("2026-06-27T10:00:00.000+00:00")),
        ('parseDate("not a date")', {"type": "date", "date": None}),
    ]
)
def test_date_functions(expression: str, expected: object):
    """Dates: now() to the minute, calendar months clamped, whole units between dates."""
    assert expected == run(expression)


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "detail"),
    [
        ('"a" * 2', "* expects a number, got text"),
        ('dateAdd(prop("Due"), 1, "fortnights")', "unknown date unit 'fortnights'"),
        ('dateAdd("soon", 1, "days")', "dateAdd expects a date, got text"),
        ('prop("Due") < 3 + "x"', "cannot compare date with text"),
        ('repeat("x", 1000000)', "repeat would make text longer than 100000 characters"),
        ('test("a", "(")', "invalid regular expression '(': missing ), unterminated subpattern at position 0"),  # noqa: E501
    ],
)  # fmt: skip
def test_errors_at_run_time_raise_in_strict_mode(expression: str, detail: str):
    """strict=True turns a run-time type error into FormulaError, for the emulator's tests."""
    with pytest.raises(FormulaError) as raised:
        run(expression)

    assert detail == raised.value.detail


def test_errors_at_run_time_give_an_empty_string_by_default():
    """A formula failing on a page shows as {"type": "string", "string": null}."""
    actual = evaluate('"a" * 2', PAGE, property_names_by_id=NAMES_BY_ID, now=NOW)

    assert string(None) == actual


def test_an_unparsable_stored_formula_gives_an_empty_string():
    """Observed: Notion shows a broken formula ('={{...}}* 2') as a null string."""
    actual = evaluate('=prop("Price") * 2', PAGE, property_names_by_id=NAMES_BY_ID, now=NOW)

    assert string(None) == actual


def test_an_already_parsed_formula_is_accepted():
    """evaluate takes a parsed expression as well as text (parse once, evaluate per page)."""
    from reconciler.emulator.formula import parse

    tree = parse('prop("Price") + 1')

    assert number(43) == evaluate(tree, PAGE, property_names_by_id=NAMES_BY_ID, now=NOW)


def test_a_naive_now_is_taken_as_utc():
    """now without a time zone is UTC."""
    naive = datetime(2026, 6, 27, 16, 58, 41)

    actual = evaluate("now()", PAGE, property_names_by_id=NAMES_BY_ID, now=naive)

    assert day("2026-06-27T16:58:00.000+00:00") == actual


def test_a_formula_kept_as_written_computes_an_empty_string():
    """Observed for ={{…}}* 2 on pages whose Number is 1 and 2: {"type": "string", "string": null}
    for every page, even in strict mode (it is read, not refused)."""
    assert string(None) == run('=prop("Number") * 2')
