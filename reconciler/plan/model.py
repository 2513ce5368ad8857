"""The plan's types: a change and what it does, the planned databases, and the plan itself.

Computed by ``reconciler.plan.differ``, saved by ``reconciler.plan.planfile``, read by renderers,
gates and the applier; none of them changes it. A change is an action on a target of one
database with a typed payload (``reconciler.plan.actions``: what it writes, and the live values
it replaces), its class, and for a row the page and the content hash of the live row it was
planned against. Fields that explain a change to a human (``note``, ``diffs``, who last edited
the row in Notion and when) never steer the applier, and the checksum leaves them out.

Each planned database carries what the apply needs without any manifest, as Terraform keeps the
prior state beside a plan: its ids, parent page and title, its key, and every managed property
with its live id, name and type as read (``PlannedProperty.prior``); ``DatabasePlan.read_spec``
is what the apply reads of it. Row values are canonical and *resolved*: people as user ids
(``Plan.users`` labels them for display), relations as target keys, or ``{"page_id"}`` for pages
that are not managed rows. A ``link_row`` or ``create_row`` of a row this apply creates has no
``page_id``; the applier finds it by ``target`` (the key) once the row exists.

Inside a phase, ``Change.order`` orders schema changes that depend on each other (relations before
the rollups and formulas that use them, across databases too); ``Change.stage`` = (phase, order) is
the unit the applier batches schema updates of one data source by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.model import JSON, LiveProperty, WorkspaceIdentity
from reconciler.plan.actions import ChangePayload
from reconciler.plan.kinds import (
    CREATING_ROWS,
    PHASES,
    ROW_ACTIONS,
    SCHEMA_ACTIONS,
    SCHEMA_ORDER,
    Action,
    ChangeClass,
    GuardKind,
)
from reconciler.readspec import ReadProperty, ReadSpec

__all__ = [
    "CREATING_ROWS",
    "PHASES",
    "PLAN_FORMAT",
    "ROW_ACTIONS",
    "SCHEMA_ACTIONS",
    "SCHEMA_ORDER",
    "Action",
    "Change",
    "ChangeClass",
    "DatabasePlan",
    "Estimate",
    "FieldDiff",
    "GuardKind",
    "GuardNote",
    "Plan",
    "PlannedProperty",
    "PriorProperty",
]

PLAN_FORMAT = 4
"""The layout of a plan file; a file of another format is refused (``planfile``). 2: typed
change payloads, each property's prior state, a checksum over what the apply does. 3: page
bodies (``update_body``, ``_body`` in creates), icons and covers (``_icon``, ``_cover``, a
database's ``icon`` and ``cover``); or, in a parallel line of work, sensitive values sealed. 4:
both of those threes, with sensitive values sealed (``sensitive``), the workspace the plan was
made against, what an undo cannot put back, the names of rows left unmanaged."""


@dataclass(frozen=True)
class FieldDiff:
    """One field that changes: ``path`` is the property name (and sub-path), values canonical."""

    path: str
    old: JSON
    new: JSON


@dataclass(frozen=True)
class Change:
    """One operation of the plan: its payload says what it does, the rest where and how much."""

    database: str
    target: str
    change_class: ChangeClass
    payload: ChangePayload
    diffs: tuple[FieldDiff, ...] = ()
    page_id: str | None = None
    live_hash: str | None = None
    note: str = ""
    order: int = 0
    """Sub-order inside the phase (see ``SCHEMA_ORDER``); 0 for row changes."""
    edited_by: str = ""
    """Who last edited the live row in Notion (the user's e-mail or name; "" for a change without
    a live row): shown beside drift, never applied, left out of the checksum."""
    edited_time: str = ""
    """When the live row was last edited in Notion (ISO 8601, as Notion gives it; "" unknown)."""

    @property
    def action(self) -> Action:
        """What the change does (its payload's kind)."""
        return self.payload.action

    @property
    def id(self) -> str:
        """Stable identity inside a plan (journal entries and approvals refer to it)."""
        return f"{self.database}/{self.action.value}/{self.target}"

    @property
    def phase(self) -> int:
        return PHASES[self.action]

    @property
    def stage(self) -> tuple[int, int]:
        """(phase, order): every change of a stage comes before any change of a later one."""
        return (PHASES[self.action], self.order)


@dataclass(frozen=True)
class PriorProperty:
    """A managed property as the live read showed it when the plan was made (the prior state):
    the apply writes it by this id, and reads rows again under this name and type."""

    id: str
    name: str
    type: str


@dataclass(frozen=True)
class PlannedProperty:
    """A managed property as the plan knows it: enough to encode values, to read rows again as
    the plan read them, and to render them."""

    name: str
    type: str
    config: Mapping[str, JSON] = field(default_factory=dict)
    prior: PriorProperty | None = None
    """The live property it manages as read (None: it does not exist live yet)."""
    sensitive: bool = False

    @property
    def id(self) -> str | None:
        """The live property id (None: not live yet)."""
        return self.prior.id if self.prior is not None else None

    @property
    def live_name(self) -> str:
        """The name rows were read under: the live name, which a rename still to come differs
        from."""
        return self.prior.name if self.prior is not None else self.name

    def read_property(self) -> ReadProperty:
        """What the reader needs of it: declared name and type, and the live side as read."""
        prior = self.prior
        if prior is None:
            return ReadProperty(self.name, self.type)
        renamed_from = prior.name if prior.name != self.name else None
        live = LiveProperty(prior.id, prior.name, prior.type)
        return ReadProperty(self.name, self.type, renamed_from, live)


@dataclass(frozen=True)
class GuardNote:
    """Deletes a guard withheld, and why (incomplete read, empty manifest, duplicate keys)."""

    kind: GuardKind
    message: str
    urls: tuple[str, ...] = ()
    withheld: int = 0
    """How many changes the guard kept out of the plan."""


@dataclass(frozen=True)
class DatabasePlan:
    """The changes to one database, in apply order, with what was left alone and why."""

    handle: str
    title: str
    key: str
    properties: tuple[PlannedProperty, ...]
    changes: tuple[Change, ...]
    database_id: str | None = None
    data_source_id: str | None = None
    parent: str | None = None
    url: str | None = None
    protect: bool = False
    live_rows: int = 0
    managed_rows: int = 0
    unmanaged_rows: int = 0
    unmanaged_names: tuple[str, ...] = ()
    """The first few of the unmanaged rows, by key (else title, else page id)."""
    unmanaged_properties: tuple[str, ...] = ()
    ignored_properties: tuple[str, ...] = ()
    unmanaged_options: tuple[str, ...] = ()
    """Live options the manifest does not declare, as ``"Property: Option"`` (left alone)."""
    complete: bool = True
    incomplete_reasons: tuple[str, ...] = ()
    guards: tuple[GuardNote, ...] = ()
    body_from: str | None = None
    """The manifest's template for body files (shown with ``unmanaged_bodies``)."""
    unmanaged_bodies: int = 0
    """Rows whose ``body_from`` file does not exist: their bodies are left alone."""
    unrestorable: tuple[str, ...] = ()
    """In an undo plan: values it cannot put back, as ``row.Property``: old values of sensitive
    properties, which no plan keeps."""

    def property_named(self, name: str) -> PlannedProperty | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None

    @property
    def sensitive_properties(self) -> frozenset[str]:
        """Names of the properties whose values are shown masked."""
        return frozenset(prop.name for prop in self.properties if prop.sensitive)

    @property
    def is_new(self) -> bool:
        """Whether the plan creates this database."""
        return any(change.action is Action.CREATE_DATABASE for change in self.changes)

    def read_spec(
        self, *, database_id: str | None = None, data_source_id: str | None = None
    ) -> ReadSpec:
        """What the gateway reads of this database: its managed properties as the plan read
        them (so rows read again hash as the plan's did), key, ids and place.

        The ids override the plan's (a database this apply created has them only now); one
        without ids is located by title under its parent page.
        """
        database = database_id or self.database_id
        source = data_source_id or self.data_source_id
        return ReadSpec(
            handle=self.handle,
            title=self.title,
            key=self.key,
            properties=tuple(prop.read_property() for prop in self.properties),
            where="the plan",
            id=database or source,
            data_source=source if database else None,
            parent=self.parent,
            data_source_id=source,
            row_count=self.live_rows,
        )

    def counts(self) -> dict[ChangeClass, int]:
        """How many changes of each class (every class present, zero included)."""
        counted = Counter(change.change_class for change in self.changes)
        return {cls: counted.get(cls, 0) for cls in ChangeClass}


@dataclass(frozen=True)
class Estimate:
    """API requests the apply will make and the time they take at the configured rate."""

    requests: int
    seconds: float
    rps: float


@dataclass(frozen=True)
class Plan:
    """A frozen, deterministic plan: the same inputs give the same plan and the same checksum."""

    databases: tuple[DatabasePlan, ...]
    estimate: Estimate
    checksum: str
    notion_version: str = "2025-09-03"
    skipped_databases: tuple[str, ...] = ()
    format: int = PLAN_FORMAT
    users: Mapping[str, str] = field(default_factory=dict)
    """How to show the users that people values name: user id → e-mail (or name)."""
    read: Mapping[str, JSON] | None = field(default=None, compare=False)
    """Requests the live read made (``RequestStats.to_json()``); not part of the checksum."""
    related: tuple[DatabasePlan, ...] = ()
    """Databases left out with ``--database`` that planned rows relate to, without changes:
    their ids and key let an apply of the saved plan find the rows linked to."""
    workspace: WorkspaceIdentity | None = None
    """The workspace the plan was read from: an apply elsewhere is refused (None: not recorded,
    a plan made in memory by the controller)."""

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every change in apply order: stage (phase, order), then database, then plan order."""
        indexed = [
            (change.phase, change.order, db_index, change_index, change)
            for db_index, db in enumerate(self.databases)
            for change_index, change in enumerate(db.changes)
        ]
        return tuple(item[4] for item in sorted(indexed, key=lambda item: item[:4]))

    @property
    def is_empty(self) -> bool:
        return not any(db.changes for db in self.databases)

    def counts(self) -> dict[ChangeClass, int]:
        """How many changes of each class (every class present, zero included)."""
        counted = Counter(change.change_class for db in self.databases for change in db.changes)
        return {cls: counted.get(cls, 0) for cls in ChangeClass}

    def database(self, handle: str) -> DatabasePlan | None:
        for db in self.databases:
            if db.handle == handle:
                return db
        return None

    def related_database(self, handle: str) -> DatabasePlan | None:
        """A database outside the plan that planned rows relate to (see ``related``)."""
        for db in self.related:
            if db.handle == handle:
                return db
        return None
