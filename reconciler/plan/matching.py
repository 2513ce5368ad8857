"""Which live property each declared property manages: by name, or by ``renamed_from``.

A declared property matches the live property of its name; one that is not there yet matches
the live property it is ``renamed_from``. When a rename frees a name that the manifest declares
again (``Estimate: {renamed_from: Effort}`` next to a new ``Effort``), the live ``Effort`` is the
renamed one: the new ``Effort`` matches nothing and is added once the rename is done. Used by
the schema and row differs, so both read the same live property for a declared one.
"""

from __future__ import annotations

from reconciler.model import DesiredDatabase, LiveDatabase, LiveProperty

__all__ = ["matched_properties", "vacated_names"]


def vacated_names(desired: DesiredDatabase, live: LiveDatabase) -> frozenset[str]:
    """Live names that a pending rename takes away and the manifest declares again."""
    names = {prop.name for prop in live.properties}
    declared = {spec.name for spec in desired.managed_properties}
    return frozenset(
        spec.renamed_from
        for spec in desired.managed_properties
        if spec.renamed_from in names and spec.renamed_from in declared and spec.name not in names
    )


def matched_properties(desired: DesiredDatabase, live: LiveDatabase) -> dict[str, LiveProperty]:
    """Declared name → the live property it manages (absent: to be added)."""
    by_name = {prop.name: prop for prop in live.properties}
    vacated = vacated_names(desired, live)
    matched: dict[str, LiveProperty] = {}
    for spec in desired.managed_properties:
        if spec.name in by_name and spec.name not in vacated:
            matched[spec.name] = by_name[spec.name]
        elif spec.name not in by_name and spec.renamed_from in by_name:
            matched[spec.name] = by_name[str(spec.renamed_from)]
    return matched
