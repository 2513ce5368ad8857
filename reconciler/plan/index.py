"""Which live row each manifest key means, across every database the plan looks at.

Built once per plan by the differ before any database is diffed, because a row's relation values
depend on other databases: a key that points at a row this apply creates (or restores) must wait
for a ``link_row`` change, and a key that matches no row anywhere is a ``PlanError``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from reconciler.model import DesiredState, LiveDatabase, LiveRow, LiveState
from reconciler.properties.checks import looks_like_notion_id

__all__ = ["RowIndex", "RowMatch", "relation_target"]


def relation_target(config: Mapping[str, object]) -> str | None:
    """The handle of the managed database a relation points at (None: a data source id)."""
    database = config.get("database")
    if not isinstance(database, str) or looks_like_notion_id(database):
        return None
    return database


@dataclass(frozen=True)
class RowMatch:
    """The live rows of one database grouped by key.

    ``by_key`` holds keys exactly one live row has; ``duplicates`` keys several rows share;
    ``trashed`` rows in the trash by key (the gateway returns them only for keys the manifest
    asks for and no live row has); ``keyless`` live rows with an empty key.
    """

    by_key: Mapping[str, LiveRow]
    duplicates: Mapping[str, tuple[LiveRow, ...]]
    trashed: Mapping[str, LiveRow]
    keyless: tuple[LiveRow, ...]

    @classmethod
    def of(cls, live: LiveDatabase) -> RowMatch:
        # Rows go straight to by_key, and only a key seen twice gets a list: a list per row
        # would cost 50,000 of them for a database without one duplicate.
        by_key: dict[str, LiveRow] = {}
        shared: dict[str, list[LiveRow]] = {}
        trashed: dict[str, LiveRow] = {}
        keyless: list[LiveRow] = []
        for row in live.rows:
            key = row.key
            if row.in_trash:
                if key is not None:
                    trashed.setdefault(key, row)
            elif key is None:
                keyless.append(row)
            elif key in shared:
                shared[key].append(row)
            elif key in by_key:
                shared[key] = [by_key.pop(key), row]
            else:
                by_key[key] = row
        return cls(
            by_key=by_key,
            duplicates={key: tuple(rows) for key, rows in shared.items()},
            trashed=trashed,
            keyless=tuple(keyless),
        )

    @property
    def live_count(self) -> int:
        """Rows that are not in the trash."""
        shared = sum(len(rows) for rows in self.duplicates.values())
        return len(self.by_key) + shared + len(self.keyless)

    def exists(self, key: str) -> bool:
        return key in self.by_key or key in self.duplicates


@dataclass(frozen=True)
class RowIndex:
    """Keys of every database read, and what this apply will do to each planned key."""

    matches: Mapping[str, RowMatch]
    desired_keys: Mapping[str, frozenset[str]]
    planned: frozenset[str]
    missing: frozenset[str]
    """Databases read and not found (a planned one is created by this apply)."""

    @classmethod
    def build(cls, desired: DesiredState, live: LiveState, planned: Collection[str]) -> RowIndex:
        matches = {handle: RowMatch.of(db) for handle, db in live.databases.items()}
        desired_keys = {
            db.handle: frozenset(row.key for row in db.rows)
            for db in desired.databases
            if db.handle in planned
        }
        missing = frozenset(h for h, db in live.databases.items() if db.database_id is None)
        return cls(matches, desired_keys, frozenset(planned), missing)

    def match(self, handle: str) -> RowMatch:
        return self.matches[handle]

    def will_exist(self, handle: str, key: str) -> bool:
        """Whether a row with this key exists after the apply (live, created or restored)."""
        if key in self.desired_keys.get(handle, frozenset()):
            return True
        match = self.matches.get(handle)
        return match is not None and match.exists(key)

    def pending(self, handle: str, key: str) -> bool:
        """Whether the row is created or restored by this apply (it has no live page yet)."""
        if key not in self.desired_keys.get(handle, frozenset()):
            return False
        match = self.matches.get(handle)
        return match is None or not match.exists(key)

    def created(self, handle: str) -> bool:
        """Whether this apply creates the database."""
        return handle in self.planned and handle in self.missing

    def database_exists(self, handle: str) -> bool:
        """Whether the database exists live or is created by this apply."""
        return handle in self.planned or (handle in self.matches and handle not in self.missing)
