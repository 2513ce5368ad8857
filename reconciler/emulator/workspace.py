"""The emulated workspace: lookups with Notion's 404s, sharing, users, and the shared renderers.

Sharing is kept simple and explicit: every object's body may hold ``shared`` (None = shared
with every configured integration, or a list of integration names). The reset root page is
shared with everyone; an object created under another inherits its ``shared``; a seeded object
may restrict it with ``"_shared_with": [names]`` (see :mod:`reconciler.emulator.admin`). An
object not shared with the caller's integration answers 404 ``object_not_found`` naming the
integration, exactly like one that does not exist.

The endpoint modules (pages, databases, blocks, search, query) call into one :class:`Workspace`;
it implements the host protocols the schema, value and rich-text modules need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconciler.emulator import formula
from reconciler.emulator.clock import Clock, minute_time, precise_time
from reconciler.emulator.errors import ApiError, not_found, should_be, validation_error
from reconciler.emulator.identity import WORKSPACE_ID, object_url, parse_uuid, stable_id
from reconciler.emulator.richtext import plain_text
from reconciler.emulator.store import Row, Store

__all__ = ["UNTITLED_DATABASE", "V2025", "V2026", "VERSIONS", "Caller", "Limits", "Workspace"]

UNTITLED_DATABASE = "New database"
"""What Notion calls a database created without a title (observed)."""

_MAX_NESTING = 64

V2025 = "2025-09-03"
V2026 = "2026-03-11"
VERSIONS = (V2025, V2026)


@dataclass(frozen=True)
class Caller:
    """Who is asking: the integration behind the token, its bot user, the Notion-Version."""

    integration: str
    bot_id: str
    version: str

    @property
    def has_archived(self) -> bool:
        """Whether this version still speaks ``archived`` (2025-09-03 does, 2026-03-11 not)."""
        return self.version == V2025


@dataclass
class Limits:
    """Result caps that tests may lower (the admin config sets them)."""

    query_result_cap: int = 10_000
    relation_page_cap: int = 25
    markdown_block_cap: int = 20_000
    """Blocks a page's Markdown renders before the rest is left out (Notion: about 20,000)."""


@dataclass
class Workspace:
    """Everything the endpoints share: the store, the clock, the limits and lookups."""

    store: Store
    clock: Clock
    limits: Limits = field(default_factory=Limits)

    # -- time and edits -----------------------------------------------------------------------

    def now(self) -> datetime:
        """The current time, from the injected clock."""
        return self.clock()

    def touch(self, row: Row, caller: Caller) -> None:
        """Mark the row edited now by the caller's bot, and save it; an edited block edits the
        page that holds it too (its ``last_edited_time`` is what says its content changed)."""
        row.last_edited_time = self.now()
        row.body["last_edited_by"] = caller.bot_id
        self.store.save(row)
        if row.kind == "block":
            page = self.holding_page(row)
            if page is not None:
                self.touch(page, caller)

    def holding_page(self, row: Row) -> Row | None:
        """The page a block belongs to, through the blocks it is nested in."""
        current: Row | None = row
        for _ in range(_MAX_NESTING):
            if current is None or current.parent_id is None:
                return None
            current = self.store.get(current.parent_id)
            if current is not None and current.kind == "page":
                return current
        return None

    # -- lookups ------------------------------------------------------------------------------

    def visible(self, row: Row, caller: Caller) -> bool:
        """Whether the caller's integration may see this object."""
        shared = row.body.get("shared")
        return shared is None or caller.integration in shared

    def refuse(self, kind: str, object_id: str, caller: Caller) -> ApiError:
        """Notion's 404 for a missing or unshared object."""
        return not_found(kind, object_id, caller.integration, caller.bot_id)

    def find(self, kinds: tuple[str, ...], object_id: str, caller: Caller, label: str) -> Row:
        """The visible object of one of these kinds, or Notion's 404 naming ``label``."""
        row = self.store.get(object_id)
        if row is None or row.kind not in kinds or not self.visible(row, caller):
            raise self.refuse(label, object_id, caller)
        return row

    def path_id(self, text: str, name: str) -> str:
        """A path parameter as a uuid, or Notion's path validation refusal."""
        parsed = parse_uuid(text)
        if parsed is None:
            raise should_be("path", f"path.{name}", "a valid uuid", text)
        return parsed

    def body_id(self, value: object, path: str) -> str:
        """A uuid given in the body, or Notion's body validation refusal."""
        parsed = parse_uuid(value) if isinstance(value, str) else None
        if parsed is None:
            raise should_be("body", path, "a valid uuid", value, defined=value is not None)
        return parsed

    # -- users --------------------------------------------------------------------------------

    def bot_for(self, integration: str) -> str:
        """The id of the bot user of this integration."""
        return stable_id(f"bot:{integration}")

    def user_row(self, user_id: str) -> Row | None:
        """A stored user, or None."""
        row = self.store.get(user_id)
        return row if row is not None and row.kind == "user" else None

    def user_object(self, user_id: str) -> dict[str, Any] | None:
        """A user as people values and mentions show it (bots with an empty ``bot``)."""
        row = self.user_row(user_id)
        if row is None:
            return None
        user = {k: v for k, v in row.body.items() if k not in ("shared", "integration")}
        if user.get("type") == "bot":
            user["bot"] = {}
        return user

    def person_or_bot(self, user_id: str) -> dict[str, Any]:
        """A user object for a people value, or the partial one Notion shows for strangers."""
        return self.user_object(user_id) or {"object": "user", "id": user_id}

    def full_user(self, row: Row, caller: Caller) -> dict[str, Any]:
        """A user as the users endpoints show it: the caller's own bot with its owner details."""
        user = {k: v for k, v in row.body.items() if k not in ("shared", "integration")}
        if user.get("type") == "bot" and row.id != caller.bot_id:
            user["bot"] = {}
        return user

    # -- host protocols -----------------------------------------------------------------------

    def mention_title(self, kind: str, object_id: str) -> str | None:
        """The plain title of a page or database, for mentions."""
        row = self.store.get(object_id)
        if row is None:
            return None
        if row.kind == "database":
            return plain_text(row.body.get("title", []))
        if row.kind == "page":
            return self.page_title(row)
        return None

    def page_exists(self, page_id: str) -> bool:
        """Whether a page with this id exists (relations point at pages only)."""
        row = self.store.get(page_id)
        return row is not None and row.kind == "page"

    def data_source_row(self, data_source_id: str, path: str) -> Row:
        """A data source by id, or the refusal of a body naming a missing one."""
        row = self.store.get(data_source_id)
        if row is None or row.kind != "data_source":
            where = f" ({path})" if path else ""
            raise ApiError(
                404,
                "object_not_found",
                f"Could not find data_source with ID: {data_source_id}.{where} Make sure the "
                "relevant pages and databases are shared with your integration.",
            )
        return row

    def database_title(self, data_source: Row) -> str:
        """The plain title of the database that holds this data source."""
        database = self.store.get(str(data_source.body.get("database_id")))
        title = database.body.get("title", []) if database is not None else []
        return plain_text(title) or plain_text(data_source.body.get("title", []))

    def save_row(self, row: Row) -> None:
        """Persist a row changed as a side effect (a dual relation's target)."""
        self.store.save(row)

    def rewrite_formula(self, expression: str, data_source: Row, path: str) -> str:
        """Validate an expression and return it as Notion stores it."""
        properties = data_source.body["properties"]
        names = {prop["name"]: pid for pid, prop in properties.items()}
        try:
            return formula.rewrite(expression, names, data_source.id, WORKSPACE_ID)
        except formula.FormulaError as error:
            raise validation_error(f"{error} ({path})") from None

    def assign_unique_ids(self, data_source: Row, property_id: str) -> None:
        """Number the existing rows, oldest first, for a newly added unique_id property."""
        counters = data_source.body.setdefault("counters", {})
        rows = sorted(self.store.rows_of(data_source.id), key=lambda r: r.seq)
        for number, row in enumerate(rows, start=1):
            row.body.setdefault("values", {})[property_id] = number
            self.store.save(row)
        counters[property_id] = len(rows)

    def convert_values(self, data_source: Row, property_id: str, old: dict[str, Any]) -> None:
        """Rows keep text across text-like types and lose values Notion could not carry over."""
        new_type = data_source.body["properties"][property_id]["type"]
        textual = ("title", "rich_text")
        for row in self.store.rows_of(data_source.id):
            values = row.body.get("values", {})
            if property_id not in values:
                continue
            if not (old["type"] in textual and new_type in textual):
                del values[property_id]
            self.store.save(row)

    def fill_back_links(self, data_source: Row, property_id: str, synced_id: str) -> None:
        """A relation made two-way: each linked page lists its linking pages on the back
        property, as Notion shows them at once."""
        back: dict[str, list[str]] = {}
        for row in self.store.rows_of(data_source.id):
            for target_id in row.body.get("values", {}).get(property_id) or []:
                back.setdefault(target_id, []).append(row.id)
        targets = self.store.get_many(list(back))
        for target_id, sources in back.items():
            target = targets.get(target_id)
            if target is None:
                continue
            links = target.body.setdefault("values", {}).setdefault(synced_id, [])
            links.extend(source for source in sources if source not in links)
            self.store.save(target)

    # -- shared rendering ---------------------------------------------------------------------

    def page_title(self, row: Row) -> str:
        """The plain title of a page (its title property)."""
        return plain_text(row.body.get("values", {}).get("title", []))

    def user_ref(self, user_id: object) -> dict[str, Any]:
        """``{"object": "user", "id"}`` as objects show their creator and last editor."""
        return {"object": "user", "id": user_id}

    def finish(self, out: dict[str, Any], row: Row, caller: Caller) -> dict[str, Any]:
        """Add ``archived`` where the caller's version has it."""
        if caller.has_archived:
            out["archived"] = row.in_trash
        return out

    def page_time(self, moment: datetime) -> str:
        """Times of pages, data sources and blocks."""
        return minute_time(moment)

    def database_time(self, moment: datetime) -> str:
        """Times of databases."""
        return precise_time(moment)

    def url(self, row: Row, title: str = "") -> str:
        """The object's ``url``."""
        return object_url(row.id, title)

    def version_check_archived(self, body: dict[str, Any], caller: Caller) -> None:
        """2026-03-11 removed ``archived`` from requests: Notion refuses it there."""
        if "archived" in body and not caller.has_archived:
            raise should_be("body", "body.archived", "not present", body["archived"])
