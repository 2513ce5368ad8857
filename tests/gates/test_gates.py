"""The gate: which changes need approval, which approvals lift them, thresholds and protect."""

from __future__ import annotations

import dataclasses

import pytest

from reconciler.config import GateSettings
from reconciler.gates import (
    Approvals,
    HoldReason,
    approval_command,
    decide,
    describe_block,
    effective_class,
)
from reconciler.plan import (
    Change,
    ChangeClass,
    CreateRow,
    DatabasePlan,
    Estimate,
    Plan,
    PropertyShape,
    RemoveProperty,
    RowPayload,
    TrashRow,
    UpdateRow,
)

CHECKSUM = "3f1c9a0d5b7e2c4f6a8d0b2e4c6f8a1d3b5e7c9f1a3d5b7e9c1f3a5d7b9e1c3f"
DEFAULTS = GateSettings()


def _row(payload: RowPayload, key: str, cls: ChangeClass, db: str = "tasks") -> Change:
    return Change(database=db, target=key, change_class=cls, payload=payload, page_id=f"p-{key}")


def create(key: str, db: str = "tasks") -> Change:
    return _row(CreateRow({"Name": key}), key, ChangeClass.SAFE, db)


def trash(key: str, db: str = "tasks") -> Change:
    return _row(TrashRow({"Name": key}), key, ChangeClass.DESTRUCTIVE, db)


def clear(key: str, db: str = "tasks") -> Change:
    """An update that clears a value: lossy."""
    return _row(UpdateRow({"Due": "2026-05-01"}, {"Due": None}), key, ChangeClass.LOSSY, db)


def remove_property(name: str, db: str = "tasks") -> Change:
    return Change(db, name, ChangeClass.DESTRUCTIVE, RemoveProperty(PropertyShape("rich_text")))


def database(
    changes: list[Change], handle: str = "tasks", managed: int = 100, protect: bool = False
) -> DatabasePlan:
    return DatabasePlan(
        handle=handle,
        title=handle.title(),
        key="Name",
        properties=(),
        changes=tuple(changes),
        managed_rows=managed,
        live_rows=managed,
        protect=protect,
    )


def plan(*databases: DatabasePlan) -> Plan:
    return Plan(databases=databases, estimate=Estimate(1, 0.3, 3.0), checksum=CHECKSUM)


def held(p: Plan, approvals: Approvals, settings: GateSettings = DEFAULTS) -> list[tuple[str, str]]:
    decision = decide(p, approvals, settings)
    return [(h.change.target, h.reason.value) for h in decision.held]


def test_safe_changes_pass_without_any_approval() -> None:
    """Creates and plain updates apply with no flag at all."""
    decision = decide(plan(database([create("write-docs"), create("ship")])), Approvals(), DEFAULTS)
    assert decision.allowed
    expected = ()
    assert expected == decision.held


def test_a_trash_without_approval_is_held() -> None:
    """A destructive change with no approval is held as needing approval."""
    p = plan(database([create("a"), trash("old-task")]))
    expected = [("old-task", "needs_approval")]
    assert expected == held(p, Approvals())


def test_a_lossy_update_without_approval_is_held() -> None:
    """Clearing a value is lossy: held like a destructive change."""
    expected = [("ada", "needs_approval")]
    assert expected == held(plan(database([clear("ada")])), Approvals())


def test_allow_destroy_approves_lossy_and_destructive_changes_under_the_thresholds() -> None:
    """--allow-destroy lifts every hold while the trashes stay under the thresholds."""
    p = plan(database([clear("ada"), trash("old"), remove_property("Legacy")]))
    assert not held(p, Approvals(allow_destroy=True))


def test_matching_checksum_approves_every_gated_change() -> None:
    """--approve with the plan's own checksum approves all its lossy and destructive changes."""
    p = plan(database([clear("ada"), trash("old"), remove_property("Legacy")]))
    decision = decide(p, Approvals(approved_checksum=CHECKSUM), DEFAULTS)
    assert decision.allowed
    assert decision.mismatched_checksum is None


def test_a_different_checksum_approves_nothing_and_is_reported() -> None:
    """--approve with another plan's checksum holds everything and names the mismatch."""
    other = "0" * 64
    decision = decide(plan(database([trash("old")])), Approvals(approved_checksum=other), DEFAULTS)
    reasons = [HoldReason.NEEDS_APPROVAL]
    assert reasons == [h.reason for h in decision.held]
    assert other == decision.mismatched_checksum


def test_a_different_checksum_does_not_block_a_safe_plan() -> None:
    """A stale approval only matters when something needs approving."""
    decision = decide(
        plan(database([create("a")])), Approvals(approved_checksum="0" * 64), DEFAULTS
    )
    assert decision.allowed


def test_typing_the_database_name_approves_that_database_only() -> None:
    """A prompt confirmation covers the database typed, not the others."""
    p = plan(database([trash("old")]), database([trash("p1", "projects")], "projects"))
    expected = [("p1", "needs_approval")]
    assert expected == held(p, Approvals(confirmed_databases=frozenset({"tasks"})))


def test_trashing_more_than_the_fraction_is_held_despite_allow_destroy() -> None:
    """31 of 100 managed rows is over 30%: --allow-destroy is not enough."""
    trashes = [trash(f"t{i:02}") for i in range(31)]
    p = plan(database(trashes, managed=100))
    settings = GateSettings(max_deletes=1000)
    reasons = {reason for _, reason in held(p, Approvals(allow_destroy=True), settings)}
    expected = {"threshold"}
    assert expected == reasons


def test_exactly_the_fraction_passes_with_allow_destroy() -> None:
    """30 of 100 is not more than 30%."""
    p = plan(database([trash(f"t{i:02}") for i in range(30)], managed=100))
    assert not held(p, Approvals(allow_destroy=True), GateSettings(max_deletes=1000))


def test_the_fraction_does_not_apply_below_the_minimum_row_count() -> None:
    """A database with 9 managed rows may lose all of them with --allow-destroy."""
    p = plan(database([trash(f"t{i}") for i in range(9)], managed=9))
    assert not held(p, Approvals(allow_destroy=True))


def test_the_fraction_applies_from_the_minimum_row_count() -> None:
    """With 10 managed rows, trashing 4 (40%) is over the threshold."""
    p = plan(database([trash(f"t{i}") for i in range(4)], managed=10))
    expected = 4
    assert expected == len(held(p, Approvals(allow_destroy=True)))


def test_more_than_max_deletes_in_one_apply_is_held_across_databases() -> None:
    """26 trashes spread over two large databases break max_deletes (25) together."""
    tasks = database([trash(f"t{i:02}") for i in range(13)], managed=1000)
    projects = database([trash(f"p{i:02}", "projects") for i in range(13)], "projects", 1000)
    decision = decide(plan(tasks, projects), Approvals(allow_destroy=True), DEFAULTS)
    count, scopes = 26, [None]
    assert count == len(decision.held)
    assert scopes == [b.database for b in decision.breaches]


def test_force_thresholds_lifts_a_threshold_hold() -> None:
    """--allow-destroy --force-thresholds applies a mass trash."""
    p = plan(database([trash(f"t{i:02}") for i in range(40)], managed=100))
    assert not held(p, Approvals(allow_destroy=True, force_thresholds=True))


def test_force_thresholds_alone_approves_nothing() -> None:
    """--force-thresholds without --allow-destroy still needs an approval."""
    p = plan(database([trash("old")]))
    expected = [("old", "needs_approval")]
    assert expected == held(p, Approvals(force_thresholds=True))


def test_raised_thresholds_let_allow_destroy_through() -> None:
    """A repository that raises max_delete_fraction needs no --force-thresholds."""
    p = plan(database([trash(f"t{i:02}") for i in range(20)], managed=40))
    settings = GateSettings(max_delete_fraction=0.6, min_rows_for_fraction=10, max_deletes=25)
    assert not held(p, Approvals(allow_destroy=True), settings)


def test_threshold_holds_only_trashes_not_other_lossy_changes() -> None:
    """Over the threshold, a lossy update is still approved by --allow-destroy."""
    changes = [clear("ada"), *(trash(f"t{i:02}") for i in range(5))]
    p = plan(database(changes, managed=10))
    targets = {target for target, _ in held(p, Approvals(allow_destroy=True))}
    assert "ada" not in targets
    expected = 5
    assert expected == len(targets)


def test_checksum_approval_covers_the_thresholds() -> None:
    """An approval of exactly this plan covers its mass trash too."""
    p = plan(database([trash(f"t{i:02}") for i in range(40)], managed=100))
    assert not held(p, Approvals(approved_checksum=CHECKSUM))


@pytest.mark.parametrize(
    "approvals",
    [
        Approvals(allow_destroy=True, force_thresholds=True),
        Approvals(approved_checksum=CHECKSUM),
        Approvals(confirmed_databases=frozenset({"people"})),
    ],
    ids=["allow-destroy", "checksum", "prompt"],
)
def test_a_protected_database_never_loses_rows_or_properties(approvals: Approvals) -> None:
    """protect: true refuses trashes and property removals whatever the approval."""
    p = plan(database([trash("ada"), remove_property("Legacy", "people")], "people", protect=True))
    reasons = held(p, approvals)
    expected = [("ada", "protected"), ("Legacy", "protected")]
    assert expected == reasons


def test_protection_given_as_data_holds_for_a_plan_that_predates_it() -> None:
    """A database protected now (the manifests' flag, passed to the gate) refuses the trashes of
    a plan made before the flag, whatever the approval; the plan itself is not changed."""
    p = plan(database([trash("ada"), create("grace")], "people"))
    approvals = Approvals(allow_destroy=True, approved_checksum=CHECKSUM)
    decision = decide(p, approvals, DEFAULTS, protected=frozenset({"people"}))
    assert [(h.change.target, h.reason.value) for h in decision.held] == [("ada", "protected")]
    assert (p.checksum, p.databases[0].protect) == (CHECKSUM, False)
    assert decide(p, approvals, DEFAULTS).allowed


def test_a_protected_database_still_takes_approved_lossy_changes() -> None:
    """protect guards rows and properties; an approved lossy update still applies."""
    p = plan(database([clear("ada", "people")], "people", protect=True))
    assert not held(p, Approvals(allow_destroy=True))


def test_a_protected_database_is_not_offered_at_the_prompt() -> None:
    """Typing the name of a protected database could not help, so it is not asked."""
    p = plan(database([trash("ada", "people")], "people", protect=True), database([trash("old")]))
    decision = decide(p, Approvals(), DEFAULTS)
    expected = ("tasks",)
    assert expected == decision.promptable_databases


def test_a_trash_labelled_safe_is_still_destructive() -> None:
    """A hand-edited plan cannot downgrade a trash to safe."""
    sneaky = dataclasses.replace(trash("old"), change_class=ChangeClass.SAFE)
    destructive = ChangeClass.DESTRUCTIVE
    assert destructive == effective_class(sneaky)
    expected = [("old", "needs_approval")]
    assert expected == held(plan(database([sneaky])), Approvals())


def test_an_update_clearing_a_value_is_lossy_whatever_class_it_is_marked() -> None:
    """A row update that writes an empty value is held for approval even when the plan (a
    hand-edited file, a caller) marks it safe."""
    sneaky = dataclasses.replace(clear("ada"), change_class=ChangeClass.SAFE)
    lossy = ChangeClass.LOSSY
    assert lossy == effective_class(sneaky)
    expected = [("ada", "needs_approval")]
    assert expected == held(plan(database([sneaky])), Approvals())


def test_an_update_whose_old_value_was_edited_to_empty_still_clears() -> None:
    """The class is judged by what the change writes, not by the ``before`` side a file shows:
    claiming the live value was empty anyway does not make writing an empty value safe."""
    payload = UpdateRow({"Due": None}, {"Due": None})
    sneaky = _row(payload, "ada", ChangeClass.SAFE)
    expected = [("ada", "needs_approval")]
    assert expected == held(plan(database([sneaky])), Approvals())


def test_unticking_a_checkbox_needs_no_approval() -> None:
    """False is a checkbox's value, not a cleared one."""
    untick = _row(UpdateRow({"Done": True}, {"Done": False}), "ada", ChangeClass.SAFE)
    safe = ChangeClass.SAFE
    assert safe == effective_class(untick)


def test_a_lossy_class_stays_lossy_for_an_update() -> None:
    """Updates keep the class the plan gave them."""
    expected = ChangeClass.LOSSY
    assert expected == effective_class(clear("ada"))


def test_the_block_message_lists_each_change_and_the_exact_commands() -> None:
    """The blocked message names every held change and the commands that approve them."""
    p = plan(database([trash("old-task"), clear("ada")]))
    decision = decide(p, Approvals(), DEFAULTS)
    text = describe_block(decision, ["reconciler", "apply", "plan.json"])
    assert "destructive trash_row tasks/old-task" in text
    assert "lossy update_row tasks/ada" in text
    assert f"reconciler apply plan.json --approve {CHECKSUM}" in text
    assert "reconciler apply plan.json --allow-destroy\n" in text + "\n"


def test_the_block_message_asks_for_force_thresholds_when_a_threshold_breaks() -> None:
    """Over a threshold, the --allow-destroy suggestion includes --force-thresholds."""
    p = plan(database([trash(f"t{i:02}") for i in range(31)], managed=100))
    decision = decide(p, Approvals(allow_destroy=True), DEFAULTS)
    text = describe_block(decision, ["reconciler", "apply", "manifests"])
    assert "reconciler apply manifests --allow-destroy --force-thresholds" in text
    assert "tasks: trashes 31 of 100 managed rows (31%)" in text
    assert "the apply trashes 31 rows, more than gates.max_deletes (25)" in text


def test_the_block_message_explains_protect_without_offering_approval() -> None:
    """Only protected changes held: the message says how to unprotect, not how to approve."""
    p = plan(database([trash("ada")], "people", protect=True))
    text = describe_block(
        decide(p, Approvals(allow_destroy=True), DEFAULTS), ["reconciler", "apply"]
    )
    assert "remove `protect: true`" in text
    assert "--approve" not in text


def test_the_block_message_names_a_mismatched_checksum() -> None:
    """A wrong --approve is called out with the plan's real checksum."""
    p = plan(database([trash("old")]))
    decision = decide(p, Approvals(approved_checksum="abc"), DEFAULTS)
    text = describe_block(decision, ["reconciler", "apply", "plan.json"])
    assert f"--approve abc does not match this plan's checksum {CHECKSUM}" in text


def test_approval_command_quotes_paths_with_spaces() -> None:
    """The suggested command can be pasted as is."""
    expected = "reconciler apply 'my plans/plan.json' --approve abc"
    assert expected == approval_command(["reconciler", "apply", "my plans/plan.json"], "abc")
