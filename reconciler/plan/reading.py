"""The live read a plan compares with, and the plan made from it: one sequence for every command.

``read_live`` chooses the databases (all the manifests', or those named with ``--database``),
adds the ones their relations point at (their keys and data sources resolve relation values),
and reads them through the gateway; ``read_and_plan`` then makes the plan of the chosen ones.
The ``plan`` and ``apply`` commands call ``read_and_plan``, ``export`` calls ``read_live``; none
of them repeats the sequence. A hook hears how many databases are about to be read (the CLI
says so); nothing here prints.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from reconciler.model import DesiredState, LiveState, WorkspaceIdentity
from reconciler.notion import BodyProgress, Gateway, RequestStats
from reconciler.plan.differ import make_plan, selected_handles
from reconciler.plan.index import relation_target
from reconciler.plan.model import Plan
from reconciler.readspec import read_specs

__all__ = ["LiveRead", "handles_to_read", "read_and_plan", "read_live"]


@dataclass(frozen=True)
class LiveRead:
    """What was read for a plan: the databases chosen, those read, the state, and the cost."""

    planned: tuple[str, ...]
    """The databases chosen (all the manifests', or those named), in dependency order."""
    handles: tuple[str, ...]
    """The databases read: the chosen ones and those their relations point at."""
    live: LiveState
    stats: RequestStats
    """The gateway's requests so far (a gateway opened for the command: the read's)."""
    seconds: float


def handles_to_read(desired: DesiredState, planned: Collection[str]) -> list[str]:
    """The planned databases and the ones they relate to (their keys and data sources)."""
    wanted = set(planned)
    for database in desired.databases:
        if database.handle not in planned:
            continue
        for spec in database.properties:
            target = relation_target(spec.config) if spec.type == "relation" else None
            if target is not None and desired.database(target) is not None:
                wanted.add(target)
    return [db.handle for db in desired.databases if db.handle in wanted]


def read_live(
    gateway: Gateway,
    desired: DesiredState,
    databases: Collection[str] = (),
    *,
    reading: Callable[[int], None] | None = None,
    progress: BodyProgress | None = None,
) -> LiveRead:
    """Read the chosen databases and those they relate to; ``reading`` hears how many first,
    ``progress`` how far the reading of page bodies (the managed ones only) has come.

    An unknown handle in ``databases`` is a ``PlanError`` naming the known ones.
    """
    planned = selected_handles(desired, databases)
    handles = handles_to_read(desired, planned)
    if reading is not None:
        reading(len(handles))
    started = time.monotonic()
    live = gateway.read_state(read_specs(desired, handles), progress=progress)
    seconds = time.monotonic() - started
    return LiveRead(tuple(planned), tuple(handles), live, gateway.stats(), seconds)


def read_and_plan(
    gateway: Gateway,
    desired: DesiredState,
    databases: Collection[str] = (),
    *,
    reading: Callable[[int], None] | None = None,
    progress: BodyProgress | None = None,
    workspace: WorkspaceIdentity | None = None,
) -> tuple[Plan, LiveRead]:
    """The plan that brings the chosen databases to the manifests, and the read it was made
    from (the apply passes it on, so the preflight does not read again what it holds).

    The plan records the workspace it was read from: ``workspace`` when the caller knows it
    (an apply asked already), else asked of the gateway (one request, counted in the read),
    while the read goes on: nothing in the read waits for it."""
    with _settled_objects(), ThreadPoolExecutor(1, thread_name_prefix="notion-me") as pool:
        asked = pool.submit(gateway.read_workspace) if workspace is None else None
        try:
            read = read_live(gateway, desired, databases, reading=reading, progress=progress)
        except BaseException:
            # The workspace's own failure (a bad token, most often) is the one to report, as
            # when it was asked before the read.
            failed = asked.exception() if asked is not None else None
            if failed is not None:
                raise failed from None
            raise
        if asked is not None:
            workspace = asked.result()
            # Its request is the read's too, though it may end after the databases were read.
            read = replace(read, stats=gateway.stats())
        plan = make_plan(
            desired,
            read.live,
            databases=read.planned,
            requests_per_second=gateway.requests_per_second,
            read=read.stats.to_json(),
            workspace=workspace,
        )
    return plan, read


YOUNG_OBJECTS_WHILE_READING = 10_000
"""How many new objects the garbage collector lets pile up before it looks at them while a
plan is read and made (Python's default: 700)."""


@contextmanager
def _settled_objects() -> Iterator[None]:
    """While a plan is read and made, what existed before (modules, the manifests' desired
    state) is left out of the garbage collector's full passes (``gc.freeze``), which otherwise
    walk all of it again each time the rows read pile up: 0.1 CPU s of a 10,000-row plan,
    0.4 s of a 50,000-row one. The rows read are long-lived objects by the thousand, which the
    collector's young generation would look at every 700 of them, and its older ones again and
    again: it waits for ``YOUNG_OBJECTS_WHILE_READING`` instead (a 10,000-row plan: ~65 ms of
    CPU less; the memory held meanwhile is the same, as the rows stay anyway). Both are handed
    back when the plan is made or the read fails. Nothing is changed when someone else froze
    objects already or collection is off."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_OBJECTS_WHILE_READING), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
