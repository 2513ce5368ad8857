"""The guards: deletes a plan must not contain, whatever the approvals.

Called by the differ for each database after its changes are computed. A guard withholds
changes and leaves a ``GuardNote`` saying which and why (its ``GuardKind``), shown in every
rendering:

- ``protected``: a ``protect: true`` database never loses rows or properties;
- ``duplicate_keys``: live rows share a key, so no row of the database is trashed and the
  manifest rows with those keys are left alone (the note lists the pages);
- ``incomplete_read``: the live read missed rows (query cap), so no row is trashed;
- ``empty_manifest``: a manifest with no rows and ``prune: true`` trashes nothing unless it
  says ``allow_empty: true`` (an emptied file should not empty a database);
- ``ambiguous_links``: relation values naming a key several live rows of the target share are
  not written (the row differ leaves them out; ``ambiguous_links_note`` says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.model import DesiredDatabase, LiveDatabase
from reconciler.plan.index import RowMatch
from reconciler.plan.model import Action, Change, GuardKind, GuardNote

__all__ = ["Guarded", "ambiguous_links_note", "guard"]

_DELETES = frozenset({Action.TRASH_ROW, Action.REMOVE_PROPERTY})


@dataclass(frozen=True)
class Guarded:
    """The changes a database keeps, and the notes of what the guards withheld."""

    changes: tuple[Change, ...]
    notes: tuple[GuardNote, ...]


def _plural(count: int, noun: str, plural: str = "") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


def guard(
    desired: DesiredDatabase, live: LiveDatabase, match: RowMatch, changes: Sequence[Change]
) -> Guarded:
    """Withhold the deletes the guards forbid; every withheld change is counted in a note."""
    notes: list[GuardNote] = []
    withheld: set[str] = set()
    trashes = [c for c in changes if c.action is Action.TRASH_ROW]
    deletes = [c for c in changes if c.action in _DELETES]
    if desired.protect and deletes:
        withheld.update(c.id for c in deletes)
        notes.append(
            GuardNote(
                GuardKind.PROTECTED,
                f"{desired.handle} is protected (`protect: true`): "
                f"{_plural(len(deletes), 'delete')} left out "
                f"({_plural(len(trashes), 'row')} to trash,"
                f" {_plural(len(deletes) - len(trashes), 'property', 'properties')} to remove)",
                withheld=len(deletes),
            )
        )
    if match.duplicates:
        ambiguous = sum(1 for row in desired.rows if row.key in match.duplicates)
        withheld.update(c.id for c in trashes)
        keys = ", ".join(repr(key) for key in sorted(match.duplicates))
        urls = tuple(row.url for key in sorted(match.duplicates) for row in match.duplicates[key])
        notes.append(
            GuardNote(
                GuardKind.DUPLICATE_KEYS,
                f"several live rows share the keys {keys}: no row is trashed and"
                f" {_plural(ambiguous, 'manifest row')} with those keys"
                f" {'is' if ambiguous == 1 else 'are'} left alone; give each page a unique"
                f" {desired.key} in Notion (or trash the extra ones)",
                urls=urls,
                withheld=len(trashes) + ambiguous,
            )
        )
    if not live.complete and trashes:
        withheld.update(c.id for c in trashes)
        reasons = "; ".join(live.incomplete_reasons) or "the read was cut short"
        notes.append(
            GuardNote(
                GuardKind.INCOMPLETE_READ,
                f"the live read of {desired.handle} is incomplete ({reasons}):"
                f" {_plural(len(trashes), 'row')} not trashed",
                withheld=len(trashes),
            )
        )
    if desired.prune and not desired.rows and not desired.allow_empty and trashes:
        withheld.update(c.id for c in trashes)
        notes.append(
            GuardNote(
                GuardKind.EMPTY_MANIFEST,
                f"the manifest of {desired.handle} has no rows and `prune: true`: trashing"
                f" all {_plural(len(trashes), 'row')} needs `allow_empty: true`",
                withheld=len(trashes),
            )
        )
    kept = tuple(c for c in changes if c.id not in withheld)
    return Guarded(kept, tuple(notes))


def ambiguous_links_note(handle: str, left_out: Sequence[str]) -> tuple[GuardNote, ...]:
    """The note for relation values left out because their target key is shared (or none)."""
    if not left_out:
        return ()
    listed = "; ".join(left_out)
    return (
        GuardNote(
            GuardKind.AMBIGUOUS_LINKS,
            f"relations of {handle} to keys several live rows share are not written"
            f" ({listed}): give each of those pages a unique key in Notion (the target's"
            " guard lists them), then plan again",
            withheld=len(left_out),
        ),
    )
