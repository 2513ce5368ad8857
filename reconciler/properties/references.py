"""The workspace knowledge codecs need to map references both ways (``References``).

``WorkspaceReferences`` is built by the plan layer from the live state (users, every managed
database's data source, rows and schema) and grows during an apply as pages and data sources are
created (``add_page``, ``add_data_source``, ``add_schema``), so later writes can refer to them.
Ids are compared in Notion's dashed lower-case form whatever form they arrive in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from reconciler.model import LiveState, LiveUser
from reconciler.properties.checks import CANONICAL_ID, looks_like_notion_id

__all__ = ["WorkspaceReferences"]


def _id(text: str) -> str:
    if CANONICAL_ID.match(text):  # as Notion writes ids: already the form looked up by
        return text
    return str(uuid.UUID(text)) if looks_like_notion_id(text) else text


class WorkspaceReferences:
    """Users, managed databases' data sources, their rows by key, and their schemas."""

    def __init__(self, users: Iterable[LiveUser] = ()) -> None:
        self._users: dict[str, LiveUser] = {}
        self._user_by_email: dict[str, str] = {}
        self._page_by_key: dict[str, dict[str, str]] = {}
        self._key_by_page: dict[str, dict[str, str]] = {}
        self._restored_keys: dict[str, set[str]] = {}
        self._source_by_handle: dict[str, str] = {}
        self._handle_by_source: dict[str, str] = {}
        self._property_names: dict[str, dict[str, str]] = {}
        for user in users:
            self.add_user(user)

    @classmethod
    def from_live(cls, live: LiveState) -> WorkspaceReferences:
        """Everything the live state knows: users, data sources, row keys, property ids."""
        refs = cls(live.users)
        for handle, database in live.databases.items():
            if database.data_source_id is None:
                continue
            refs.add_data_source(handle, database.data_source_id)
            refs.add_schema(
                database.data_source_id, {prop.id: prop.name for prop in database.properties}
            )
            refs.add_pages(
                handle,
                [
                    (row.key, row.page_id)
                    for row in database.rows
                    if row.key is not None and not row.in_trash
                ],
            )
            for row in database.rows:
                if row.key is not None and row.in_trash:
                    refs.add_trashed_page(handle, row.key, row.page_id)
        return refs

    # --- growing ---------------------------------------------------------------------------

    def add_user(self, user: LiveUser) -> None:
        """Know a user by id and, when it has one, by e-mail (case-insensitive)."""
        self._users[_id(user.id)] = user
        if user.email:
            self._user_by_email[user.email.lower()] = _id(user.id)

    def add_page(self, handle: str, key: str, page_id: str) -> None:
        """Know the row ``key`` of the managed database ``handle`` (e.g. just created)."""
        self.add_pages(handle, [(key, page_id)])

    def add_pages(self, handle: str, pages: Iterable[tuple[str, str]]) -> None:
        """``add_page`` for each (key, page id): the rows of a read, the database's maps found
        once rather than for every row."""
        page_by_key = self._page_by_key.setdefault(handle, {})
        key_by_page = self._key_by_page.setdefault(handle, {})
        for key, written in pages:
            page_id = _id(written)
            page_by_key[key] = page_id
            key_by_page[page_id] = key

    def add_trashed_page(self, handle: str, key: str, page_id: str) -> None:
        """Know the key of a row in the trash that the plan restores, for reading only.

        The live read holds a trashed row only when the manifest wants its key and no live
        row has it; the differ restores the first one. Relations that still point at that page
        already name the key, so they are no change; until the restore is applied the page is
        no target for writes (``page_for_key`` does not return it).
        """
        restored = self._restored_keys.setdefault(handle, set())
        if key in self._page_by_key.get(handle, {}) or key in restored:
            return
        restored.add(key)
        self._key_by_page.setdefault(handle, {})[_id(page_id)] = key

    def add_data_source(self, handle: str, data_source_id: str) -> None:
        """Know the data source of the managed database ``handle``."""
        self._source_by_handle[handle] = _id(data_source_id)
        self._handle_by_source[_id(data_source_id)] = handle

    def add_schema(self, data_source_id: str, names_by_id: Mapping[str, str]) -> None:
        """Know the property names of a data source by property id (for formula references)."""
        names = self._property_names.setdefault(_id(data_source_id), {})
        # Ids arrive URL-encoded ("%3DSK%3B") in schemas and references alike; compare decoded.
        names.update({unquote(pid): name for pid, name in names_by_id.items()})

    # --- References ------------------------------------------------------------------------

    def user_id(self, email_or_id: str) -> str | None:
        text = email_or_id.strip()
        if looks_like_notion_id(text):
            return _id(text)
        return self._user_by_email.get(text.lower())

    def user_label(self, user_id: str) -> str:
        user = self._users.get(_id(user_id))
        if user is None:
            return user_id
        return user.email or user.name or user.id

    def page_for_key(self, handle: str, key: str) -> str | None:
        return self._page_by_key.get(handle, {}).get(key)

    def key_for_page(self, handle: str, page_id: str) -> str | None:
        return self._key_by_page.get(handle, {}).get(_id(page_id))

    def data_source_for_handle(self, handle: str) -> str | None:
        return self._source_by_handle.get(handle)

    def handle_for_data_source(self, data_source_id: str) -> str | None:
        return self._handle_by_source.get(_id(data_source_id))

    def property_name(self, data_source_id: str, property_id: str) -> str | None:
        return self._property_names.get(_id(data_source_id), {}).get(unquote(property_id))
