"""Pages: create, retrieve, update, trash; relations past the cap and the property item endpoint."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from notion_client import APIResponseError

from tests.conftest import ROOT_PAGE_ID
from tests.emulator.conftest import create_database, plain, text

PAGE_KEYS_2026 = {
    "object", "id", "created_time", "last_edited_time", "created_by", "last_edited_by", "cover",
    "icon", "parent", "in_trash", "is_archived", "is_locked", "properties", "url", "public_url",
    "request_id",
}  # fmt: skip


def test_a_page_under_a_page_has_only_a_title(notion_2026: Any) -> None:
    """A plain page's properties are its title; 2026-03-11 shows no `archived`."""
    page = notion_2026.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Handbook")}
    )
    assert set(page) == PAGE_KEYS_2026
    assert page["parent"] == {"type": "page_id", "page_id": ROOT_PAGE_ID}
    assert plain(page["properties"]["title"]["title"]) == "Handbook"


def test_a_page_title_may_be_sent_as_a_bare_array(notion: Any) -> None:
    """notion-sdk-py's own tests send {"title": [...]} (recorded); Notion accepts it."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Notes")}
    )
    bare = notion.request(
        path="pages",
        method="POST",
        body={
            "parent": {"page_id": ROOT_PAGE_ID},
            "properties": {"title": [{"text": {"content": "Bare"}}]},
        },
    )
    assert (
        plain(page["properties"]["title"]["title"]),
        plain(bare["properties"]["title"]["title"]),
    ) == ("Notes", "Bare")


def test_a_plain_page_has_no_other_properties(notion: Any) -> None:
    """Any key but the title is "not a property that exists"."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"page_id": ROOT_PAGE_ID}, properties={"Status": {"select": {"name": "x"}}}
        )
    assert str(refused.value) == "Status is not a property that exists."


def test_a_row_shows_its_data_source_and_database_as_parent(notion: Any) -> None:
    """Rows name both the data source and its database."""
    database_id, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    row = notion.pages.create(
        parent={"data_source_id": source}, properties={"Name": {"title": text("A")}}
    )
    assert {"type": "data_source_id", "data_source_id": source, "database_id": database_id} == row[
        "parent"
    ]


def test_a_page_goes_to_the_trash_and_back(notion_2026: Any) -> None:
    """PATCH in_trash moves a page to the trash and restores it."""
    page = notion_2026.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    trashed = notion_2026.pages.update(page_id=page["id"], in_trash=True)
    restored = notion_2026.pages.update(page_id=page["id"], in_trash=False)
    assert (trashed["in_trash"], restored["in_trash"]) == (True, False)


def test_archived_still_trashes_at_2025(notion: Any) -> None:
    """At 2025-09-03 `archived` is accepted and shown, mirroring in_trash."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    trashed = notion.pages.update(page_id=page["id"], archived=True)
    assert (trashed["archived"], trashed["in_trash"]) == (True, True)


def test_editing_a_trashed_page_is_refused_in_notions_words(notion: Any) -> None:
    """A page in the trash takes no edits until it is restored."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    notion.pages.update(page_id=page["id"], in_trash=True)
    with pytest.raises(APIResponseError) as refused:
        notion.pages.update(page_id=page["id"], properties={"title": text("New")})
    assert (
        str(refused.value)
        == "Can't edit block that is archived. You must unarchive the block before editing."
    )


def test_icon_and_cover_are_kept(notion: Any) -> None:
    """An emoji icon and an external cover read back as written; null clears them."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID},
        properties={},
        icon={"type": "emoji", "emoji": "🛴"},
        cover={"type": "external", "external": {"url": "https://example.com/cover.png"}},
    )
    cleared = notion.pages.update(page_id=page["id"], icon=None)
    assert page["icon"] == {"type": "emoji", "emoji": "🛴"}
    assert page["cover"] == {
        "type": "external",
        "external": {"url": "https://example.com/cover.png"},
    }
    assert cleared["icon"] is None


def test_filter_properties_keeps_the_named_properties(notion: Any, every_type: str) -> None:
    """filter_properties takes ids, ids encoded once or twice (notion-client), or names."""
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={"Estimate": {"number": 2}}
    )
    ids = {n: p["id"] for n, p in page["properties"].items()}
    by_id = notion.pages.retrieve(page_id=page["id"], filter_properties=[ids["Estimate"], "title"])
    twice_encoded = quote(quote(ids["Estimate"], safe=""), safe="")
    twice = notion.request(
        path=f"pages/{page['id']}?filter_properties={twice_encoded}",
        method="GET",
    )
    by_name = notion.pages.retrieve(page_id=page["id"], filter_properties=["Done"])
    assert sorted(by_id["properties"]) == ["Estimate", "Name"]
    assert list(twice["properties"]) == ["Estimate"]
    assert list(by_name["properties"]) == ["Done"]


def relation_pair(notion: Any, count: int) -> tuple[str, list[str], str]:
    """A customer related (dual) to `count` items: (customer id, item ids, relation property id)."""
    _, items = create_database(notion, "Items", {"Name": {"title": {}}})
    _, customers = create_database(
        notion,
        "Customers",
        {
            "Name": {"title": {}},
            "Purchases": {"relation": {"data_source_id": items, "dual_property": {}}},
        },
    )
    item_ids = [
        notion.pages.create(
            parent={"data_source_id": items}, properties={"Name": {"title": text(f"Item {n}")}}
        )["id"]
        for n in range(count)
    ]
    customer = notion.pages.create(
        parent={"data_source_id": customers},
        properties={"Purchases": {"relation": [{"id": i} for i in item_ids]}},
    )
    return customer["id"], item_ids, customer["properties"]["Purchases"]["id"]


def test_a_page_shows_at_most_25_relations_and_says_has_more(notion: Any) -> None:
    """Past 25 references a page object cuts the list and sets has_more."""
    customer, items, _ = relation_pair(notion, 30)
    purchases = notion.pages.retrieve(page_id=customer)["properties"]["Purchases"]
    assert (items[:25], True) == ([r["id"] for r in purchases["relation"]], purchases["has_more"])


def test_the_property_item_endpoint_pages_through_every_relation(notion: Any) -> None:
    """GET /v1/pages/{id}/properties/{property_id} returns them all, page by page."""
    customer, items, prop = relation_pair(notion, 30)
    first = notion.pages.properties.retrieve(page_id=customer, property_id=prop, page_size=20)
    second = notion.pages.properties.retrieve(
        page_id=customer, property_id=prop, page_size=20, start_cursor=first["next_cursor"]
    )
    seen = [r["relation"]["id"] for r in first["results"] + second["results"]]
    assert (items, True, False) == (seen, first["has_more"], second["has_more"])
    assert {"id": prop, "next_url": None, "type": "relation", "relation": {}} == second[
        "property_item"
    ]


def test_the_cap_on_references_is_configurable(notion: Any, emulator: Any) -> None:
    """relation_page_cap lowers the 25 for tests."""
    emulator.configure({"relation_page_cap": 3})
    customer, items, _ = relation_pair(notion, 4)
    purchases = notion.pages.retrieve(page_id=customer)["properties"]["Purchases"]
    assert (items[:3], True) == ([r["id"] for r in purchases["relation"]], purchases["has_more"])


def test_a_dual_relation_shows_the_back_link_on_the_related_page(notion: Any) -> None:
    """Relating A to B lists A in B's synced property; removing it removes the back link."""
    customer, items, prop = relation_pair(notion, 2)
    back = "Related to Customers (Purchases)"
    linked = notion.pages.retrieve(page_id=items[0])["properties"][back]["relation"]
    notion.pages.update(page_id=customer, properties={prop: {"relation": [{"id": items[1]}]}})
    unlinked = notion.pages.retrieve(page_id=items[0])["properties"][back]["relation"]
    assert ([{"id": customer}], []) == (linked, unlinked)


def test_a_relation_to_a_page_that_does_not_exist_is_refused(notion: Any) -> None:
    """Relations only point at existing pages."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    notion.data_sources.update(
        data_source_id=source,
        properties={"Next": {"relation": {"data_source_id": source, "single_property": {}}}},
    )
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"data_source_id": source},
            properties={"Next": {"relation": [{"id": "7855b161-f63e-4683-b7c7-8ca6e97ee266"}]}},
        )
    assert refused.value.code == "validation_error"


def test_a_title_property_item_is_a_list_of_rich_text_items(notion: Any) -> None:
    """Text properties come back one rich text item per property_item (recorded shape)."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Handbook")}
    )
    item = notion.pages.properties.retrieve(page_id=page["id"], property_id="title")
    assert (item["object"], item["type"], len(item["results"])) == ("list", "property_item", 1)
    assert (
        item["results"][0]["type"],
        item["results"][0]["title"]["plain_text"],
    ) == ("title", "Handbook")


def test_a_number_property_item_is_one_value(notion: Any, every_type: str) -> None:
    """Simple types answer one property_item object."""
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={"Estimate": {"number": 8}}
    )
    prop = page["properties"]["Estimate"]["id"]
    item = notion.pages.properties.retrieve(page_id=page["id"], property_id=prop)
    assert {"object": "property_item", "id": prop, "type": "number", "number": 8} == {
        k: v for k, v in item.items() if k != "request_id"
    }


def test_a_bad_page_id_is_refused_in_notions_words(notion: Any) -> None:
    """Observed: an id with a wrong variant nibble fails path validation."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.retrieve(page_id="12345678-1234-1234-1234-123456789abc")
    assert (
        str(refused.value)
        == "path failed validation: path.page_id should be a valid uuid, instead was "
        '`"12345678-1234-1234-1234-123456789abc"`.'
    )


@pytest.mark.parametrize(
    "page_id",
    [
        "12345678-1234-0234-8234-123456789abc",  # version nibble 0
        "12345678-1234-9234-8234-123456789abc",  # version nibble 9
        "12345678-1234-4234-c234-123456789abc",  # variant nibble c
        "12345678-1234-4234-8234-123456789ab",  # one digit short
    ],
)
def test_ids_are_validated_as_javascripts_uuid_package_does(notion: Any, page_id: str) -> None:
    """A version nibble of 1 to 8 and a variant of 8, 9, a or b, else path validation fails."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.retrieve(page_id=page_id)
    assert (refused.value.status, refused.value.code) == (400, "validation_error")


@pytest.mark.parametrize(
    "page_id", ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
)
def test_the_nil_and_max_uuids_are_well_formed_ids_nothing_has(notion: Any, page_id: str) -> None:
    """Observed: the nil uuid is not a malformed id but a page that is not found (404)."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.retrieve(page_id=page_id)
    assert (refused.value.status, refused.value.code) == (404, "object_not_found")


def test_ids_without_dashes_name_the_same_page(notion: Any) -> None:
    """Notion accepts the 32-hex form of an id."""
    found = notion.pages.retrieve(page_id=ROOT_PAGE_ID.replace("-", ""))
    assert found["id"] == ROOT_PAGE_ID


def test_a_missing_page_is_not_found_naming_the_integration(notion: Any, emulator: Any) -> None:
    """404 object_not_found in Notion's words, with the integration id."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.retrieve(page_id="7855b161-f63e-4683-b7c7-8ca6e97ee266")
    assert (refused.value.status, refused.value.code) == (404, "object_not_found")
    assert str(refused.value) == (
        "Could not find page with ID: 7855b161-f63e-4683-b7c7-8ca6e97ee266. "
        "Make sure the relevant pages "
        'and databases are shared with your integration "Reconciler Tests".'
    )
    assert {"integration_id": emulator.bot_id()} == refused.value.additional_data


def test_a_notion_icon_url_comes_back_as_a_notion_icon(notion: Any) -> None:
    """Observed: an external url of Notion's own icon set is stored as an `icon` icon."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    updated = notion.pages.update(
        page_id=page["id"],
        icon={
            "type": "external",
            "external": {"url": "https://www.notion.so/icons/snake_purple.svg"},
        },
    )
    assert updated["icon"] == {"type": "icon", "icon": {"name": "snake", "color": "purple"}}


def test_a_rollup_sums_the_related_pages(notion: Any) -> None:
    """Rollups are computed from the related pages' values (sum of their numbers)."""
    _, items = create_database(notion, "Items", {"Name": {"title": {}}, "Price": {"number": {}}})
    prices = [
        notion.pages.create(parent={"data_source_id": items}, properties={"Price": {"number": p}})[
            "id"
        ]
        for p in (3, 4.5)
    ]
    _, orders = create_database(
        notion,
        "Orders",
        {
            "Name": {"title": {}},
            "Lines": {"relation": {"data_source_id": items, "single_property": {}}},
        },
    )
    notion.data_sources.update(
        data_source_id=orders,
        properties={
            "Total": {
                "rollup": {
                    "function": "sum",
                    "relation_property_name": "Lines",
                    "rollup_property_name": "Price",
                }
            }
        },
    )
    order = notion.pages.create(
        parent={"data_source_id": orders},
        properties={"Lines": {"relation": [{"id": p} for p in prices]}},
    )
    assert order["properties"]["Total"]["rollup"] == {
        "type": "number",
        "number": 7.5,
        "function": "sum",
    }


def test_the_templates_of_a_data_source_are_an_empty_list(notion: Any) -> None:
    """The emulator keeps no templates; the recorded answer carries no request_id."""
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    listed = notion.data_sources.list_templates(data_source_id=source)
    assert listed == {"templates": [], "has_more": False, "next_cursor": None}
