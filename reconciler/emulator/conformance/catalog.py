"""What the recordings show of each object: snapshots by id, and which recording created what.

Every page, database, data source, block and user a response shows in full is kept as a snapshot
(with the recording and interaction it came from). An object is *created* by a recording when
the recording's own write returned it first (a create, or children appended); objects nobody
created existed before the recordings began and a replay seeds them. Used by the seed planner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.conformance.recordings import Interaction, Recording

__all__ = ["Catalog", "Snapshot", "created_ids", "dashed", "dicts_in", "suite_of", "uuids_in"]

_UUID = re.compile(
    r"(?<![0-9a-fA-F])([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12})(?![0-9a-fA-F])"
)
_KINDS = ("page", "database", "data_source", "block", "user")


def dashed(text: str) -> str:
    """A uuid in its dashed lower-case form."""
    bare = text.replace("-", "").lower()
    return f"{bare[:8]}-{bare[8:12]}-{bare[12:16]}-{bare[16:20]}-{bare[20:]}"


def uuids_in(text: str) -> list[str]:
    """Every uuid written in a text (dashed or compact), dashed."""
    return [dashed(m) for m in _UUID.findall(text)]


@dataclass(frozen=True)
class Snapshot:
    """An object as one response showed it."""

    recording: str
    index: int
    body: dict[str, Any]
    complete: bool


@dataclass
class Catalog:
    """Snapshots of every object the recordings show, and the creating recording of each."""

    snapshots: dict[str, list[Snapshot]] = field(default_factory=dict)
    created_by: dict[str, str] = field(default_factory=dict)
    bots: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources_of: dict[str, list[str]] = field(default_factory=dict)
    newest_first: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, recordings: Sequence[Recording]) -> Catalog:
        """The catalog of these recordings."""
        catalog = cls()
        for recording in recordings:
            catalog.add(recording)
        return catalog

    def add(self, recording: Recording) -> None:
        """Take in one recording's responses."""
        suite = suite_of(recording)
        for interaction in recording.interactions:
            if not 200 <= interaction.status < 300:
                continue
            for obj in _objects(interaction.response_body):
                complete = obj["object"] != "page" or not any(
                    k == "filter_properties" for k, _ in interaction.query
                )
                snap = Snapshot(recording.name, interaction.index, obj, complete)
                self.snapshots.setdefault(dashed(obj["id"]), []).append(snap)
                self._index_source(obj)
            self._note_order(interaction)
            if interaction.method == "GET" and interaction.path == "/v1/users/me":
                self.bots.setdefault(suite, interaction.response_body)
        for object_id in created_ids(recording.interactions):
            self.created_by.setdefault(object_id, recording.name)

    def _note_order(self, interaction: Interaction) -> None:
        """A query without sorts lists rows newest first: their place says their age."""
        body, request = interaction.response_body, interaction.request_body
        if not interaction.path.endswith("/query") or not isinstance(body, dict):
            return
        if isinstance(request, dict) and request.get("sorts"):
            return
        for position, row in enumerate(_listed(body, "results")):
            if isinstance(row.get("id"), str) and _UUID.fullmatch(row["id"]):
                self.newest_first.setdefault(dashed(row["id"]), position)

    def _index_source(self, obj: dict[str, Any]) -> None:
        """Remember which database holds a data source (databases often show only that way)."""
        database = _parent_id(obj)
        if obj["object"] == "data_source" and database is not None:
            listed = self.sources_of.setdefault(dashed(database), [])
            if dashed(obj["id"]) not in listed:
                listed.append(dashed(obj["id"]))

    def kind(self, object_id: str) -> str | None:
        """page, database, data_source, block or user, as the recordings show the object."""
        kinds = [str(s.body["object"]) for s in self.snapshots.get(object_id, [])]
        named = [k for k in kinds if k != "block"]
        if named:
            return named[0]
        if object_id in self.sources_of:
            return "database"
        return kinds[0] if kinds else None

    def best(self, object_id: str, prefer: str) -> dict[str, Any] | None:
        """The snapshot to seed from: the first complete one in ``prefer``, else the latest.

        Another recording's last view of an object is the state it left it in; ``prefer`` (the
        recording replayed) shows it as that recording found it.
        """
        snaps = [s for s in self.snapshots.get(object_id, []) if s.complete]
        # A page or database also shows as a block (child_page, child_database): not a seed.
        kind = self.kind(object_id)
        snaps = [s for s in snaps if s.body["object"] == kind] or snaps
        own = [s for s in snaps if s.recording == prefer]
        if own:
            return own[0].body
        if not snaps:
            return None
        return max(enumerate(snaps), key=lambda n_s: (_edited(n_s[1].body), n_s[0]))[1].body

    def everywhere(self, object_id: str) -> Iterator[Snapshot]:
        """Every snapshot of an object."""
        yield from self.snapshots.get(object_id, [])

    def pages_of(self, data_source_id: str) -> list[str]:
        """Pages the recordings show in a data source that no recording created."""
        found = []
        for object_id, snaps in self.snapshots.items():
            body = snaps[0].body
            parent = body.get("parent") or {}
            if (
                body.get("object") == "page"
                and parent.get("data_source_id") == data_source_id
                and object_id not in self.created_by
            ):
                found.append(object_id)
        return found


def _edited(body: dict[str, Any]) -> str:
    value = body.get("last_edited_time")
    return value.replace("Z", "+00:00")[:23] if isinstance(value, str) else ""


def suite_of(recording: Recording) -> str:
    """The project whose tests recorded it (the first part of its source)."""
    return recording.source.split("/", 1)[0]


def dicts_in(body: object) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a body (itself included), depth first."""
    if isinstance(body, dict):
        yield body
        for value in body.values():
            yield from dicts_in(value)
    elif isinstance(body, list):
        for value in body:
            yield from dicts_in(value)


def _objects(body: object) -> Iterator[dict[str, Any]]:
    """Full objects inside a response (partial user references are left out)."""
    for found in dicts_in(body):
        object_id = found.get("id")
        if found.get("object") not in _KINDS or not isinstance(object_id, str):
            continue
        if _UUID.fullmatch(object_id) and _is_full(found):
            yield found


def _listed(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects of a list in an answer (anything else in it left out)."""
    items = body.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _parent_id(obj: dict[str, Any]) -> str | None:
    """The id an object's ``parent`` names, if it names one."""
    parent = obj.get("parent")
    if not isinstance(parent, dict):
        return None
    return next((v for k, v in parent.items() if k.endswith("_id") and isinstance(v, str)), None)


def _is_full(body: dict[str, Any]) -> bool:
    if body["object"] == "user":
        return "type" in body
    if body["object"] == "page":
        return "properties" in body and "parent" in body
    return "parent" in body or body["object"] == "database"


def created_ids(interactions: Sequence[Interaction]) -> dict[str, int]:
    """Ids a recording's own writes created (with the blocks nested in them) -> creating index.

    An object first shown under an object the recording created was created by it too.
    """
    created: dict[str, int] = {}

    def add(object_id: object, index: int) -> None:
        if isinstance(object_id, str) and _UUID.fullmatch(object_id):
            created.setdefault(dashed(object_id), index)

    for interaction in interactions:
        body = interaction.response_body
        if not (200 <= interaction.status < 300 and isinstance(body, dict)):
            continue
        index = interaction.index
        if interaction.method == "POST" and not interaction.path.endswith(("/query", "/search")):
            add(body.get("id"), index)
            for source in _listed(body, "data_sources"):
                add(source.get("id"), index)
        if interaction.method == "PATCH" and interaction.path.endswith("/children"):
            for block in _listed(body, "results"):
                add(block.get("id"), index)
        for obj in _objects(body):
            parent_id = _parent_id(obj)
            if parent_id is not None and dashed(parent_id) in created:
                add(obj["id"], index)
    return created
