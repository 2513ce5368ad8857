"""Computed types: formula and rollup, their results and their configuration.

Values (read-only, decoded for display and comparison): a formula gives the canonical value of
its result type (number, text, boolean, or a date value of ``dates``), None when empty; a rollup
gives a number, a date value, or the list of the canonical values it rolled up.

Configuration:

- formula ``{"expression": text}``. The desired side keeps the text as written (that is what
  is sent); the live side holds Notion's rewritten text already brought to canonical form with
  references resolved through ``References.property_name``. ``config_changes`` compares the
  canonical forms (``formula_language``), so reformatting never shows as a change. The formula
  language is imported where a formula is met (here, in the manifest's declarations and the
  schema differ): databases without formulas spare every start its import (~4 ms).
- rollup ``{"relation": name, "property": name, "function": f}``.

Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import ConfigChange, ReadOnlyCodec, References, ValueProblem
from reconciler.properties.checks import expect_str, list_items
from reconciler.properties.dates import date_from_response, display_date
from reconciler.properties.simple import canonical_number, number_text

__all__ = ["ROLLUP_FUNCTIONS", "FormulaCodec", "RollupCodec", "display_computed"]

ROLLUP_FUNCTIONS = frozenset(
    {
        "count", "count_values", "empty", "not_empty", "unique", "show_unique",
        "percent_empty", "percent_not_empty", "sum", "average", "median", "min", "max", "range",
        "earliest_date", "latest_date", "date_range", "checked", "unchecked", "percent_checked",
        "percent_unchecked", "count_per_group", "percent_per_group", "show_original",
    }
)  # fmt: skip
"""Notion's rollup functions (notion-sdk-js ``RollupFunction``)."""


def _number(value: object) -> JSON:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return canonical_number(value)


def display_computed(value: JSON) -> str:
    """A formula or rollup result in one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dict):
        return display_date(value)
    if isinstance(value, list):
        return ", ".join(display_computed(item) for item in value)
    return "" if value is None else str(value)


class FormulaCodec(ReadOnlyCodec):
    """formula: a value Notion computes from an expression."""

    type_name = "formula"
    config_keys: ClassVar[frozenset[str]] = frozenset({"expression"})

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        if "expression" not in raw:
            raise ValueProblem(
                "a formula needs an `expression`",
                hint="e.g. {type: formula, expression: 'prop(\"Estimate\") * 2'}",
            )
        text = expect_str(raw["expression"], "a formula expression", path=("expression",))
        from reconciler.properties.formula_language import (  # only where formulas are (~4 ms)
            FormulaSyntaxError,
            canonical_formula,
        )

        try:
            canonical_formula(text)
        except FormulaSyntaxError as error:
            raise ValueProblem(
                f"the formula does not parse: {error}",
                hint='write references as prop("Name") and quote text with double quotes',
                path=("expression",),
            ) from error
        return {"expression": text.strip()}

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        return {"expression": config.get("expression")}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get("formula")
        text = body.get("expression") if isinstance(body, dict) else None
        if not isinstance(text, str):
            return {"expression": None}
        from reconciler.properties.formula_language import live_formula

        return {"expression": live_formula(text, refs.property_name)}

    def config_changes(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> tuple[ConfigChange, ...]:
        wanted, current = desired.get("expression"), live.get("expression")
        if not isinstance(wanted, str):
            return ()
        from reconciler.properties.formula_language import live_formula

        wanted = live_formula(wanted)
        if isinstance(current, str) and live_formula(current) == wanted:
            return ()
        return (ConfigChange(("expression",), current, wanted),)

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get("formula")
        if not isinstance(body, dict):
            return None
        kind = body.get("type")
        value = body.get(kind) if isinstance(kind, str) else None
        if kind == "number":
            return _number(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else None
        if kind == "date":
            return date_from_response(value)
        return value if isinstance(value, str) and value else None

    def display(self, value: JSON, refs: References | None = None) -> str:
        return display_computed(value)


class RollupCodec(ReadOnlyCodec):
    """rollup: values of a property of related rows, aggregated by a function."""

    type_name = "rollup"
    config_keys: ClassVar[frozenset[str]] = frozenset({"relation", "property", "function"})

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        for key in ("relation", "property", "function"):
            if key not in raw:
                raise ValueProblem(
                    f"a rollup needs `{key}`",
                    hint="e.g. {type: rollup, relation: Tasks, property: Estimate, function: sum}",
                )
        function = expect_str(raw["function"], "the rollup function", path=("function",))
        if function not in ROLLUP_FUNCTIONS:
            raise ValueProblem(
                f"{function!r} is not a rollup function",
                hint=f"functions: {', '.join(sorted(ROLLUP_FUNCTIONS))}",
                path=("function",),
            )
        return {
            "relation": expect_str(raw["relation"], "the relation property", path=("relation",)),
            "property": expect_str(raw["property"], "the rolled-up property", path=("property",)),
            "function": function,
        }

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        return {
            "relation_property_name": config.get("relation"),
            "rollup_property_name": config.get("property"),
            "function": config.get("function"),
        }

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get("rollup")
        body = body if isinstance(body, dict) else {}
        return {
            "relation": body.get("relation_property_name"),
            "property": body.get("rollup_property_name"),
            "function": body.get("function"),
        }

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get("rollup")
        if not isinstance(body, dict):
            return None
        kind = body.get("type")
        if kind == "number":
            return _number(body.get("number"))
        if kind == "date":
            return date_from_response(body.get("date"))
        if kind == "array":
            return [_rolled_up(item) for item in list_items(body.get("array"))]
        return None

    def display(self, value: JSON, refs: References | None = None) -> str:
        return display_computed(value)


def _rolled_up(item: JSON) -> JSON:
    """The canonical value of one rolled-up item ``{type, <type>: value}`` (no id)."""
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    # Deferred: the registry imports this module, and an item may be of any registered type.
    from reconciler.properties.registry import ALL_CODECS

    codec = ALL_CODECS.get(str(item["type"]))
    return codec.from_response(item, {}) if codec is not None else None
