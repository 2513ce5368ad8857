"""What the renderers share: how a change is named, how values read, and word-level text diffs.

Values are shown through the codecs' ``display`` (one line, never raw JSON for rich values);
people through the plan's user labels; masked values as they are. Used by the text and markdown
renderers, which add their own markup (and escaping) around these plain strings.
"""

from __future__ import annotations

import difflib
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.bodies import body_diff, canonical_markdown
from reconciler.model import JSON
from reconciler.plan import (
    PAGE_KEYS,
    SENSITIVE,
    Action,
    AddProperty,
    Change,
    ChangeClass,
    ChangeType,
    CreateDatabase,
    CreateRow,
    DatabasePlan,
    FieldDiff,
    LinkRow,
    Plan,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    RestoreRow,
    TrashRow,
    UpdateBody,
    UpdateDatabase,
    UpdateProperty,
    UpdateRow,
)
from reconciler.properties import ALL_CODECS

__all__ = [
    "EMPTY",
    "MAX_BODY_LINES",
    "SYMBOLS",
    "TEXT_TYPES",
    "UNRESTORABLE",
    "BodyLines",
    "Tally",
    "WordRun",
    "body_lines",
    "estimate_words",
    "headline",
    "in_declared_order",
    "list_delta",
    "needs_approval",
    "plural",
    "row_values",
    "show_change",
    "show_config",
    "show_config_change",
    "show_item",
    "show_link",
    "show_value",
    "tally",
    "text_pair",
    "trashed_title",
    "unmanaged_rows",
    "word_diff",
]

EMPTY = "(empty)"
UNRESTORABLE = (
    "the old values of sensitive properties (sensitive: true) are kept nowhere, so an undo"
    " cannot restore them"
)
"""Why an undo plan does not put back the values it lists (``DatabasePlan.unrestorable``)."""
TEXT_TYPES = frozenset({"title", "rich_text", "url", "email", "phone_number"})
SYMBOLS = {
    Action.CREATE_DATABASE: "+",
    Action.ADD_PROPERTY: "+",
    Action.CREATE_ROW: "+",
    Action.UPDATE_DATABASE: "~",
    Action.UPDATE_PROPERTY: "~",
    Action.RENAME_PROPERTY: "~",
    Action.CHANGE_TYPE: "~",
    Action.UPDATE_ROW: "~",
    Action.UPDATE_BODY: "~",
    Action.LINK_ROW: "~",
    Action.RESTORE_ROW: "↺",
    Action.TRASH_ROW: "-",
    Action.REMOVE_OPTIONS: "-",
    Action.REMOVE_PROPERTY: "-",
}
"""``+`` creates and adds, ``~`` updates, ``↺`` restores from the trash, ``-`` deletes."""

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _compact(value: JSON) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def show_value(plan: Plan, database: DatabasePlan, name: str, value: JSON) -> str:
    """One line for a property value: masked, empty, people by label, else the codec's display;
    a page's icon and cover as text, its body by its size (its lines are shown apart)."""
    if value == SENSITIVE:
        return SENSITIVE
    if value is None or value in ("", [], {}):
        return EMPTY
    if name == "_body" and isinstance(value, str):
        return plural(len(canonical_markdown(value).split("\n")), "line") + " of Markdown"
    if name in PAGE_KEYS:
        return f'"{value}"'
    prop = database.property_named(name)
    if prop is None or prop.type not in ALL_CODECS:
        return _compact(value)
    if prop.type == "people" and isinstance(value, list):
        return ", ".join(plan.users.get(str(user), str(user)) for user in value)
    shown = ALL_CODECS[prop.type].display(value)
    if prop.type in TEXT_TYPES:
        return f'"{shown}"'
    return shown or _compact(value)


def show_change(plan: Plan, database: DatabasePlan, name: str, old: JSON, new: JSON) -> str:
    """``old → new`` for one property; when both show alike, what kind of change it is."""
    before, after = show_value(plan, database, name, old), show_value(plan, database, name, new)
    if before != after or old == new:
        return f"{before} → {after}"
    prop = database.property_named(name)
    if prop is not None and prop.type in ("title", "rich_text"):
        return f"{before} (the same text; its formatting changes: see --format json)"
    return f"{before} (a change too fine to show here: see --format json)"


def show_item(plan: Plan, database: DatabasePlan, name: str, item: JSON) -> str:
    """One element of a list value (an option, a relation key, a person by label)."""
    prop = database.property_named(name)
    if prop is not None and prop.type == "people":
        return plan.users.get(str(item), str(item))
    return str(item)


def show_config(value: JSON) -> str:
    """A schema value (an option, a setting) in one line."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        return value
    return _compact(value)


def show_config_change(change: Change, diff: FieldDiff) -> str:
    """One schema setting's change, in words for options: ``add option Blocked (red)``,
    ``remove option Later``, ``option Done: colour green → red``; else ``path: old → new``."""
    setting = diff.path.removeprefix(f"{change.target}.")
    old, new = diff.old, diff.new
    if setting.startswith("options."):
        option = setting.removeprefix("options.")
        if old is None and isinstance(new, dict):
            colour = new.get("color")
            return f"add option {new.get('name', option)}" + (f" ({colour})" if colour else "")
        if isinstance(old, dict) and new is None:
            return f"remove option {old.get('name', option)}"
        for field, word in (("color", "colour"), ("description", "description")):
            if option.endswith(f".{field}"):
                name = option.removesuffix(f".{field}")
                return f"option {name}: {word} {show_config(old)} → {show_config(new)}"
    return f"{diff.path}: {show_config(old)} → {show_config(new)}"


_NOTION_PAGE_ID = re.compile(r"([0-9a-f]{32})(?:[?#].*)?\Z")


def show_link(url: str, *, local: bool) -> str:
    """A Notion URL; in a --local workspace, whose URLs open nowhere, the page id it names
    (or nothing when it names none)."""
    if not local:
        return url
    found = _NOTION_PAGE_ID.search(url.replace("-", "").lower())
    return f"page {uuid.UUID(found.group(1))}" if found else ""


def edited_words(by: str, time: str) -> str:
    """``last edited in Notion by ada@example.com on 2026-03-02 10:15 UTC`` ("" when neither is
    known): who made the drift a plan shows, and when."""
    if not (by or time):
        return ""
    words = "last edited in Notion"
    if by:
        words += f" by {by}"
    return f"{words} on {moment(time)}" if time else words


def moment(time: str) -> str:
    """An ISO 8601 instant from Notion as ``2026-03-02 10:15 UTC`` (minutes, as Notion keeps
    them); text that is not one is shown as it is."""
    try:
        instant = datetime.fromisoformat(time.replace("Z", "+00:00"))
    except ValueError:
        return time
    if instant.tzinfo is None:
        return time
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def estimate_words(plan: Plan, *, local: bool) -> str:
    """``47 requests, about 16 s at 3 requests/s``; a local workspace has no rate to wait for."""
    requests = plural(plan.estimate.requests, "request")
    if local:
        return f"{requests} (the local workspace has no rate limit)"
    rate = f"{plan.estimate.rps:g} requests/s" if plan.estimate.rps else "no rate limit"
    return f"{requests}, about {_duration(plan.estimate.seconds)} at {rate}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@dataclass(frozen=True)
class WordRun:
    """A run of a word diff: ``op`` is ``=`` (kept), ``-`` (removed) or ``+`` (added)."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[WordRun]:
    """Word-level difference of two texts (whitespace and punctuation are words of their own)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[WordRun] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(WordRun("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(WordRun("-", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(WordRun("+", "".join(b[j1:j2])))
    return runs


def text_pair(database: DatabasePlan, diff: FieldDiff) -> tuple[str, str] | None:
    """Both sides of a diff when they are plain text of a text property (word-diffable)."""
    prop = database.property_named(diff.path)
    old, new = diff.old, diff.new
    if prop is None or prop.type not in ("title", "rich_text"):
        return None
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        return None
    if SENSITIVE in (old, new):
        return None
    return old, new


def list_delta(old: JSON, new: JSON) -> tuple[list[JSON], list[JSON]] | None:
    """(added, removed) items of two lists of names or keys; None when they are not such lists."""
    if not isinstance(old, list) or not isinstance(new, list):
        return None
    if any(isinstance(item, dict | list) for item in [*old, *new]):
        return None
    return [i for i in new if i not in old], [i for i in old if i not in new]


def headline(change: Change) -> str:
    """What the change does, in a few words: ``update row write-docs``."""
    target = change.target
    match change.payload:
        case CreateDatabase(title=title):
            return f"create database {title}"
        case UpdateDatabase(old_title=old, new_title=new, new=look):
            fields = (["title"] if old != new else []) + list(look)
            return (
                "retitle database"
                if fields == ["title"]
                else f"update database ({', '.join(fields)})"
            )
        case AddProperty(shape=shape):
            return f"add property {target} ({shape.type})"
        case UpdateProperty():
            return f"update property {target}"
        case RenameProperty(old_name=old):
            return f"rename property {old} → {target}"
        case ChangeType(live=live, desired=desired):
            return f"change type of {target}: {live.type} → {desired.type}"
        case RemoveOptions(options=names):
            return f"remove options of {target}: {', '.join(names)}"
        case RemoveProperty(live=live):
            return f"remove property {target} ({live.type})"
        case CreateRow():
            return f"create row {target}"
        case UpdateRow():
            return f"update row {target}"
        case RestoreRow():
            return f"restore row {target} from the trash"
        case LinkRow():
            return f"link row {target}"
        case TrashRow():
            return f"trash row {target}"
        case UpdateBody():
            return f"update the body of row {target}"


MAX_BODY_LINES = 120
"""Lines of a body's diff shown per change; the rest are counted."""
MAX_LINE = 400
"""Characters of one line of a body's diff shown; the rest are cut."""


@dataclass(frozen=True)
class BodyLines:
    """The unified diff a body change shows, and how many lines were left out."""

    lines: tuple[str, ...]
    left_out: int = 0


def body_lines(change: Change) -> BodyLines | None:
    """The diff of a body a change writes (a new row's body from nothing); None: none."""
    payload = change.payload
    if isinstance(payload, UpdateBody):
        diff = body_diff(payload.old, payload.new)
    elif isinstance(payload, CreateRow) and isinstance(payload.values.get("_body"), str):
        diff = body_diff("", str(payload.values["_body"]))
    else:
        return None
    shown = tuple(
        line if len(line) <= MAX_LINE else line[:MAX_LINE] + " …" for line in diff[:MAX_BODY_LINES]
    )
    return BodyLines(shown, max(0, len(diff) - MAX_BODY_LINES))


def in_declared_order(database: DatabasePlan, names: Iterable[str]) -> list[str]:
    """Property names in the order the manifest declares them (a loaded plan sorts keys)."""
    declared = {prop.name: index for index, prop in enumerate(database.properties)}
    return sorted(names, key=lambda name: (declared.get(name, len(declared)), name))


def row_values(database: DatabasePlan, change: Change) -> Iterator[tuple[str, JSON]]:
    """The values a create writes (or a trash loses), in the order the manifest declares them."""
    payload = change.payload
    values = payload.values if isinstance(payload, CreateRow | TrashRow) else {}
    for name in in_declared_order(database, values):
        yield name, values[name]


def trashed_title(database: DatabasePlan, change: Change) -> tuple[str, JSON] | None:
    """A trashed row's title, so that reviewers see what goes (None: not a trash, no title, or
    the title is the key and already in the headline)."""
    payload = change.payload
    if not isinstance(payload, TrashRow) or not payload.values:
        return None
    for prop in database.properties:
        if prop.type == "title" and prop.name != database.key:
            value = payload.values.get(prop.name)
            return (prop.name, value) if value else None
    return None


@dataclass(frozen=True)
class Tally:
    """Counts of one database's (or the whole plan's) changes by kind, for summaries."""

    schema: int = 0
    create: int = 0
    update: int = 0
    restore: int = 0
    link: int = 0
    trash: int = 0

    @property
    def total(self) -> int:
        return self.schema + self.create + self.update + self.restore + self.link + self.trash

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.schema + other.schema,
            self.create + other.create,
            self.update + other.update,
            self.restore + other.restore,
            self.link + other.link,
            self.trash + other.trash,
        )


def tally(changes: tuple[Change, ...]) -> Tally:
    """How many changes of each kind (database and property changes count as schema)."""
    actions = [change.action for change in changes]
    rows = {
        Action.CREATE_ROW,
        Action.UPDATE_ROW,
        Action.UPDATE_BODY,
        Action.RESTORE_ROW,
        Action.LINK_ROW,
    }
    return Tally(
        schema=sum(1 for a in actions if a not in rows and a is not Action.TRASH_ROW),
        create=actions.count(Action.CREATE_ROW),
        update=actions.count(Action.UPDATE_ROW) + actions.count(Action.UPDATE_BODY),
        restore=actions.count(Action.RESTORE_ROW),
        link=actions.count(Action.LINK_ROW),
        trash=actions.count(Action.TRASH_ROW),
    )


def needs_approval(plan: Plan) -> list[Change]:
    """Lossy and destructive changes, in apply order."""
    return [change for change in plan.changes if change.change_class is not ChangeClass.SAFE]


def unmanaged_rows(database: DatabasePlan) -> str:
    """``2 rows not managed (prune: false): ada, grace`` words: ``ada, grace`` then ``and 3
    more`` past the rows a plan names."""
    named = ", ".join(database.unmanaged_names)
    more = database.unmanaged_rows - len(database.unmanaged_names)
    if named and more > 0:
        return f"{named} and {more} more"
    return named


def plural(count: int, noun: str, plural_form: str = "") -> str:
    """``1 row``, ``2 rows``."""
    return f"{count} {noun}" if count == 1 else f"{count} {plural_form or noun + 's'}"
