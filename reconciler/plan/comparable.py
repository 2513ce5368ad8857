"""Both sides of a row brought to one comparable form, keyed by the manifest's property names.

Desired values go through each codec's ``resolve_desired`` (e-mails to user ids), live values
through ``resolve_live`` (page ids of managed rows to their keys); live values are read under the
live property name, which differs from the manifest's for a property renamed with
``renamed_from``. Two rows are equal exactly when their comparable values have the same content
hash (``model.same_content``). Used by the row differ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from reconciler.errors import PlanProblems, Problem
from reconciler.model import (
    JSON,
    DesiredDatabase,
    DesiredRow,
    LiveDatabase,
    LiveRow,
    PropertySpec,
    row_positions,
    surely_same_items,
)
from reconciler.properties import PropertyCodec, References, ValueProblem, codec_for
from reconciler.properties.options import option_names
from reconciler.readspec import matched_properties

__all__ = ["RowLayout", "row_problem"]


def row_problem(handle: str, row: DesiredRow, name: str, message: str, hint: str) -> Problem:
    """A value of a manifest row that cannot be planned, where the row is written."""
    where = row.location
    text = f"database {handle!r}, row {row.key!r}, property {name!r}: {message}"
    return Problem(where.file, where.line, where.column, text, hint)


def _resolves(codec: PropertyCodec, step: str) -> bool:
    """Whether the codec has its own ``resolve_desired`` or ``resolve_live`` (the default
    returns the value as it is, so calling it for every row can be skipped)."""
    return getattr(type(codec), step) is not getattr(PropertyCodec, step)


_DesiredSource = tuple[str, JSON, PropertySpec, "PropertyCodec | None", "frozenset[str] | None"]
"""How ``RowLayout.resolve`` reads one property (``RowLayout._desired_sources``)."""
_LiveSource = tuple[str, str | None, JSON, PropertySpec, "PropertyCodec | None"]
"""How ``RowLayout.live`` reads one property (``RowLayout._live_sources``)."""
_Picker = Callable[[Any], tuple[JSON, ...]]
"""Takes some items of a mapping or tuple, in a fixed order, as a tuple."""
_Resolving = tuple[int, PropertySpec, PropertyCodec]
"""A position of the desired tuple whose value ``resolve_desired`` changes (people)."""


def _picker(keys: Sequence[object]) -> _Picker:
    """What takes the items at ``keys`` as one tuple, at C speed (``itemgetter`` gives a lone
    item bare, and takes no keys at all)."""
    if len(keys) == 1:
        only = keys[0]
        return lambda values: (values[only],)
    if not keys:
        return lambda values: ()
    return itemgetter(*keys)


@dataclass(frozen=True)
class RowLayout:
    """The managed writable properties of one database and their live names (when live)."""

    handle: str
    specs: tuple[PropertySpec, ...]
    live_names: Mapping[str, str]
    """Manifest name → live name, for properties that exist live with the declared type."""
    converted: frozenset[str] = frozenset()
    """Manifest names of the properties whose type this plan changes: their live values are not
    compared (Notion converts them its own way), the manifest's are written after the change."""
    status_options: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    """Manifest name → live option names of the status properties that declare no options (a
    status value must name an existing option: writing one never creates it)."""

    @classmethod
    def of(cls, desired: DesiredDatabase, live: LiveDatabase) -> RowLayout:
        matched = matched_properties(desired.managed_properties, live.properties)
        names: dict[str, str] = {}
        status: dict[str, frozenset[str]] = {}
        converted: set[str] = set()
        specs = tuple(spec for spec in desired.managed_properties if spec.writable)
        for spec in specs:
            prop = matched.get(spec.name)
            if prop is not None and prop.type != spec.type:
                converted.add(spec.name)
            # After a type change Notion converts the values its own way: the plan writes them all.
            if prop is not None and prop.type == spec.type:
                names[spec.name] = prop.name
                if spec.type == "status" and not option_names(spec.config):
                    status[spec.name] = frozenset(option_names(prop.config))
        return cls(desired.handle, specs, names, frozenset(converted), status)

    @cached_property
    def _codecs(self) -> tuple[tuple[PropertySpec, PropertyCodec], ...]:
        """Each spec with its codec, looked up once rather than for every row."""
        return tuple((spec, codec_for(spec.type)) for spec in self.specs)

    def desired(self, row: DesiredRow, refs: References) -> dict[str, JSON]:
        """The manifest row resolved (e-mails to ids); values that cannot be are PlanProblems
        (all of the row's)."""
        values, problems = self.resolve(row, refs)
        if problems:
            raise PlanProblems(problems)
        return values

    @cached_property
    def _desired_sources(self) -> tuple[_DesiredSource, ...]:
        """For each spec: its name, its empty value, the spec, its codec where the codec
        resolves manifest values (people, relations; None: taken as they are) and the live
        options a status value must name (None: any)."""
        return tuple(
            (
                spec.name,
                codec.empty,
                spec,
                codec if _resolves(codec, "resolve_desired") else None,
                self.status_options.get(spec.name),
            )
            for spec, codec in self._codecs
        )

    def resolve(self, row: DesiredRow, refs: References) -> tuple[dict[str, JSON], list[Problem]]:
        """The values of the row that resolve, and a problem for each one that does not."""
        values: dict[str, JSON] = {}
        problems: list[Problem] = []
        given = row.values
        for name, empty, spec, resolver, known in self._desired_sources:
            value = given.get(name, empty)
            if resolver is None:
                values[name] = value
            else:
                try:
                    values[name] = self._resolved(resolver, spec, value, refs)
                except ValueProblem as problem:
                    where = (self.handle, row, name)
                    problems.append(row_problem(*where, problem.message, problem.hint))
                    continue
            if known is not None and isinstance(value, str) and value and value not in known:
                problems.append(self._unknown_status(row, name, value, known))
        return values, problems

    @cached_property
    def _resolved_values(self) -> dict[tuple[str, int], tuple[JSON, References, JSON]]:
        """(name, id of a desired value) → the value, the references and what it resolved to."""
        return {}

    def _resolved(
        self, resolver: PropertyCodec, spec: PropertySpec, value: JSON, refs: References
    ) -> JSON:
        """``resolve_desired`` of the value, once per value object of a repeating property
        (people): the manifest reader gives rows one shared object per distinct value, and its
        resolution depends only on the value, the configuration and the references. Values
        that do not resolve are not remembered (each row reports its problem)."""
        if not resolver.repeating:
            return resolver.resolve_desired(value, spec.config, refs)
        key = (spec.name, id(value))
        known = self._resolved_values.get(key)
        if known is not None and known[0] is value and known[1] is refs:
            return known[2]
        resolved = resolver.resolve_desired(value, spec.config, refs)
        self._resolved_values[key] = (value, refs, resolved)  # the value kept: its id stays its
        return resolved

    def _unknown_status(
        self, row: DesiredRow, name: str, value: str, known: frozenset[str]
    ) -> Problem:
        listed = ", ".join(sorted(known)) or "none"
        return row_problem(
            self.handle,
            row,
            name,
            f"{value!r} is not an option of this status property in Notion (it has {listed})",
            f"declare the options under {name!r} (`options: [...]`, the plan adds the new ones),"
            " or use one that exists: writing a status value never creates an option",
        )

    @cached_property
    def _live_sources(self) -> tuple[_LiveSource, ...]:
        """For each spec: its name, its live name, its empty value, and its codec where the
        codec resolves live values (relations); None where a live value is its own
        comparable form, so most values are taken as they are, without a call per row."""
        return tuple(
            (
                spec.name,
                self.live_names.get(spec.name),
                codec.empty,
                spec,
                codec if _resolves(codec, "resolve_live") else None,
            )
            for spec, codec in self._codecs
        )

    @cached_property
    def _quick(self) -> tuple[_Picker, tuple[_Resolving, ...]] | None:
        """How ``unchanged`` takes a desired row's values as one tuple in spec order, and the
        positions it resolves (people); None when no row of this layout can be told that way:
        a value resolves on the live side (relations), a status value must name a live
        option, or a property is not compared as it is live (not there, or its type
        changes)."""
        if self.status_options or any(resolver is not None for *_, resolver in self._live_sources):
            return None
        if any(spec.name not in self.live_names for spec in self.specs):
            return None
        resolving = tuple(
            (position, spec, resolver)
            for position, (_, _, spec, resolver, _) in enumerate(self._desired_sources)
            if resolver is not None
        )
        if any(not resolver.repeating for _, _, resolver in resolving):
            return None  # resolved once per value object only where values repeat
        return _picker([spec.name for spec in self.specs]), resolving

    @cached_property
    def _live_pickers(self) -> dict[int, tuple[Mapping[str, int], bool, _Picker | None]]:
        """id of a read's name → position map → ``_live_picker`` of it (the map kept with
        it, so that its id stays its)."""
        return {}

    def _live_picker(self, at: Mapping[str, int]) -> tuple[Mapping[str, int], bool, _Picker | None]:
        """``at``, whether rows read under it hold every property this layout compares, and
        what takes their values in spec order (None: the tuple is in that order already).
        Found once per read: its rows share ``at``."""
        positions = [at.get(self.live_names[spec.name], -1) for spec in self.specs]
        usable = -1 not in positions
        in_order = positions == list(range(len(at)))
        pick = None if in_order or not usable else _picker(positions)
        known = self._live_pickers[id(at)] = (at, usable, pick)
        return known

    def unchanged(self, row: DesiredRow, live: LiveRow, refs: References) -> bool:
        """Whether the manifest row's values certainly are the live row's, told by comparing
        the two rows' values as tuples: what ``same_content`` of ``resolve`` and ``live``
        would say, for most rows without a mapping or a call per property. False: not known
        (the row differs, or is not one this shortcut reads), so the differ compares it the
        general way, which also reports the row's problems. Only the values: the row's icon,
        cover and body are the differ's."""
        quick = self._quick
        positioned = row_positions(live.values)
        if quick is None or positioned is None:
            return False
        at, have = positioned
        known = self._live_pickers.get(id(at))
        if known is None or known[0] is not at:
            known = self._live_picker(at)
        _, usable, pick = known
        if not usable:
            return False
        if pick is not None:
            have = pick(have)
        desired, resolving = quick
        try:
            want = desired(row.values)
        except KeyError:
            return False  # a row without a value for every property: built elsewhere
        if resolving:
            resolved = list(want)
            for position, spec, resolver in resolving:
                try:
                    resolved[position] = self._resolved(resolver, spec, want[position], refs)
                except ValueProblem:
                    return False
            want = tuple(resolved)
        return surely_same_items(want, have)

    def live(self, row: LiveRow, refs: References) -> dict[str, JSON]:
        """The live row resolved (page ids of managed rows to keys), under manifest names."""
        values: dict[str, JSON] = {}
        live_values = row.values
        for name, live_name, empty, spec, resolver in self._live_sources:
            value = live_values.get(live_name, empty) if live_name else empty
            if resolver is not None:
                value = resolver.resolve_live(value, spec.config, refs)
            values[name] = value
        return values
