"""``owner: notion`` end to end: the manifest seeds a value, then the team edits it in Notion.

The colleague edits through notion-client against the emulator; the reconciler runs as the CLI.
"""

from __future__ import annotations

from typing import Any

from tests.scenarios.conftest import CHANGES, ROOT_PAGE_ID, Team, plain


def roadmap(**database: Any) -> dict[str, Any]:
    """A roadmap whose Stage and Summary the product team owns in Notion."""
    return {
        "database": "roadmap",
        "parent": ROOT_PAGE_ID,
        "title": "Roadmap",
        "key": "Slug",
        **database,
        "properties": {
            "Name": "title",
            "Slug": "rich_text",
            "Stage": {"type": "select", "options": ["Idea", "Building", "Shipped"],
                      "owner": "notion"},
            "Summary": {"type": "rich_text", "owner": "notion"},
            "Effort": "number",
        },
        "rows": [
            {"Slug": "sso", "Name": "Single sign-on", "Stage": "Idea", "Summary": "SAML first",
             "Effort": 5},
        ],
    }  # fmt: skip


def _edit_in_notion(team: Team, **properties: Any) -> None:
    page = team.page("Roadmap", "Slug", "sso")["id"]
    team.human.pages.update(page, properties=properties)


def _stage_and_summary(team: Team) -> tuple[str, str]:
    values = team.page("Roadmap", "Slug", "sso")["properties"]
    return values["Stage"]["select"]["name"], plain(values["Summary"]["rich_text"])


def _summary(text: str) -> dict[str, Any]:
    return {"rich_text": [{"type": "text", "text": {"content": text}}]}


def test_notion_owned_values_are_written_when_the_row_is_created(team: Team) -> None:
    """The first apply creates the row with the manifest's Stage and Summary."""
    team.write(roadmap())
    team.apply()
    assert _stage_and_summary(team) == ("Idea", "SAML first")
    team.converged()


def test_notion_edits_of_owned_values_are_neither_counted_nor_reverted(team: Team) -> None:
    """The team moves the row to Building and rewrites its summary in Notion: plan exits 0 with
    --detailed-exitcode, counts nothing, and apply writes nothing; Notion keeps their edits."""
    team.write(roadmap())
    team.apply()
    _edit_in_notion(team, Stage={"select": {"name": "Building"}}, Summary=_summary("OIDC too"))
    assert team.changes() == []
    team.expect(0, "plan", "--detailed-exitcode")
    since = team.mark()
    assert "Nothing to apply." in team.apply().stdout
    team.wrote_nothing(since)
    assert _stage_and_summary(team) == ("Building", "OIDC too")


def test_git_owned_drift_of_the_same_row_is_reverted_and_notion_owned_edits_kept(
    team: Team,
) -> None:
    """Effort (git) and Stage (Notion) edited in Notion: apply puts Effort back, keeps Stage."""
    team.write(roadmap())
    team.apply()
    _edit_in_notion(team, Stage={"select": {"name": "Shipped"}}, Effort={"number": 8})
    assert team.diffs() == {"roadmap/update_row/sso": [("Effort", 8, 5)]}
    team.expect(CHANGES, "plan", "--detailed-exitcode")
    team.apply()
    values = team.page("Roadmap", "Slug", "sso")["properties"]
    assert (values["Effort"]["number"], values["Stage"]["select"]["name"]) == (5, "Shipped")
    team.converged()


def test_a_database_level_owner_gives_notion_every_property_but_the_key(team: Team) -> None:
    """Database `owner: notion`: the team's edit of Effort stays too, and the key is still git's
    (the row is found by it; nothing is created twice)."""
    manifest = roadmap(owner="notion")
    for declaration in manifest["properties"].values():
        if isinstance(declaration, dict):
            declaration.pop("owner")
    team.write(manifest)
    team.apply()
    _edit_in_notion(team, Effort={"number": 13}, Name={"title": [{"text": {"content": "SSO"}}]})
    team.converged()
    assert team.keys("Roadmap", "Slug") == ["sso"]
