"""The plan for a terminal: Terraform-like ``+ ~ ↺ -`` lines, word-level text diffs, colours.

``render_text(plan, colour=...)`` returns the whole text; the CLI decides on colour
(``use_colour``: a TTY without NO_COLOR) and prints it. Sensitive values are masked first. Each
database lists its changes in apply order with the values they write; then the guards, what was
left alone, a summary line per class, the estimate, the checksum and how to approve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from reconciler.logs import printable
from reconciler.plan import (
    Action,
    Change,
    ChangeClass,
    CreateDatabase,
    DatabasePlan,
    FieldDiff,
    Plan,
    masked,
)
from reconciler.render.describe import (
    SYMBOLS,
    UNRESTORABLE,
    body_lines,
    edited_words,
    estimate_words,
    headline,
    in_declared_order,
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

__all__ = ["render_text", "terminal_safe"]

Paint = Callable[[str, str], str]

_CODES = {
    "+": "32",
    "~": "33",
    "↺": "36",
    "-": "31",
    "guard": "35",
    "bold": "1",
    "dim": "2",
    "removed": "31",
    "added": "32",
}


# Control characters from a manifest or from Notion must not drive the terminal: an escape can
# clear the screen, retitle the window or hide lines, a carriage return overwrites what came
# before, a direction override reorders what a reviewer reads. They are shown as escapes instead;
# only the colours this module paints itself pass through (tab and line break are kept).
_OWN_COLOURS = re.compile(r"\x1b\[(?:" + "|".join(sorted({*_CODES.values(), "0"})) + r")m")


def _neutralised(text: str, colour: bool) -> str:
    """The text with foreign control characters written as visible escapes."""
    return printable(text, keep=_OWN_COLOURS if colour else None)


def terminal_safe(text: str) -> str:
    """Text from a manifest or from Notion, safe to print: control characters as escapes."""
    return printable(text)


def _painter(colour: bool) -> Paint:
    def paint(text: str, style: str) -> str:
        if not colour or not text:
            return text
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m"

    return paint


def render_text(
    plan: Plan, *, colour: bool = False, apply_args: str | None = None, local: bool = False
) -> str:
    """The plan as terminal text (ANSI colours only when ``colour``).

    ``apply_args``: what follows ``reconciler apply`` to apply this plan (a saved plan file, or
    the manifests' paths and options), shown in the closing hint; None leaves the hint out (the
    ``apply`` command, which goes on to apply or to say what approval it needs). ``local``: the
    plan is of the --local workspace, whose pages have no URL that opens anywhere.
    """
    view = masked(plan)
    paint = _painter(colour)
    lines: list[str] = []
    for database in view.databases:
        lines.extend(_database(view, database, paint, local))
        lines.append("")
    lines.extend(_footer(view, paint, apply_args, local))
    return _neutralised("\n".join(lines) + "\n", colour)


def _database(plan: Plan, db: DatabasePlan, paint: Paint, local: bool) -> Iterator[str]:
    if db.is_new:
        where = f"new, under page {db.parent}"
    else:
        link = f"id {db.database_id}" if local and db.database_id else db.url
        where = f"{plural(db.live_rows, 'live row')}{f', {link}' if link else ''}"
    yield paint(f"{db.handle}", "bold") + f"  ({db.title}: {where})"
    if not db.changes:
        yield "  no changes"
    for change in db.changes:
        yield from _change(plan, db, change, paint)
    for note in db.guards:
        yield paint(f"  ! guard ({note.kind}): {note.message}", "guard")
        links = (show_link(url, local=local) for url in note.urls)
        yield from (f"      {link}" for link in links if link)
    yield from _left_alone(db, paint)


def _left_alone(db: DatabasePlan, paint: Paint) -> Iterator[str]:
    if not db.complete:
        reasons = "; ".join(db.incomplete_reasons)
        yield paint(f"  · the live read is incomplete: {reasons}", "guard")
    if db.unmanaged_rows:
        named = unmanaged_rows(db)
        which = f": {named}" if named else ""
        yield paint(
            f"  · {plural(db.unmanaged_rows, 'row')} not managed (prune: false){which}", "dim"
        )
    if db.unmanaged_properties:
        names = ", ".join(db.unmanaged_properties)
        yield paint(f"  · properties not managed: {names}", "dim")
    if db.unmanaged_options:
        yield paint(f"  · options not managed: {', '.join(db.unmanaged_options)}", "dim")
    if db.ignored_properties:
        yield paint(f"  · ignored: {', '.join(db.ignored_properties)}", "dim")
    if db.unmanaged_bodies:
        rows = plural(db.unmanaged_bodies, "row has", "rows have")
        yield paint(f"  · {rows} no file under {db.body_from}: their bodies are left alone", "dim")
    if db.unrestorable:
        listed = ", ".join(db.unrestorable)
        yield paint(f"  ! not put back: {listed} ({UNRESTORABLE})", "guard")


def _change(plan: Plan, db: DatabasePlan, change: Change, paint: Paint) -> Iterator[str]:
    symbol = SYMBOLS[change.action]
    label = ""
    if change.change_class is not ChangeClass.SAFE:
        label = "  " + paint(f"({change.change_class.value})", "-")
    yield f"  {paint(symbol, symbol)} {headline(change)}{label}"
    if isinstance(change.payload, CreateDatabase):
        names = ", ".join(in_declared_order(db, change.payload.properties))
        yield f"      with {names}"
    elif change.action is Action.CREATE_ROW:
        yield from _values(plan, db, change)
    elif (title := trashed_title(db, change)) is not None:
        yield f"      {title[0]}: {show_value(plan, db, *title)}"
    elif change.action in (Action.UPDATE_ROW, Action.RESTORE_ROW, Action.LINK_ROW):
        yield from (_row_diff(plan, db, diff, paint) for diff in change.diffs)
    elif change.action in (Action.UPDATE_PROPERTY, Action.REMOVE_OPTIONS, Action.UPDATE_DATABASE):
        yield from (f"      {show_config_change(change, diff)}" for diff in change.diffs)
    yield from _body(change, paint)
    if change.note and change.action not in (Action.RESTORE_ROW, Action.LINK_ROW):
        yield paint(f"      {change.note}", "dim")
    if edited := edited_words(change.edited_by, change.edited_time):
        yield paint(f"      {edited}", "dim")


_DIFF_STYLES = {"-": "removed", "+": "added", "@": "dim"}


def _body(change: Change, paint: Paint) -> Iterator[str]:
    """The unified diff of a body the change writes, line by line, coloured."""
    shown = body_lines(change)
    if shown is None:
        return
    for line in shown.lines:
        style = _DIFF_STYLES.get(line[:1])
        yield "      " + (paint(line, style) if style else line)
    if shown.left_out:
        more = plural(shown.left_out, "more line")
        yield paint(f"      … {more} of the diff (the plan file holds the whole body)", "dim")


def _values(plan: Plan, db: DatabasePlan, change: Change) -> Iterator[str]:
    shown = list(row_values(db, change))
    width = max((len(name) for name, _ in shown), default=0)
    for name, value in shown:
        yield f"      {name + ':':<{width + 1}} {show_value(plan, db, name, value)}"


def _row_diff(plan: Plan, db: DatabasePlan, diff: FieldDiff, paint: Paint) -> str:
    name, old, new = diff.path, diff.old, diff.new
    texts = text_pair(db, diff)
    if texts is not None:
        parts = []
        for run in word_diff(*texts):
            if run.op == "=":
                parts.append(run.text)
            elif run.op == "-":
                parts.append(paint(f"[-{run.text}-]", "removed"))
            else:
                parts.append(paint(f"{{+{run.text}+}}", "added"))
        return f"      {name}: {''.join(parts)}"
    delta = list_delta(old, new)
    if delta is not None and (delta[0] or delta[1]):
        pieces = [paint(f"+ {show_item(plan, db, name, i)}", "added") for i in delta[0]]
        pieces += [paint(f"- {show_item(plan, db, name, i)}", "removed") for i in delta[1]]
        return f"      {name}: {', '.join(pieces)}"
    return f"      {name}: {show_change(plan, db, name, old, new)}"


def _footer(plan: Plan, paint: Paint, apply_args: str | None, local: bool) -> Iterator[str]:
    counts = plan.counts()
    total = tally(tuple(plan.changes))
    if plan.is_empty:
        yield paint("No changes: Notion matches the manifests.", "bold")
    else:
        yield paint(
            f"Plan: {total.create} to create, {total.update} to update,"
            f" {total.restore} to restore, {total.link} to link, {total.trash} to trash,"
            f" {plural(total.schema, 'schema change')}.",
            "bold",
        )
        for cls in ChangeClass:
            symbol = {"safe": "+", "lossy": "~", "destructive": "-"}[cls.value]
            yield f"  {paint(f'{cls.value:<12}', symbol)}{counts[cls]}"
    withheld = sum(note.withheld for db in plan.databases for note in db.guards)
    if withheld:
        yield paint(f"Guards withheld {plural(withheld, 'change')} (see above).", "guard")
    if plan.skipped_databases:
        yield f"Not planned (--database): {', '.join(plan.skipped_databases)}; left untouched."
    yield f"Estimate: {estimate_words(plan, local=local)}."
    yield f"Checksum: {plan.checksum}"
    yield from _approval(plan, apply_args)


def _approval(plan: Plan, apply_args: str | None) -> Iterator[str]:
    if plan.is_empty or apply_args is None:
        return
    gated = needs_approval(plan)
    target = f"reconciler apply {apply_args}".rstrip()
    if not gated:
        yield f"Apply with: {target}"
        return
    verb = "can lose data and needs" if len(gated) == 1 else "can lose data and need"
    yield f"{plural(len(gated), 'change')} {verb} approval; approve exactly this plan with:"
    yield f"  {target} --approve {plan.checksum}"
