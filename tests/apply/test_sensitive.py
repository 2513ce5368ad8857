"""Sensitive values during an apply: never in the journal, the audit log or an outcome's message
(Notion's validation messages may quote the value sent), and never in the undo plan."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from reconciler.apply import Status
from reconciler.emulator import Emulator
from reconciler.plan import load_plan, manifest_values, unsealed, write_plan
from reconciler.readspec import read_specs
from reconciler.render import render_json, render_markdown
from tests.apply.conftest import Project
from tests.conftest import ROOT_PAGE_ID

SECRET = "+44 20 7946 0001"

CONTACTS: dict[str, Any] = {
    "database": "contacts",
    "parent": ROOT_PAGE_ID,
    "title": "Contacts",
    "key": "Name",
    "properties": {
        "Name": "title",
        "Phone": {"type": "phone_number", "sensitive": True},
        "Notes": "rich_text",
    },
    "rows": [{"Name": "Ada", "Notes": "first"}],
}


def with_phone(phone: str | None) -> dict[str, Any]:
    contacts = copy.deepcopy(CONTACTS)
    contacts["rows"][0]["Phone"] = phone
    return contacts


def test_a_refusal_quoting_a_sensitive_value_is_recorded_masked(
    project: Project, emulator: Emulator
) -> None:
    """Notion refuses the update with a message quoting the phone: the outcome, the journal and
    the audit log say why, with the phone masked."""
    project.write(CONTACTS)
    project.converge()
    project.write(with_phone(SECRET))
    plan, live = project.plan()
    emulator.configure(
        {
            "faults": [
                {
                    "method": "PATCH",
                    "path": "/v1/pages/",
                    "status": 400,
                    "code": "validation_error",
                    "message": f"body.properties.Phone.phone_number: {SECRET!r} is not valid.",
                    "times": 1,
                }
            ]
        }
    )
    result = project.apply(plan, live=live)
    (failed,) = result.failures
    assert failed.status is Status.FAILED
    assert failed.message.endswith("'(sensitive)' is not valid.")
    for record in (project.journal_path, project.state_dir / "audit.jsonl"):
        text = record.read_text(encoding="utf-8")
        assert "'(sensitive)' is not valid." in text
        assert SECRET not in text


def test_the_undo_cannot_put_a_sensitive_value_back_but_can_clear_it_again(
    project: Project,
) -> None:
    """Setting a phone where there was none: the undo clears it again (an empty old value is no
    secret). Replacing one phone by another: the undo leaves the phone out and lists it."""
    project.write(CONTACTS)
    project.converge()
    project.write(with_phone(SECRET))
    set_ = project.converge()
    assert set_.undo_path is not None
    undo_set = set_.undo_path.read_text(encoding="utf-8")
    assert '"Phone": null' in undo_set
    assert set_.unrestorable == ()

    project.write(with_phone("+44 20 7946 0999"))
    replaced = project.converge()
    assert replaced.unrestorable == ("contacts/Ada.Phone",)
    assert replaced.undo_path is not None
    undo_replaced = replaced.undo_path.read_text(encoding="utf-8")
    assert SECRET not in undo_replaced
    assert '"unrestorable": [\n        "Ada.Phone"\n      ]' in undo_replaced


def with_confidant(email: str) -> dict[str, Any]:
    """Contacts with a sensitive people property, Ada's confidant the person of ``email``."""
    contacts = copy.deepcopy(CONTACTS)
    contacts["properties"]["Confidant"] = {"type": "people", "sensitive": True}
    contacts["rows"][0]["Confidant"] = [email]
    return contacts


def test_a_plan_file_names_no_person_of_a_sensitive_people_value_and_applies(
    project: Project, tmp_path: Path
) -> None:
    """Ada's confidant changes from Grace to Alan: the plan file holds neither e-mail nor name
    (their labels are sealed), and the file, read back, applies with Alan from the manifests."""
    project.write(with_confidant("grace@example.com"))
    project.converge()
    project.write(with_confidant("alan@example.com"))
    plan, _ = project.plan()
    assert set(plan.users.values()) >= {"grace@example.com", "alan@example.com"}
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    text = path.read_text(encoding="utf-8")
    named = ("grace@example.com", "Grace Hopper", "alan@example.com", "Alan Turing")
    assert [person for person in named if person in text] == []
    loaded = load_plan(path)
    opened = unsealed(loaded, manifest_values(project.desired(), loaded))
    assert project.apply(opened).complete
    spec = read_specs(project.desired(), ["contacts"])
    (row,) = project.gateway.read_state(spec).databases["contacts"].rows
    assert row.values["Confidant"] == ["0000000c-0000-4000-8000-00000000000c"]


def test_renderings_name_no_person_of_a_sensitive_people_value(project: Project) -> None:
    """The JSON rendering (often redirected to a file) and the PR comment leave out the users
    only sensitive values name; people of other properties keep their labels."""
    project.write(with_confidant("grace@example.com"))
    project.converge()
    confidant = with_confidant("alan@example.com")
    confidant["properties"]["Mentor"] = "people"
    confidant["rows"][0]["Mentor"] = ["ada@example.com"]
    project.write(confidant)
    plan, _ = project.plan()
    for shown in (render_json(plan), render_markdown(plan)):
        assert ("grace@" in shown, "alan@" in shown, "ada@" in shown) == (False, False, True)
