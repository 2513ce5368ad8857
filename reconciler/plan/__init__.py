"""The plan: what changes, in which order, how much it can lose; made, saved and read back.

``read_and_plan`` (``reading``) reads what the manifests' databases hold through the gateway and
makes the plan; ``make_plan(desired, live)`` (``differ``) computes the frozen ``Plan``
(``model``), each change with a typed payload (``actions``); ``write_plan`` / ``load_plan``
(``planfile``) save it and read it back checked; ``masked`` (``masking``) hides sensitive values
for renderers. Used by the CLI, the renderers and the applier (this facade only).
"""

from reconciler.plan.actions import (
    ROW_PAYLOADS,
    AddProperty,
    ChangePayload,
    ChangeType,
    CreateDatabase,
    CreateRow,
    LinkRow,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    RestoreRow,
    RowPayload,
    TrashRow,
    UpdateDatabase,
    UpdateProperty,
    UpdateRow,
)
from reconciler.plan.classes import class_of
from reconciler.plan.differ import make_plan, selected_handles
from reconciler.plan.masking import SENSITIVE, masked
from reconciler.plan.model import (
    CREATING_ROWS,
    PHASES,
    PLAN_FORMAT,
    ROW_ACTIONS,
    SCHEMA_ACTIONS,
    SCHEMA_ORDER,
    Action,
    Change,
    ChangeClass,
    DatabasePlan,
    Estimate,
    FieldDiff,
    GuardKind,
    GuardNote,
    Plan,
    PlannedProperty,
    PriorProperty,
)
from reconciler.plan.planfile import dump_plan, load_plan, parse_plan, plan_schema, write_plan
from reconciler.plan.reading import LiveRead, handles_to_read, read_and_plan, read_live
from reconciler.plan.sensitive import manifest_values, sealed_writes, unsealed
from reconciler.plan.serialise import checksum, plan_from_json, plan_to_json

__all__ = [
    "CREATING_ROWS",
    "PHASES",
    "PLAN_FORMAT",
    "ROW_ACTIONS",
    "ROW_PAYLOADS",
    "SCHEMA_ACTIONS",
    "SCHEMA_ORDER",
    "SENSITIVE",
    "Action",
    "AddProperty",
    "Change",
    "ChangeClass",
    "ChangePayload",
    "ChangeType",
    "CreateDatabase",
    "CreateRow",
    "DatabasePlan",
    "Estimate",
    "FieldDiff",
    "GuardKind",
    "GuardNote",
    "LinkRow",
    "LiveRead",
    "Plan",
    "PlannedProperty",
    "PriorProperty",
    "PropertyShape",
    "RemoveOptions",
    "RemoveProperty",
    "RenameProperty",
    "RestoreRow",
    "RowPayload",
    "TrashRow",
    "UpdateDatabase",
    "UpdateProperty",
    "UpdateRow",
    "checksum",
    "class_of",
    "dump_plan",
    "handles_to_read",
    "load_plan",
    "make_plan",
    "manifest_values",
    "masked",
    "parse_plan",
    "plan_from_json",
    "plan_schema",
    "plan_to_json",
    "read_and_plan",
    "read_live",
    "sealed_writes",
    "selected_handles",
    "unsealed",
    "write_plan",
]
