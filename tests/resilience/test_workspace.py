"""The resilience workspace's own checks can fail: each one catches what it is there to catch.

The suite's verdicts are only worth something if the plan has every kind of change to get
wrong, and if a touched unmanaged value, a lost update or a duplicate key fails the checks.
"""

from __future__ import annotations

from collections import Counter

import pytest

from reconciler.emulator import Emulator
from reconciler.notion.notion_gateway import NotionGateway
from tests.conftest import in_process_client
from tests.resilience.conftest import apply_plan
from tests.resilience.workspace import TASKS_DS, ResilienceWorkspace, page_id, text

pytestmark = pytest.mark.resilience


def test_the_manifests_ask_for_every_kind_of_row_change(
    resilient: ResilienceWorkspace, gateway: NotionGateway
) -> None:
    """Creates, updates, links to new rows and trashes, in one plan."""
    plan, _ = resilient.plan(gateway)
    expected = {"create_row": 5, "update_row": 16, "link_row": 9, "trash_row": 2}
    assert expected == dict(Counter(change.action.value for change in plan.changes))


def test_a_changed_unmanaged_note_fails_the_untouched_check(
    resilient: ResilienceWorkspace, emulator: Emulator
) -> None:
    """A managed row's unmanaged Notes, edited, differs from the snapshot."""
    before = resilient.unmanaged()
    note = {"Notes": {"rich_text": text("rewritten by someone")}}
    in_process_client(emulator).pages.update(page_id=page_id(2, 4), properties=note)
    after = resilient.unmanaged()
    expected = [f"notes of {page_id(2, 4)}"]
    assert expected == [key for key in before if before[key] != after[key]]
    with pytest.raises(AssertionError):
        resilient.check_untouched(before)


def test_a_rewrite_of_an_unmanaged_row_with_equal_values_fails_the_untouched_check(
    resilient: ResilienceWorkspace, emulator: Emulator
) -> None:
    """Equal values leave the JSON alike within the minute; the request log still shows it."""
    before = resilient.unmanaged()
    human = page_id(2, resilient.tasks)
    note = {"Notes": {"rich_text": text(f"hand-written note {resilient.tasks}")}}
    in_process_client(emulator).pages.update(page_id=human, properties=note)
    expected = [f"PATCH /v1/pages/{human}"]
    assert expected == resilient.unmanaged_writes()
    with pytest.raises(AssertionError):
        resilient.check_untouched(before)


def test_a_lost_update_fails_the_convergence_check(
    resilient: ResilienceWorkspace, gateway: NotionGateway
) -> None:
    """Before the apply the plan is not empty, and the check says so."""
    with pytest.raises(AssertionError):
        resilient.check_converged(gateway)


def test_a_duplicate_key_fails_the_convergence_check(
    resilient: ResilienceWorkspace, emulator: Emulator, gateway: NotionGateway
) -> None:
    """A second live row with an existing key is found, even when the plan is empty."""
    plan, live = resilient.plan(gateway)
    assert apply_plan(resilient, gateway, plan, live).complete
    resilient.check_converged(gateway)
    in_process_client(emulator).pages.create(
        parent={"data_source_id": TASKS_DS},
        properties={"Name": {"title": text("Again")}, "Slug": {"rich_text": text("human-000")}},
    )
    with pytest.raises(AssertionError):
        resilient.check_converged(gateway)
