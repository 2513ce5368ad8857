"""The quick ways to a canonical value (``quick_reader``, ``sharing_key``) against the general
one (``from_response``): the same value for every shape they answer, ``UNREAD`` for the others
(styled runs, links, mentions, several runs, partial values, wrong types), and an answer for
the shapes Notion sends most."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import canonical_json
from reconciler.properties import ALL_CODECS, PropertyCodec, ValueProblem, codec_for
from reconciler.properties.base import UNREAD, QuickReader, SharingKey
from reconciler.properties.text import ANNOTATIONS

UNSTYLED = {**dict.fromkeys(ANNOTATIONS, False), "color": "default"}
USERS = ["0000000a-0000-4000-8000-00000000000a", "0000000b-0000-4000-8000-00000000000b"]

# --- raw page properties: what Notion sends, and shapes it should not ------------------------

_odd = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 1.0, -0.0, 2.5]),
    st.sampled_from(["", "x", "1", "true"]),
    st.just([]),
    st.just({}),
    st.just([["x"]]),
)
_contents = st.sampled_from(["", "Ship", "Ship it", "1", "ß✅"])
_annotations = st.one_of(
    st.just(UNSTYLED),
    st.fixed_dictionaries(
        {},
        optional={
            **{key: st.sampled_from([False, True, 0, 1, None]) for key in ANNOTATIONS},
            "color": st.sampled_from(["default", "red", "blue_background", 3]),
        },
    ),
    _odd,
)


def _text_run(content: object, link: object, annotations: object) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": content, "link": link},
        "annotations": annotations,
        "plain_text": content,
        "href": None,
    }


_plain_run = st.builds(lambda content: _text_run(content, None, UNSTYLED), _contents)
_run = st.one_of(
    _plain_run,
    st.builds(
        _text_run,
        _contents | _odd,
        st.none() | st.just({"url": "https://example.com"}) | _odd,
        _annotations,
    ),
    st.fixed_dictionaries(  # without some of the fields
        {"type": st.sampled_from(["text", "mention", "equation", "other"])},
        optional={
            "text": st.fixed_dictionaries({}, optional={"content": _contents, "link": st.none()})
            | _odd,
            "annotations": _annotations,
            "plain_text": _contents,
        },
    ),
    st.builds(
        lambda kind, target: {
            "type": "mention",
            "mention": {"type": kind, kind: target},
            "annotations": UNSTYLED,
            "plain_text": "@Ada",
            "href": None,
        },
        st.sampled_from(["user", "page", "date"]),
        st.just({"id": USERS[0]}) | st.just({"start": "2026-04-04"}),
    ),
    st.builds(
        lambda expression: {
            "type": "equation",
            "equation": {"expression": expression},
            "annotations": UNSTYLED,
            "plain_text": expression,
        },
        _contents,
    ),
    _odd,
)
_mention = {
    "type": "mention",
    "mention": {"type": "user", "user": {"id": USERS[0]}},
    "annotations": UNSTYLED,
    "plain_text": "@Ada",
}
_runs = st.one_of(
    st.lists(_plain_run, max_size=1),
    st.lists(_run, max_size=3),
    st.integers(25, 26).map(lambda n: [_mention] * n),  # partial: the page holds the first 25
    _odd,
)

_names = st.sampled_from(["Todo", "Done ✅", "1", "True"])
_option = st.one_of(
    st.fixed_dictionaries(
        {"name": _names}, optional={"id": st.just("o1"), "color": st.just("red")}
    ),
    st.fixed_dictionaries({}, optional={"name": _odd | _names, "id": st.just("o1")}),
    _odd,
)
_user = st.one_of(
    st.fixed_dictionaries(
        {"id": st.sampled_from(USERS)}, optional={"object": st.just("user"), "name": _names}
    ),
    st.fixed_dictionaries({}, optional={"id": _odd, "object": st.just("user")}),
    _odd,
)
_instants = st.sampled_from(
    ["2026-04-04", "2026-04-05", "2026-04-05T09:00:00.000+02:00", "2026-04-05T07:00:00.000Z"]
)
_date = st.one_of(
    st.fixed_dictionaries(
        {"start": _instants, "end": st.none() | _instants, "time_zone": st.none()}
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "start": _instants | st.just("not a date") | _odd,
            "end": _instants | _odd,
            "time_zone": st.sampled_from(["Europe/Berlin", "Mars/Olympus"]) | _odd,
        },
    ),
    _odd,
)
_number = st.one_of(
    st.integers(-(2**60), 2**60),
    st.sampled_from([2**53, -(2**53), 2**53 + 1, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
    _odd,
)

VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": _runs,
    "rich_text": _runs,
    "checkbox": st.booleans() | _odd,
    "number": _number,
    "select": st.none() | _option,
    "status": st.none() | _option,
    "multi_select": st.lists(_option, max_size=3) | _odd,
    "people": st.lists(_user, max_size=3)
    | st.integers(25, 26).map(lambda n: [{"id": USERS[0]}] * n)
    | _odd,
    "date": st.none() | _date,
}


def _prop(type_name: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A page property object, its value sometimes missing."""
    with_value = st.builds(lambda v: {"id": "x", "type": type_name, type_name: v}, value)
    return with_value | st.just({"id": "x", "type": type_name})


def _general(codec: PropertyCodec, prop: dict[str, Any]) -> str:
    """What ``from_response`` makes of the property, in canonical JSON (types included)."""
    try:
        return canonical_json(codec.from_response(prop, {}))
    except (ValueProblem, OverflowError) as error:
        return f"{type(error).__name__}: {error}"


def _quick(type_name: str) -> QuickReader:
    read = codec_for(type_name).quick_reader()
    assert read is not None
    return read


def _key(type_name: str) -> SharingKey:
    key = codec_for(type_name).sharing_key()
    assert key is not None
    return key


QUICK = sorted(name for name, codec in ALL_CODECS.items() if codec.quick_reader() is not None)
KEYED = sorted(name for name, codec in ALL_CODECS.items() if codec.sharing_key() is not None)


def test_which_codecs_have_quick_ways() -> None:
    """Quick readers for values that do not repeat, sharing keys for the repeating ones."""
    assert QUICK == ["checkbox", "number", "rich_text", "title"]
    assert KEYED == ["date", "multi_select", "people", "select", "status"]
    assert all(codec_for(name).repeating for name in KEYED)
    assert not any(codec_for(name).repeating for name in QUICK)


@pytest.mark.parametrize("type_name", QUICK)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_quick_reader_answers_what_from_response_does_or_unread(
    type_name: str, data: st.DataObject
) -> None:
    """For every shape a quick reader answers, the value ``from_response`` gives (JSON and
    types); never for a partial value."""
    codec, read = codec_for(type_name), _quick(type_name)
    prop = data.draw(_prop(type_name, VALUES[type_name]))
    value = read(prop)
    if codec.is_partial(prop):
        assert value is UNREAD
    if value is not UNREAD:
        assert canonical_json(value) == _general(codec, prop)


@pytest.mark.parametrize("type_name", KEYED)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_equal_sharing_keys_mean_equal_values(type_name: str, data: st.DataObject) -> None:
    """Properties with equal keys have equal values (or the same refusal); a partial value
    has no key."""
    codec, key = codec_for(type_name), _key(type_name)
    props = data.draw(st.lists(_prop(type_name, VALUES[type_name]), min_size=2, max_size=6))
    keyed = []
    for prop in props:
        found = key(prop)
        if codec.is_partial(prop):
            assert found is UNREAD
        if found is not UNREAD:
            keyed.append((found, _general(codec, prop)))
    for (key_a, value_a), (key_b, value_b) in itertools.combinations(keyed, 2):
        try:
            same = key_a == key_b and hash(key_a) == hash(key_b)
        except TypeError:  # a key that cannot be hashed is never used
            continue
        if same:
            assert value_a == value_b


def _run_of(content: str, **style: Any) -> dict[str, Any]:
    return _text_run(content, None, {**UNSTYLED, **style})


@pytest.mark.parametrize("type_name", ["title", "rich_text"])
def test_a_text_of_one_unstyled_run_or_none_is_read_quickly(type_name: str) -> None:
    read = _quick(type_name)
    assert read({type_name: [_run_of("Ship it")]}) == "Ship it"
    assert read({type_name: []}) == ""


@pytest.mark.parametrize(
    "items",
    [
        [_run_of("Ship", bold=True)],
        [_run_of("Ship", color="red")],
        [_text_run("Ship", {"url": "https://example.com"}, UNSTYLED)],
        [_mention],
        [_run_of("Ship"), _run_of(" it")],
        [{"type": "equation", "equation": {"expression": "x"}, "annotations": UNSTYLED}],
        [{"type": "text", "text": {"content": "Ship"}}],
        None,
        "Ship",
    ],
    ids=[
        "bold",
        "colour",
        "link",
        "mention",
        "two runs",
        "equation",
        "no annotations",
        "null",
        "text",
    ],
)
def test_other_texts_go_the_general_path(items: Any) -> None:
    assert _quick("rich_text")({"rich_text": items}) is UNREAD


def test_numbers_and_checkboxes_are_read_quickly_within_exact_doubles() -> None:
    number, checkbox = _quick("number"), _quick("checkbox")
    assert [number({"number": n}) for n in (3, 2.5, 3.0, -0.0, None, 2**53)] == [
        3,
        2.5,
        3,
        0,
        None,
        2**53,
    ]
    assert type(number({"number": 3.0})) is int
    assert [number({"number": n}) for n in (2**53 + 1, 10**400, True, "3")] == [UNREAD] * 4
    assert number({}) is None
    assert [checkbox({"checkbox": v}) for v in (True, False, 1, None)] == [
        True,
        False,
        False,
        False,
    ]


def test_repeating_values_are_keyed_by_their_raw_form() -> None:
    select, tags, people, date = (_key(t) for t in ("select", "multi_select", "people", "date"))
    assert select({"select": {"id": "o1", "name": "Todo", "color": "red"}}) == "Todo"
    assert select({"select": None}) is None
    assert tags({"multi_select": [{"name": "b"}, {"name": "a"}]}) == ("b", "a")
    assert people({"people": [{"object": "user", "id": USERS[1]}]}) == (USERS[1],)
    assert date({"date": {"start": "2026-04-04", "end": None, "time_zone": None}}) == (
        "2026-04-04",
        None,
        None,
    )
    assert date({"date": None}) is None


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("select", {"name": 3}),
        ("select", "Todo"),
        ("multi_select", [{"id": "o1"}]),
        ("multi_select", ["Todo"]),
        ("multi_select", None),
        ("people", [{"object": "user"}]),
        ("people", [{"id": USERS[0]}] * 25),
        ("people", None),
        ("date", "2026-04-04"),
    ],
)
def test_other_repeating_shapes_have_no_key(type_name: str, value: Any) -> None:
    assert _key(type_name)({type_name: value}) is UNREAD


# --- every combination of a few field values: each shape a quick way must tell apart ---------

_ABSENT = object()


def _object(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not _ABSENT}


def _objects(**choices: list[Any]) -> list[dict[str, Any]]:
    names = list(choices)
    return [
        _object(**dict(zip(names, values, strict=True)))
        for values in itertools.product(*choices.values())
    ]


_ODD: list[Any] = [None, True, 0, 1.0, "", "x", [], {}]
_TEXT_RUNS = _objects(
    type=["text", "mention", "equation", _ABSENT],
    text=[
        {"content": "Ship", "link": None},
        {"content": "Ship"},
        {"content": "Ship", "link": {"url": "https://example.com"}},
        {"content": 3, "link": None},
        {"link": None},
        "Ship",
        _ABSENT,
    ],
    annotations=[
        UNSTYLED,
        {**UNSTYLED, "bold": True},
        {**UNSTYLED, "code": 1},
        {**UNSTYLED, "bold": 0},
        {**UNSTYLED, "color": "red"},
        {"bold": False},
        {},
        None,
        _ABSENT,
    ],
)
_SHAPES: dict[str, list[Any]] = {
    "title": [
        [],
        *([run] for run in _TEXT_RUNS),
        [_run_of("Ship"), _run_of(" it")],
        [_run_of("Ship"), _run_of("")],
        [_mention] * 25,
        *_ODD,
    ],
    "checkbox": [True, False, *_ODD],
    "number": [3, -7, 2.5, 3.0, -0.0, 2**53, -(2**53), 2**53 + 1, 10**400, 1e300, *_ODD],
    "select": [*_objects(name=["Todo", "Done", 3, None, True, _ABSENT], id=["o1", _ABSENT]), *_ODD],
    "multi_select": [
        *(
            list(items)
            for size in range(3)
            for items in itertools.product(
                [
                    {"name": "a"},
                    {"name": "b"},
                    {"name": "a", "color": "red"},
                    {"name": 1},
                    {"name": True},
                    {"name": None},
                    {},
                    "a",
                    None,
                ],
                repeat=size,
            )
        ),
        *_ODD,
    ],
    "people": [
        *(
            list(items)
            for size in range(3)
            for items in itertools.product(
                [
                    {"id": USERS[0]},
                    {"id": USERS[1]},
                    {"object": "user", "id": USERS[0]},
                    {"id": None},
                    {"id": 1},
                    {},
                    "x",
                    None,
                ],
                repeat=size,
            )
        ),
        [{"id": USERS[0]}] * 25,
        *_ODD,
    ],
    "date": [
        *_objects(
            start=[
                "2026-04-05",
                "2026-04-05T09:00:00.000+02:00",
                "2026-04-05T07:00:00.000Z",
                "not a date",
                5,
                None,
                _ABSENT,
            ],
            end=["2026-04-06", "2026-04-05T10:00:00.000Z", 5, None, _ABSENT],
            time_zone=["Europe/Berlin", "America/New_York", "Mars/Olympus", 3, None, _ABSENT],
        ),
        *_ODD,
    ],
}
_SHAPES["rich_text"] = _SHAPES["title"]
_SHAPES["status"] = _SHAPES["select"]


def _props(type_name: str) -> list[dict[str, Any]]:
    return [{"type": type_name}] + [
        {"id": "x", "type": type_name, type_name: value} for value in _SHAPES[type_name]
    ]


@pytest.mark.parametrize("type_name", QUICK)
def test_every_shape_a_quick_reader_answers_is_read_as_from_response_reads_it(
    type_name: str,
) -> None:
    codec, read = codec_for(type_name), _quick(type_name)
    answered = 0
    for prop in _props(type_name):
        value = read(prop)
        if codec.is_partial(prop):
            assert value is UNREAD, prop
        if value is not UNREAD:
            answered += 1
            assert canonical_json(value) == _general(codec, prop), prop
    assert answered > 1


@pytest.mark.parametrize("type_name", KEYED)
def test_every_shape_with_a_sharing_key_has_the_value_of_the_others_under_it(
    type_name: str,
) -> None:
    codec, key = codec_for(type_name), _key(type_name)
    under: dict[Any, tuple[str, dict[str, Any]]] = {}
    for prop in _props(type_name):
        found = key(prop)
        if codec.is_partial(prop):
            assert found is UNREAD, prop
        if found is UNREAD:
            continue
        try:
            first = under.setdefault(found, (_general(codec, prop), prop))
        except TypeError:  # a key that cannot be hashed is never used
            continue
        assert _general(codec, prop) == first[0], (prop, first[1])
    assert len(under) > 1
