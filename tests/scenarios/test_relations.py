"""Relations between managed databases, and to pages the manifests do not manage.

Rows link to rows created in the same apply, databases relate to each other in a cycle and to
themselves, long relations pass Notion's 25-reference page cap, and a dual relation's back
property lives in the target without becoming the target's business.
"""

from __future__ import annotations

from typing import Any

from tests.scenarios.conftest import ROOT_PAGE_ID, Team


def teams(**extra: Any) -> dict[str, Any]:
    """Engineering teams keyed by Name, each with a parent team (a self-relation)."""
    return {
        "database": "teams",
        "parent": ROOT_PAGE_ID,
        "title": "Teams",
        "key": "Name",
        "properties": {
            "Name": "title",
            "Parent": {"type": "relation", "database": "teams"},
            "Services": {"type": "relation", "database": "services"},
        },
        "rows": [
            {"Name": "Platform", "Services": ["gateway", "billing"]},
            {"Name": "Payments", "Parent": ["Platform"], "Services": ["billing"]},
            {"Name": "Search", "Parent": ["Platform"]},
        ],
        **extra,
    }


def services(**extra: Any) -> dict[str, Any]:
    """Services keyed by Slug, each owned by a team (the other half of a cycle)."""
    return {
        "database": "services",
        "parent": ROOT_PAGE_ID,
        "title": "Services",
        "key": "Slug",
        "properties": {
            "Slug": "title",
            "Owner": {"type": "relation", "database": "teams"},
            "Depends on": {"type": "relation", "database": "services"},
        },
        "rows": [
            {"Slug": "gateway", "Owner": ["Platform"]},
            {"Slug": "billing", "Owner": ["Payments"], "Depends on": ["gateway"]},
            {"Slug": "search-api", "Owner": ["Search"], "Depends on": ["gateway", "billing"]},
        ],
        **extra,
    }


def related(team: Team, title: str, key_property: str, relation: str) -> dict[str, list[str]]:
    """Key → the keys of the related rows (through a page id → key map of every database)."""
    names: dict[str, str] = {}
    for database, key in (("Teams", "Name"), ("Services", "Slug"), ("Tags", "Tag")):
        try:
            pages = team.pages(database)
        except AssertionError:
            continue
        names.update({p["id"]: team.key_of(p, key) for p in pages})
    found = {}
    for page in team.pages(title):
        ids = [item["id"] for item in page["properties"][relation]["relation"]]
        if page["properties"][relation].get("has_more"):
            items = team.human.pages.properties.retrieve(
                page["id"], page["properties"][relation]["id"], page_size=100
            )["results"]
            ids = [item["relation"]["id"] for item in items]
        found[team.key_of(page, key_property)] = sorted(names.get(i, i) for i in ids)
    return found


def test_a_cycle_of_new_databases_links_after_the_creates(team: Team) -> None:
    """Teams and services relate both ways and to themselves: one apply creates both databases,
    every row once, then links them all; the plan is then empty."""
    team.write(teams(), services())
    team.apply()
    services_of = {
        "Platform": ["billing", "gateway"],
        "Payments": ["billing"],
        "Search": [],
    }
    assert services_of == related(team, "Teams", "Name", "Services")
    parents = {"Platform": [], "Payments": ["Platform"], "Search": ["Platform"]}
    assert parents == related(team, "Teams", "Name", "Parent")
    owners = {
        "gateway": ["Platform"],
        "billing": ["Payments"],
        "search-api": ["Search"],
    }
    assert owners == related(team, "Services", "Slug", "Owner")
    assert len(teams()["rows"]) == len(team.pages("Teams"))
    team.converged()


def test_a_new_row_linked_from_existing_rows_is_created_then_linked(team: Team) -> None:
    """A new team (its parent set in the create), and an existing service moved to it: one
    create, then one link of the service once the team exists."""
    team.write(teams(), services())
    team.apply()
    grown = teams()
    grown["rows"].append({"Name": "Identity", "Parent": ["Platform"]})
    moved = services()
    moved["rows"][0]["Owner"] = ["Identity"]
    team.write(grown, moved)
    planned = ["services/link_row/gateway", "teams/create_row/Identity"]
    assert planned == sorted(team.changes())
    team.apply()
    owner = ["Identity"]
    assert owner == related(team, "Services", "Slug", "Owner")["gateway"]
    team.converged()


def test_a_relation_to_a_key_that_does_not_exist_is_a_clear_error(team: Team) -> None:
    """Owner: [Billing team] where no team has that name: exit 1 naming the row, the property
    and the key, and how to fix it; no traceback."""
    team.write(teams(), services())
    team.apply()
    wrong = services()
    wrong["rows"][1]["Owner"] = ["Billing team"]
    team.write(wrong)
    result = team.expect(1, "plan")
    assert "row 'billing', property 'Owner': no row of 'teams' has the key 'Billing team'" in (
        result.stderr
    )
    assert "hint: add a row with the key 'Billing team' to the 'teams' manifest" in result.stderr
    assert "Traceback" not in result.output


def tags(count: int) -> dict[str, Any]:
    """A tag database of ``count`` tags."""
    return {
        "database": "tags",
        "parent": ROOT_PAGE_ID,
        "title": "Tags",
        "key": "Tag",
        "properties": {"Tag": "title"},
        "rows": [{"Tag": f"tag-{n:03}"} for n in range(count)],
    }


def articles(tagged: list[str]) -> dict[str, Any]:
    """One article related to these tags."""
    return {
        "database": "articles",
        "parent": ROOT_PAGE_ID,
        "title": "Articles",
        "key": "Title",
        "properties": {"Title": "title", "Tags": {"type": "relation", "database": "tags"}},
        "rows": [{"Title": "Release notes", "Tags": tagged}],
    }


def test_relations_past_the_25_reference_cap_converge(team: Team) -> None:
    """An article with 30, then 100, then 26 tags: each apply is exact and plans empty after."""
    all_tags = [f"tag-{n:03}" for n in range(100)]
    team.write(tags(100), articles(all_tags[:30]))
    team.apply()
    assert {"Release notes": all_tags[:30]} == related(team, "Articles", "Title", "Tags")
    team.converged()
    team.write(articles(all_tags))
    [change] = team.changes()
    assert change == "articles/update_row/Release notes"
    team.apply()
    assert {"Release notes": all_tags} == related(team, "Articles", "Title", "Tags")
    team.converged()
    team.write(articles(all_tags[:26]))
    team.apply()
    assert {"Release notes": all_tags[:26]} == related(team, "Articles", "Title", "Tags")
    team.converged()


def test_a_relation_to_an_unmanaged_database_by_page_id(team: Team) -> None:
    """Rows of a database no manifest declares are related by {page_id}: no diff afterwards."""
    archive = team.human.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=[{"type": "text", "text": {"content": "Archive"}}],
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    source = archive["data_sources"][0]["id"]
    page = team.human.pages.create(
        parent={"data_source_id": source},
        properties={"Name": {"title": [{"text": {"content": "2025 report"}}]}},
    )
    manifest: dict[str, Any] = {
        "database": "reports",
        "parent": ROOT_PAGE_ID,
        "title": "Reports",
        "key": "Name",
        "properties": {"Name": "title", "Previous": {"type": "relation", "database": source}},
        "rows": [{"Name": "2026 report", "Previous": [{"page_id": page["id"]}]}],
    }
    team.write(manifest)
    team.apply()
    [report] = team.pages("Reports")
    assert [page["id"]] == [item["id"] for item in report["properties"]["Previous"]["relation"]]
    team.converged()


def test_a_dual_relations_back_property_is_not_the_targets_business(team: Team) -> None:
    """services.Owner is two-way: the back property Notion makes in teams is no diff there, even
    with prune_properties on teams, and the plan stays empty."""
    owned = services()
    owned["properties"]["Owner"] = {
        "type": "relation",
        "database": "teams",
        "dual": True,
        "synced_property": "Owned services",
    }
    strict = teams(prune_properties=True)
    team.write(strict, owned)
    team.apply()
    back = team.data_source("Teams")["properties"]["Owned services"]
    assert back["relation"]["type"] == "dual_property"
    team.converged()
    plan = team.plan()
    teams_plan = next(db for db in plan["databases"] if db["handle"] == "teams")
    assert not teams_plan["changes"]
    assert not teams_plan["unmanaged_properties"]


def test_a_dual_relations_back_property_is_not_listed_when_its_source_is_not_planned(
    team: Team,
) -> None:
    """plan --database tags reads tags alone: the back property of articles.Tags (whose data
    source is then unknown) is still not listed as a property the manifest leaves alone."""
    two_way = articles(["tag-000", "tag-001"])
    two_way["properties"]["Tags"] = {"type": "relation", "database": "tags", "dual": True}
    strict = tags(2)
    strict["prune_properties"] = True
    team.write(strict, two_way)
    team.apply()
    assert "Related to Articles (Tags)" in team.data_source("Tags")["properties"]
    plan = team.plan("--database", "tags")
    [tags_plan] = plan["databases"]
    assert not tags_plan["changes"]
    assert not tags_plan["unmanaged_properties"]
    team.converged()


def test_the_title_of_a_related_row_shows_in_the_diff_not_its_page_id(team: Team) -> None:
    """A changed relation shows the keys added and removed."""
    team.write(teams(), services())
    team.apply()
    moved = services()
    moved["rows"][2]["Depends on"] = ["gateway"]
    team.write(moved)
    shown = team.run("plan").stdout
    assert "Depends on: - billing" in shown
    team.apply()
    team.converged()


def test_a_related_row_trashed_by_hand_is_restored_and_relinked(team: Team) -> None:
    """A colleague trashes the gateway service: restored (same page), the links still hold."""
    team.write(teams(), services())
    team.apply()
    gateway = team.page("Services", "Slug", "gateway")["id"]
    team.human.pages.update(gateway, in_trash=True)
    assert team.changes() == ["services/restore_row/gateway"]
    team.apply()
    assert gateway == team.page("Services", "Slug", "gateway")["id"]
    team.converged()
    linked = ["billing", "gateway"]
    assert linked == related(team, "Teams", "Name", "Services")["Platform"]


def test_a_relation_to_rows_keyed_by_number(team: Team) -> None:
    """Invoices keyed by a number, related from payments as [1001, 1002.5]: converged, and a new
    invoice linked in the same apply is created first."""
    invoices: dict[str, Any] = {
        "database": "invoices",
        "parent": ROOT_PAGE_ID,
        "title": "Invoices",
        "key": "Number",
        "properties": {"Name": "title", "Number": "number"},
        "rows": [
            {"Number": 1001, "Name": "Acme, March"},
            {"Number": 1002.5, "Name": "Acme, April (credit)"},
        ],
    }
    payments: dict[str, Any] = {
        "database": "payments",
        "parent": ROOT_PAGE_ID,
        "title": "Payments",
        "key": "Reference",
        "properties": {
            "Reference": "title",
            "Invoices": {"type": "relation", "database": "invoices"},
        },
        "rows": [{"Reference": "PAY-1", "Invoices": [1001, 1002.5]}],
    }
    team.write(invoices, payments)
    team.apply()
    team.converged()
    invoices["rows"].append({"Number": 1003, "Name": "Acme, May"})
    payments["rows"][0]["Invoices"] = [1001, 1002.5, 1003]
    team.write(invoices, payments)
    assert sorted(team.changes()) == ["invoices/create_row/1003", "payments/link_row/PAY-1"]
    team.apply()
    [payment] = team.pages("Payments")
    assert len(payment["properties"]["Invoices"]["relation"]) == 3
    team.converged()


def test_a_new_synced_property_name_renames_the_back_property(team: Team) -> None:
    """synced_property "Articles" becomes "Used in": one rename in tags (where the back property
    lives), none in articles; applied, the plan is empty (it was planned again forever)."""
    two_way = articles(["tag-000"])
    relation = {"type": "relation", "database": "tags", "dual": True, "synced_property": "Articles"}
    two_way["properties"]["Tags"] = relation
    team.write(tags(2), two_way)
    team.apply()
    back_id = team.data_source("Tags")["properties"]["Articles"]["id"]
    relation["synced_property"] = "Used in"
    team.write(tags(2), two_way)
    assert team.changes() == ["tags/rename_property/Used in"]
    team.apply()
    assert team.data_source("Tags")["properties"]["Used in"]["id"] == back_id
    team.converged()


def test_a_link_to_a_key_two_pages_share_waits_until_one_is_gone(team: Team) -> None:
    """A colleague adds a second Search team: moving gateway to Search is not written (it would
    link whichever page came last), the guard says why; once the extra page is trashed, the
    link goes to the one Search left."""
    team.write(teams(), services())
    team.apply()
    search = team.page("Teams", "Name", "Search")["id"]
    source = team.data_source("Teams")["id"]
    extra = team.human.pages.create(
        parent={"data_source_id": source},
        properties={"Name": {"title": [{"text": {"content": "Search"}}]}},
    )
    moved = services()
    moved["rows"][0]["Owner"] = ["Search"]
    team.write(teams(), moved)
    plan = team.plan()
    notes = {db["handle"]: [g["kind"] for g in db["guards"]] for db in plan["databases"]}
    assert notes == {"services": ["ambiguous_links"], "teams": ["duplicate_keys"]}
    since = team.mark()
    team.apply()
    team.wrote_nothing(since)
    team.human.pages.update(extra["id"], in_trash=True)
    assert team.changes() == ["services/update_row/gateway"]
    team.apply()
    owner = team.page("Services", "Slug", "gateway")["properties"]["Owner"]["relation"]
    assert [item["id"] for item in owner] == [search]
    team.converged()


def test_a_back_property_named_like_a_declared_property_is_a_manifest_error(team: Team) -> None:
    """synced_property "Articles" where tags declares an Articles property: `validate` and
    `plan` say so at the line, before Notion names the back property "Articles 2"."""
    declared = tags(2)
    declared["properties"]["Articles"] = "rich_text"
    two_way = articles(["tag-000"])
    two_way["properties"]["Tags"] = {
        "type": "relation",
        "database": "tags",
        "dual": True,
        "synced_property": "Articles",
    }
    team.write(declared, two_way)
    for command in ("validate", "plan"):
        result = team.expect(1, command)
        assert "manifests/articles.yaml:" in result.stderr
        assert "names its back property 'Articles', but database 'tags' declares" in result.stderr


def test_renaming_a_back_property_onto_a_taken_name_is_a_clear_error(team: Team) -> None:
    """A colleague added a "Used in" property to tags; renaming the back property to it is
    refused at plan time, naming both properties, instead of failing in Notion."""
    two_way = articles(["tag-000"])
    relation = {"type": "relation", "database": "tags", "dual": True, "synced_property": "Articles"}
    two_way["properties"]["Tags"] = relation
    team.write(tags(2), two_way)
    team.apply()
    source = team.data_source("Tags")["id"]
    team.human.data_sources.update(source, properties={"Used in": {"rich_text": {}}})
    relation["synced_property"] = "Used in"
    team.write(tags(2), two_way)
    result = team.expect(1, "plan")
    assert "names its back property 'Used in' (synced_property)" in result.stderr
    assert "the back property is 'Articles' now" in result.stderr


def paired(*, both_sides_agree: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """services.Owner ↔ teams.Owned services, declared in both manifests."""
    owned = services()
    owned["properties"]["Owner"] = {
        "type": "relation",
        "database": "teams",
        "dual": True,
        "synced_property": "Owned services",
    }
    owning = teams()
    del owning["properties"]["Services"]
    owning["properties"]["Owned services"] = {
        "type": "relation",
        "database": "services",
        "dual": True,
        "synced_property": "Owner",
    }
    links = {"Platform": ["gateway"], "Payments": ["billing"], "Search": ["search-api"]}
    for row in owning["rows"]:
        row.pop("Services", None)
        if both_sides_agree:
            row["Owned services"] = links[row["Name"]]
    return owning, owned


def test_a_two_way_relation_declared_on_both_sides_converges(team: Team) -> None:
    """Both manifests declare their side and list the same links: one pair of properties, every
    link once, then the plan is empty."""
    team.write(*paired(both_sides_agree=True))
    team.apply()
    owners = {"gateway": ["Platform"], "billing": ["Payments"], "search-api": ["Search"]}
    assert owners == related(team, "Services", "Slug", "Owner")
    assert sorted(team.data_source("Teams")["properties"]) == ["Name", "Owned services", "Parent"]
    team.converged()


def test_two_sides_listing_different_links_is_a_manifest_error(team: Team) -> None:
    """services lists owners, teams lists none: validate and plan refuse at the row, saying to
    list each link on both sides or to declare one side only (each apply undid the other)."""
    team.write(*paired(both_sides_agree=False))
    for command in ("validate", "plan"):
        result = team.expect(1, command)
        assert "manifests/services.yaml:" in result.stderr
        assert "is declared on both sides, and they list different links" in result.stderr
        assert "declare the relation on one side only" in result.stderr
