"""Values of ``sensitive: true`` properties kept out of every file: sealed in a saved plan, taken
from the manifests again when it is applied.

A plan file and an undo plan never hold a sensitive value. ``sealed`` replaces, in every row
payload and row diff of a sensitive property:

- a value the change writes (create, update, restore and link values, a diff's ``new``) by a
  digest, ``{"$sensitive": "<hex>"}``: HMAC-SHA256 of (database, row, property, value) keyed by
  the plan's sealing key, which lets an apply check that the manifests still hold that value;
- a value the change replaces or trashes (``before`` values, a diff's ``old``) by
  ``{"$sensitive": null}``: never needed again, since the undo of such a change cannot put it
  back (and says so).

Empty values stay as they are: an empty value is no secret, and whether a change clears one is
what makes it lossy (``classes``).

The plan's ``users`` (user id to e-mail or name, to show people values) would name the people
of sensitive people values: a user that only sensitive values name (``people_named``) keeps,
in a sealed plan, ``"$sensitive:<hex>"`` instead of the label, the HMAC of the label under the
same key. ``manifest_values`` finds the user again from an e-mail the manifest gives whose
digest matches, so a sensitive people value still resolves at apply time; renderings
(``masking``) leave such users out.

The sealing key (``sealing_key``) is per plan: the HMAC-SHA256, keyed by the workspace's secret
(``keyed_by``: the CLI gives ``RECONCILER_SEAL_KEY`` when it is set, else the integration token),
of what the plan
does (``content.projection``) with every sensitive value replaced by one placeholder. The same
plan in the same workspace always seals the same way, so checksums stay deterministic (an
approval given to what `plan` showed matches the plan `apply` makes again), and no two plans
share a key, so no table of digests serves twice. A plan file's reader without the token cannot
derive the key, so a digest does not let them test guesses of a value with few possibilities
(a phone number). Without a secret (library use, tests) the key is the plain sha256, which
anyone holding the file can derive. The ``--local`` workspace's token is public: its plans'
digests protect nothing beyond not writing the value.

A digest is written ``<key id>:<hex>``, the key id (``seal_key_id``) naming the secret: a plan
made under one secret (a read-only integration's token) and applied under another (the writing
integration's) is refused as such (``ApplyError``, exit 1, with how to share one secret), not as
changed values.

``unsealed(plan, manifest_values(desired, plan))`` puts the written values back for an apply,
from the manifests as they are then; a value that is gone or no longer matches its digest refuses
the plan (``StalePlanError``, exit 4, nothing written). Used by the checksum and the plan file
(``serialise``), the apply command and the undo plan.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from reconciler.errors import ApplyError, StalePlanError
from reconciler.model import JSON, DesiredState, LiveUser, PropertySpec, canonical_json
from reconciler.plan.actions import (
    ROW_PAYLOADS,
    CreateRow,
    LinkRow,
    RestoreRow,
    TrashRow,
    UpdateRow,
)
from reconciler.plan.classes import is_empty_value
from reconciler.plan.content import projection
from reconciler.plan.model import Change, DatabasePlan, FieldDiff, Plan
from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

__all__ = [
    "SEALED",
    "SEALED_LABEL",
    "SEAL_KEY_VARIABLE",
    "ValueAt",
    "is_sealed",
    "keyed_by",
    "manifest_values",
    "people_named",
    "seal_key_id",
    "sealed",
    "sealed_writes",
    "sealing_key",
    "unsealed",
]

SEAL_KEY_VARIABLE = "RECONCILER_SEAL_KEY"
"""The environment variable of a secret to seal by instead of the integration token."""

SEALED = "$sensitive"
"""The key of a sealed value: ``{"$sensitive": digest}`` written, ``{"$sensitive": null}`` not."""

SEALED_LABEL = f"{SEALED}:"
"""The prefix of a sealed user label in ``Plan.users``: ``"$sensitive:<hex>"``."""

ValueAt = tuple[str, str, str]
"""(database handle, row key, property name): where a written sensitive value belongs."""

_Values = Mapping[str, JSON]
_Seal = Callable[[str, JSON], JSON]
"""(property name, value) → the value as kept."""


def is_sealed(value: JSON) -> bool:
    """Whether a value is a sealed sensitive value rather than the value itself."""
    return isinstance(value, dict) and list(value) == [SEALED]


def _digest(key: str, at: ValueAt, value: JSON) -> str:
    """``<key id>:<HMAC>``: the id says which secret sealed it (``seal_key_id``)."""
    message = canonical_json([*at, value]).encode("utf-8")
    return f"{seal_key_id()}:{hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()}"


def _sealed_by(digest: JSON) -> str:
    """The key id a sealed value's digest names (empty when it names none)."""
    return digest.partition(":")[0] if isinstance(digest, str) and ":" in digest else ""


def _label_digest(key: str, label: str) -> str:
    """A user's label sealed: e-mails compare whatever their case, as the manifests' do."""
    message = canonical_json(["user", label.strip().lower()]).encode("utf-8")
    return SEALED_LABEL + hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def people_named(databases: Iterable[DatabasePlan], *, openly: bool = False) -> set[str]:
    """User ids the people values of these databases' changes name (in payloads and diffs);
    ``openly``: outside sensitive properties only."""
    ids: set[str] = set()
    for db in databases:
        hidden = db.sensitive_properties if openly else frozenset()
        people = {p.name for p in db.properties if p.type == "people" and p.name not in hidden}
        for change in db.changes:
            values: list[JSON] = []
            payload = change.payload
            for side in payload.value_maps if isinstance(payload, ROW_PAYLOADS) else ():
                values.extend(v for k, v in side.items() if k in people)
            for diff in change.diffs:
                if diff.path in people:
                    values.extend((diff.old, diff.new))
            ids.update(str(i) for v in values if isinstance(v, list) for i in v)
    return ids


def _users_sealed(plan: Plan, key: str) -> dict[str, str]:
    """The plan's user labels, those of users only sensitive values name sealed."""
    openly = people_named(plan.databases, openly=True)
    return {
        user_id: label
        if user_id in openly or label.startswith(SEALED_LABEL)
        else _label_digest(key, label)
        for user_id, label in plan.users.items()
    }


# --- one pass over every sensitive value -----------------------------------------------------


def _map(values: _Values, hidden: frozenset[str], seal: _Seal) -> dict[str, JSON]:
    return {
        name: seal(name, value) if name in hidden and not is_empty_value(value) else value
        for name, value in values.items()
    }


def _change(change: Change, hidden: frozenset[str], written: _Seal, replaced: _Seal) -> Change:
    payload = change.payload
    match payload:
        case CreateRow(values=values):
            payload = dataclasses.replace(payload, values=_map(values, hidden, written))
        case TrashRow(values=values):
            payload = dataclasses.replace(payload, values=_map(values, hidden, replaced))
        case UpdateRow() | RestoreRow() | LinkRow():
            old, new = _map(payload.old, hidden, replaced), _map(payload.new, hidden, written)
            payload = dataclasses.replace(payload, old=old, new=new)
        case _:
            return change
    diffs = tuple(
        FieldDiff(
            d.path,
            _map({d.path: d.old}, hidden, replaced)[d.path],
            _map({d.path: d.new}, hidden, written)[d.path],
        )
        for d in change.diffs
    )
    return dataclasses.replace(change, payload=payload, diffs=diffs)


Sealers = Callable[[Change], tuple[_Seal, _Seal]]
"""For one change: how its written values and its replaced values are kept."""


def _each_value(plan: Plan, sealers: Sealers) -> Plan:
    def database(db: DatabasePlan) -> DatabasePlan:
        hidden = db.sensitive_properties
        if not hidden:
            return db
        changes = tuple(_change(c, hidden, *sealers(c)) for c in db.changes)
        return dataclasses.replace(db, changes=changes)

    return dataclasses.replace(plan, databases=tuple(database(db) for db in plan.databases))


# --- sealing ---------------------------------------------------------------------------------


def _held_apart(_name: str, _value: JSON) -> JSON:
    return {SEALED: ""}


_SECRET: list[Callable[[], bytes]] = []
"""Where the workspace secret the sealing keys are derived from comes from (innermost last)."""


@contextmanager
def keyed_by(secret: Callable[[], bytes]) -> Iterator[None]:
    """Derive sealing keys from ``secret()`` (the integration token) while the block runs; it
    is asked for only when a plan is sealed, once."""
    _SECRET.append(functools.cache(secret))
    try:
        yield
    finally:
        _SECRET.pop()


def seal_key_id() -> str:
    """Which secret seals: 12 hex digits of an HMAC under it of a fixed text (``public``
    without one). Written before each digest, so that an apply under another secret (another
    integration's token) is told so instead of being told the values changed. It says nothing of
    the secret that the digests themselves do not."""
    return _key_id(_SECRET[-1]()) if _SECRET else "public"


@functools.lru_cache(maxsize=4)
def _key_id(secret: bytes) -> str:
    """``seal_key_id`` of one secret (asked for at every digest: made once)."""
    return hmac.new(secret, b"notion-reconciler seal key", hashlib.sha256).hexdigest()[:12]


def sealing_key(plan: Plan) -> str:
    """The plan's sealing key: an HMAC, keyed by the workspace's secret (``keyed_by``), of what
    it does with sensitive values held apart; its plain sha256 without a secret."""
    held_apart = _each_value(plan, lambda _change: (_held_apart, _held_apart))
    content = canonical_json(projection(held_apart)).encode("utf-8")
    if _SECRET:
        return hmac.new(_SECRET[-1](), content, hashlib.sha256).hexdigest()
    return hashlib.sha256(content).hexdigest()


def sealed(plan: Plan, key: str) -> Plan:
    """The plan with its sensitive values sealed under ``key`` (values sealed already stay)."""

    def sealers(change: Change) -> tuple[_Seal, _Seal]:
        def written(name: str, value: JSON) -> JSON:
            if is_sealed(value):
                return value
            return {SEALED: _digest(key, (change.database, change.target, name), value)}

        return written, lambda _name, _value: {SEALED: None}

    users = _users_sealed(plan, key)
    return dataclasses.replace(_each_value(plan, sealers), users=users)


def sealed_writes(plan: Plan) -> list[ValueAt]:
    """Where the plan writes a sealed value (an apply needs each from the manifests)."""
    found: list[ValueAt] = []

    def sealers(change: Change) -> tuple[_Seal, _Seal]:
        def written(name: str, value: JSON) -> JSON:
            if is_sealed(value):
                found.append((change.database, change.target, name))
            return value

        return written, lambda _name, value: value

    _each_value(plan, sealers)
    return sorted(set(found))


# --- unsealing -------------------------------------------------------------------------------


def unsealed(plan: Plan, values: Mapping[ValueAt, JSON]) -> Plan:
    """The plan writing the manifests' ``values`` where it holds digests; StalePlanError naming
    every value that is missing or does not match its digest."""
    key = sealing_key(plan)
    _check_sealed_here(plan)
    refused: set[ValueAt] = set()

    def sealers(change: Change) -> tuple[_Seal, _Seal]:
        def written(name: str, value: JSON) -> JSON:
            if not is_sealed(value):
                return value
            at = (change.database, change.target, name)
            found = values.get(at)
            digest = value[SEALED] if isinstance(value, dict) else None
            if found is None or digest != _digest(key, at, found):
                refused.add(at)
                return value
            return found

        return written, lambda _name, kept: kept

    opened = _each_value(plan, sealers)
    if refused:
        listed = ", ".join(f"{handle}/{row}.{name}" for handle, row, name in sorted(refused))
        raise StalePlanError(
            "the manifests no longer hold the sensitive values this plan writes (a plan file"
            f" keeps only their digests): {listed}; nothing was written",
            hint="plan again from the manifests as they are now (reconciler plan -o plan.json),"
            " review that plan and apply it",
        )
    return opened


def _check_sealed_here(plan: Plan) -> None:
    """Raise ``ApplyError`` (exit 1) when the plan's values were sealed under another secret."""
    ids: set[str] = set()

    def sealers(_change: Change) -> tuple[_Seal, _Seal]:
        def written(_name: str, value: JSON) -> JSON:
            if is_sealed(value) and isinstance(value, dict):
                ids.add(_sealed_by(value[SEALED]))
            return value

        return written, lambda _name, kept: kept

    _each_value(plan, sealers)
    here = seal_key_id()
    if ids and ids != {here}:
        raise ApplyError(
            "this plan's sensitive values were sealed under another secret than this apply's"
            " (the plan was made with another integration token or another"
            f" {SEAL_KEY_VARIABLE}); nothing was written",
            hint=f"set {SEAL_KEY_VARIABLE} to the same long random secret wherever plans are made"
            " and applied (a read-only integration plans, a writing one applies), or plan again"
            " here: reconciler plan -o plan.json",
        )


def _user(user_id: str, label: str) -> LiveUser:
    return LiveUser(user_id, label, label if "@" in label else None, "person")


def _references(plan: Plan, candidates: Iterable[str]) -> WorkspaceReferences:
    """What the plan knows of the workspace: its users, by the e-mails it labels them with,
    and those whose label it holds sealed, found among the manifests' ``candidates``."""
    refs = WorkspaceReferences(
        _user(user_id, label)
        for user_id, label in plan.users.items()
        if not label.startswith(SEALED_LABEL)
    )
    held = plan.users.items()
    sealed_users = {label: uid for uid, label in held if label.startswith(SEALED_LABEL)}
    if sealed_users:
        key = sealing_key(plan)
        for candidate in candidates:
            user_id = sealed_users.get(_label_digest(key, candidate))
            if user_id is not None:
                refs.add_user(_user(user_id, candidate))
    return refs


def manifest_values(desired: DesiredState, plan: Plan) -> dict[ValueAt, JSON]:
    """The manifests' canonical values of every sealed value the plan writes (those that
    resolve; the others are missing, which ``unsealed`` refuses)."""
    declared: dict[ValueAt, tuple[PropertySpec, JSON]] = {}
    for handle, key, name in sealed_writes(plan):
        db = desired.database(handle)
        spec = db.property_named(name) if db is not None else None
        row = next((r for r in db.rows if r.key == key), None) if db is not None else None
        if spec is not None and row is not None and name in row.values:
            declared[(handle, key, name)] = (spec, row.values[name])
    people = [
        str(person)
        for spec, value in declared.values()
        if spec.type == "people" and isinstance(value, list)
        for person in value
    ]
    refs = _references(plan, people)
    found: dict[ValueAt, JSON] = {}
    for at, (spec, value) in declared.items():
        try:
            found[at] = codec_for(spec.type).resolve_desired(value, spec.config, refs)
        except ValueProblem:
            continue
    return found
