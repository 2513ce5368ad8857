"""Page bodies, icons and covers end to end: manifests applied to the emulator, read back, planned.

Rows of a `docs` database keep their bodies in Markdown files named by `body_from`; plans and
applies go through the real gateway and the apply session (as the CLI does), and what Notion
holds is checked independently through the block endpoints and the Markdown endpoint.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply import Journal
from reconciler.bodies import canonical_markdown
from reconciler.emulator import Emulator
from reconciler.errors import PlanProblems, StalePlanError
from reconciler.plan import Action, ChangeClass, Plan, UpdateBody, load_plan
from reconciler.readspec import read_spec, read_specs
from reconciler.render import render_markdown, render_text
from tests.apply.conftest import PEOPLE, Project, gateway_for
from tests.conftest import ROOT_PAGE_ID, in_process_client

EVERY_CONSTRUCT = """\
## Overview
A paragraph with **bold**, *italic*, `code`, ~~strike~~, a [link](https://example.com) and
<span color="red">red words</span>.

### Steps
* one
* two
    * nested
1. first
1. second
    1. nested first
- [ ] to do
- [x] done
	- [ ] nested to do

> A quote

<callout icon="💡" color="yellow_bg">
Remember **this**
</callout>

```python
def main():
    return 42
```

---

| Name | Value |
|------|-------|
| a    | 1     |

<details>
<summary>More</summary>
Hidden text
</details>

$$
E = mc^2
$$

Due <mention-date start="2026-05-01"/> for <mention-user url="user://0000000a-0000-4000-8000-00000000000a">Ada</mention-user>.
"""

BLOCK_TYPES = {
    "heading_2",
    "heading_3",
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "quote",
    "callout",
    "code",
    "divider",
    "table",
    "table_row",
    "toggle",
    "equation",
}

DOCS: dict[str, Any] = {
    "database": "docs",
    "parent": ROOT_PAGE_ID,
    "title": "Docs",
    "key": "Slug",
    "icon": "📚",
    "body_from": "content/{Slug}.md",
    "properties": {"Name": "title", "Slug": "rich_text"},
    "rows": [
        {"Slug": "guide", "Name": "Guide", "_icon": "🧭", "_cover": "https://example.com/c.png"},
        {"Slug": "notes", "Name": "Notes"},
        {"Slug": "unwritten", "Name": "Unwritten"},
    ],
}


class Docs(Project):
    """The docs manifest and its content folder."""

    def body(self, slug: str, text: str) -> None:
        path = self.root / "manifests" / "content" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def converge_plan(self) -> Plan:
        plan, live = self.plan()
        result = self.apply(plan, live=live)
        assert result.complete, [(o.change.id, o.message) for o in result.failures]
        return plan

    def page(self, slug: str) -> str:
        _, live = self.plan()
        rows = live.databases["docs"].rows
        return next(row.page_id for row in rows if row.key == slug)

    def body_reads(self, since: int) -> int:
        return sum(
            1
            for r in self.emulator.requests()[since:]
            if r["method"] == "GET" and str(r["path"]).endswith("/markdown")
        )


@pytest.fixture
def docs(tmp_path: Path, emulator: Emulator) -> Iterator[Docs]:
    emulator.seed({"users": PEOPLE})
    gateway = gateway_for(emulator)
    project = Docs(tmp_path, emulator, gateway)
    project.body("guide", EVERY_CONSTRUCT)
    project.body("notes", "Short notes.\n")
    project.write(DOCS)
    yield project
    gateway.close()


def _block_types(client: Any, block_id: str) -> set[str]:
    """Every block type under a page or block, through GET /v1/blocks/{id}/children."""
    found: set[str] = set()
    for block in client.blocks.children.list(block_id)["results"]:
        found.add(block["type"])
        if block.get("has_children"):
            found |= _block_types(client, block["id"])
    return found


def test_every_construct_applies_reads_back_and_plans_empty(docs: Docs, emulator: Emulator) -> None:
    """Applied, the body is there as blocks and as Markdown, and the next plan is empty."""
    docs.converge_plan()
    page = docs.page("guide")
    notion = in_process_client(emulator)
    assert _block_types(notion, page) >= BLOCK_TYPES
    code = next(b for b in notion.blocks.children.list(page)["results"] if b["type"] == "code")
    assert code["code"]["language"] == "python"
    answered = notion.pages.retrieve_markdown(page)["markdown"]
    assert canonical_markdown(answered) == canonical_markdown(EVERY_CONSTRUCT)
    plan, _ = docs.plan()
    assert [c.id for c in plan.changes] == []


def test_the_plan_is_empty_without_the_write_records(docs: Docs, emulator: Emulator) -> None:
    """A gateway that never wrote these bodies (a fresh CI runner) compares them equal too:
    the canonical form alone makes the plan empty."""
    docs.converge_plan()
    fresh = gateway_for(emulator)
    try:
        plan, _ = Docs(docs.root, emulator, fresh).plan()
    finally:
        fresh.close()
    assert [c.id for c in plan.changes] == []


def test_a_templated_row_without_a_file_is_said_once(docs: Docs) -> None:
    """The row whose file is missing has no managed body; the plan counts it, no change."""
    plan, _ = docs.plan()
    database = plan.database("docs")
    assert database is not None
    assert (database.body_from, database.unmanaged_bodies) == ("content/{Slug}.md", 1)
    text = render_text(plan)
    assert text.count("no file under content/{Slug}.md") == 1


def test_a_body_edited_in_notion_shows_a_lossy_diff(docs: Docs, emulator: Emulator) -> None:
    """Edited in Notion, the body would be overwritten: lossy, shown as a unified diff."""
    docs.converge_plan()
    notion = in_process_client(emulator)
    notion.pages.update_markdown(
        docs.page("notes"),
        type="replace_content",
        replace_content={"new_str": "Notes rewritten in Notion."},
    )
    plan, _ = docs.plan()
    (change,) = plan.changes
    assert (change.id, change.change_class) == ("docs/update_body/notes", ChangeClass.LOSSY)
    text = render_text(plan)
    assert "-Notes rewritten in Notion." in text
    assert "+Short notes." in text
    comment = render_markdown(plan)
    assert (
        "```diff\n  @@ -1 +1 @@\n  -Notes rewritten in Notion.\n  +Short notes.\n  ```" in comment
    )


def test_a_body_changed_in_the_manifest_is_a_safe_update(docs: Docs) -> None:
    """Notion still holds what the reconciler wrote: overwriting it loses nothing."""
    docs.converge_plan()
    docs.body("notes", "Longer notes.\n\n- with a list\n")
    plan, _ = docs.plan()
    (change,) = plan.changes
    assert (change.action, change.change_class) == (Action.UPDATE_BODY, ChangeClass.SAFE)
    docs.converge_plan()
    again, _ = docs.plan()
    assert again.is_empty


def test_a_body_with_unknown_blocks_is_a_plan_problem(docs: Docs, emulator: Emulator) -> None:
    """A bookmark Markdown cannot show is never overwritten: the plan names the row."""
    docs.converge_plan()
    notion = in_process_client(emulator)
    page = docs.page("notes")
    bookmark = {"type": "bookmark", "bookmark": {"url": "https://example.com"}}
    notion.blocks.children.append(page, children=[bookmark])
    docs.body("notes", "Changed in git.\n")
    with pytest.raises(PlanProblems) as caught:
        docs.plan()
    (problem,) = caught.value.problems
    assert "row 'notes'" in problem.message
    assert "Markdown cannot show" in problem.message
    assert "stop managing this row's body" in problem.hint


def test_a_body_edited_after_the_plan_is_not_overwritten(docs: Docs, emulator: Emulator) -> None:
    """Between plan and apply someone edits the body: the apply refuses, nothing written."""
    docs.converge_plan()
    docs.body("notes", "Planned text.\n")
    plan, _ = docs.plan()
    notion = in_process_client(emulator)
    notion.pages.update_markdown(
        docs.page("notes"), type="replace_content", replace_content={"new_str": "Meanwhile."}
    )
    with pytest.raises(StalePlanError, match="its body was edited in Notion since the plan"):
        docs.apply(plan)


def test_the_undo_plan_restores_the_old_body(docs: Docs, emulator: Emulator) -> None:
    """The undo of a body change writes the body as it was back, and says so."""
    docs.converge_plan()
    docs.body("notes", "Replaced.\n")
    plan, live = docs.plan()
    result = docs.apply(plan, live=live)
    assert result.undo_path is not None
    undo = load_plan(result.undo_path)
    (change,) = undo.changes
    assert isinstance(change.payload, UpdateBody)
    assert change.note == "undo: restores the body as it was before the apply"
    docs.apply(undo)
    answered = in_process_client(emulator).pages.retrieve_markdown(docs.page("notes"))
    assert canonical_markdown(answered["markdown"]) == "Short notes."


def test_icons_and_covers_round_trip(docs: Docs, emulator: Emulator) -> None:
    """Row and database icons and covers are written, read back equal, and changed in place."""
    docs.converge_plan()
    notion = in_process_client(emulator)
    page = notion.pages.retrieve(docs.page("guide"))
    assert (page["icon"], page["cover"]["external"]["url"]) == (
        {"type": "emoji", "emoji": "🧭"},
        "https://example.com/c.png",
    )
    changed = copy.deepcopy(DOCS)
    changed["rows"][0]["_icon"] = "https://example.com/icon.png"
    changed["cover"] = "https://example.com/db-cover.png"
    docs.write(changed)
    plan, _ = docs.plan()
    assert sorted(c.id for c in plan.changes) == [
        "docs/update_database/docs",
        "docs/update_row/guide",
    ]
    docs.converge_plan()
    again, _ = docs.plan()
    assert again.is_empty


def test_a_leading_heading_stays_in_the_body(docs: Docs, emulator: Emulator) -> None:
    """A body that starts with `# Title` is not taken for the page title on create."""
    docs.body("notes", "# Notes\nFirst line.\n")
    docs.converge_plan()
    page = docs.page("notes")
    answered = in_process_client(emulator).pages.retrieve_markdown(page)["markdown"]
    assert canonical_markdown(answered) == "# Notes\nFirst line."
    plan, _ = docs.plan()
    assert plan.is_empty


def test_a_replan_after_one_edit_reads_one_body(tmp_path: Path, emulator: Emulator) -> None:
    """30 rows with bodies; with the clock moved past the minute margin, a plan reads (and
    caches) every body, then after one edit in Notion a re-plan reads that one body only."""
    emulator.seed({"users": PEOPLE})
    cache = tmp_path / ".reconciler" / "cache"
    gateway = gateway_for(emulator, body_cache=cache)
    project = Docs(tmp_path, emulator, gateway)
    manifest = copy.deepcopy(DOCS)
    manifest["rows"] = [{"Slug": f"page-{n}", "Name": f"Page {n}"} for n in range(30)]
    for n in range(30):
        project.body(f"page-{n}", f"Body of page {n}.\n")
    project.write(manifest)
    project.converge_plan()
    emulator.configure({"clock_offset_s": 600})
    start = len(emulator.requests())
    project.plan()
    assert project.body_reads(start) == 30
    in_process_client(emulator).pages.update_markdown(
        project.page("page-7"), type="replace_content", replace_content={"new_str": "Edited."}
    )
    start = len(emulator.requests())
    plan, _ = project.plan()
    assert project.body_reads(start) == 1
    assert [c.id for c in plan.changes] == ["docs/update_body/page-7"]
    gateway.close()
    later = gateway_for(emulator, body_cache=cache)
    start = len(emulator.requests())
    Docs(tmp_path, emulator, later).plan()
    assert project.body_reads(start) == 1  # the cache survives the process; page-7 is not
    later.close()
    shutil.rmtree(cache)  # safe to delete: the next plan reads everything again
    fresh = gateway_for(emulator, body_cache=cache)
    start = len(emulator.requests())
    replanned, _ = Docs(tmp_path, emulator, fresh).plan()
    fresh.close()
    assert project.body_reads(start) == 30
    assert [c.id for c in replanned.changes] == ["docs/update_body/page-7"]


def _interrupted(docs: Docs, plan: Plan) -> None:
    """The journal of an apply killed after sending the body write, before recording it."""
    journal = Journal(docs.journal_path)
    journal.started(plan.checksum, "docs/update_body/notes")
    journal.close()


def test_a_body_write_whose_answer_was_lost_is_resumed(docs: Docs, emulator: Emulator) -> None:
    """The body already holds what the change writes: the resumed apply accepts it and ends
    with the plan done (replacing the whole body again is harmless)."""
    docs.converge_plan()
    docs.body("notes", "Resumed text.\n")
    plan, _ = docs.plan()
    _interrupted(docs, plan)
    docs.gateway.write_body(docs.page("notes"), "Resumed text.\n", database="docs", row_key="notes")
    result = docs.apply(plan)
    assert result.complete
    again, _ = docs.plan()
    assert again.is_empty


def test_a_lost_body_write_overtaken_by_an_edit_is_stale(docs: Docs, emulator: Emulator) -> None:
    """Neither what the plan saw nor what it writes: someone edited it; nothing is written."""
    docs.converge_plan()
    docs.body("notes", "Resumed text.\n")
    plan, _ = docs.plan()
    _interrupted(docs, plan)
    in_process_client(emulator).pages.update_markdown(
        docs.page("notes"), type="replace_content", replace_content={"new_str": "Other."}
    )
    with pytest.raises(StalePlanError):
        docs.apply(plan)


def test_reading_a_row_again_reads_its_managed_body(docs: Docs) -> None:
    """The controller re-reads one page after a webhook: its body comes with it when the
    manifest manages it, so the plan made from the patched state compares it."""
    docs.converge_plan()
    desired = docs.desired()
    live = docs.gateway.read_state(read_specs(desired))
    spec = read_spec(desired.databases[0]).located(live.databases["docs"])
    page = docs.page("notes")
    (row,) = docs.gateway.read_rows(spec, [page]).values()
    assert row.body is not None
    assert canonical_markdown(row.body.markdown) == "Short notes."
