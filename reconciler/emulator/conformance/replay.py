"""Replay one recording against a fresh emulator and judge every answer.

For each recording: a new in-memory :class:`Emulator` (its integration named like the recorded
bot), seeded with the objects the recording found in place (:mod:`.seeding`), its clock set to
the time each recorded answer shows; then every in-scope interaction is sent through httpx, as
recorded (method, path, query, body, Notion-Version) with recorded ids replaced by the
emulator's (:mod:`.idmap`), and its answer compared with Notion's (:mod:`.compare`). A recorded
401 is replayed with a token the emulator does not know (recordings keep no credentials).
An interaction that uses an object only a skipped interaction created is skipped too; one that
uses an object whose creation failed fails, naming that interaction. Used by the command line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from reconciler.emulator.admin import SeedError
from reconciler.emulator.app import Emulator
from reconciler.emulator.conformance.catalog import (
    Catalog,
    created_ids,
    dashed,
    dicts_in,
    uuids_in,
)
from reconciler.emulator.conformance.compare import Difference, compare
from reconciler.emulator.conformance.idmap import IdMap
from reconciler.emulator.conformance.recordings import Interaction, Recording
from reconciler.emulator.conformance.scope import Skip, recording_skip, skip_of
from reconciler.emulator.conformance.seeding import SeedPlan, plan_seed
from reconciler.emulator.identity import WORKSPACE_ID

__all__ = ["Outcome", "RecordingResult", "replay"]

_TOKEN = "secret_conformance_replay"  # noqa: S105 - the replay's own emulator token
_UNKNOWN_TOKEN = "secret_not_an_integration"  # noqa: S105 - replays a recorded 401
_BASE_URL = "http://notion.emulator"
_TIME_KEYS = ("created_time", "last_edited_time")
_PAGE_BLOCKS = ("child_page", "child_database")
_OLD_BLOCKS = (
    "reads content blocks that existed before the recording (the seed takes users, pages and "
    "databases, not blocks)"
)


@dataclass(frozen=True)
class Outcome:
    """How one interaction fared: ``pass``, ``fail`` or ``skip``, and why (a skip also names its
    category of :data:`.scope.SKIP_CATEGORIES`)."""

    interaction: Interaction
    verdict: str
    reason: str = ""
    difference: Difference | None = None
    category: str = ""


@dataclass(frozen=True)
class RecordingResult:
    """The outcomes of one recording (empty when it was skipped whole, with the reason)."""

    recording: Recording
    outcomes: tuple[Outcome, ...]
    skipped_because: str | None = None
    skipped_category: str = ""

    def count(self, verdict: str) -> int:
        """How many interactions had this verdict."""
        return sum(1 for o in self.outcomes if o.verdict == verdict)

    @property
    def verdict(self) -> str:
        """PASS, FAIL or SKIP for the recording as a whole."""
        if self.skipped_because is not None or self.count("skip") == len(self.outcomes):
            return "SKIP"
        return "FAIL" if self.count("fail") else "PASS"


@dataclass
class _Clock:
    """The emulator's clock: the time the recorded answer being replayed shows."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def replay(recording: Recording, catalog: Catalog) -> RecordingResult:
    """Replay one recording against a fresh emulator.

    A recording whose content the replay cannot make sense of (an answer of an unexpected shape)
    fails whole, each in-scope interaction naming the problem, and the run goes on.
    """
    whole = recording_skip(recording.interactions)
    if whole is not None:
        return RecordingResult(recording, (), whole.reason, whole.category)
    try:
        return _replay(recording, catalog)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        reason = f"the replay cannot read this recording ({type(error).__name__}: {error})"
        outcomes = (
            _skipped(i, skip) if (skip := skip_of(i)) else Outcome(i, "fail", reason)
            for i in recording.interactions
        )
        return RecordingResult(recording, tuple(outcomes))


def _replay(recording: Recording, catalog: Catalog) -> RecordingResult:
    plan = plan_seed(recording, catalog)
    clock = _Clock()
    emulator = Emulator(
        ":memory:", tokens={_TOKEN: _bot_name(plan)}, rate_limit=None, clock=clock, seed=1
    )
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator), base_url=_BASE_URL)
    try:
        return RecordingResult(
            recording,
            tuple(
                _Replay(
                    recording, catalog, plan=plan, emulator=emulator, client=client, clock=clock
                )
            ),
        )
    finally:
        client.close()
        emulator.close()


def _bot_name(plan: SeedPlan) -> str:
    name = (plan.bot or {}).get("name")
    return str(name) if name else "Notion Emulator"


class _Replay:
    """The interactions of one recording, replayed in order (iterating yields the outcomes)."""

    def __init__(
        self,
        recording: Recording,
        catalog: Catalog,
        *,
        plan: SeedPlan,
        emulator: Emulator,
        client: httpx.Client,
        clock: _Clock,
    ) -> None:
        self.recording = recording
        self.catalog = catalog
        self.client = client
        self.clock = clock
        self.ids = IdMap()
        self.creator = created_ids(recording.interactions)
        self.skipped: set[int] = set()
        self.failed: set[int] = set()
        self.changed: dict[str, int] = {}
        self.times = list(_timeline(recording.interactions))
        self.seed_problem = self._seed(plan, emulator)

    def _seed(self, plan: SeedPlan, emulator: Emulator) -> str | None:
        if plan.bot is not None:
            self.ids.bind(plan.bot["id"], emulator.bot_id())
        if plan.workspace_id is not None:
            self.ids.bind(plan.workspace_id, WORKSPACE_ID)
        for object_id in plan.seeded:
            self.ids.bind(object_id, object_id)
        payload: Any = _rewrite_strings(plan.payload, self.ids.text)
        if plan.bot is not None:
            bot = {k: plan.bot.get(k) for k in ("name", "avatar_url", "type", "bot")}
            payload["users"].append(
                {**_rewrite_strings(bot, self.ids.text), "id": emulator.bot_id()}
            )
        try:
            emulator.seed(payload)
        except SeedError as error:
            return f"the seed was refused: {error}"
        return None

    def __iter__(self) -> Iterator[Outcome]:
        for interaction in self.recording.interactions:
            outcome = self._one(interaction)
            if outcome.verdict == "skip":
                self.skipped.add(interaction.index)
                self._changed_by(interaction)
            elif outcome.verdict == "fail":
                self.failed.add(interaction.index)
            yield outcome

    def _one(self, interaction: Interaction) -> Outcome:
        skip = skip_of(interaction)
        if skip is not None:
            return _skipped(interaction, skip)
        depends = self._dependency(interaction)
        if depends is not None:
            return depends
        if self.seed_problem is not None:
            return Outcome(interaction, "fail", self.seed_problem)
        self.clock.now = self.times[interaction.index]
        status, body = self._send(interaction)
        difference = compare(interaction.status, interaction.response_body, status, body)
        if status == interaction.status:
            self.ids.learn(interaction.response_body, body)
        if difference is None:
            return Outcome(interaction, "pass")
        return Outcome(interaction, "fail", difference.reason(), difference)

    def _dependency(self, interaction: Interaction) -> Outcome | None:
        """Skip or fail an interaction that uses what a skipped or failed one created."""
        request = (interaction.path, interaction.query, interaction.request_body)
        used = self.ids.unmapped(self.creator, request)
        for object_id in used:
            index = self.creator[object_id]
            if index in self.skipped:
                return _dependent(interaction, f"uses an object made by skipped #{index}")
            if index in self.failed:
                return Outcome(interaction, "fail", f"uses an object made by failing #{index}")
        shown = uuids_in(json.dumps(interaction.response_body))
        for object_id in shown:
            index = self.creator.get(object_id, -1)
            if index in self.skipped and index < interaction.index:
                return _dependent(interaction, f"shows an object made by skipped #{index}")
        if self._old_blocks(interaction):
            return Outcome(interaction, "skip", _OLD_BLOCKS, category="old-blocks")
        for object_id in [*uuids_in(interaction.path), *shown]:
            if object_id in self.changed:
                index = self.changed[object_id]
                return _dependent(interaction, f"shows an object changed by skipped #{index}")
        return None

    def _old_blocks(self, interaction: Interaction) -> bool:
        """Whether the interaction reads content blocks that existed before the recording."""
        for block in _blocks(interaction.response_body):
            if block.get("type") not in _PAGE_BLOCKS and dashed(block["id"]) not in self.creator:
                return True
        return any(
            self.catalog.kind(object_id) == "block" and object_id not in self.creator
            for object_id in uuids_in(interaction.path)
        )

    def _changed_by(self, interaction: Interaction) -> None:
        """Objects a skipped write changed in place (a block update, markdown content)."""
        if interaction.method in ("PATCH", "DELETE") and not interaction.path.endswith("/children"):
            for object_id in uuids_in(interaction.path):
                self.changed.setdefault(object_id, interaction.index)

    def _send(self, interaction: Interaction) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {_TOKEN}"}
        if interaction.status == 401:
            headers["Authorization"] = f"Bearer {_UNKNOWN_TOKEN}"
        if interaction.notion_version is not None:
            headers["Notion-Version"] = interaction.notion_version
        body = self.ids.body(interaction.path, interaction.request_body)
        response = self.client.request(
            interaction.method,
            self.ids.path(interaction.path),
            params=tuple(self.ids.query(interaction.path, interaction.query)),
            headers=headers,
            content=None if body is None else json.dumps(body).encode(),
        )
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {"__raw__": response.text}


def _skipped(interaction: Interaction, skip: Skip) -> Outcome:
    return Outcome(interaction, "skip", skip.reason, category=skip.category)


def _dependent(interaction: Interaction, reason: str) -> Outcome:
    return Outcome(interaction, "skip", reason, category="dependent")


def _blocks(body: object) -> Iterator[dict[str, Any]]:
    for found in dicts_in(body):
        if found.get("object") == "block" and isinstance(found.get("id"), str):
            yield found


def _timeline(interactions: Sequence[Interaction]) -> Iterator[datetime]:
    """The time of each interaction: the latest time its answer (or an earlier one) shows."""
    found = [max(_times(i.response_body), default=None) for i in interactions]
    known = [t for t in found if t is not None]
    current = known[0] if known else datetime(2026, 1, 1, tzinfo=UTC)
    for moment in found:
        if moment is not None and moment > current:
            current = moment
        yield current


def _times(body: object) -> Iterator[datetime]:
    """Times of the objects an answer shows (top level and list results)."""
    if not isinstance(body, dict):
        return
    objects = [body, *[r for r in body.get("results") or [] if isinstance(r, dict)]]
    for obj in objects:
        for key in _TIME_KEYS:
            value = obj.get(key)
            if isinstance(value, str):
                try:
                    yield datetime.fromisoformat(value)
                except ValueError:
                    continue


def _rewrite_strings(value: Any, rewrite: Any) -> Any:
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, dict):
        return {k: _rewrite_strings(v, rewrite) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_strings(v, rewrite) for v in value]
    return value
