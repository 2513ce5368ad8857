"""Formula evaluation: one page's value of a parsed formula, and the type of an empty result.

:func:`evaluate` runs a tree (or parses a text first) against a page's API-shaped property
values and answers the API's formula payload. The result type of an empty value is inferred
from the tree, as Notion reports it (``{"type": "number", "number": null}``). Called through the
package's facade by the emulator's page reads (``computed.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from reconciler.emulator.formula.errors import FormulaError
from reconciler.emulator.formula.functions import FUNCTIONS, LAZY
from reconciler.emulator.formula.syntax import (
    BinaryOperation,
    BooleanLiteral,
    Expression,
    FunctionCall,
    KeptAsWritten,
    ListLiteral,
    NumberLiteral,
    PropertyReference,
    StoredReference,
    TextLiteral,
    UnaryOperation,
    parse,
)
from reconciler.emulator.formula.values import (
    DateValue,
    Value,
    as_number,
    as_text,
    binary,
    clean_number,
    is_empty,
    property_value,
    truthy,
)

__all__ = ["evaluate"]


# --------------------------------------------------------------------------------------------
# Evaluator


@dataclass(frozen=True)
class _Page:
    properties: Mapping[str, Mapping[str, object]]
    names_by_id: Mapping[str, str]
    now: datetime

    def lookup(self, node: PropertyReference | StoredReference) -> Mapping[str, object] | None:
        if isinstance(node, PropertyReference):
            return self.properties.get(node.name)
        name = self.names_by_id.get(node.property_id) or self.names_by_id.get(
            unquote(node.property_id)
        )
        if name is not None and name in self.properties:
            return self.properties[name]
        wanted = {node.property_id, unquote(node.property_id)}
        for value in self.properties.values():
            identifier = value.get("id")
            if isinstance(identifier, str) and {identifier, unquote(identifier)} & wanted:
                return value
        return None


def _evaluate(node: Expression, page: _Page) -> Value:
    match node:
        case KeptAsWritten():
            return None
        case NumberLiteral(value=value) | TextLiteral(value=value) | BooleanLiteral(value=value):
            return value
        case ListLiteral(items=items):
            return tuple(_evaluate(item, page) for item in items)
        case PropertyReference() | StoredReference():
            found = page.lookup(node)
            return property_value(found) if found is not None else None
        case UnaryOperation(operator="-", operand=operand):
            inner = _evaluate(operand, page)
            return None if inner is None else clean_number(-as_number(inner, "-"))
        case UnaryOperation(operand=operand):
            return not truthy(_evaluate(operand, page))
        case BinaryOperation(operator="and", left=left, right=right):
            return truthy(_evaluate(left, page)) and truthy(_evaluate(right, page))
        case BinaryOperation(operator="or", left=left, right=right):
            return truthy(_evaluate(left, page)) or truthy(_evaluate(right, page))
        case BinaryOperation(operator=operator, left=left, right=right):
            return binary(operator, _evaluate(left, page), _evaluate(right, page))
        case FunctionCall(name=name, arguments=arguments):
            return _call_function(name, arguments, page)


def _call_function(name: str, arguments: tuple[Expression, ...], page: _Page) -> Value:
    if name in LAZY:
        return _lazy_function(name, arguments, page)
    implementation = FUNCTIONS[name].implementation
    assert implementation is not None
    return implementation(*(_evaluate(argument, page) for argument in arguments))


def _lazy_function(name: str, arguments: tuple[Expression, ...], page: _Page) -> Value:
    if name == "if":
        condition = truthy(_evaluate(arguments[0], page))
        return _evaluate(arguments[1] if condition else arguments[2], page)
    if name == "ifs":
        pairs = len(arguments) // 2
        for index in range(pairs):
            if truthy(_evaluate(arguments[2 * index], page)):
                return _evaluate(arguments[2 * index + 1], page)
        return _evaluate(arguments[-1], page) if len(arguments) % 2 else None
    if name == "and":
        return all(truthy(_evaluate(argument, page)) for argument in arguments)
    if name == "or":
        return any(truthy(_evaluate(argument, page)) for argument in arguments)
    if name == "empty":
        return is_empty(_evaluate(arguments[0], page))
    minute = page.now.astimezone(UTC).replace(second=0, microsecond=0)
    if name == "now":
        return DateValue(minute)
    return DateValue(minute.replace(hour=0, minute=0), has_time=False)


# --------------------------------------------------------------------------------------------
# Result types (needed only to type an empty result: {"type": "number", "number": null})

_PROPERTY_RESULT_TYPES = {
    "number": "number",
    "unique_id": "number",
    "checkbox": "boolean",
    "date": "date",
    "created_time": "date",
    "last_edited_time": "date",
}


def _property_result_type(value: Mapping[str, object] | None) -> str:
    if value is None:
        return "string"
    kind = value.get("type")
    payload = value.get(kind) if isinstance(kind, str) else None
    if kind in ("formula", "rollup") and isinstance(payload, Mapping):
        inner = payload.get("type")
        return {"boolean": "boolean", "number": "number", "date": "date"}.get(str(inner), "string")
    return _PROPERTY_RESULT_TYPES.get(str(kind), "string")


def _result_type(node: Expression, page: _Page) -> str:
    match node:
        case NumberLiteral():
            return "number"
        case BooleanLiteral():
            return "boolean"
        case PropertyReference() | StoredReference():
            return _property_result_type(page.lookup(node))
        case UnaryOperation(operator="-"):
            return "number"
        case UnaryOperation():
            return "boolean"
        case BinaryOperation(operator="+", left=left, right=right):
            types = {_result_type(left, page), _result_type(right, page)}
            return "string" if "string" in types else "number"
        case BinaryOperation(operator=operator):
            return "number" if operator in ("-", "*", "/", "%", "^") else "boolean"
        case FunctionCall(name=name, arguments=arguments):
            return _call_result_type(name, arguments, page)
        case _:
            return "string"


def _call_result_type(name: str, arguments: tuple[Expression, ...], page: _Page) -> str:
    result = FUNCTIONS[name].result
    if result == "element":
        items = arguments[0]
        first = items.items[:1] if isinstance(items, ListLiteral) else ()
        return _result_type(first[0], page) if first else "string"
    if result != "branches":
        return "string" if result == "list" else result
    if name == "if":
        branches: tuple[Expression, ...] = arguments[1:]
    elif name == "ifs":
        branches = arguments[1::2] + ((arguments[-1],) if len(arguments) % 2 else ())
    else:
        branches = arguments[:1]
    return _result_type(branches[0], page) if branches else "string"


def _payload(value: Value, empty_type: str) -> dict[str, object]:
    if value is None:
        return {"type": empty_type, empty_type: None}
    if isinstance(value, bool):
        return {"type": "boolean", "boolean": value}
    if isinstance(value, int | float):
        return {"type": "number", "number": clean_number(value)}
    if isinstance(value, DateValue):
        return {"type": "date", "date": value.payload()}
    return {"type": "string", "string": as_text(value)}


def evaluate(
    expression: str | Expression,
    properties: Mapping[str, Mapping[str, object]],
    *,
    property_names_by_id: Mapping[str, str],
    now: datetime,
    strict: bool = False,
) -> dict[str, object]:
    """The formula payload for one page (see the module docstring for the rules)."""
    page = _Page(properties, property_names_by_id, now if now.tzinfo else now.replace(tzinfo=UTC))
    try:
        tree = parse(expression) if isinstance(expression, str) else expression
        value = _evaluate(tree, page)
        return _payload(value, _result_type(tree, page) if value is None else "string")
    except FormulaError:
        if strict:
            raise
        return {"type": "string", "string": None}
    except (RecursionError, ArithmeticError, ValueError) as error:
        if strict:
            raise FormulaError(f"evaluation failed: {error}") from None
        return {"type": "string", "string": None}
