"""Relations: the relation codec, its values by target key and its configuration.

Canonical value: the sorted list of unique targets, each the key (str) of a row of the target
managed database or ``{"page_id": uuid}`` for a page that is not a managed row; strings sort
before mappings, mappings by page id. Notion answers with page ids: ``from_response`` gives
``{"page_id": id}`` items, ``resolve_live`` maps the ids of managed rows to their keys and
``resolve_desired`` does the same for ids a manifest wrote, so both sides meet. ``to_request``
maps keys back to page ids through ``References.page_for_key``.

Configuration: ``{"database": handle or data source id, "type": "single_property" |
"dual_property", "synced_property": name or None}``; the live data source id is mapped to the
handle of a managed database through ``References.handle_for_data_source``. A manifest asks for
a two-way relation with ``dual: true`` (``type`` already says ``relation``); naming the
``synced_property`` implies it. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import ConfigChange, PropertyCodec, References, ValueProblem
from reconciler.properties.checks import (
    MAX_LIST_ITEMS,
    check_mapping_keys,
    describe_kind,
    expect_bool,
    expect_list,
    expect_str,
    list_items,
    looks_like_notion_id,
    normalise_id,
    optional_str,
)

__all__ = ["RELATION_KINDS", "RelationCodec", "sort_targets"]

RELATION_KINDS = ("single_property", "dual_property")


def sort_targets(targets: Sequence[JSON]) -> list[JSON]:
    """Unique targets, keys (sorted) before ``{"page_id"}`` mappings (sorted by id)."""
    keys = sorted({t for t in targets if isinstance(t, str)})
    ids = sorted({str(t["page_id"]) for t in targets if isinstance(t, dict) and "page_id" in t})
    result: list[JSON] = [*keys]
    result.extend({"page_id": page_id} for page_id in ids)
    return result


def _target_handle(config: Mapping[str, JSON]) -> str | None:
    """The handle of the managed target database; None when the config names a data source id."""
    database = config.get("database")
    if not isinstance(database, str) or looks_like_notion_id(database):
        return None
    return database


def _target_from_manifest(item: object, index: int, handle: str | None) -> JSON:
    if isinstance(item, int | float) and not isinstance(item, bool):
        item = str(item)  # a numeric key, as YAML reads `Project: [2026]`
    if isinstance(item, str):
        key = item.strip()
        if handle is not None:
            if not key:
                raise ValueProblem("a relation key must not be empty", path=(index,))
            return key
        if looks_like_notion_id(key):
            return {"page_id": normalise_id(key, "a page id", path=(index,))}
        raise ValueProblem(
            f"{key!r} cannot be looked up: the target database is not managed here",
            hint="refer to pages of an unmanaged database by {page_id: ...}",
            path=(index,),
        )
    if isinstance(item, Mapping):
        check_mapping_keys(
            item, "a relation target", frozenset({"page_id"}), required=frozenset({"page_id"}),
            path=(index,),
        )  # fmt: skip
        page_id = expect_str(item["page_id"], "a page id", path=(index, "page_id"))
        return {"page_id": normalise_id(page_id, "a page id", path=(index, "page_id"))}
    raise ValueProblem(
        f"a relation target must be a row key or {{page_id: ...}}, not {describe_kind(item)}",
        path=(index,),
    )


class RelationCodec(PropertyCodec):
    """relation: rows of another (or the same) database."""

    type_name = "relation"
    empty: ClassVar[JSON] = []
    item_per_element: ClassVar[bool] = True
    config_keys: ClassVar[frozenset[str]] = frozenset({"database", "dual", "synced_property"})

    # --- configuration ---------------------------------------------------------------------

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        if "database" not in raw:
            raise ValueProblem(
                "a relation needs `database`: the handle of a managed database or a data source id",
                hint="e.g. {type: relation, database: projects}",
            )
        database = expect_str(raw["database"], "the relation's database", path=("database",))
        database = database.strip()
        if looks_like_notion_id(database):
            database = normalise_id(database, "a data source id", path=("database",))
        synced = optional_str(
            raw.get("synced_property"), "the synced property", path=("synced_property",)
        )
        dual = expect_bool(raw.get("dual", synced is not None), "`dual`", path=("dual",))
        if raw.get("type") in RELATION_KINDS:
            dual = raw["type"] == "dual_property"  # the kind spelt as Notion does
        if synced is not None and not dual:
            raise ValueProblem(
                "`synced_property` names the back property of a two-way relation",
                hint="drop `dual: false` or `synced_property`",
                path=("synced_property",),
            )
        kind = "dual_property" if dual else "single_property"
        return {"database": database, "type": kind, "synced_property": synced}

    def _data_source(self, config: Mapping[str, JSON], refs: References) -> str:
        database = str(config.get("database"))
        if looks_like_notion_id(database):
            return database
        data_source = refs.data_source_for_handle(database)
        if data_source is None:
            raise ValueProblem(
                f"the related database {database!r} has no data source yet",
                hint="create the target database first (apply orders creates for this)",
                path=("database",),
            )
        return data_source

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        kind = str(config.get("type", "single_property"))
        detail: dict[str, JSON] = {}
        if kind == "dual_property" and isinstance(config.get("synced_property"), str):
            detail["synced_property_name"] = config["synced_property"]
        return {"data_source_id": self._data_source(config, refs), "type": kind, kind: detail}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get("relation")
        body = body if isinstance(body, dict) else {}
        data_source = body.get("data_source_id") or body.get("database_id")
        database: JSON = None
        if isinstance(data_source, str):
            database = refs.handle_for_data_source(data_source) or data_source
        kind = body.get("type") if body.get("type") in RELATION_KINDS else "single_property"
        dual = body.get("dual_property")
        synced = dual.get("synced_property_name") if isinstance(dual, dict) else None
        return {"database": database, "type": kind, "synced_property": synced}

    def config_changes(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> tuple[ConfigChange, ...]:
        changes: list[ConfigChange] = []
        wanted = desired.get("database")
        if isinstance(wanted, str) and looks_like_notion_id(wanted):
            wanted = refs.handle_for_data_source(wanted) or wanted
        if wanted != live.get("database"):
            # Pointing the relation elsewhere drops every value it holds.
            changes.append(ConfigChange(("database",), live.get("database"), wanted, lossy=True))
        if desired.get("type") != live.get("type"):
            lossy = live.get("type") == "dual_property"  # removes the target's back property
            changes.append(ConfigChange(("type",), live.get("type"), desired.get("type"), lossy))
        synced = desired.get("synced_property")
        if synced is not None and synced != live.get("synced_property"):
            changes.append(ConfigChange(("synced_property",), live.get("synced_property"), synced))
        return tuple(changes)

    # --- values ----------------------------------------------------------------------------

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None or value == "":
            return []
        alone = isinstance(value, str | Mapping | int | float) and not isinstance(value, bool)
        items: Sequence[object] = [value] if alone else expect_list(value, "a relation value")
        handle = _target_handle(config)
        targets = sort_targets(
            [_target_from_manifest(item, index, handle) for index, item in enumerate(items)]
        )
        if len(targets) > MAX_LIST_ITEMS:
            raise ValueProblem(
                f"the relation holds {len(targets)} pages; Notion takes at most {MAX_LIST_ITEMS}",
                hint="split the relation or relate the rows from the other side",
            )
        return targets

    def _to_keys(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        handle = _target_handle(config)
        targets: list[JSON] = []
        for target in list_items(value):
            if handle is not None and isinstance(target, dict) and "page_id" in target:
                key = refs.key_for_page(handle, str(target["page_id"]))
                targets.append(key if key is not None else target)
            else:
                targets.append(target)
        return sort_targets(targets)

    def resolve_desired(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return self._to_keys(value, config, refs)

    def resolve_live(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return self._to_keys(value, config, refs)

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        handle = _target_handle(config)
        payload: list[JSON] = []
        for index, target in enumerate(list_items(value)):
            if isinstance(target, dict) and "page_id" in target:
                payload.append({"id": target["page_id"]})
                continue
            page_id = refs.page_for_key(handle, str(target)) if handle is not None else None
            if page_id is None:
                raise ValueProblem(
                    f"no row of {handle or 'the target database'} has the key {target!r}",
                    hint="add the row to the target manifest or fix the key",
                    path=(index,),
                )
            payload.append({"id": page_id})
        if len(payload) > MAX_LIST_ITEMS:
            raise ValueProblem(
                f"the relation holds {len(payload)} pages; Notion takes at most {MAX_LIST_ITEMS}"
            )
        return payload

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        items = list_items(prop.get(self.type_name))
        return sort_targets(
            [
                {"page_id": item["id"]}
                for item in items
                if isinstance(item, dict) and isinstance(item.get("id"), str)
            ]
        )

    def is_partial(self, prop: Mapping[str, JSON]) -> bool:
        return prop.get("has_more") is True

    def display(self, value: JSON, refs: References | None = None) -> str:
        return ", ".join(
            str(target["page_id"]) if isinstance(target, dict) else str(target)
            for target in list_items(value)
        )
