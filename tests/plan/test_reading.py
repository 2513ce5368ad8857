"""``read_and_plan``: the workspace is asked while the databases are read, and its failure is
the one reported; what existed before the read is left out of the collector's passes."""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import NotionAuthError, NotionUnavailableError
from reconciler.manifest import load_desired_state
from reconciler.model import LiveState, WorkspaceIdentity
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.plan import read_and_plan
from reconciler.plan.reading import YOUNG_OBJECTS_WHILE_READING
from reconciler.readspec import ReadSpec
from tests.plan.test_through_the_emulator import MANIFEST, gateway

__all__ = ["gateway"]  # the emulator's gateway fixture, used here too


class _Watched:
    """A gateway that notes when the databases start being read, and can fail either side."""

    def __init__(self, inner: NotionGateway, *, me_fails: bool = False) -> None:
        self._inner = inner
        self._me_fails = me_fails
        self.reading = threading.Event()
        self.asked_while_reading = False
        self.read_fails = False
        self.frozen_while_reading = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def read_workspace(self) -> WorkspaceIdentity:
        self.asked_while_reading = self.reading.wait(timeout=10)
        if self._me_fails:
            raise NotionAuthError("the token is not valid", status=401)
        return self._inner.read_workspace()

    def read_state(self, specs: Sequence[ReadSpec], **options: Any) -> LiveState:
        self.reading.set()
        self.frozen_while_reading = gc.get_freeze_count()
        self.threshold_while_reading = gc.get_threshold()
        if self.read_fails:
            raise NotionUnavailableError("Notion did not answer", status=503)
        return self._inner.read_state(specs, **options)


def _tasks(tmp_path: Path) -> Any:
    (tmp_path / "tasks.yaml").write_text(MANIFEST, encoding="utf-8")
    return load_desired_state(["tasks.yaml"], environ={}, cwd=tmp_path, root=tmp_path)


def test_the_workspace_is_asked_while_the_databases_are_read(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """``GET /v1/users/me`` does not hold up the read: it is asked while the databases are
    being read (a read waiting for it would leave it waiting), and the plan records it."""
    watched = _Watched(gateway)
    plan, _ = read_and_plan(watched, _tasks(tmp_path))
    assert watched.asked_while_reading
    assert plan.workspace == gateway.read_workspace()


def test_a_workspace_that_cannot_be_asked_is_the_error_reported(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """When both the workspace and the read fail, the workspace's error is raised (a bad
    token is reported as such, as when it was asked first)."""
    watched = _Watched(gateway, me_fails=True)
    watched.read_fails = True
    with pytest.raises(NotionAuthError, match="token is not valid"):
        read_and_plan(watched, _tasks(tmp_path))


def test_a_failed_workspace_fails_a_read_that_succeeded(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """A read that succeeds makes no plan without the workspace it was read from."""
    watched = _Watched(gateway, me_fails=True)
    with pytest.raises(NotionAuthError):
        read_and_plan(watched, _tasks(tmp_path))


def test_objects_from_before_the_read_are_frozen_while_it_lasts_and_handed_back(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """During the read the objects that existed before it (the desired state, modules) are
    frozen for the garbage collector; after the plan nothing is."""
    watched = _Watched(gateway)
    read_and_plan(watched, _tasks(tmp_path))
    assert watched.frozen_while_reading > 0
    assert gc.get_freeze_count() == 0


def test_the_young_generation_waits_for_more_objects_while_reading_and_is_handed_back(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """During the read the collector looks at new objects every ``YOUNG_OBJECTS_WHILE_READING``
    of them, its other thresholds as they were; after the plan, or a failed read, all are as
    they were."""
    before = gc.get_threshold()
    watched = _Watched(gateway)
    read_and_plan(watched, _tasks(tmp_path))
    young = max(before[0], YOUNG_OBJECTS_WHILE_READING)
    assert watched.threshold_while_reading == (young, *before[1:])
    assert gc.get_threshold() == before
    watched.read_fails = True
    with pytest.raises(NotionUnavailableError):
        read_and_plan(watched, _tasks(tmp_path))
    assert gc.get_threshold() == before


def test_a_failed_read_hands_the_frozen_objects_back(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """A read that fails leaves nothing frozen."""
    watched = _Watched(gateway)
    watched.read_fails = True
    with pytest.raises(NotionUnavailableError):
        read_and_plan(watched, _tasks(tmp_path))
    assert gc.get_freeze_count() == 0


def test_objects_someone_else_froze_stay_frozen(tmp_path: Path, gateway: NotionGateway) -> None:
    """When objects are frozen already (by the program around it), the read neither freezes
    more nor hands those back."""
    desired = _tasks(tmp_path)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()  # frozen objects that die leave the count
        watched = _Watched(gateway)
        read_and_plan(watched, desired)
        assert 0 < watched.frozen_while_reading <= frozen
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


class _AnsweredLast(_Watched):
    """A gateway whose workspace answers only after every database was read."""

    def __init__(self, inner: NotionGateway) -> None:
        super().__init__(inner)
        self.read = threading.Event()

    def read_workspace(self) -> WorkspaceIdentity:
        self.read.wait(timeout=10)
        return self._inner.read_workspace()

    def read_state(self, specs: Sequence[ReadSpec], **options: Any) -> LiveState:
        try:
            return self._inner.read_state(specs, **options)
        finally:
            self.read.set()


def test_the_reads_count_holds_the_workspaces_question_answered_last(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """The read's requests (what ``Read N databases: R requests`` and the plan say) count
    ``GET /v1/users/me`` also when it is answered after the databases were read."""
    before = gateway.stats().requests
    plan, read = read_and_plan(_AnsweredLast(gateway), _tasks(tmp_path))
    assert read.stats.requests == gateway.stats().requests
    assert read.stats.requests - before >= 2  # the database read, and the workspace asked
    assert plan.read is not None
    assert plan.read["requests"] == read.stats.requests
