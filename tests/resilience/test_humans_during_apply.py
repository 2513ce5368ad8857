"""People edit the database by hand while an apply runs: no duplicate, no lost update, their
own data kept.

Once the apply has finished a tenth of its changes, a "human" (a second notion-client on the same
emulator) goes to work: changes managed fields of managed rows (some the apply is also writing),
writes unmanaged Notes, adds rows of their own, trashes managed rows and one unmanaged row. The
apply may then fail a change or two (a row trashed under it); running plan and apply again must
converge: every managed field as the manifest says, hand-trashed managed rows restored (not
created twice), hand-added rows and Notes kept as the human left them, the hand-trashed
unmanaged row left in the trash, and not one request of the reconciler writing to anything
unmanaged. The default run edits a 300-row database; the slow one a 10,000-row database.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.apply import ChangeFinished, ProgressEvent
from reconciler.emulator import Emulator
from tests.conftest import INTEGRATION, in_process_client
from tests.resilience.conftest import SentRequests, apply_plan, in_process_gateway
from tests.resilience.workspace import (
    HUMAN_ROWS,
    TASKS_DS,
    ResilienceWorkspace,
    canonical_json,
    page_id,
    text,
)

pytestmark = pytest.mark.resilience

HUMAN_TOKEN = "secret_a_person_editing_by_hand"


class Counted:
    """A notion-client whose page writes count toward ``human.edits``."""

    def __init__(self, notion: Any, human: Human) -> None:
        self.pages = self
        self._pages = notion.pages
        self._human = human

    def update(self, **kwargs: Any) -> Any:
        answer = self._pages.update(**kwargs)
        self._human.edits += 1
        return answer

    def create(self, **kwargs: Any) -> Any:
        answer = self._pages.create(**kwargs)
        self._human.edits += 1
        return answer


@dataclass
class Human:
    """Someone editing the tasks database by hand while the apply runs."""

    emulator: Emulator
    workspace: ResilienceWorkspace
    begin: threading.Event = field(default_factory=threading.Event)
    added: dict[str, str] = field(default_factory=dict)  # key -> the page as left
    notes: dict[str, str] = field(default_factory=dict)  # page id -> Notes as left
    trashed_managed: list[str] = field(default_factory=list)
    trashed_unmanaged: str = ""
    edits: int = 0
    error: BaseException | None = None

    def run(self) -> None:
        try:
            self.begin.wait(timeout=120)
            self._edit(Counted(in_process_client(self.emulator, token=HUMAN_TOKEN), self))
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error

    def _edit(self, notion: Any) -> None:
        count = self.workspace.tasks
        spread = [count * k // 12 + 1 for k in range(12)]
        for n in spread[:6]:  # managed fields of managed rows, some of them being applied now
            properties = {"Status": {"select": {"name": "Done"}}, "Estimate": {"number": 99}}
            notion.pages.update(page_id=page_id(2, n), properties=properties)
        for n in spread[6:]:  # their own column on managed rows
            note = {"Notes": {"rich_text": text(f"edited by hand during the apply ({n})")}}
            answer = notion.pages.update(page_id=page_id(2, n), properties=note)
            self.notes[page_id(2, n)] = canonical_json(answer["properties"]["Notes"])
        for k in range(5):  # rows of their own
            key = f"added-by-hand-{k}"
            answer = notion.pages.create(
                parent={"data_source_id": TASKS_DS},
                properties={"Name": {"title": text(f"Idea {k}")}, "Slug": {"rich_text": text(key)}},
            )
            self.added[key] = answer["id"]
        for n in (spread[2] + 1, spread[5] + 1, spread[9] + 1):  # managed rows, by mistake
            notion.pages.update(page_id=page_id(2, n), in_trash=True)
            self.trashed_managed.append(page_id(2, n))
        self.trashed_unmanaged = page_id(2, count + HUMAN_ROWS - 1)
        notion.pages.update(page_id=self.trashed_unmanaged, in_trash=True)

    def listener(self, event: ProgressEvent) -> None:
        """Start editing once a tenth of the apply's changes are done."""
        if isinstance(event, ChangeFinished) and event.finished * 10 >= event.total:
            self.begin.set()


def edited_while_applying(emulator: Emulator, tmp_path: Path, tasks: int) -> None:
    emulator.tokens[HUMAN_TOKEN] = INTEGRATION
    workspace = ResilienceWorkspace.seed(emulator, tmp_path, tasks=tasks)
    sent = SentRequests(httpx.WSGITransport(app=emulator))
    gateway = in_process_gateway(emulator, transport=sent)
    plan, live = workspace.plan(gateway)
    human = Human(emulator, workspace)
    editing = threading.Thread(target=human.run, name="human")
    editing.start()
    apply_plan(workspace, gateway, plan, live, listener=human.listener)
    edits_during_the_apply = human.edits
    human.begin.set()
    editing.join(timeout=300)
    assert human.error is None, repr(human.error)
    assert edits_during_the_apply > 0
    client = in_process_client(emulator)
    left_by_human = {
        key: canonical_json(client.pages.retrieve(page_id=pid)) for key, pid in human.added.items()
    }
    left_unmanaged = workspace.unmanaged()
    for _ in range(3):  # again until nothing is left to do
        again, live = workspace.plan(gateway)
        if not again.changes:
            break
        assert apply_plan(workspace, gateway, again, live).complete
    expected_keys = (workspace.expected_keys | {f"tasks/{key}" for key in human.added}) - {
        f"tasks/human-{HUMAN_ROWS - 1:03}"
    }
    workspace.check_converged(gateway, expected_keys)
    assert left_by_human == {
        key: canonical_json(client.pages.retrieve(page_id=pid)) for key, pid in human.added.items()
    }
    after = workspace.unmanaged()
    assert left_unmanaged == {key: after.get(key) for key in left_unmanaged}
    assert human.notes == {pid: after[f"notes of {pid}"] for pid in human.notes}
    assert client.pages.retrieve(page_id=human.trashed_unmanaged)["in_trash"]
    unmanaged = workspace.unmanaged_ids() | set(human.added.values())
    touched = [f"{s.method} {s.path}" for s in sent.writes() if any(i in s.path for i in unmanaged)]
    notes_written = [s.path for s in sent.writes() if "Notes" in json.dumps(s.body)]
    nothing: list[str] = []
    assert (nothing, nothing) == (touched, notes_written)
    gateway.close()


def test_hand_edits_during_an_apply_of_300_rows(emulator: Emulator, tmp_path: Path) -> None:
    """300 managed rows; a person edits, adds and trashes rows while the apply runs."""
    edited_while_applying(emulator, tmp_path, tasks=300)


@pytest.mark.slow
def test_hand_edits_during_an_apply_of_10000_rows(emulator: Emulator, tmp_path: Path) -> None:
    """The same on a 10,000-row database."""
    edited_while_applying(emulator, tmp_path, tasks=10_000)
