"""The hot frozen records (``SourceLocation``, ``DesiredRow``, ``LiveRow``) have a hand-written
``__init__`` that writes through their slots: it must take the fields exactly as the generated
one would, and leave the records as frozen and comparable as any dataclass."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from reconciler.model import DesiredBody, DesiredRow, LiveBody, LiveRow, SourceLocation

_HOT = (SourceLocation, DesiredRow, LiveRow)

_SAMPLE: dict[type, dict[str, Any]] = {
    SourceLocation: {"file": "manifests/tasks.yaml", "line": 3, "column": 5},
    DesiredRow: {
        "key": "task-1",
        "values": {"Name": [{"text": "One"}]},
        "location": SourceLocation("manifests/tasks.yaml", 9, 5),
        "icon": "🚀",
        "cover": "",
        "body": DesiredBody("# One", file="bodies/one.md"),
    },
    LiveRow: {
        "page_id": "3f6b8e4c-2d5a-4b7c-8e9f-000000000001",
        "key": "task-1",
        "values": {"Name": [{"text": "One"}]},
        "url": "https://www.notion.so/one",
        "in_trash": True,
        "created_time": "2026-01-01T00:00:00.000Z",
        "last_edited_time": "2026-01-02T00:00:00.000Z",
        "last_edited_by": "user-1",
        "icon": "🚀",
        "cover": "https://example.com/c.png",
        "body": LiveBody(markdown="# One", hash="h"),
    },
}


@pytest.mark.parametrize("cls", _HOT, ids=lambda cls: cls.__name__)
def test_the_init_takes_the_fields_as_the_generated_one_would(cls: type) -> None:
    """Every field, in order, by position or by name, with the dataclass's defaults."""
    parameters = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in parameters] == [f.name for f in dataclasses.fields(cls)]
    for parameter, declared in zip(parameters, dataclasses.fields(cls), strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        missing = declared.default is dataclasses.MISSING
        assert parameter.default == (inspect.Parameter.empty if missing else declared.default)


@pytest.mark.parametrize("cls", _HOT, ids=lambda cls: cls.__name__)
def test_each_field_holds_what_was_given_by_position_or_by_name(cls: type) -> None:
    values = _SAMPLE[cls]
    by_name, by_position = cls(**values), cls(*values.values())
    assert by_name == by_position
    assert {name: getattr(by_name, name) for name in values} == values
    assert repr(by_name).startswith(f"{cls.__name__}(")


@pytest.mark.parametrize("cls", _HOT, ids=lambda cls: cls.__name__)
def test_the_records_stay_frozen_replaceable_and_picklable(cls: type) -> None:
    record = cls(**_SAMPLE[cls])
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, "other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(record, first)
    changed = dataclasses.replace(record, **{first: _SAMPLE[cls][first] * 2})
    assert getattr(changed, first) == _SAMPLE[cls][first] * 2
    assert changed != record
    assert pickle.loads(pickle.dumps(record)) == record
    assert not hasattr(record, "__dict__")


def test_defaults_are_the_declared_ones() -> None:
    """Left out, the optional fields hold their declared defaults."""
    row = LiveRow("page", None, {}, "https://www.notion.so/page")
    assert (row.in_trash, row.created_time, row.icon, row.cover, row.body) == (
        False,
        "",
        "",
        "",
        None,
    )
    desired = DesiredRow("k", {}, SourceLocation("f", 1, 1))
    assert (desired.icon, desired.cover, desired.body) == (None, None, None)


def test_too_few_or_unknown_arguments_fail_as_for_any_call() -> None:
    with pytest.raises(TypeError):
        SourceLocation("f", 1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        DesiredRow("k", {}, SourceLocation("f", 1, 1), colour="red")  # type: ignore[call-arg]
