"""WorkspaceReferences: the lookups codecs use, built from the live state and grown by applies."""

from __future__ import annotations

from reconciler.model import LiveDatabase, LiveProperty, LiveRow, LiveState, LiveUser
from reconciler.properties import WorkspaceReferences

ADA = "00000000-0000-4000-8000-0000000000fa"
SOURCE = "6804d25f-0b33-46bf-9d2c-0304cd5bbdfe"
PAGE = "38c9ce7b-60a4-81a6-b314-f47eef8f5f8c"


def _live() -> LiveState:
    database = LiveDatabase(
        handle="projects",
        database_id="d8b00736-bcde-457a-930e-c6d6b6205ac2",
        data_source_id=SOURCE,
        title="Projects",
        properties=(
            LiveProperty("title", "Name", "title"),
            LiveProperty("ocH%3E", "Category", "select"),
        ),
        rows=(
            LiveRow(PAGE, "website", {}, "https://www.notion.so/x"),
            LiveRow("38c9ce7b-60a4-8186-b51f-ce28be392a4a", "old", {}, "u", in_trash=True),
        ),
    )
    return LiveState(
        databases={"projects": database}, users=(LiveUser(ADA, "Ada", "ada@example.com", "person"),)
    )


def test_built_from_the_live_state() -> None:
    """Users, data sources, row keys and property names all come from LiveState."""
    refs = WorkspaceReferences.from_live(_live())
    expected = (ADA, "projects", SOURCE, PAGE, "website", "Category")
    actual = (
        refs.user_id("ADA@example.com"),
        refs.handle_for_data_source(SOURCE),
        refs.data_source_for_handle("projects"),
        refs.page_for_key("projects", "website"),
        refs.key_for_page("projects", PAGE.replace("-", "")),
        refs.property_name(SOURCE, "ocH>"),
    )
    assert expected == actual


def test_trashed_rows_are_not_targets() -> None:
    """A row in the trash cannot be related to by key."""
    refs = WorkspaceReferences.from_live(_live())
    assert refs.page_for_key("projects", "old") is None


def test_pages_created_during_an_apply_become_known() -> None:
    """add_page lets later writes relate to a row created moments ago."""
    refs = WorkspaceReferences.from_live(_live())
    refs.add_page("projects", "blog", "38C9CE7B60A481D9974FFA8F2972D797")
    expected = "38c9ce7b-60a4-81d9-974f-fa8f2972d797"
    assert expected == refs.page_for_key("projects", "blog")


def test_user_labels_prefer_email_then_name_then_id() -> None:
    """An unknown user is shown by id."""
    refs = WorkspaceReferences([LiveUser(ADA, "Ada", None, "person")])
    expected = ["Ada", "00000000-0000-4000-8000-0000000000ff"]
    assert expected == [
        refs.user_label(ADA),
        refs.user_label("00000000-0000-4000-8000-0000000000ff"),
    ]


def test_user_ids_pass_through_and_unknown_emails_are_none() -> None:
    """An id is its own user id; an unknown e-mail has none."""
    refs = WorkspaceReferences()
    expected = ADA
    assert expected == refs.user_id(ADA.replace("-", ""))
    assert refs.user_id("nobody@example.com") is None
