"""The plan as a pull-request comment: summary table, what needs approval, collapsible details.

``render_markdown(plan)`` returns GitHub-flavoured Markdown of at most ``MAX_COMMENT`` bytes of
UTF-8, starting with ``MARKER`` so a workflow can find and update its one sticky comment.
Sensitive values are masked first. Every text that comes from Notion or a manifest goes through
``escape``, so a row title cannot close a table cell or a ``<details>``, open a code span, inject
HTML, make a link or an image, or @-mention anyone, and carries no control character (ESC, BEL),
direction override, invisible character or line separator: those are shown as escapes, so that
what a reviewer reads is what the plan does. When the details do not fit, whole changes are left
out from the end (the same plan always keeps the same ones) and the comment says how many and
where the full plan is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reconciler.logs import printable
from reconciler.plan import Action, Change, ChangeClass, DatabasePlan, FieldDiff, Plan, masked
from reconciler.render.describe import (
    SYMBOLS,
    UNRESTORABLE,
    Tally,
    body_lines,
    edited_words,
    estimate_words,
    headline,
    list_delta,
    needs_approval,
    plural,
    row_values,
    show_change,
    show_config_change,
    show_item,
    show_link,
    show_value,
    tally,
    text_pair,
    trashed_title,
    unmanaged_rows,
    word_diff,
)

__all__ = ["APPROVAL_FILE", "MARKER", "MAX_COMMENT", "escape", "render_markdown"]

MARKER = "<!-- notion-reconciler:plan -->"
APPROVAL_FILE = ".github/reconciler-approve"
"""Where a pull request approves a plan: the file holds the checksum, the apply workflow passes
it on (examples/github/notion-apply.yml)."""
MAX_COMMENT = 65_000
"""Bytes of UTF-8, not characters. GitHub refuses comment bodies over 65,536 "characters", and
what it counts is not code points: a 63,219-code-point comment (245,625 bytes) was refused. A
text of N bytes of UTF-8 has at most N code points and at most N UTF-16 units, so capping the
bytes keeps under the limit whichever of the three GitHub counts; the rest is headroom. Text
rich in emoji or CJK fits fewer characters, which the truncation note then says."""
MAX_LISTED = 50
"""Changes listed under "needs approval", and URLs per guard, before "and N more"."""
_RESERVE = 600
"""Room kept for the truncation note and the footer."""
_DEFAULT_FULL_PLAN = (
    "the plan file: `reconciler plan -o plan.json`, then `reconciler show plan.json`"
    " (in CI: the workflow's plan artifact)"
)

_BACKSLASHED = set("\\`*_[]|~#")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ZWSP = "\u200b"
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BACKTICKS = re.compile("`+")


def escape(text: str) -> str:
    """Text from Notion or a manifest made inert in Markdown: no markup, HTML, links or mentions,
    no control, direction or invisible character (shown as ``\\x1b``, ``\\u202e``).

    One line (every kind of line break becomes ``↵``), safe inside table cells, lists and
    ``<summary>``. The zero-width spaces that break mentions and autolinks are its own.
    """
    out: list[str] = []
    for char in printable(_LINE_BREAKS.sub("\n", text)):
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _BACKSLASHED:
            out.append("\\" + char)
        elif char == "@":
            out.append("@" + _ZWSP)  # no @-mention, no e-mail autolink
        elif char == "\n":
            out.append(" ↵ ")
        else:
            out.append(char)
    escaped = "".join(out)
    # Bare URLs become links on GitHub (autolinks): break the patterns it looks for.
    return escaped.replace("://", ":" + _ZWSP + "//").replace("www.", "www" + _ZWSP + ".")


def render_markdown(
    plan: Plan, *, full_plan: str | None = None, local: bool = False, approved: bool = False
) -> str:
    """The comment; ``full_plan`` says where the whole plan is when details are cut, ``local``
    that the plan is of the --local workspace (no page URL opens anywhere), ``approved`` that the
    pull request approves exactly this plan already (``APPROVAL_FILE`` holds its checksum)."""
    view = masked(plan)
    head = "".join(_head(view, local, approved))
    tail = _footer(view, local)
    budget = MAX_COMMENT - _size(head) - _size(tail) - _RESERVE
    details, left_out = _details(view, budget)
    note = ""
    if left_out:
        where = escape(full_plan) if full_plan else _DEFAULT_FULL_PLAN
        note = (
            f"\n> [!NOTE]\n> {plural(left_out, 'change')} not shown: this comment is limited to"
            f" {MAX_COMMENT:,} bytes. The full plan is in {where}.\n\n"
        )
    comment = head + details + note + tail
    if _size(comment) > MAX_COMMENT:  # a head too long by itself: cut, and say so
        kept = comment.encode("utf-8")[: MAX_COMMENT - 200].decode("utf-8", errors="ignore")
        comment = kept + "\n\n(comment cut at its size limit)\n"
    return comment


def _size(text: str) -> int:
    """What counts against ``MAX_COMMENT``: bytes of UTF-8."""
    return len(text.encode("utf-8"))


def _head(plan: Plan, local: bool, approved: bool) -> Iterator[str]:
    yield f"{MARKER}\n## Notion plan\n\n"
    counts = plan.counts()
    total = sum(counts.values())
    if plan.is_empty:
        yield "**No changes**: Notion matches the manifests.\n\n"
    else:
        classes = ", ".join(f"{counts[cls]} {cls.value}" for cls in ChangeClass)
        yield f"**{plural(total, 'change')}**: {classes}\n\n"
    yield from _table(plan)
    yield from _approval(plan, approved)
    yield from _guards(plan, local)
    yield from _unrestorable(plan)
    if plan.skipped_databases:
        skipped = ", ".join(escape(handle) for handle in plan.skipped_databases)
        yield f"Not planned (`--database`): {skipped}; left untouched.\n\n"


def _table(plan: Plan) -> Iterator[str]:
    yield "| Database | Schema | Create | Update | Restore | Link | Trash | Left alone | Guards |\n"
    yield "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n"
    for db in plan.databases:
        counts = tally(db.changes)
        name = escape(db.handle) + (" (new)" if db.is_new else "")
        yield (
            f"| {name} | {counts.schema} | {counts.create} | {counts.update} | {counts.restore}"
            f" | {counts.link} | {counts.trash} | {_left_alone(db)} | {len(db.guards)} |\n"
        )
    yield "\n"


def _left_alone(db: DatabasePlan) -> str:
    parts = []
    if db.unmanaged_rows:
        named = unmanaged_rows(db)
        which = f" ({escape(named)})" if named else ""
        parts.append(plural(db.unmanaged_rows, "row") + which)
    if db.unmanaged_properties:
        parts.append(plural(len(db.unmanaged_properties), "property", "properties"))
    if db.unmanaged_options:
        parts.append(plural(len(db.unmanaged_options), "option"))
    if db.unmanaged_bodies:
        parts.append(plural(db.unmanaged_bodies, "body", "bodies"))
    if not db.complete:
        parts.append("read incomplete")
    return ", ".join(parts) or "—"


def _approval(plan: Plan, approved: bool) -> Iterator[str]:
    """What needs approval, and the one way to give it in a pull request: the checksum
    committed to ``APPROVAL_FILE``, which the apply workflow passes on (docs/github.md)."""
    gated = needs_approval(plan)
    if not gated:
        return
    yield f"### Needs approval\n\n{plural(len(gated), 'change')} can lose data:\n\n"
    for change in gated[:MAX_LISTED]:
        what = escape(headline(change))
        yield f"- **{escape(change.database)}**: {what} ({change.change_class.value})\n"
    if len(gated) > MAX_LISTED:
        yield f"- … and {len(gated) - MAX_LISTED} more\n"
    if approved:
        yield (
            f"\n**Approved**: `{APPROVAL_FILE}` in this pull request holds this plan's checksum"
            f" `{plan.checksum}`; on merge the apply workflow applies exactly this plan.\n\n"
        )
        return
    yield (
        f"\nTo approve exactly this plan (checksum `{plan.checksum}`), commit its checksum to"
        f" `{APPROVAL_FILE}` in this pull request; on merge the apply workflow applies exactly"
        f" this plan with it:\n\n    echo {plan.checksum} > {APPROVAL_FILE}\n\n"
    )


def _guards(plan: Plan, local: bool) -> Iterator[str]:
    notes = [(db, note) for db in plan.databases for note in db.guards]
    if not notes:
        return
    yield "### Guards\n\nThese deletes were left out of the plan:\n\n"
    for db, note in notes:
        yield f"- **{escape(db.handle)}** ({note.kind}): {escape(note.message)}\n"
        links = [show_link(url, local=local) for url in note.urls[:MAX_LISTED]]
        yield from (f"  - {escape(link)}\n" for link in links if link)
        if len(note.urls) > MAX_LISTED:
            yield f"  - … and {len(note.urls) - MAX_LISTED} more\n"
    yield "\n"


def _unrestorable(plan: Plan) -> Iterator[str]:
    lost = [(db, item) for db in plan.databases for item in db.unrestorable[:MAX_LISTED]]
    if not lost:
        return
    yield f"### Not put back\n\nThese values stay as they are: {UNRESTORABLE}.\n\n"
    yield from (f"- **{escape(db.handle)}**: {escape(item)}\n" for db, item in lost)
    yield "\n"


@dataclass
class _Budget:
    left: int
    left_out: int = 0

    def take(self, text: str) -> bool:
        size = _size(text)
        if self.left_out or size > self.left:
            return False
        self.left -= size
        return True


def _details(plan: Plan, room: int) -> tuple[str, int]:
    budget = _Budget(room)
    parts: list[str] = []
    for db in plan.databases:
        if not db.changes:
            continue
        summary = f"{escape(db.handle)}: {plural(len(db.changes), 'change')}"
        opener = f"<details><summary>{summary}</summary>\n\n"
        closer = "\n</details>\n\n"
        if not budget.take(opener + closer):
            budget.left_out += len(db.changes)
            continue
        parts.append(opener)
        for change in db.changes:
            entry = "".join(_entry(plan, db, change))
            if budget.take(entry):
                parts.append(entry)
            else:
                budget.left_out += 1
        parts.append(closer)
    return "".join(parts), budget.left_out


def _entry(plan: Plan, db: DatabasePlan, change: Change) -> Iterator[str]:
    symbol = SYMBOLS[change.action]
    label = "" if change.change_class is ChangeClass.SAFE else f" **{change.change_class.value}**"
    yield f"- `{symbol}` {escape(headline(change))}{label}\n"
    if change.action is Action.CREATE_ROW:
        for name, value in row_values(db, change):
            yield f"  - {escape(name)}: {escape(show_value(plan, db, name, value))}\n"
    elif (title := trashed_title(db, change)) is not None:
        yield f"  - {escape(title[0])}: {escape(show_value(plan, db, *title))}\n"
    elif change.action in (Action.UPDATE_ROW, Action.RESTORE_ROW, Action.LINK_ROW):
        for diff in change.diffs:
            yield f"  - {escape(diff.path)}: {_row_diff(plan, db, diff)}\n"
    elif change.action in (Action.UPDATE_PROPERTY, Action.REMOVE_OPTIONS, Action.UPDATE_DATABASE):
        for diff in change.diffs:
            yield f"  - {escape(show_config_change(change, diff))}\n"
    if edited := edited_words(change.edited_by, change.edited_time):
        yield f"  - _{escape(edited)}_\n"
    if change.action is Action.UPDATE_BODY and change.note:
        yield f"  - {escape(change.note)}\n"
    yield from _body(change)


def _body(change: Change) -> Iterator[str]:
    """A body's unified diff as a ``diff`` code block inside the list item.

    A code block shows its text literally (no markup, links, mentions or HTML), and its fence
    is longer than any run of backticks inside, so no line can close it; control characters are
    shown as escapes like everywhere else."""
    shown = body_lines(change)
    if shown is None:
        return
    lines = [printable(line) for line in shown.lines]
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    yield f"\n  {fence}diff\n"
    yield from (f"  {line}\n" for line in lines)
    yield f"  {fence}\n"
    if shown.left_out:
        yield f"  … {plural(shown.left_out, 'more line')} of the diff (see the plan file)\n"


def _row_diff(plan: Plan, db: DatabasePlan, diff: FieldDiff) -> str:
    name, old, new = diff.path, diff.old, diff.new
    texts = text_pair(db, diff)
    if texts is not None:
        tags = {"=": ("", ""), "-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")}
        return "".join(
            f"{tags[run.op][0]}{escape(run.text)}{tags[run.op][1]}" for run in word_diff(*texts)
        )
    delta = list_delta(old, new)
    if delta is not None and (delta[0] or delta[1]):
        pieces = [f"+ {escape(show_item(plan, db, name, item))}" for item in delta[0]]
        pieces += [f"- {escape(show_item(plan, db, name, item))}" for item in delta[1]]
        return ", ".join(pieces)
    return escape(show_change(plan, db, name, old, new))


def _footer(plan: Plan, local: bool) -> str:
    total: Tally = sum((tally(db.changes) for db in plan.databases), Tally())
    return (
        f"<sub>{total.total} changes · estimate {estimate_words(plan, local=local)}"
        f" · checksum `{plan.checksum}`</sub>\n"
    )
