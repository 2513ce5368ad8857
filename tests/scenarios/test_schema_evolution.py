"""A schema that grows and changes over several applies, as a team's catalogue does in a year.

Each scenario starts from an applied catalogue, changes the manifest (or Notion, by hand) the way
people do, and checks the plan shows exactly the real change, the gates hold what can lose data,
the apply does it, and everything converges (empty plan, a second apply writes nothing).
"""

from __future__ import annotations

import copy
from typing import Any

from tests.scenarios.conftest import BLOCKED, ROOT_PAGE_ID, Team


def catalogue(**properties: Any) -> dict[str, Any]:
    """The product catalogue: three products keyed by SKU, and these extra properties."""
    return {
        "database": "catalogue",
        "parent": ROOT_PAGE_ID,
        "title": "Catalogue",
        "key": "SKU",
        "properties": {"Name": "title", "SKU": "rich_text", **properties},
        "rows": [
            {"SKU": "MUG-01", "Name": "Enamel mug"},
            {"SKU": "TEE-02", "Name": "Organic tee"},
            {"SKU": "CAP-03", "Name": "Canvas cap"},
        ],
    }


def with_values(manifest: dict[str, Any], name: str, values: list[Any]) -> dict[str, Any]:
    """The manifest with ``name`` set to these values, row by row (None: left out)."""
    changed = copy.deepcopy(manifest)
    for row, value in zip(changed["rows"], values, strict=True):
        if value is not None:
            row[name] = value
    return changed


def property_ids(team: Team) -> dict[str, str]:
    """Property name → id of the live catalogue."""
    return {name: prop["id"] for name, prop in team.data_source("Catalogue")["properties"].items()}


def live_values(team: Team, name: str) -> dict[str, Any]:
    """SKU → the raw Notion value of property ``name``."""
    found = {}
    for page in team.pages("Catalogue"):
        value = page["properties"][name]
        found[team.key_of(page, "SKU")] = value[value["type"]]
    return found


PRICES = {"MUG-01": 12, "TEE-02": 25.5, "CAP-03": 18}
PRICE_ADDED = [
    "catalogue/add_property/Price",
    "catalogue/update_row/MUG-01",
    "catalogue/update_row/TEE-02",
    "catalogue/update_row/CAP-03",
]
"""The plan that brings Price to a catalogue without it: the property, then every price."""
PRICED = with_values(
    catalogue(Price={"type": "number", "format": "dollar"}), "Price", [12, 25.5, 18]
)


def test_an_added_property_is_one_add_and_the_values_are_written(team: Team) -> None:
    """A new declared property: add_property, three row updates; then converged."""
    team.write(catalogue())
    team.apply()
    team.write(PRICED)
    assert team.changes() == PRICE_ADDED
    team.apply()
    assert live_values(team, "Price") == PRICES
    team.converged()


def test_a_rename_keeps_the_property_id_and_its_values(team: Team) -> None:
    """renamed_from: one rename_property (no remove, no add, no row change); id and values kept."""
    team.write(PRICED)
    team.apply()
    before = property_ids(team)["Price"]
    renamed = copy.deepcopy(PRICED)
    renamed["properties"]["Unit price"] = {
        "type": "number",
        "format": "dollar",
        "renamed_from": "Price",
    }
    del renamed["properties"]["Price"]
    for row in renamed["rows"]:
        row["Unit price"] = row.pop("Price")
    team.write(renamed)
    expected = {
        "catalogue/rename_property/Unit price": [("Unit price.name", "Price", "Unit price")]
    }
    assert expected == team.diffs()
    team.apply()
    assert before == property_ids(team)["Unit price"]
    assert live_values(team, "Unit price") == PRICES
    team.converged()
    del renamed["properties"]["Unit price"]["renamed_from"]
    team.write(renamed)
    team.converged()


def test_a_new_number_format_is_one_safe_property_update(team: Team) -> None:
    """dollar → euro: one update_property, safe (applies without approval), values untouched."""
    team.write(PRICED)
    team.apply()
    euro = copy.deepcopy(PRICED)
    euro["properties"]["Price"]["format"] = "euro"
    team.write(euro)
    plan = team.plan()
    changes = [c for db in plan["databases"] for c in db["changes"]]
    expected = [("catalogue/update_property/Price", "safe", [("Price.format", "dollar", "euro")])]
    assert expected == [
        (c["id"], c["class"], [(d["path"], d["old"], d["new"]) for d in c["diffs"]])
        for c in changes
    ]
    team.apply()
    assert team.data_source("Catalogue")["properties"]["Price"]["number"]["format"] == "euro"
    team.converged()


def test_a_type_change_is_lossy_gated_and_converges(team: Team) -> None:
    """number → rich_text: held without approval (nothing written); approved, the rows are
    rewritten with the manifest's text and the plan is empty."""
    team.write(PRICED)
    team.apply()
    texts = catalogue(Price="rich_text")
    texts = with_values(texts, "Price", ["$12", "$25.50", "$18"])
    team.write(texts)
    since = team.mark()
    blocked = team.expect(BLOCKED, "apply", "--yes")
    assert "lossy change_type catalogue/Price" in blocked.stderr
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    assert team.data_source("Catalogue")["properties"]["Price"]["type"] == "rich_text"
    team.converged()


def test_pruned_options_are_gated_and_leave_the_rows_that_used_them(team: Team) -> None:
    """prune_options drops an option a hand-made row uses: lossy, held; approved, the option and
    that row's value are gone, the other rows keep theirs."""
    ranged = with_values(
        catalogue(Range={"type": "select", "options": ["Core", "Seasonal"]}),
        "Range",
        ["Core", "Seasonal", "Core"],
    )
    team.write(ranged)
    team.apply()
    source = team.data_source("Catalogue")["id"]
    team.human.pages.create(
        parent={"data_source_id": source},
        properties={
            "Name": {"title": [{"text": {"content": "Old stock"}}]},
            "SKU": {"rich_text": [{"text": {"content": "OLD-99"}}]},
            "Range": {"select": {"name": "Discontinued"}},
        },
    )
    team.converged()  # the new option and the hand-made row are not the manifest's business
    pruned = copy.deepcopy(ranged)
    pruned["properties"]["Range"] = {
        "type": "select",
        "options": ["Core", "Seasonal", "Limited"],
        "prune_options": True,
    }
    team.write(pruned)
    planned = ["catalogue/update_property/Range", "catalogue/remove_options/Range"]
    assert planned == team.changes()
    since = team.mark()
    team.expect(BLOCKED, "apply", "--yes")
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    options = team.data_source("Catalogue")["properties"]["Range"]["select"]["options"]
    kept = ["Core", "Seasonal", "Limited"]
    assert kept == [o["name"] for o in options]
    values = live_values(team, "Range")
    ranges = {"MUG-01": "Core", "TEE-02": "Seasonal", "CAP-03": "Core", "OLD-99": None}
    assert ranges == {key: value["name"] if value else None for key, value in values.items()}
    team.converged()


def test_an_undeclared_property_is_removed_only_with_prune_properties_and_approval(
    team: Team,
) -> None:
    """A hand-added Notes property stays until prune_properties; then it is destructive, held,
    and removed once approved."""
    team.write(catalogue())
    team.apply()
    source = team.data_source("Catalogue")["id"]
    team.human.data_sources.update(source, properties={"Notes": {"rich_text": {}}})
    team.converged()
    pruning = catalogue()
    pruning["prune_properties"] = True
    team.write(pruning)
    plan = team.plan()
    changes = [(c["id"], c["class"]) for db in plan["databases"] for c in db["changes"]]
    planned = [("catalogue/remove_property/Notes", "destructive")]
    assert planned == changes
    since = team.mark()
    team.expect(BLOCKED, "apply", "--yes")
    team.wrote_nothing(since)
    team.apply("--allow-destroy")
    assert "Notes" not in team.data_source("Catalogue")["properties"]
    team.converged()


def test_a_declared_property_deleted_by_hand_comes_back_with_its_values(team: Team) -> None:
    """Someone deletes Price in Notion: the plan adds it back and rewrites the three prices."""
    team.write(PRICED)
    team.apply()
    source = team.data_source("Catalogue")["id"]
    team.human.data_sources.update(source, properties={"Price": None})
    assert team.changes() == PRICE_ADDED
    team.apply()
    assert live_values(team, "Price") == PRICES
    team.converged()


def test_a_formula_and_a_rollup_follow_the_renames_they_name(team: Team) -> None:
    """Price renamed to Unit price while a formula and a rollup name it: the manifest's new
    expressions apply once, and the plan is then empty."""
    team.write(PRICED)
    team.apply()
    team.write(*_with_totals(PRICED, "Price"))
    team.apply()
    team.converged()
    renamed = copy.deepcopy(PRICED)
    renamed["properties"]["Unit price"] = {
        "type": "number",
        "format": "dollar",
        "renamed_from": "Price",
    }
    del renamed["properties"]["Price"]
    for row in renamed["rows"]:
        row["Unit price"] = row.pop("Price")
    team.write(*_with_totals(renamed, "Unit price"))
    team.apply()
    [bundle] = team.pages("Bundles")
    assert bundle["properties"]["Total"]["rollup"]["number"] == 12 + 25.5
    team.converged()


def _with_totals(manifest: dict[str, Any], price: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The catalogue with a tax formula over ``price``, and bundles rolling ``price`` up."""
    with_tax = copy.deepcopy(manifest)
    with_tax["properties"]["With tax"] = {"type": "formula", "expression": f'prop("{price}") * 1.2'}
    bundles = {
        "database": "bundles",
        "parent": ROOT_PAGE_ID,
        "title": "Bundles",
        "key": "Bundle",
        "properties": {
            "Bundle": "title",
            "Items": {"type": "relation", "database": "catalogue"},
            "Total": {"type": "rollup", "relation": "Items", "property": price, "function": "sum"},
        },
        "rows": [{"Bundle": "Starter kit", "Items": ["MUG-01", "TEE-02"]}],
    }
    return with_tax, bundles


def test_option_colours_and_new_options_are_safe_updates(team: Team) -> None:
    """A colour given to an option and a new option: one safe update; then converged."""
    ranged = with_values(
        catalogue(Range={"type": "select", "options": ["Core", "Seasonal"]}),
        "Range",
        ["Core", "Seasonal", "Core"],
    )
    team.write(ranged)
    team.apply()
    coloured = copy.deepcopy(ranged)
    coloured["properties"]["Range"]["options"] = [
        {"name": "Core", "color": "blue"},
        "Seasonal",
        {"name": "Clearance", "color": "red"},
    ]
    team.write(coloured)
    plan = team.plan()
    classes = [(c["id"], c["class"]) for db in plan["databases"] for c in db["changes"]]
    assert classes == [("catalogue/update_property/Range", "safe")]
    team.apply()
    options = team.data_source("Catalogue")["properties"]["Range"]["select"]["options"]
    assert [(o["name"], o["color"]) for o in options if o["name"] != "Seasonal"] == [
        ("Core", "blue"),
        ("Clearance", "red"),
    ]
    team.converged()


def test_a_database_retitled_by_hand_is_retitled_back(team: Team) -> None:
    """A colleague renames the pinned catalogue in Notion: one safe update_database."""
    team.write(catalogue())
    team.apply()
    database = team.database_id("Catalogue")
    pinned = catalogue()
    pinned["id"] = database
    team.write(pinned)
    team.converged()
    team.human.databases.update(database, title=[{"text": {"content": "Products (old)"}}])
    assert team.changes() == ["catalogue/update_database/catalogue"]
    team.apply()
    assert team.database_id("Catalogue") == database
    team.converged()


def test_prune_options_on_a_status_is_refused_with_what_to_do(team: Team) -> None:
    """Notion cannot remove status options through the API: prune_options on a status is a
    manifest error naming the line and the way out, not a removal planned forever."""
    staged = catalogue(
        Stage={"type": "status", "options": ["Draft", "Live"], "prune_options": True}
    )
    team.write(staged)
    result = team.expect(1, "plan")
    assert "manifests/catalogue.yaml:" in result.stderr
    assert "status options cannot be removed through the Notion API" in result.stderr
    assert "delete the options you no longer want in Notion" in result.stderr
