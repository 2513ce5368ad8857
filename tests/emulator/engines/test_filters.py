"""Query filters: every condition of every property type, matching and not matching."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from reconciler.emulator.filters import FilterError, compile_filter, matches, validate_filter
from tests.emulator.engines import values as v
from tests.emulator.engines.querying import SCHEMA, page

# A Saturday afternoon; its ISO week runs from Monday 22 to Sunday 28 June 2026.
NOW = datetime(2026, 6, 27, 16, 58, 41, tzinfo=UTC)
ORDER_ID = "38c9ce7b-60a4-811b-b44c-d1e3c3f63f40"
OTHER_ID = "38c9ce7b-60a4-8115-a712-d10ea87e020b"


def kept(filter_obj: dict[str, Any], pages: list[dict[str, Any]]) -> list[str]:
    """The titles of the pages the filter keeps, in the given order."""
    keep = compile_filter(filter_obj, SCHEMA, now=NOW, bot_id=v.BOT["id"])
    return [p["properties"]["Name"]["title"][0]["plain_text"] for p in pages if keep(p)]


def cases(*rows: tuple[str, Any, list[str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        ("condition", "operand", "expected"), rows, ids=[f"{r[0]}-{r[1]}" for r in rows]
    )


# --- text -----------------------------------------------------------------------------------

NOTES = [
    page("exact", Notes=v.text("Ship it")),
    page("other-case", Notes=v.text("ship IT later")),
    page("empty"),
]


@cases(
    ("equals", "Ship it", ["exact"]),
    ("equals", "ship it", []),
    ("does_not_equal", "Ship it", ["other-case", "empty"]),
    ("contains", "SHIP", ["exact", "other-case"]),
    ("contains", "never", []),
    ("does_not_contain", "later", ["exact", "empty"]),
    ("starts_with", "ship", ["exact", "other-case"]),
    ("starts_with", "it", []),
    ("ends_with", "LATER", ["other-case"]),
    ("is_empty", True, ["empty"]),
    ("is_not_empty", True, ["exact", "other-case"]),
)
def test_text_conditions(condition: str, operand: object, expected: list[str]):
    """equals is exact; contains/starts_with/ends_with ignore case; negations keep empties."""
    assert expected == kept({"property": "Notes", "rich_text": {condition: operand}}, NOTES)


@pytest.mark.parametrize("key", ["title", "rich_text", "url", "email", "phone_number"])
@pytest.mark.parametrize("prop", ["Name", "Notes", "Website", "Mail", "Phone"])
def test_any_text_condition_key_works_on_any_text_property(key: str, prop: str):
    """Observed: a rich_text condition filters title, url, email and phone properties."""
    pages = [
        page("john", Notes=v.text("john.doe"), Website=v.url("https://john.doe"),
             Mail=v.url("john.doe@example.com", kind="email"),
             Phone=v.url("john.doe", kind="phone_number")),
        page("jane"),
    ]  # fmt: skip

    expected = ["john"]

    assert expected == kept({"property": prop, key: {"contains": "JOHN"}}, pages)


# --- numbers --------------------------------------------------------------------------------

PRICES = [page("42", Price=v.number(42)), page("7", Price=v.number(7.5)), page("none")]


@cases(
    ("equals", 42, ["42"]),
    ("equals", 41, []),
    ("does_not_equal", 42, ["7", "none"]),
    ("greater_than", 7.5, ["42"]),
    ("greater_than", 42, []),
    ("less_than", 42, ["7"]),
    ("greater_than_or_equal_to", 7.5, ["42", "7"]),
    ("less_than_or_equal_to", 7.5, ["7"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, ["42", "7"]),
)
def test_number_conditions(condition: str, operand: object, expected: list[str]):
    """Comparisons never match an empty number; does_not_equal does (observed)."""
    assert expected == kept({"property": "Price", "number": {condition: operand}}, PRICES)


def test_unique_id_conditions_compare_the_number():
    """unique_id filters on its number, the prefix aside."""
    pages = [
        page("first", Ticket=v.unique_id(1, "TASK")),
        page("second", Ticket=v.unique_id(2, "TASK")),
    ]

    expected = ["second"]

    assert expected == kept({"property": "Ticket", "unique_id": {"greater_than": 1}}, pages)


# --- checkbox, select, status, multi_select --------------------------------------------------

BOXES = [page("ticked", Done=v.checkbox(True)), page("clear")]


@cases(
    ("equals", True, ["ticked"]),
    ("equals", False, ["clear"]),
    ("does_not_equal", True, ["clear"]),
    ("does_not_equal", False, ["ticked"]),
)
def test_checkbox_conditions(condition: str, operand: object, expected: list[str]):
    """equals and does_not_equal on the box."""
    assert expected == kept({"property": "Done", "checkbox": {condition: operand}}, BOXES)


STAGES = [
    page("doing", Stage=v.select("Doing")),
    page("done", Stage=v.select("Done")),
    page("none"),
]


@cases(
    ("equals", "Doing", ["doing"]),
    ("equals", "doing", []),
    ("equals", ["Doing", "Done"], ["doing", "done"]),
    ("does_not_equal", "Doing", ["done", "none"]),
    ("does_not_equal", ["Doing", "Done"], ["none"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, ["doing", "done"]),
)
def test_select_conditions(condition: str, operand: object, expected: list[str]):
    """Option names match exactly; a list means any of them; does_not_equal keeps empties."""
    assert expected == kept({"property": "Stage", "select": {condition: operand}}, STAGES)


@cases(
    ("equals", "In progress", ["busy"]),
    ("does_not_equal", "In progress", ["none"]),
    ("is_empty", True, ["none"]),
)
def test_status_conditions(condition: str, operand: object, expected: list[str]):
    """status filters like select, under its own key."""
    pages = [page("busy", Status=v.status("In progress")), page("none")]

    assert expected == kept({"property": "Status", "status": {condition: operand}}, pages)


TAGS = [
    page("red-blue", Tags=v.multi_select("Red", "Blue")),
    page("green", Tags=v.multi_select("Green")),
    page("none"),
]


@cases(
    ("contains", "Red", ["red-blue"]),
    ("contains", "Yellow", []),
    ("contains", ["Red", "Green"], ["red-blue", "green"]),
    ("does_not_contain", "Red", ["green", "none"]),
    ("does_not_contain", ["Red", "Green"], ["none"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, ["red-blue", "green"]),
)
def test_multi_select_conditions(condition: str, operand: object, expected: list[str]):
    """contains any of the names; does_not_contain none of them, empties included."""
    assert expected == kept({"property": "Tags", "multi_select": {condition: operand}}, TAGS)


# --- dates ----------------------------------------------------------------------------------

DUES = [
    page("today", Due=v.date("2026-06-27")),
    page("tonight", Due=v.date("2026-06-27T23:30:00.000+00:00")),
    page("utc-27", Due=v.date("2026-06-26T22:00:00.000-05:00")),
    page("july", Due=v.date("2026-07-01", "2026-07-03")),
    page("week-ago", Due=v.date("2026-06-20")),
    page("none"),
]
TODAYS = ["today", "tonight", "utc-27"]


@cases(
    ("equals", "2026-06-27", TODAYS),
    ("before", "2026-06-27", ["week-ago"]),
    ("after", "2026-06-27", ["july"]),
    ("on_or_before", "2026-06-27", [*TODAYS, "week-ago"]),
    ("on_or_after", "2026-06-27", [*TODAYS, "july"]),
    ("equals", "2026-06-27T23:30:00Z", ["tonight"]),
    ("equals", "2026-06-27T23:30:43.123Z", ["tonight"]),
    ("equals", "2026-06-28T01:30:59.999+02:00", ["tonight"]),
    ("equals", "2026-06-27T23:31:00Z", []),
    ("before", "2026-06-27T23:30:43.123Z", ["today", "utc-27", "week-ago"]),
    ("on_or_before", "2026-06-27T23:30:43.123Z", [*TODAYS, "week-ago"]),
    ("after", "2026-06-27T23:29:59.999Z", ["tonight", "july"]),
    ("after", "2026-06-27T12:00:00", ["tonight", "july"]),
    ("before", "2026-06-27T05:00:00+02:00", ["today", "week-ago"]),
    ("on_or_after", "2026-06-27T03:00:00Z", ["tonight", "utc-27", "july"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, [*TODAYS, "july", "week-ago"]),
)
def test_date_comparisons(condition: str, operand: object, expected: list[str]):
    """A date compares calendar days (UTC); a date-time compares instants cut to the minute, as
    Notion keeps them (no offset: UTC)."""
    assert expected == kept({"property": "Due", "date": {condition: operand}}, DUES)


@cases(
    ("equals", "today", TODAYS),
    ("equals", "yesterday", []),
    ("equals", "one_week_ago", ["week-ago"]),
    ("before", "yesterday", ["week-ago"]),
    ("on_or_after", "tomorrow", ["july"]),
    ("before", "one_week_from_now", [*TODAYS, "july", "week-ago"]),
    ("after", "one_month_ago", [*TODAYS, "july", "week-ago"]),
    ("after", "one_month_from_now", []),
)
def test_relative_dates_count_days_from_now(condition: str, operand: object, expected: list[str]):
    """today, tomorrow, one_week_ago... are days relative to the query's now."""
    assert expected == kept({"property": "Due", "date": {condition: operand}}, DUES)


@cases(
    ("this_week", {}, TODAYS),
    ("past_week", {}, [*TODAYS, "week-ago"]),
    ("next_week", {}, [*TODAYS, "july"]),
    ("past_month", {}, [*TODAYS, "week-ago"]),
    ("next_month", {}, [*TODAYS, "july"]),
    ("past_year", {}, [*TODAYS, "week-ago"]),
    ("next_year", {}, [*TODAYS, "july"]),
)
def test_date_periods(condition: str, operand: object, expected: list[str]):
    """this_week is Monday to Sunday; past_*/next_* run from or to today, both included."""
    assert expected == kept({"property": "Due", "date": {condition: operand}}, DUES)


def test_date_periods_exclude_what_lies_beyond():
    """past_year does not reach two years back, next_week not three weeks ahead."""
    pages = [page("old", Due=v.date("2024-06-27")), page("later", Due=v.date("2026-07-18"))]
    expected: tuple[list[str], list[str]] = ([], [])

    actual = (
        kept({"property": "Due", "date": {"past_year": {}}}, pages),
        kept({"property": "Due", "date": {"next_week": {}}}, pages),
    )

    assert expected == actual


STAMPED = [
    page("early", created="2026-06-27T09:59:00.000Z", edited="2026-06-27T12:00:00.000Z"),
    page("on-time", created="2026-06-27T10:00:00.000Z", edited="2026-06-27T10:00:00.000Z"),
    page("late", created="2026-06-27T10:01:00.000Z", edited="2026-06-27T10:01:00.000Z"),
]


def test_timestamp_filter_on_created_time():
    """{"timestamp": "created_time", ...}: the created_time window behind the 10,000-row cap."""
    window = {
        "timestamp": "created_time",
        "created_time": {"on_or_after": "2026-06-27T10:00:00.000Z"},
    }

    expected = ["on-time", "late"]

    assert expected == kept(window, STAMPED)


def test_timestamp_filter_on_last_edited_time():
    """{"timestamp": "last_edited_time", ...} reads the page's last_edited_time."""
    recent = {
        "timestamp": "last_edited_time",
        "last_edited_time": {"after": "2026-06-27T10:30:00Z"},
    }

    expected = ["early"]

    assert expected == kept(recent, STAMPED)


@pytest.mark.parametrize("key", ["created_time", "date"])
def test_created_time_property_takes_its_own_key_or_date(key: str):
    """A created_time property filters with a created_time or a date condition."""
    pages = [
        page("old", Created=v.created_time("2026-01-01T00:00:00.000Z")),
        page("new", Created=v.created_time("2026-06-27T10:00:00.000Z")),
    ]

    expected = ["new"]

    assert expected == kept({"property": "Created", key: {"after": "2026-06-01"}}, pages)


def test_last_edited_time_property_filters_its_value():
    """A last_edited_time property filters like a date."""
    pages = [
        page(
            "touched",
            Edited={"type": "last_edited_time", "last_edited_time": "2026-06-27T16:00:00.000Z"},
        ),
        page("stale"),
    ]

    expected = ["touched"]
    recent = {"property": "Edited", "last_edited_time": {"after": "2026-06-27T12:00Z"}}

    assert expected == kept(recent, pages)


# --- people, relations, files ---------------------------------------------------------------

OWNERS = [page("ada", Owners=v.people(v.ADA)), page("bot", Owners=v.people(v.BOT)), page("none")]


@cases(
    ("contains", v.ADA["id"], ["ada"]),
    ("contains", v.ADA["id"].replace("-", ""), ["ada"]),
    ("contains", "me", ["bot"]),
    ("does_not_contain", v.ADA["id"], ["bot", "none"]),
    ("does_not_contain", "me", ["ada", "none"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, ["ada", "bot"]),
)
def test_people_conditions(condition: str, operand: object, expected: list[str]):
    """contains a user id (with or without dashes) or "me", the requesting bot."""
    assert expected == kept({"property": "Owners", "people": {condition: operand}}, OWNERS)


def test_me_matches_nobody_without_a_requesting_bot():
    """Without a bot id, "me" is nobody."""
    keep = compile_filter({"property": "Owners", "people": {"contains": "me"}}, SCHEMA, now=NOW)

    expected = [False, False, False]

    assert expected == [keep(p) for p in OWNERS]


@pytest.mark.parametrize(
    ("prop", "key"), [("Author", "created_by"), ("Author", "people"), ("Editor", "last_edited_by")]
)
def test_created_by_and_last_edited_by_filter_like_people(prop: str, key: str):
    """created_by/last_edited_by take their own key; created_by also the people key."""
    pages = [
        page(
            "by-ada",
            Author=v.created_by(v.ADA),
            Editor={"type": "last_edited_by", "last_edited_by": v.ADA},
        ),
        page("by-bot"),
    ]

    expected = ["by-ada"]

    assert expected == kept({"property": prop, key: {"contains": v.ADA["id"]}}, pages)


RELATED = [
    page("linked", Related=v.relation(ORDER_ID, OTHER_ID)),
    page("other", Related=v.relation(OTHER_ID)),
    page("none"),
]


@cases(
    ("contains", ORDER_ID, ["linked"]),
    ("contains", ORDER_ID.replace("-", ""), ["linked"]),
    ("does_not_contain", ORDER_ID, ["other", "none"]),
    ("is_empty", True, ["none"]),
    ("is_not_empty", True, ["linked", "other"]),
)
def test_relation_conditions(condition: str, operand: object, expected: list[str]):
    """contains a related page id, dashes or not."""
    assert expected == kept({"property": "Related", "relation": {condition: operand}}, RELATED)


@cases(("is_empty", True, ["none"]), ("is_not_empty", True, ["attached"]))
def test_files_conditions(condition: str, operand: object, expected: list[str]):
    """files can only be asked for emptiness (observed)."""
    pages = [page("attached", Attachments=v.files("plan.pdf")), page("none")]

    assert expected == kept({"property": "Attachments", "files": {condition: operand}}, pages)


# --- formula, rollup, verification ----------------------------------------------------------


def _on(start: str | None) -> dict[str, Any] | None:
    return {"start": start, "end": None, "time_zone": None} if start else None


FORMULAS = [
    page("high", Score=v.formula("number", 9), Label=v.formula("string", "Hot lead"),
         Flag=v.formula("boolean", True), When=v.formula("date", _on("2026-07-01"))),
    page("low", Score=v.formula("number", 1), Label=v.formula("string", "cold"),
         Flag=v.formula("boolean", False), When=v.formula("date", _on("2026-06-01"))),
    page("empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("prop", "condition", "expected"),
    [
        ("Score", {"number": {"greater_than": 5}}, ["high"]),
        ("Score", {"number": {"is_empty": True}}, ["empty"]),
        ("Label", {"string": {"contains": "hot"}}, ["high"]),
        ("Label", {"string": {"equals": "cold"}}, ["low"]),
        ("Label", {"string": {"is_empty": True}}, ["empty"]),
        ("Flag", {"checkbox": {"equals": True}}, ["high"]),
        ("Flag", {"checkbox": {"equals": False}}, ["low", "empty"]),
        ("When", {"date": {"on_or_after": "2026-06-27"}}, ["high"]),
        ("When", {"date": {"past_month": {}}}, ["low"]),
        ("Label", {"number": {"equals": 1}}, []),
    ],
    ids=["number", "number-empty", "string-contains", "string-equals", "string-empty",
         "checkbox-true", "checkbox-false", "date", "date-period", "wrong-result-type"],
)  # fmt: skip
def test_formula_conditions_apply_to_the_result(
    prop: str, condition: dict[str, Any], expected: list[str]
):
    """string/checkbox/number/date conditions on a formula's result; another type never matches."""
    assert expected == kept({"property": prop, "formula": condition}, FORMULAS)


def test_formulas_created_through_the_api_cannot_be_filtered():
    """Notion refuses filters on API-created formulas (ultimate-notion #297, n8n #30524)."""
    expected = "Unable to filter based on a formula of unknown type"
    score = {"property": "Score", "formula": {"number": {"greater_than": 5}}}

    with pytest.raises(FilterError) as raised:
        compile_filter(score, SCHEMA, now=NOW, unfilterable_formulas={"fnum"})

    assert expected == raised.value.message


def test_other_formulas_stay_filterable_next_to_an_unfilterable_one():
    """Only the listed formula properties are refused; formulas made in the app filter fine."""
    label = {"property": "Label", "formula": {"string": {"equals": "cold"}}}

    keep = compile_filter(label, SCHEMA, now=NOW, unfilterable_formulas={"fnum"})

    expected = [False, True, False]

    assert expected == [keep(p) for p in FORMULAS]


def test_malformed_condition_on_an_unfilterable_formula_reports_the_body_first():
    """Body validation comes before the formula check, as Notion validates bodies first."""
    with pytest.raises(FilterError, match="Fix one"):
        validate_filter({"property": "Score", "formula": {"text": {}}}, SCHEMA,
                        unfilterable_formulas={"fnum"})  # fmt: skip


def _titles(*names: str) -> dict[str, Any]:
    items = [{"type": "title", "title": v.rich_text(n)} for n in names]
    return v.rollup("array", items, "show_original")


ROLLUPS = [
    page("two", Titles=_titles("Item 1", "Item 2"), Total=v.rollup("number", 72, "max"),
         Earliest=v.rollup("date", _on("1981-11-23T07:02:00.000+00:00"), "earliest_date")),
    page("one", Titles=_titles("Item 1"), Total=v.rollup("number", 42, "max"),
         Earliest=v.rollup("date", _on("2024-11-25T14:08:00.000+00:00"), "earliest_date")),
    page("none", Titles=_titles(), Earliest=v.rollup("date", _on(None), "earliest_date")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("prop", "condition", "expected"),
    [
        ("Titles", {"any": {"rich_text": {"equals": "Item 2"}}}, ["two"]),
        ("Titles", {"any": {"rich_text": {"contains": "item"}}}, ["two", "one"]),
        ("Titles", {"every": {"rich_text": {"equals": "Item 1"}}}, ["one"]),
        ("Titles", {"every": {"rich_text": {"starts_with": "Item"}}}, ["two", "one"]),
        ("Titles", {"none": {"rich_text": {"equals": "Item 2"}}}, ["one", "none"]),
        ("Titles", {"none": {"rich_text": {"is_empty": True}}}, ["two", "one", "none"]),
        ("Total", {"number": {"greater_than": 42}}, ["two"]),
        ("Total", {"number": {"is_empty": True}}, ["none"]),
        ("Total", {"any": {"number": {"less_than_or_equal_to": 42}}}, ["one"]),
        ("Earliest", {"date": {"equals": "2024-11-25"}}, ["one"]),
        ("Earliest", {"date": {"before": "2024-11-25"}}, ["two"]),
        ("Earliest", {"date": {"is_empty": True}}, ["none"]),
    ],
    ids=["any-equals", "any-contains", "every-equals", "every-starts-with", "none-equals",
         "none-is-empty", "number", "number-empty", "any-number", "date-equals", "date-before",
         "date-empty"],
)  # fmt: skip
def test_rollup_conditions(prop: str, condition: dict[str, Any], expected: list[str]):
    """any/every/none test the rolled-up items (every needs one); number/date the result."""
    assert expected == kept({"property": prop, "rollup": condition}, ROLLUPS)


VERIFICATIONS = [
    page("verified", Verified=v.verification("verified")),
    page("expired", Verified=v.verification("expired")),
    page("unverified"),
]


@cases(
    ("status", "verified", ["verified"]),
    ("status", "expired", ["expired"]),
    ("status", "none", ["unverified"]),
    ("does_not_equal", "verified", ["expired", "unverified"]),
)
def test_verification_conditions(condition: str, operand: object, expected: list[str]):
    """status verified/expired/none ("none" is unverified); does_not_equal the opposite."""
    assert expected == kept(
        {"property": "Verified", "verification": {condition: operand}}, VERIFICATIONS
    )


# --- compounds and lookups ----------------------------------------------------------------

MIXED = [
    page("cheap-doing", Price=v.number(5), Stage=v.select("Doing")),
    page("dear-doing", Price=v.number(50), Stage=v.select("Doing")),
    page("dear-done", Price=v.number(80), Stage=v.select("Done")),
]
DOING = {"property": "Stage", "select": {"equals": "Doing"}}
DEAR = {"property": "Price", "number": {"greater_than": 10}}
DONE = {"property": "Stage", "select": {"equals": "Done"}}


def test_and_keeps_pages_matching_every_filter():
    """and: all of them (observed)."""
    expected = ["dear-doing"]

    assert expected == kept({"and": [DOING, DEAR]}, MIXED)


def test_or_keeps_pages_matching_any_filter():
    """or: any of them (observed)."""
    expected = ["cheap-doing", "dear-doing", "dear-done"]

    assert expected == kept({"or": [DOING, DONE]}, MIXED)


def test_two_levels_of_nesting_are_allowed():
    """and of an or: the deepest nesting Notion accepts."""
    nested = {"and": [DEAR, {"or": [DOING, {"property": "Price", "number": {"equals": 80}}]}]}

    expected = ["dear-doing", "dear-done"]

    assert expected == kept(nested, MIXED)


@pytest.mark.parametrize("operator", ["and", "or"])
def test_an_empty_compound_keeps_every_page(operator: str):
    """{"and": []} (what clients send for 'no filter') and {"or": []} keep everything."""
    expected = ["cheap-doing", "dear-doing", "dear-done"]

    assert expected == kept({operator: []}, MIXED)


def test_property_may_be_named_by_its_id():
    """The property key takes the URL-encoded id as the schema shows it."""
    expected = ["dear-doing", "dear-done"]

    assert expected == kept({"property": "%5Di%3BB", "number": {"greater_than": 10}}, MIXED)


def test_property_may_be_named_by_its_decoded_id():
    """A decoded id (']i;B' for '%5Di%3BB') finds the property too."""
    expected = ["dear-done"]

    assert expected == kept({"property": "]i;B", "number": {"greater_than": 60}}, MIXED)


def test_a_page_missing_the_property_counts_as_empty():
    """A page whose properties lack the filtered one (added later) has an empty value."""
    bare = page("bare")
    del bare["properties"]["Price"]

    expected = ["bare"]

    assert expected == kept({"property": "Price", "number": {"is_empty": True}}, [bare])


def test_matches_checks_one_page():
    """matches() is compile_filter applied to a single page."""
    expected = [False, True]

    assert expected == [matches(DEAR, p, SCHEMA, now=NOW) for p in MIXED[:2]]
