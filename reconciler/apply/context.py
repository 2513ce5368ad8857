"""A saved plan's databases as the gateway's readers take them, rebuilt from the plan alone.

``gateway.read_rows`` (the stale check) and ``gateway.read_state`` (resolving unfinished creates,
finding relation targets) take the manifest's and the live side of a database. A saved plan
carries what they need: each ``PlannedProperty`` (manifest name, type, live id), the renames and
type changes it plans (the live names and types the rows were read under), the database and data
source ids, and for a new database the title and parent page it is created in. Rows are read
under the same managed properties as when the plan was made, so content hashes compare. Used by
the stale check, the resume and the reference builder.
"""

from __future__ import annotations

from reconciler.model import LiveProperty
from reconciler.plan.model import Action, DatabasePlan
from reconciler.readspec import ReadProperty, ReadSpec

__all__ = ["live_names", "read_spec"]


def _renamed_from(db: DatabasePlan) -> dict[str, str]:
    """Manifest name → live name of the properties the plan renames."""
    renames: dict[str, str] = {}
    for change in db.changes:
        if change.action is Action.RENAME_PROPERTY and change.before and change.after:
            renames[str(change.after.get("name"))] = str(change.before.get("name"))
    return renames


def _live_types(db: DatabasePlan) -> dict[str, str]:
    """Manifest name → live type of the properties whose type the plan changes."""
    types: dict[str, str] = {}
    for change in db.changes:
        if change.action is Action.CHANGE_TYPE and change.before:
            types[change.target] = str(change.before.get("type"))
    return types


def read_spec(
    db: DatabasePlan,
    *,
    database_id: str | None = None,
    data_source_id: str | None = None,
) -> ReadSpec:
    """What to read of a planned database: its managed properties, key, and where it is.

    The ids override the plan's (a database this apply created has them only now). A database
    without ids yet is located by title under its parent page. The properties' live sides are
    as the plan saw them, so rows read again hash as the plan's did.
    """
    renames = _renamed_from(db)
    types = _live_types(db)
    properties = tuple(
        ReadProperty(
            p.name,
            p.type,
            renames.get(p.name),
            LiveProperty(p.id, renames.get(p.name, p.name), types.get(p.name, p.type))
            if p.id is not None
            else None,
        )
        for p in db.properties
    )
    database = database_id or db.database_id
    source = data_source_id or db.data_source_id
    parent = db.parent
    for change in db.changes:
        if change.action is Action.CREATE_DATABASE and change.after:
            parent = str(change.after.get("parent") or parent or "")
    return ReadSpec(
        handle=db.handle,
        title=db.title,
        key=db.key,
        properties=properties,
        where=f"the plan's database {db.handle}",
        id=database or source,
        data_source=source if database else None,
        parent=parent or None,
        data_source_id=source,
        row_count=db.live_rows,
    )


def live_names(db: DatabasePlan) -> dict[str, str]:
    """Manifest name → the live name rows are read under, for properties that exist live."""
    renames = _renamed_from(db)
    return {p.name: renames.get(p.name, p.name) for p in db.properties if p.id is not None}
