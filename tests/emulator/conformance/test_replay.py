"""Replaying recordings: verdicts, dependencies, and the command line's report."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.conformance.__main__ import main
from reconciler.emulator.conformance.catalog import Catalog
from reconciler.emulator.conformance.replay import replay
from reconciler.emulator.conformance.report import MARKER
from reconciler.emulator.conformance.scope import SKIP_CATEGORIES
from tests.emulator.conformance.recorded import (
    PAGE,
    ROOT,
    create_page,
    interaction,
    page,
    recording,
    root_page,
    write,
)

COMMENT = "38c9ce7b-60a4-81a1-9c5e-0a1b2c3d4e5f"


def create_and_read(title: str = "Launch plan") -> list[dict[str, object]]:
    """Create a page under the root page, then read it back."""
    return [
        interaction("GET", f"/v1/pages/{ROOT}", root_page()),
        create_page(title),
        interaction("GET", f"/v1/pages/{PAGE.replace('-', '')}", page(PAGE, title)),
    ]


def test_a_faithful_answer_passes(tmp_path: Path) -> None:
    """Created, mapped to the emulator's id, read back: every interaction passes."""
    rec = recording(tmp_path, create_and_read())
    result = replay(rec, Catalog.of([rec]))
    expected = ("PASS", ["pass", "pass", "pass"])
    assert expected == (result.verdict, [o.verdict for o in result.outcomes])


def test_a_different_answer_fails_naming_the_difference(tmp_path: Path) -> None:
    """A recorded title the emulator cannot have answered makes the read fail."""
    interactions = create_and_read()
    altered = copy.deepcopy(interactions[2])
    body: Any = altered["response_body"]
    body["properties"]["title"]["title"][0]["plain_text"] = "Launch"
    rec = recording(tmp_path, [*interactions[:2], altered])
    outcome = replay(rec, Catalog.of([rec])).outcomes[2]
    expected = (
        "fail",
        "properties.title.title[0].plain_text: expected 'Launch', got 'Launch plan'",
    )
    assert expected == (outcome.verdict, outcome.reason)


def test_a_recorded_401_is_replayed_with_an_unknown_token(tmp_path: Path) -> None:
    """Recordings keep no credentials; a 401 means the token was wrong."""
    refused = {
        "object": "error",
        "status": 401,
        "code": "unauthorized",
        "message": "API token is invalid.",
        "request_id": "r",
    }
    rec = recording(tmp_path, [interaction("GET", "/v1/users", refused, status=401)])
    expected = ["pass"]
    assert expected == [o.verdict for o in replay(rec, Catalog.of([rec])).outcomes]


def test_what_uses_an_object_a_skipped_call_made_is_skipped(tmp_path: Path) -> None:
    """A comment is out of scope, so reading it back is skipped too, naming the call."""
    comment = {"object": "comment", "id": COMMENT, "parent": {"type": "page_id", "page_id": ROOT}}
    rec = recording(
        tmp_path,
        [
            interaction("GET", f"/v1/pages/{ROOT}", root_page()),
            interaction("POST", "/v1/comments", comment, body={"parent": {"page_id": ROOT}}),
            interaction("GET", f"/v1/blocks/{COMMENT}", comment),
        ],
    )
    outcome = replay(rec, Catalog.of([rec])).outcomes[2]
    expected = ("skip", "uses an object made by skipped #1")
    assert expected == (outcome.verdict, outcome.reason)


def test_the_command_prints_a_line_per_recording_the_skips_and_the_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PASS|FAIL|SKIP path n/m reason, one line per category of skipped traffic with its reason,
    how many interactions are in scope, then ``N passed, M failed`` counting interactions."""
    folder = tmp_path / "recordings"
    good = write(folder, "test_page/test_create.json", create_and_read())
    write(folder, "test_comment/test_comment.json", [
        create_page("Notes"), interaction("POST", "/v1/comments", {}, body={}),
    ])  # fmt: skip
    status = main([str(folder)])
    lines = capsys.readouterr().out.splitlines()
    skipped = f"{folder.as_posix()}/test_comment/test_comment.json"
    expected = [
        f"SKIP {skipped}  0/0  comments are out of the emulator's scope",
        f"PASS {good.as_posix()}  3/3",
        f"skipped: Comments: 2 interactions ({SKIP_CATEGORIES['comments'].why})",
        (
            "3 interactions in scope, 100.0% of them pass; 2 skipped (out of scope), 1 recordings "
            "skipped whole"
        ),
        "3 passed, 0 failed",
    ]
    assert (0, expected) == (status, lines)


def test_the_failure_list_keeps_the_summary_written_above_its_marker(tmp_path: Path) -> None:
    """--failures rewrites what follows the marker line only."""
    interactions = create_and_read()
    read: Any = interactions[2]["response_body"]
    read["in_trash"] = True
    folder = tmp_path / "recordings"
    write(folder, "test_page/test_trash.json", interactions)
    failures = tmp_path / "conformance.md"
    failures.write_text(f"# Conformance\n\nHand-written.\n\n{MARKER}\nold list\n", "utf-8")
    main([str(folder), "--failures", str(failures)])
    text = failures.read_text("utf-8")
    assert text.startswith(f"# Conformance\n\nHand-written.\n\n{MARKER}\n")
    assert "old list" not in text
    assert "- #2 `GET /v1/pages/" in text
    assert "at `in_trash` expected `True`, got `False`" in text


def test_an_unreadable_recording_is_an_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit status 2 and the file named, no traceback."""
    broken = tmp_path / "recordings" / "broken.json"
    broken.parent.mkdir()
    broken.write_text("{not json", encoding="utf-8")
    status = main([str(broken.parent)])
    message = capsys.readouterr().err
    expected = (2, True)
    assert expected == (status, message.startswith(f"error: {broken}: cannot read the recording"))


def test_a_recording_the_replay_cannot_read_fails_and_the_run_goes_on(tmp_path: Path) -> None:
    """An answer of an odd shape fails that recording's interactions, naming the problem."""
    source = "3839ce7b-60a4-8180-9ad3-000ba3a62e53"
    odd = {
        "object": "data_source",
        "id": source,
        "parent": {"type": "database_id", "database_id": "00000000-0000-4000-8000-00000000000b"},
        "properties": ["Name"],
    }
    read = interaction("GET", f"/v1/data_sources/{source}", odd)
    rec = recording(tmp_path, [interaction("GET", f"/v1/pages/{ROOT}", root_page()), read])
    result = replay(rec, Catalog.of([rec]))
    expected = ["fail", "fail"]
    assert expected == [o.verdict for o in result.outcomes]
    assert result.outcomes[0].reason.startswith("the replay cannot read this recording (")
