"""SIGKILL at many points of a 300-operation apply, then run again: Notion ends up exactly as the
manifests say, with no duplicate rows, every time.

The real CLI runs in a subprocess against the emulator served over TCP (a little latency so the
kill lands mid-apply). It is killed once its progress shows N changes finished; then the same
command runs to completion, and the plan must be empty and every key present once. Half of the
points apply the manifests (planning again on the rerun), half a saved plan file (resuming from
the journal). Two points run by default; the full set is marked ``slow``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.apply import Journal
from reconciler.emulator import Emulator, EmulatorServer
from tests.conftest import ROOT_PAGE_ID, TOKEN, in_process_client

GROUPS = 10
ITEMS = 145  # 2 databases + 10 groups + 145 items + 145 links + 1 relation property = 303

GROUPS_MANIFEST: dict[str, Any] = {
    "database": "groups",
    "parent": ROOT_PAGE_ID,
    "title": "Groups",
    "key": "Name",
    "properties": {"Name": "title", "Colour": {"type": "select", "options": ["red", "blue"]}},
    "rows": [
        {"Name": f"group-{g:02}", "Colour": "red" if g % 2 else "blue"} for g in range(GROUPS)
    ],
}
ITEMS_MANIFEST: dict[str, Any] = {
    "database": "items",
    "parent": ROOT_PAGE_ID,
    "title": "Items",
    "key": "Code",
    "properties": {
        "Name": "title",
        "Code": "rich_text",
        "Count": "number",
        "Group": {"type": "relation", "database": "groups"},
    },
    "rows": [
        {
            "Code": f"item-{i:03}",
            "Name": f"Item {i}",
            "Count": i,
            "Group": [f"group-{i % GROUPS:02}"],
        }
        for i in range(ITEMS)
    ],
}


def write_repository(root: Path) -> None:
    (root / "manifests").mkdir()
    (root / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n")
    for manifest in (GROUPS_MANIFEST, ITEMS_MANIFEST):
        text = yaml.safe_dump(manifest, sort_keys=False)
        (root / "manifests" / f"{manifest['database']}.yaml").write_text(text)


def cli(root: Path, server: EmulatorServer, *args: str) -> subprocess.Popen[str]:
    """The real `reconciler` CLI in a subprocess; stdout to a file, progress on stderr as one
    JSON event per change (RECONCILER_LOG_FORMAT=json), which the kill points count."""
    env = dict(
        os.environ, NOTION_TOKEN=TOKEN, NOTION_BASE_URL=server.url, RECONCILER_LOG_FORMAT="json"
    )
    env.pop("RECONCILER_APPROVE", None)
    out = (root / "stdout.txt").open("a")
    command = [sys.executable, "-c", "from reconciler.cli import main; main()", *args]
    return subprocess.Popen(
        command, cwd=root, env=env, stdout=out, stderr=subprocess.PIPE, text=True
    )


def run_to_end(root: Path, server: EmulatorServer, *args: str) -> int:
    process = cli(root, server, *args)
    _, stderr = process.communicate(timeout=300)
    (root / "stderr.txt").write_text(stderr)
    return process.returncode


def reported(process: subprocess.Popen[str]) -> Iterator[int]:
    """How many changes have finished, each time the CLI's progress says so."""
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("event") == "apply change":
                yield int(event["finished"])


def kill_after(root: Path, server: EmulatorServer, finished: int, *args: str) -> bool:
    """Run, SIGKILL once `finished` changes are reported; False if it ended first."""
    process = cli(root, server, *args)
    killed = False
    for count in reported(process):
        if count >= finished:
            process.send_signal(signal.SIGKILL)
            killed = True
            break
    process.wait(timeout=60)
    return killed


def keys(emulator: Emulator) -> Counter[str]:
    """How many live (not trashed) rows carry each key, over every data source."""
    client = in_process_client(emulator)
    counted: Counter[str] = Counter()
    for database in client.search(filter={"property": "object", "value": "data_source"})["results"]:
        cursor = None
        while True:
            body: dict[str, Any] = {"data_source_id": database["id"], "page_size": 100}
            if cursor:
                body["start_cursor"] = cursor
            page = client.data_sources.query(**body)
            for row in page["results"]:
                props = row["properties"]
                text = props.get("Code", props.get("Name"))
                kind = text["type"]
                counted["".join(t["plain_text"] for t in text[kind])] += 1
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
    return counted


def crash_and_resume(
    tmp_path: Path, emulator: Emulator, server: EmulatorServer, finished: int, saved: bool
) -> None:
    emulator.configure({"latency_ms": {"mean": 4, "jitter": 2}, "seed": finished})
    write_repository(tmp_path)
    args, ok = ["apply", "--yes"], 0
    if saved:
        assert ok == run_to_end(tmp_path, server, "plan", "-o", "plan.json")
        args.append("plan.json")
    assert kill_after(tmp_path, server, finished, *args), "the apply ended before the kill"
    code = run_to_end(tmp_path, server, *args)
    assert ok == code, (tmp_path / "stderr.txt").read_text()[-2000:]
    emulator.configure({"latency_ms": {"mean": 0, "jitter": 0}})
    assert ok == run_to_end(tmp_path, server, "plan", "--detailed-exitcode")
    counted = keys(emulator)
    expected = GROUPS + ITEMS
    assert expected == len(counted)
    once = {1}
    assert once == set(counted.values())


DEFAULT_POINTS = [(40, False), (170, True)]
ALL_POINTS = [
    (1, False),
    (2, True),
    (11, False),
    (12, True),
    (25, True),
    (60, False),
    (120, True),
    (157, False),
    (200, True),
    (230, False),
    (280, True),
    (300, False),
]


@pytest.mark.resilience
@pytest.mark.parametrize(("finished", "saved"), DEFAULT_POINTS)
def test_killed_apply_resumes_exactly(
    tmp_path: Path,
    emulator: Emulator,
    emulator_server: EmulatorServer,
    finished: int,
    saved: bool,
) -> None:
    """SIGKILL mid-apply, run again: the plan is empty and every key exists once."""
    crash_and_resume(tmp_path, emulator, emulator_server, finished, saved)


@pytest.mark.slow
@pytest.mark.resilience
@pytest.mark.parametrize(("finished", "saved"), ALL_POINTS)
def test_killed_apply_resumes_exactly_at_every_point(
    tmp_path: Path,
    emulator: Emulator,
    emulator_server: EmulatorServer,
    finished: int,
    saved: bool,
) -> None:
    """The same at twelve points from the first create to the last link."""
    crash_and_resume(tmp_path, emulator, emulator_server, finished, saved)


def interrupt_after(root: Path, server: EmulatorServer, finished: int, *args: str) -> str:
    """Run, send SIGINT (Ctrl-C) once `finished` changes are reported; the rest of stderr."""
    process = cli(root, server, *args)
    assert process.stderr is not None
    for count in reported(process):
        if count >= finished:
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=60)
    partial = 1
    assert partial == process.returncode, rest[-2000:]
    return rest


@pytest.mark.resilience
def test_ctrl_c_finishes_what_is_in_flight_and_says_how_to_resume(
    tmp_path: Path, emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """Ctrl-C: no new operation starts, those in flight are journaled, exit 1 with the command
    to run again; running it finishes the apply exactly."""
    emulator.configure({"latency_ms": {"mean": 4, "jitter": 2}})
    write_repository(tmp_path)
    stderr = interrupt_after(tmp_path, emulator_server, 60, "apply", "--yes")
    assert "interrupted:" in stderr
    assert "run `reconciler apply --yes` again to finish" in stderr
    (journal_path,) = (tmp_path / ".reconciler").glob("journal-*.jsonl")
    journal = Journal(journal_path)
    assert not journal.unfinished()
    journal.close()
    emulator.configure({"latency_ms": {"mean": 0, "jitter": 0}})
    ok = 0
    assert ok == run_to_end(tmp_path, emulator_server, "apply", "--yes")
    assert ok == run_to_end(tmp_path, emulator_server, "plan", "--detailed-exitcode")
    once = {1}
    assert once == set(keys(emulator).values())
