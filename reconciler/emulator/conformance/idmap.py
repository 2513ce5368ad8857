"""Recorded ids to the emulator's: learned from paired responses, applied to the next requests.

Objects the replay seeds keep their recorded ids; objects a recording creates get new ids in the
emulator, learned by walking the recorded and the emulator's response side by side (``id`` and
``*_id`` keys, ``next_cursor`` values, property ids by property name). Requests are then rewritten:
ids in paths, bodies and query strings (dashed or compact), cursors, property ids (keys of
``properties``, ``property`` in filters and sorts, ``filter_properties``, property item paths) and
``{{notion:block_property:...}}`` references in formulas. Async task ids (``task_<32 hex>``) map
by their digits. Used by the replay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.conformance.catalog import dashed
from reconciler.emulator.identity import normalize_property_id

__all__ = ["IdMap", "is_uuid"]

_UUID_TEXT = re.compile(
    r"(?<![0-9a-fA-F])[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12}(?![0-9a-fA-F])"
)
_WHOLE_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_REFERENCE = re.compile(r"\{\{notion:block_property:([^:}]+):([^:}]+):([^:}]+)\}\}")
_PROPERTY_ID_KEYS = ("relation_property_id", "rollup_property_id", "synced_property_id")


_TASK = "task_"


def _is_task(value: str) -> bool:
    """An async task id: ``task_`` and 32 hex digits (the replay maps the digits)."""
    return value.startswith(_TASK) and is_uuid(value[len(_TASK) :])


def is_uuid(value: object) -> bool:
    """Whether a value is a uuid, dashed or compact."""
    return isinstance(value, str) and _WHOLE_UUID.match(value) is not None


@dataclass
class IdMap:
    """The recorded-to-emulator correspondence of one replay."""

    objects: dict[str, str] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    properties: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    page_source: dict[str, str] = field(default_factory=dict)
    database_sources: dict[str, list[str]] = field(default_factory=dict)
    _targets: set[str] = field(default_factory=set)

    # -- learning -------------------------------------------------------------------------------

    def bind(self, recorded: str, actual: str) -> None:
        """Recorded id ``recorded`` is ``actual`` in the emulator (first binding wins)."""
        rec, act = dashed(recorded), dashed(actual)
        if rec in self.objects or act in self._targets:
            return
        self.objects[rec] = act
        self._targets.add(act)

    def learn(self, recorded: object, actual: object) -> None:
        """Take in the ids of a recorded response and the emulator's answer to the same call."""
        self._walk(recorded, actual, None, None)

    def _walk(self, rec: object, act: object, key: str | None, source: str | None) -> None:
        if isinstance(rec, dict) and isinstance(act, dict):
            source = self._context(rec, source)
            for name, value in rec.items():
                if name in act:
                    self._walk(value, act[name], name, source)
            if source is not None and rec.get("object") in ("data_source", "page"):
                self._learn_properties(rec.get("properties"), act.get("properties"), source)
            self._learn_configs(rec, act, source)
        elif isinstance(rec, list) and isinstance(act, list):
            for rec_item, act_item in zip(rec, act, strict=False):
                self._walk(rec_item, act_item, key, source)
        elif isinstance(rec, str) and isinstance(act, str) and key is not None:
            if key == "next_cursor":
                self.cursors.setdefault(rec, act)
            elif (key == "id" or key.endswith("_id")) and is_uuid(rec) and is_uuid(act):
                self.bind(rec, act)
            elif key == "id" and _is_task(rec) and _is_task(act):
                self.bind(rec[len(_TASK) :], act[len(_TASK) :])

    def _context(self, rec: dict[str, Any], source: str | None) -> str | None:
        """The recorded data source whose property ids this object shows."""
        kind = rec.get("object")
        if kind == "data_source" and is_uuid(rec.get("id")):
            return dashed(rec["id"])
        if kind == "page":
            parent = rec.get("parent") or {}
            if is_uuid(parent.get("data_source_id")) and is_uuid(rec.get("id")):
                self.page_source[dashed(rec["id"])] = dashed(parent["data_source_id"])
                return dashed(parent["data_source_id"])
            return None
        if kind == "database" and is_uuid(rec.get("id")):
            listed = [
                dashed(s["id"]) for s in rec.get("data_sources") or [] if is_uuid(s.get("id"))
            ]
            self.database_sources[dashed(rec["id"])] = listed
        return source

    def _learn_properties(self, rec: object, act: object, source: str) -> None:
        if not (isinstance(rec, dict) and isinstance(act, dict)):
            return
        names = self.names.setdefault(source, set())
        for name, spec in rec.items():
            names.add(name)
            other = act.get(name)
            if isinstance(spec, dict) and isinstance(other, dict):
                rec_id, act_id = spec.get("id"), other.get("id")
                if isinstance(rec_id, str) and isinstance(act_id, str):
                    self._property(source, rec_id, act_id)

    def _learn_configs(self, rec: dict[str, Any], act: dict[str, Any], source: str | None) -> None:
        """Property ids a relation or rollup configuration names (of its own or another source)."""
        target = rec.get("data_source_id")
        synced = (rec.get("dual_property") or {}).get("synced_property_id")
        other = (act.get("dual_property") or {}).get("synced_property_id")
        if is_uuid(target) and isinstance(synced, str) and isinstance(other, str):
            self._property(dashed(str(target)), synced, other)
        relation, own = rec.get("relation_property_id"), act.get("relation_property_id")
        if source is not None and isinstance(relation, str) and isinstance(own, str):
            self._property(source, relation, own)

    def _property(self, source: str, recorded: str, actual: str) -> None:
        key = (source, normalize_property_id(recorded))
        self.properties.setdefault(key, normalize_property_id(actual))

    # -- lookups --------------------------------------------------------------------------------

    def object_id(self, recorded: str) -> str | None:
        """The emulator's id of a recorded one, or None when not known."""
        return self.objects.get(dashed(recorded))

    def property_id(self, source: str | None, recorded: str) -> str | None:
        """The emulator's id of a recorded property id (of that data source when known)."""
        wanted = normalize_property_id(recorded)
        if source is not None:
            found = self.properties.get((source, wanted))
            if found is not None:
                return found
            if source in self.names:
                return None
        matches = {v for (_, pid), v in self.properties.items() if pid == wanted}
        return matches.pop() if len(matches) == 1 else None

    def source_of_database(self, database_id: str) -> str | None:
        """The recorded first data source of a recorded database."""
        listed = self.database_sources.get(dashed(database_id)) or []
        return listed[0] if listed else None

    # -- rewriting ------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """A string with every mapped id (dashed or compact) and cursor replaced."""
        if value in self.cursors:
            return self.cursors[value]

        def swap(found: re.Match[str]) -> str:
            mapped = self.objects.get(dashed(found.group(0)))
            if mapped is None:
                return found.group(0)
            return mapped if "-" in found.group(0) else mapped.replace("-", "")

        return _UUID_TEXT.sub(swap, value)

    def path(self, path: str) -> str:
        """A request path with ids and property ids replaced."""
        parts = path.split("/")
        out = [self.text(p) for p in parts]
        if len(parts) == 6 and parts[1:3] == ["v1", "pages"] and parts[4] == "properties":
            source = self.page_source.get(dashed(parts[3])) if is_uuid(parts[3]) else None
            out[5] = self.property_id(source, parts[5]) or parts[5]
        return "/".join(out)

    def query(self, path: str, query: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Query parameters with cursors, ids and ``filter_properties`` replaced."""
        source = self.source_of_path(path, None)
        return [
            (k, self.property_id(source, v) or v if k == "filter_properties" else self.text(v))
            for k, v in query
        ]

    def source_of_path(self, path: str, body: object) -> str | None:
        """The recorded data source whose properties a request names, when there is one."""
        parts = path.split("/")
        if len(parts) >= 4 and parts[2] == "data_sources" and is_uuid(parts[3]):
            return dashed(parts[3])
        if len(parts) >= 4 and parts[2] == "pages" and is_uuid(parts[3]):
            return self.page_source.get(dashed(parts[3]))
        if path == "/v1/pages" and isinstance(body, dict):
            parent = body.get("parent") or {}
            if is_uuid(parent.get("data_source_id")):
                return dashed(parent["data_source_id"])
            if is_uuid(parent.get("database_id")):
                return self.source_of_database(parent["database_id"])
        return None

    def body(self, path: str, body: object) -> object:
        """A request body with ids, cursors, property ids and formula references replaced."""
        return self._rewrite(body, self.source_of_path(path, body), None)

    def _rewrite(self, value: object, source: str | None, key: str | None) -> object:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for name, item in value.items():
                new_name = self._property_key(name, source) if key == "properties" else name
                out[new_name] = self._rewrite(item, source, name)
            return out
        if isinstance(value, list):
            return [self._rewrite(item, source, key) for item in value]
        if isinstance(value, str):
            if key == "property" and value not in self.names.get(source or "", set()):
                return self.property_id(source, value) or value
            if key in _PROPERTY_ID_KEYS:
                return self.property_id(None, value) or self.text(value)
            return self.text(self._references(value))
        return value

    def _property_key(self, name: str, source: str | None) -> str:
        if name in self.names.get(source or "", set()):
            return name
        return self.property_id(source, name) or name

    def _references(self, text: str) -> str:
        def swap(found: re.Match[str]) -> str:
            pid, source, workspace = found.groups()
            source_id = dashed(source) if is_uuid(source) else source
            new_pid = self.property_id(source_id, pid) or pid
            parts = ":".join((new_pid, self.text(source), self.text(workspace)))
            return "{{notion:block_property:" + parts + "}}"

        return _REFERENCE.sub(swap, text) if "{{notion:" in text else text

    def unmapped(self, ids: Mapping[str, int], request: object) -> list[str]:
        """Ids of ``ids`` (recorded id -> creating interaction) a request uses but the map lacks."""
        found = []
        for text in _strings(request):
            for match in _UUID_TEXT.findall(text):
                rec = dashed(match)
                if rec in ids and rec not in self.objects and rec not in found:
                    found.append(rec)
        return found


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []
