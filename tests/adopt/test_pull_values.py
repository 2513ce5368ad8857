"""``reconciler pull`` over every writable property type: a value edited in the Notion app is
written into the manifest on its own line, the plan is empty afterwards, and a second pull is a
no-op.

The manifests are those of the editing engine's tests (``test_values_by_type``): every type
written the way people write it. Each case edits one value of one row through notion-client, as
a person would in the app, then runs the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from reconciler.model import WRITABLE_TYPES
from tests.adopt.test_values_by_type import LAUNCHES, PEOPLE
from tests.adopt.workspace import Team

ADA = "0000000a-0000-4000-8000-00000000000a"
GRACE = "0000000b-0000-4000-8000-00000000000b"


def _text(*runs: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "text", **run} for run in runs]


EDITS: dict[str, tuple[str, dict[str, Any]]] = {
    "Name": ("title", {"title": _text({"text": {"content": "Website relaunch 2026"}})}),
    "Notes": (
        "rich_text",
        {
            "rich_text": _text(
                {"text": {"content": "Ship the "}},
                {
                    "text": {"content": "new design"},
                    "annotations": {"bold": True, "italic": True},
                },
                {"text": {"content": " with the "}},
                {"text": {"content": "style guide", "link": {"url": "https://example.com/style"}}},
            )
        },
    ),
    "Budget": ("number", {"number": 27500.5}),
    "Stage": ("select", {"select": {"name": "Shipped"}}),
    "Tags": (
        "multi_select",
        {"multi_select": [{"name": "web"}, {"name": "api"}, {"name": "mobile"}]},
    ),
    "Progress": ("status", {"status": {"name": "Done"}}),
    "Window": ("date", {"date": {"start": "2026-09-01", "end": "2026-12-20"}}),
    "Kickoff": ("date", {"date": {"start": "2026-09-01T10:00", "time_zone": "Europe/Paris"}}),
    "Owners": (
        "people",
        {"people": [{"object": "user", "id": ADA}, {"object": "user", "id": GRACE}]},
    ),
    "Lead": ("relation", {"relation": [{"id": "grace"}]}),
    "Assets": (
        "files",
        {
            "files": [
                {"name": "brief.pdf", "external": {"url": "https://example.com/brief.pdf"}},
                {"name": "Wireframes", "external": {"url": "https://example.com/wireframes.png"}},
            ]
        },
    ),
    "Approved": ("checkbox", {"checkbox": True}),
    "Site": ("url", {"url": "https://example.com/launch-2026"}),
    "Contact": ("email", {"email": "launches@example.com"}),
    "Phone": ("phone_number", {"phone_number": "+44 20 7946 0002"}),
    "Venue": (
        "place",
        {"place": {"lat": 51.5194, "lon": -0.127, "name": "Gower Street office"}},
    ),
    "Review": (
        "verification",
        {"verification": {"state": "verified", "date": {"start": "2026-12-31"}}},
    ),
}
"""Property → (its type, the value a person sets in Notion, as the API takes it). ``Lead``'s
``grace`` stands for Grace's row of the people database."""


@pytest.fixture(scope="module")
def launches(tmp_path_factory: pytest.TempPathFactory) -> Team:
    """The launches and people manifests, applied to the workspace and committed."""
    return Team.applied(
        tmp_path_factory.mktemp("launches"),
        {"manifests/people.yaml": PEOPLE, "manifests/launches.yaml": LAUNCHES},
    )


@pytest.fixture
def team(launches: Team, tmp_path: Path) -> Team:
    return launches.copy(tmp_path)


def _edit_in_notion(team: Team, name: str) -> None:
    _, value = EDITS[name]
    with team.notion() as notion:
        if name == "Lead":
            grace = team.rows(notion, "People", "Email")["grace@example.com"]
            value = {"relation": [{"id": grace["id"]}]}
        page = team.rows(notion, "Launches", "Code")["web-2026"]
        notion.pages.update(page["id"], properties={name: value})


def test_the_cases_cover_every_writable_type() -> None:
    """Every writable type is edited in Notion by at least one case."""
    assert {kind for kind, _ in EDITS.values()} == set(WRITABLE_TYPES)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_value_edited_in_notion_is_pulled_into_its_own_lines(
    team: Team, name: str, snapshot: SnapshotAssertion
) -> None:
    """One value edited in Notion: pull changes only its lines (the snapshot), exits 2 with
    --detailed-exitcode, and the plan is empty afterwards."""
    _edit_in_notion(team, name)
    team.expect(2, "pull", "--detailed-exitcode")
    diff = team.diff()
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[1:3] != "++"]
    changed = [line for line in changed if not line.startswith(("---", "+++"))]
    assert len(changed) == 2, diff
    assert diff == snapshot
    team.plan_is_empty()


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_second_pull_changes_nothing(team: Team, name: str) -> None:
    """Pulled once, the same edit pulls to nothing: no file changes, exit 0."""
    _edit_in_notion(team, name)
    team.expect(2, "pull", "--detailed-exitcode")
    team.commit()
    again = team.expect(0, "pull", "--detailed-exitcode")
    assert (team.diff(), again.stdout) == ("", "")
