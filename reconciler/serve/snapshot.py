"""The controller's memory of the live state: the last full read, patched with re-read rows.

Planning from it costs no request, so an event about one row of a large database costs the
re-read of that row rather than a full read. ``patched`` gives a new ``LiveState`` in which the
rows asked for are replaced by what was read back, in the way a full read would have shown them:

- a row read back outside the trash replaces the old one (or joins the database, for a page
  created since);
- a row read back in the trash stays only while the manifest asks for its key and no other live
  row has that key (so the plan restores it instead of creating a duplicate, as after a full
  read); otherwise it leaves the snapshot, as it leaves Notion's queries;
- a row not read back (Notion says it does not exist) leaves the snapshot.

``catalogue`` lists what the webhook receiver needs to tell managed objects from the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from reconciler.model import DesiredDatabase, LiveRow, LiveState
from reconciler.serve.webhooks import Catalogue

__all__ = ["catalogue", "patched"]


def patched(
    live: LiveState,
    desired: DesiredDatabase,
    asked: Collection[str],
    found: Mapping[str, LiveRow],
) -> LiveState:
    """``live`` with the rows ``asked`` for in ``desired.handle`` replaced by ``found``."""
    database = live.databases[desired.handle]
    asked_ids = set(asked)
    kept = [row for row in database.rows if row.page_id not in asked_ids]
    live_keys = {row.key for row in kept if not row.in_trash and row.key is not None}
    wanted_keys = {row.key for row in desired.rows}
    for page_id in asked:
        row = found.get(page_id)
        if row is None:
            continue
        if row.in_trash and (row.key not in wanted_keys or row.key in live_keys):
            continue
        kept.append(row)
        if not row.in_trash and row.key is not None:
            live_keys.add(row.key)
    # Rows outside the trash first, each side in created_time order, as a read returns them.
    kept.sort(key=lambda row: (row.in_trash, row.created_time))
    databases = dict(live.databases)
    databases[desired.handle] = dataclasses.replace(database, rows=tuple(kept))
    return dataclasses.replace(live, databases=databases)


def catalogue(live: LiveState) -> Catalogue:
    """The managed databases and data sources, and the rows last seen, by Notion id."""
    databases: dict[str, str] = {}
    pages: dict[str, str] = {}
    for handle, database in live.databases.items():
        for notion_id in (database.database_id, database.data_source_id):
            if notion_id:
                databases[notion_id] = handle
        for row in database.rows:
            pages[row.page_id] = handle
    return Catalogue(databases, pages)
