"""Notion formulas (2.0 syntax) for the emulator: parse, re-print in stored form, evaluate.

Called by the emulator's schema endpoints (validate and store a formula property's expression)
and by its page reads (compute each formula property's value). Pure: no I/O, no clock (``now``
is passed in), nothing imported from the rest of ``reconciler``.

Public functions:

``parse(expression) -> Expression``
    Tokenize and parse; raises :class:`FormulaError` (message in Notion's style, with the
    position) for bad syntax, an unknown function, or a wrong number of arguments, and for
    nesting deeper than 60 parentheses or 150 tree levels. Accepts ``prop("Name")``
    references and Notion's stored references
    ``{{notion:block_property:<property id>:<data source id>:<workspace id>}}``. The tree is
    immutable (frozen dataclasses) and parses are cached, so passing the text on every row
    costs one parse per distinct expression.

``unparse(expression) -> str``
    Notion's canonical formatting: spaces around binary operators, ``", "`` between arguments,
    a binary operation nested inside another binary operation in parentheses, no other
    parentheses; ``&&``/``||``/``!`` become ``and``/``or``/``not``. Re-parsing gives the same AST.

``rewrite(expression, name_to_id, data_source_id, workspace_id) -> str``
    What Notion stores and returns as ``formula.expression``: every ``prop("X")`` replaced by
    ``{{notion:block_property:<id of X>:<data source id>:<workspace id>}}``, re-printed with
    :func:`unparse`. Stored references already in the text are kept. An unknown name raises
    :class:`FormulaError`.

``referenced_properties(expression) -> set[str]``
    The property names (``prop("X")``) and property ids (stored references) an expression uses.

``evaluate(expression, properties, *, property_names_by_id, now, strict=False) -> dict``
    The API's formula payload for one page: ``{"type": "string"|"number"|"boolean"|"date",
    <type>: value}``. ``properties`` maps property names to page property values exactly as
    the API returns them (formula and rollup values already computed). ``property_names_by_id``
    resolves stored references (ids as the schema shows them, URL-encoded). ``now`` is an aware
    datetime; ``now()`` is truncated to the minute, as in Notion. An expression that does not
    parse or fails at run time gives ``{"type": "string", "string": None}`` (observed for a
    broken formula) unless ``strict=True``, which raises :class:`FormulaError` instead.

Helpers shared with ``filters.py`` and ``rollup.py``: ``plain_text(rich_text)``,
``parse_instant(iso)`` (an aware datetime, UTC when no offset), ``parse_date(iso) ->
DateValue``, ``add_months(date_or_datetime, n)``, ``property_value(api_value)`` (what
``prop()`` yields for a page property value).

Semantics chosen where Notion is not observable (each one a deliberate choice):
an empty number counts as 0 in arithmetic (observed: empty ``Number * 2`` gives 0), empty
text is ``""``; a list result is reported as a string joined by ``","``; people read as their
names, relations as page ids; ``day()`` is the ISO weekday (1 = Monday), ``month()`` is 1-12;
``formatDate`` uses Moment.js tokens; date parts read the date in its own offset; ``==``
between an empty value and ``""`` is true; division by zero and ``sqrt(-1)`` give an empty
number; ``map``/``filter``/``let`` (lambdas, variables) are not supported and are rejected as
unknown functions. Error wording ("Formula is invalid: ...") is ours: no refusal of a formula
by Notion was recorded.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TypeAlias, TypeVar
from urllib.parse import unquote

__all__ = [
    "BinaryOperation",
    "BooleanLiteral",
    "DateValue",
    "Expression",
    "FormulaError",
    "FunctionCall",
    "ListLiteral",
    "NumberLiteral",
    "PropertyReference",
    "StoredReference",
    "TextLiteral",
    "UnaryOperation",
    "add_months",
    "evaluate",
    "parse",
    "parse_date",
    "parse_instant",
    "plain_text",
    "property_value",
    "referenced_properties",
    "rewrite",
    "unparse",
]


class FormulaError(ValueError):
    """A formula that Notion would refuse: bad syntax, unknown function or property, bad call."""

    def __init__(self, detail: str, position: int | None = None) -> None:
        where = f" (at character {position})" if position is not None else ""
        super().__init__(f"Formula is invalid: {detail}{where}.")
        self.detail = detail
        self.position = position


# --------------------------------------------------------------------------------------------
# The syntax tree


@dataclass(frozen=True)
class NumberLiteral:
    """A number as written (never negative: ``-1`` is a unary minus applied to 1)."""

    value: int | float


@dataclass(frozen=True)
class TextLiteral:
    """A double-quoted string."""

    value: str


@dataclass(frozen=True)
class BooleanLiteral:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class ListLiteral:
    """``[a, b, c]``."""

    items: tuple[Expression, ...]


@dataclass(frozen=True)
class PropertyReference:
    """``prop("Name")``: a property of the same page, by name."""

    name: str


@dataclass(frozen=True)
class StoredReference:
    """``{{notion:block_property:<id>:<data source>:<workspace>}}``: a property, by id."""

    property_id: str
    data_source_id: str
    workspace_id: str


@dataclass(frozen=True)
class UnaryOperation:
    """``-x`` or ``not x`` (``!x`` and ``not(x)`` parse to the same node)."""

    operator: str
    operand: Expression


@dataclass(frozen=True)
class BinaryOperation:
    """``left <operator> right``; ``&&``/``||`` are stored as ``and``/``or``."""

    operator: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class FunctionCall:
    """``name(args)``, or ``args[0].name(args[1:])`` when ``method`` is true."""

    name: str
    arguments: tuple[Expression, ...]
    method: bool = False


Expression: TypeAlias = (
    NumberLiteral
    | TextLiteral
    | BooleanLiteral
    | ListLiteral
    | PropertyReference
    | StoredReference
    | UnaryOperation
    | BinaryOperation
    | FunctionCall
)

# --------------------------------------------------------------------------------------------
# Tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, name, reference, operator, punct, end
    text: str
    position: int
    value: object = None


_STORED_REFERENCE = re.compile(r"\{\{notion:block_property:([^:{}]+):([^:{}]+):([^:{}]+)\}\}")
_NUMBER = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "^", "!")
_PUNCTUATION = "()[],."
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char.isspace():
            index += 1
            continue
        token = _read_token(source, index)
        tokens.append(token)
        index += len(token.text)
    tokens.append(_Token("end", "", len(source)))
    return tokens


def _read_token(source: str, index: int) -> _Token:
    char = source[index]
    if char == '"':
        return _read_string(source, index)
    if reference := _STORED_REFERENCE.match(source, index):
        ids = (reference.group(1), reference.group(2), reference.group(3))
        return _Token("reference", reference.group(0), index, ids)
    if number := _NUMBER.match(source, index):
        text = number.group(0)
        value: int | float = int(text) if text.isdigit() else float(text)
        return _Token("number", text, index, value)
    if name := _NAME.match(source, index):
        return _Token("name", name.group(0), index)
    for operator in _OPERATORS:
        if source.startswith(operator, index):
            return _Token("operator", operator, index)
    if char in _PUNCTUATION:
        return _Token("punct", char, index)
    raise FormulaError(f"unexpected character {char!r}", index)


def _read_string(source: str, start: int) -> _Token:
    chars: list[str] = []
    index = start + 1
    while index < len(source):
        char = source[index]
        if char == '"':
            return _Token("string", source[start : index + 1], start, "".join(chars))
        if char == "\\" and index + 1 < len(source):
            chars.append(_ESCAPES.get(source[index + 1], source[index + 1]))
            index += 2
            continue
        chars.append(char)
        index += 1
    raise FormulaError("unterminated string", start)


# --------------------------------------------------------------------------------------------
# Parser (recursive descent, one function per precedence level)

_COMPARISONS = frozenset({"==", "!=", "<", ">", "<=", ">="})
# Limits that keep every recursive walk far from Python's recursion limit; Notion's own
# limits are not known. The recorded formulas nest 30 parentheses and 25 tree levels deep.
_MAX_NESTING = 60  # parentheses, calls and lists inside one another; runs of prefix operators
_MAX_DEPTH = 150  # levels of the syntax tree (long operator chains nest on the left)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.nesting = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text in texts)

    def expect(self, kind: str, text: str) -> _Token:
        if not self.at(kind, text):
            raise FormulaError(
                f"expected {text!r}, found {self._describe(self.current)}", self.current.position
            )
        return self.advance()

    @staticmethod
    def _describe(token: _Token) -> str:
        return "the end of the formula" if token.kind == "end" else repr(token.text)

    def parse(self) -> Expression:
        if self.at("end"):
            raise FormulaError("the formula is empty", 0)
        expression = self.expression()
        if not self.at("end"):
            raise FormulaError(f"unexpected {self._describe(self.current)}", self.current.position)
        return expression

    def expression(self) -> Expression:
        self.nesting += 1
        if self.nesting > _MAX_NESTING:
            raise FormulaError("the formula is nested too deeply", self.current.position)
        try:
            return self.logical("or", self.logical_and)
        finally:
            self.nesting -= 1

    def logical(self, word: str, operand: Callable[[], Expression]) -> Expression:
        symbol = "||" if word == "or" else "&&"
        left = operand()
        while self.at("name", word) or self.at("operator", symbol):
            self.advance()
            left = BinaryOperation(word, left, operand())
        return left

    def logical_and(self) -> Expression:
        return self.logical("and", self.comparison)

    def comparison(self) -> Expression:
        left = self.additive()
        while self.current.kind == "operator" and self.current.text in _COMPARISONS:
            operator = self.advance().text
            left = BinaryOperation(operator, left, self.additive())
        return left

    def additive(self) -> Expression:
        left = self.multiplicative()
        while self.at("operator", "+", "-"):
            operator = self.advance().text
            left = BinaryOperation(operator, left, self.multiplicative())
        return left

    def multiplicative(self) -> Expression:
        left = self.unary()
        while self.at("operator", "*", "/", "%"):
            operator = self.advance().text
            left = BinaryOperation(operator, left, self.unary())
        return left

    def unary(self) -> Expression:
        operators: list[str] = []
        while True:
            if self.at("operator", "-"):
                operators.append("-")
            elif self.at("operator", "!") or (
                self.at("name", "not") and not self._next_is("punct", "(")
            ):
                operators.append("not")
            else:
                break
            if len(operators) > _MAX_NESTING:
                raise FormulaError("too many prefix operators in a row", self.current.position)
            self.advance()
        operand = self.power()
        for operator in reversed(operators):
            operand = UnaryOperation(operator, operand)
        return operand

    def _next_is(self, kind: str, text: str) -> bool:
        token = self.tokens[self.index + 1]
        return token.kind == kind and token.text == text

    def power(self) -> Expression:
        base = self.postfix()
        if self.at("operator", "^"):
            self.advance()
            return BinaryOperation("^", base, self.unary())
        return base

    def postfix(self) -> Expression:
        expression = self.primary()
        while self.at("punct", "."):
            self.advance()
            name = self.current
            if name.kind != "name":
                raise FormulaError(
                    f"expected a function name after '.', found {self._describe(name)}",
                    name.position,
                )
            self.advance()
            arguments = self.arguments()
            expression = _call(name.text, (expression, *arguments), True, name.position)
        return expression

    def arguments(self) -> tuple[Expression, ...]:
        self.expect("punct", "(")
        return self.sequence(")")

    def sequence(self, closing: str) -> tuple[Expression, ...]:
        items: list[Expression] = []
        if not self.at("punct", closing):
            items.append(self.expression())
            while self.at("punct", ","):
                self.advance()
                items.append(self.expression())
        self.expect("punct", closing)
        return tuple(items)

    def primary(self) -> Expression:
        token = self.advance()
        if token.kind == "number":
            assert isinstance(token.value, int | float)
            return NumberLiteral(token.value)
        if token.kind == "string":
            assert isinstance(token.value, str)
            return TextLiteral(token.value)
        if token.kind == "reference":
            assert isinstance(token.value, tuple)
            return StoredReference(*token.value)
        if token.kind == "punct" and token.text == "(":
            inner = self.expression()
            self.expect("punct", ")")
            return inner
        if token.kind == "punct" and token.text == "[":
            return ListLiteral(self.sequence("]"))
        if token.kind == "name":
            return self.name(token)
        raise FormulaError(f"unexpected {self._describe(token)}", token.position)

    def name(self, token: _Token) -> Expression:
        if token.text in ("true", "false"):
            return BooleanLiteral(token.text == "true")
        if not self.at("punct", "("):
            raise FormulaError(
                f"unknown name {token.text!r} (functions need parentheses)", token.position
            )
        arguments = self.arguments()
        if token.text == "prop":
            if len(arguments) != 1 or not isinstance(arguments[0], TextLiteral):
                raise FormulaError(
                    "prop() takes one property name in double quotes", token.position
                )
            return PropertyReference(arguments[0].value)
        return _call(token.text, arguments, False, token.position)


def _call(name: str, arguments: tuple[Expression, ...], method: bool, position: int) -> Expression:
    if name == "not":
        if len(arguments) != 1:
            raise FormulaError("not() takes exactly one argument", position)
        return UnaryOperation("not", arguments[0])
    signature = _FUNCTIONS.get(name)
    if signature is None:
        raise FormulaError(f"unknown function {name}()", position)
    low, high = signature.arity
    if len(arguments) < low or (high is not None and len(arguments) > high):
        expected = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
        raise FormulaError(f"{name}() takes {expected} arguments, got {len(arguments)}", position)
    return FunctionCall(name, arguments, method)


def parse(expression: str) -> Expression:
    """Parse a formula; raises :class:`FormulaError` when Notion would refuse it.

    Trees are immutable, so parses are cached: evaluating one data source's formula on
    every row parses it once (a long formula takes milliseconds to parse, microseconds to run).
    """
    return _parse_text(expression)


@lru_cache(maxsize=1024)
def _parse_text(expression: str) -> Expression:
    try:
        tree = _Parser(expression).parse()
    except RecursionError:  # a backstop: the nesting limit should always come first
        raise FormulaError("the formula is nested too deeply") from None
    if _depth(tree) > _MAX_DEPTH:
        raise FormulaError("the formula is nested too deeply")
    return tree


def _children(node: Expression) -> tuple[Expression, ...]:
    match node:
        case ListLiteral(items=children) | FunctionCall(arguments=children):
            return children
        case UnaryOperation(operand=operand):
            return (operand,)
        case BinaryOperation(left=left, right=right):
            return (left, right)
        case _:
            return ()


def _depth(tree: Expression) -> int:
    deepest = 0
    pending = [(tree, 1)]
    while pending:  # iterative: the tree may be deeper than the recursion limit allows
        node, level = pending.pop()
        deepest = max(deepest, level)
        pending.extend((child, level + 1) for child in _children(node))
    return deepest


# --------------------------------------------------------------------------------------------
# Printer


def unparse(expression: Expression) -> str:
    """Print an expression in Notion's canonical formatting (see the module docstring)."""
    match expression:
        case NumberLiteral(value=value):
            return _number_text(value)
        case TextLiteral(value=value):
            return _quote(value)
        case BooleanLiteral(value=value):
            return "true" if value else "false"
        case ListLiteral(items=items):
            return "[" + ", ".join(unparse(item) for item in items) + "]"
        case PropertyReference(name=name):
            return f"prop({_quote(name)})"
        case StoredReference():
            return (
                f"{{{{notion:block_property:{expression.property_id}:"
                f"{expression.data_source_id}:{expression.workspace_id}}}}}"
            )
        case UnaryOperation(operator=operator, operand=operand):
            inner = unparse(operand)
            if isinstance(operand, BinaryOperation):
                inner = f"({inner})"
            elif operator == "not" and inner.startswith("("):
                # "not (x).f()" would read as the call not(x) followed by .f()
                inner = f"({inner})"
            return f"-{inner}" if operator == "-" else f"not {inner}"
        case BinaryOperation(operator=operator, left=left, right=right):
            left_text = _operand_text(left, operator, is_left=True)
            return f"{left_text} {operator} {_operand_text(right, operator, is_left=False)}"
        case FunctionCall(name=name, arguments=arguments, method=True):
            receiver = unparse(arguments[0])
            if isinstance(arguments[0], UnaryOperation | BinaryOperation):
                receiver = f"({receiver})"
            return f"{receiver}.{name}(" + ", ".join(unparse(a) for a in arguments[1:]) + ")"
        case FunctionCall(name=name, arguments=arguments):
            return f"{name}(" + ", ".join(unparse(a) for a in arguments) + ")"


def _operand_text(operand: Expression, operator: str, *, is_left: bool) -> str:
    text = unparse(operand)
    # Notion parenthesizes every binary operation inside another one; "^" binds tighter than
    # unary minus, so a negated base needs parentheses too: (-x) ^ 2.
    needs = isinstance(operand, BinaryOperation) or (
        operator == "^" and is_left and isinstance(operand, UnaryOperation)
    )
    return f"({text})" if needs else text


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def _walk(expression: Expression) -> Iterator[Expression]:
    pending = [expression]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(_children(node))


def referenced_properties(expression: str | Expression) -> set[str]:
    """Names from ``prop("X")`` and ids from stored references used by the expression."""
    tree = parse(expression) if isinstance(expression, str) else expression
    found: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, PropertyReference):
            found.add(node.name)
        elif isinstance(node, StoredReference):
            found.add(node.property_id)
    return found


def rewrite(
    expression: str, name_to_id: Mapping[str, str], data_source_id: str, workspace_id: str
) -> str:
    """The stored form Notion returns: ``prop()`` replaced by references, canonical spacing."""

    def substitute(node: Expression) -> Expression:
        match node:
            case PropertyReference(name=name):
                if name not in name_to_id:
                    raise FormulaError(f'property "{name}" does not exist')
                return StoredReference(name_to_id[name], data_source_id, workspace_id)
            case ListLiteral(items=items):
                return ListLiteral(tuple(substitute(item) for item in items))
            case UnaryOperation(operand=operand):
                return replace(node, operand=substitute(operand))
            case BinaryOperation(left=left, right=right):
                return replace(node, left=substitute(left), right=substitute(right))
            case FunctionCall(arguments=arguments):
                return replace(node, arguments=tuple(substitute(a) for a in arguments))
            case _:
                return node

    return unparse(substitute(parse(expression)))


# --------------------------------------------------------------------------------------------
# Values (plain_text, parse_instant and add_months are shared with filters.py and rollup.py)

_Day = TypeVar("_Day", bound=date)


@dataclass(frozen=True)
class DateValue:
    """A date or date-time (aware), optionally a range; ``has_time`` false for date-only."""

    start: datetime
    end: datetime | None = None
    has_time: bool = True

    def payload(self) -> dict[str, object]:
        """The API's ``{"start", "end", "time_zone"}`` object for this value."""
        end = _date_text(self.end, self.has_time) if self.end is not None else None
        return {"start": _date_text(self.start, self.has_time), "end": end, "time_zone": None}


Value: TypeAlias = "bool | int | float | str | DateValue | tuple[Value, ...] | None"


def _date_text(moment: datetime, has_time: bool) -> str:
    if not has_time:
        return moment.date().isoformat()
    return moment.isoformat(timespec="milliseconds")


def parse_instant(text: str) -> datetime:
    """An aware datetime from an ISO date or date-time; a date or a missing offset means UTC."""
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_date(text: str) -> DateValue:
    """An ISO date (``2024-11-25``) or date-time (``...T14:08:00.000+00:00``, ``...Z``)."""
    return DateValue(parse_instant(text), has_time=len(text) != 10)


def _date_object(payload: object) -> DateValue | None:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("start"), str):
        return None
    start = parse_date(payload["start"])
    end_text = payload.get("end")
    if isinstance(end_text, str):
        return replace(start, end=parse_date(end_text).start)
    return start


def plain_text(items: object) -> str:
    """The plain text of a rich text array (a plain string is returned as it is)."""
    if isinstance(items, str):
        return items
    if not isinstance(items, list):
        return ""
    parts = []
    for item in items:
        if isinstance(item, Mapping):
            text = item.get("plain_text")
            if not isinstance(text, str):
                content = item.get("text")
                text = content.get("content", "") if isinstance(content, Mapping) else ""
            parts.append(text if isinstance(text, str) else "")
    return "".join(parts)


def _user_name(user: object) -> str:
    if isinstance(user, Mapping):
        name = user.get("name")
        return name if isinstance(name, str) else str(user.get("id", ""))
    return ""


def property_value(value: Mapping[str, object]) -> Value:
    """What ``prop()`` yields for one API-shaped page property value."""
    kind = value.get("type")
    payload = value.get(kind) if isinstance(kind, str) else None
    match kind:
        case "title" | "rich_text":
            return plain_text(payload)
        case "number":
            return payload if isinstance(payload, int | float) else None
        case "checkbox":
            return bool(payload)
        case "select" | "status":
            return str(payload.get("name", "")) if isinstance(payload, Mapping) else ""
        case "multi_select":
            items = payload if isinstance(payload, list) else []
            return tuple(str(o.get("name", "")) for o in items if isinstance(o, Mapping))
        case "date":
            return _date_object(payload)
        case "created_time" | "last_edited_time":
            return parse_date(payload) if isinstance(payload, str) else None
        case "people":
            return tuple(_user_name(u) for u in payload) if isinstance(payload, list) else ()
        case "created_by" | "last_edited_by":
            return _user_name(payload)
        case "relation":
            items = payload if isinstance(payload, list) else []
            return tuple(str(r.get("id", "")) for r in items if isinstance(r, Mapping))
        case "files":
            items = payload if isinstance(payload, list) else []
            return tuple(str(f.get("name", "")) for f in items if isinstance(f, Mapping))
        case "url" | "email" | "phone_number":
            return payload if isinstance(payload, str) else ""
        case "unique_id":
            return _unique_id_value(payload)
        case "formula":
            return _formula_payload_value(payload)
        case "rollup":
            return _rollup_payload_value(payload)
        case "verification":
            return str(payload.get("state", "")) if isinstance(payload, Mapping) else ""
        case _:
            return None


def _unique_id_value(payload: object) -> Value:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("number"), int):
        return None
    prefix = payload.get("prefix")
    number = payload["number"]
    return f"{prefix}-{number}" if prefix else number


def _formula_payload_value(payload: object) -> Value:
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("type")
    inner = payload.get(kind) if isinstance(kind, str) else None
    if kind == "date":
        return _date_object(inner)
    if isinstance(inner, bool | int | float | str):
        return inner
    return None


def _rollup_payload_value(payload: object) -> Value:
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("type")
    if kind == "number":
        number = payload.get("number")
        return number if isinstance(number, int | float) else None
    if kind == "date":
        return _date_object(payload.get("date"))
    if kind == "array" and isinstance(payload.get("array"), list):
        return tuple(property_value(item) for item in payload["array"] if isinstance(item, Mapping))
    return None


# --------------------------------------------------------------------------------------------
# Conversions shared by operators and functions


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Value, what: str) -> float:
    if value is None:
        return 0
    if _is_number(value):
        assert isinstance(value, int | float)
        return value
    raise FormulaError(f"{what} expects a number, got {_type_name(value)}")


def _clean_number(value: float) -> int | float | None:
    if math.isnan(value) or math.isinf(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _type_name(value: Value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, DateValue):
        return "date"
    return "list"


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        cleaned = _clean_number(value)
        return "" if cleaned is None else _number_text(cleaned)
    if isinstance(value, DateValue):
        return _format_date_value(value)
    if isinstance(value, tuple):
        return ",".join(_text(item) for item in value)
    return value


def _format_date_value(value: DateValue) -> str:
    pattern = "MMMM D, YYYY h:mm A" if value.has_time else "MMMM D, YYYY"
    text = _format_date(value.start, pattern)
    if value.end is not None:
        text += " → " + _format_date(value.end, pattern)
    return text


def _truthy(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | tuple):
        return len(value) > 0
    return True


def _is_empty(value: Value) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | tuple):
        return len(value) == 0
    return False


def _date(value: Value, what: str) -> DateValue:
    if isinstance(value, DateValue):
        return value
    raise FormulaError(f"{what} expects a date, got {_type_name(value)}")


def _text_argument(value: Value, what: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    raise FormulaError(f"{what} expects text, got {_type_name(value)}")


def _list(value: Value) -> tuple[Value, ...]:
    if isinstance(value, tuple):
        return value
    return () if value is None else (value,)


# --------------------------------------------------------------------------------------------
# Operators


def _add(left: Value, right: Value) -> Value:
    if isinstance(left, str) or isinstance(right, str):
        return _text(left) + _text(right)
    if isinstance(left, tuple) or isinstance(right, tuple):
        return _list(left) + _list(right)
    return _clean_number(_number(left, "+") + _number(right, "+"))


def _arithmetic(operator: str, left: Value, right: Value) -> Value:
    a = _number(left, operator)
    b = _number(right, operator)
    if operator == "-":
        return _clean_number(a - b)
    if operator == "*":
        return _clean_number(a * b)
    if operator == "^":
        try:
            return _clean_number(float(a) ** b)
        except (OverflowError, ZeroDivisionError, ValueError):
            return None
    if b == 0:
        return None  # JavaScript gives Infinity/NaN, which the API cannot carry
    if operator == "/":
        return _clean_number(a / b)
    return _clean_number(math.fmod(a, b))  # JavaScript's %: the sign of the dividend


def _comparable(value: Value) -> object:
    if isinstance(value, DateValue):
        return value.start.timestamp()
    return value


def _equal(left: Value, right: Value) -> bool:
    if left is None or right is None:
        # An empty value equals only another empty value or empty text/list.
        other = right if left is None else left
        return other is None or (isinstance(other, str | tuple) and len(other) == 0)
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return _comparable(left) == _comparable(right)


_ORDERINGS: dict[str, Callable[[object, object], bool]] = {
    "<": lambda a, b: a < b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def _order(operator: str, left: Value, right: Value) -> bool:
    if _is_number(left) or _is_number(right):
        return _ORDERINGS[operator](_number(left, operator), _number(right, operator))
    if left is None or right is None:
        return False
    a, b = _comparable(left), _comparable(right)
    if type(a) is not type(b) or isinstance(a, tuple):
        raise FormulaError(f"cannot compare {_type_name(left)} with {_type_name(right)}")
    return _ORDERINGS[operator](a, b)


def _binary(operator: str, left: Value, right: Value) -> Value:
    if operator == "+":
        return _add(left, right)
    if operator in ("-", "*", "/", "%", "^"):
        return _arithmetic(operator, left, right)
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        return not _equal(left, right)
    return _order(operator, left, right)


# --------------------------------------------------------------------------------------------
# Dates


_UNITS = {
    "year": "years",
    "years": "years",
    "quarter": "quarters",
    "quarters": "quarters",
    "month": "months",
    "months": "months",
    "week": "weeks",
    "weeks": "weeks",
    "day": "days",
    "days": "days",
    "hour": "hours",
    "hours": "hours",
    "minute": "minutes",
    "minutes": "minutes",
    "second": "seconds",
    "seconds": "seconds",
    "millisecond": "milliseconds",
    "milliseconds": "milliseconds",
}
_FIXED_UNITS = {
    "weeks": timedelta(weeks=1),
    "days": timedelta(days=1),
    "hours": timedelta(hours=1),
    "minutes": timedelta(minutes=1),
    "seconds": timedelta(seconds=1),
    "milliseconds": timedelta(milliseconds=1),
}


def _unit(value: Value) -> str:
    unit = _UNITS.get(_text_argument(value, "a date unit"))
    if unit is None:
        raise FormulaError(f"unknown date unit {_text(value)!r}")
    return unit


def add_months(day: _Day, months: int) -> _Day:
    """A date or datetime moved by whole months, the day clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def _shift(moment: datetime, amount: float, unit: str) -> datetime:
    if unit in _FIXED_UNITS:
        return moment + _FIXED_UNITS[unit] * amount
    months = int(amount) * (12 if unit == "years" else 3 if unit == "quarters" else 1)
    return add_months(moment, months)


def _date_add(value: Value, amount: Value, unit: Value, sign: int) -> Value:
    if value is None:
        return None
    moment = _date(value, "dateAdd")
    step = sign * _number(amount, "dateAdd")
    kind = _unit(unit)
    end = _shift(moment.end, step, kind) if moment.end is not None else None
    return replace(moment, start=_shift(moment.start, step, kind), end=end)


def _months_between(later: datetime, earlier: datetime) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    # Moment.js counts only whole months: the day and time of day must have been reached.
    if months > 0 and add_months(earlier, months) > later:
        months -= 1
    elif months < 0 and add_months(earlier, months) < later:
        months += 1
    return months


def _date_between(first: Value, second: Value, unit: Value) -> Value:
    if first is None or second is None:
        return None
    a = _date(first, "dateBetween").start.astimezone(UTC)
    b = _date(second, "dateBetween").start.astimezone(UTC)
    kind = _unit(unit)
    if kind in _FIXED_UNITS:
        return int((a - b) / _FIXED_UNITS[kind])
    months = _months_between(a, b)
    divisor = 12 if kind == "years" else 3 if kind == "quarters" else 1
    return int(months / divisor)


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_TOKENS = re.compile(
    r"\[[^\]]*\]|YYYY|YY|Y|Q|MMMM|MMM|MM|Mo|M|DDDD|DDD|Do|DD|D|dddd|ddd|dd|d|E|WW|W|"
    r"HH|H|hh|h|mm|m|ss|s|SSS|A|a|X|x|ZZ|Z"
)


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _date_token(moment: datetime, token: str) -> str:
    hour12 = moment.hour % 12 or 12
    offset = moment.strftime("%z") or "+0000"
    table: dict[str, Callable[[], str]] = {
        "YYYY": lambda: f"{moment.year:04d}",
        "YY": lambda: f"{moment.year % 100:02d}",
        "Y": lambda: str(moment.year),
        "Q": lambda: str((moment.month - 1) // 3 + 1),
        "MMMM": lambda: _MONTH_NAMES[moment.month - 1],
        "MMM": lambda: _MONTH_NAMES[moment.month - 1][:3],
        "MM": lambda: f"{moment.month:02d}",
        "Mo": lambda: _ordinal(moment.month),
        "M": lambda: str(moment.month),
        "DDDD": lambda: f"{moment.timetuple().tm_yday:03d}",
        "DDD": lambda: str(moment.timetuple().tm_yday),
        "Do": lambda: _ordinal(moment.day),
        "DD": lambda: f"{moment.day:02d}",
        "D": lambda: str(moment.day),
        "dddd": lambda: _DAY_NAMES[moment.weekday()],
        "ddd": lambda: _DAY_NAMES[moment.weekday()][:3],
        "dd": lambda: _DAY_NAMES[moment.weekday()][:2],
        "d": lambda: str(moment.isoweekday() % 7),
        "E": lambda: str(moment.isoweekday()),
        "WW": lambda: f"{moment.isocalendar().week:02d}",
        "W": lambda: str(moment.isocalendar().week),
        "HH": lambda: f"{moment.hour:02d}",
        "H": lambda: str(moment.hour),
        "hh": lambda: f"{hour12:02d}",
        "h": lambda: str(hour12),
        "mm": lambda: f"{moment.minute:02d}",
        "m": lambda: str(moment.minute),
        "ss": lambda: f"{moment.second:02d}",
        "s": lambda: str(moment.second),
        "SSS": lambda: f"{moment.microsecond // 1000:03d}",
        "A": lambda: "AM" if moment.hour < 12 else "PM",
        "a": lambda: "am" if moment.hour < 12 else "pm",
        "X": lambda: str(int(moment.timestamp())),
        "x": lambda: str(int(moment.timestamp() * 1000)),
        "ZZ": lambda: offset,
        "Z": lambda: f"{offset[:3]}:{offset[3:]}",
    }
    if token.startswith("["):
        return token[1:-1]
    return table[token]()


def _format_date(moment: datetime, pattern: str) -> str:
    return _DATE_TOKENS.sub(lambda match: _date_token(moment, match.group(0)), pattern)


def _date_part(value: Value, part: Callable[[datetime], int], what: str) -> Value:
    if value is None:
        return None
    return part(_date(value, what).start)


def _from_timestamp(value: Value) -> Value:
    if value is None:
        return None
    milliseconds = _number(value, "fromTimestamp")
    try:
        return DateValue(datetime.fromtimestamp(milliseconds / 1000, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _parse_date_text(value: Value) -> Value:
    text = _text_argument(value, "parseDate")
    try:
        return parse_date(text)
    except ValueError:
        return None


def _date_range(start: Value, end: Value) -> Value:
    if start is None:
        return None
    first = _date(start, "dateRange")
    last = _date(end, "dateRange") if end is not None else None
    return replace(first, end=last.start if last else None)


def _date_start(value: Value) -> Value:
    return None if value is None else replace(_date(value, "dateStart"), end=None)


def _date_end(value: Value) -> Value:
    if value is None:
        return None
    moment = _date(value, "dateEnd")
    return replace(moment, start=moment.end or moment.start, end=None)


# --------------------------------------------------------------------------------------------
# Functions


@dataclass(frozen=True)
class _Signature:
    arity: tuple[int, int | None]
    # number, string, boolean, date, list; "branches": the type of the branches (if, ifs) or of
    # the first argument (slice); "element": the type of the items of the list argument (at).
    result: str
    implementation: Callable[..., Value] | None = None  # None: evaluated lazily (if, ifs, ...)


_MAX_TEXT = 100_000  # no formula result needs more; repeat() and padStart() could ask for GBs


def _numbers(values: Sequence[Value]) -> list[float]:
    items = (item for value in values for item in _list(value))
    return [_number(item, "a number function") for item in items if item is not None]


def _round(value: Value, places: Value = 0) -> Value:
    if value is None:
        return None
    factor = 10 ** max(-15, min(15, int(_number(places, "round"))))
    return _clean_number(math.floor(_number(value, "round") * factor + 0.5) / factor)


def _unary_math(function: Callable[[float], float], what: str) -> Callable[[Value], Value]:
    def apply(value: Value) -> Value:
        if value is None:
            return None
        try:
            return _clean_number(function(_number(value, what)))
        except (ValueError, OverflowError):
            return None

    return apply


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., Value]:
    def apply(*values: Value) -> Value:
        numbers = _numbers(values)
        return _clean_number(pick(numbers)) if numbers else None

    return apply


def _to_number(value: Value) -> Value:
    if value is None or _is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, DateValue):
        return int(value.start.timestamp() * 1000)
    if isinstance(value, str):
        match = re.match(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value)
        return _clean_number(float(match.group(0))) if match else None
    return None


def _regex(pattern: Value) -> re.Pattern[str]:
    try:
        return re.compile(_text(pattern))
    except re.error as error:
        raise FormulaError(f"invalid regular expression {_text(pattern)!r}: {error}") from None


def _replace(text: Value, pattern: Value, replacement: Value, count: int) -> Value:
    return _regex(pattern).sub(_text(replacement).replace("\\", "\\\\"), _text(text), count=count)


def _contains(haystack: Value, needle: Value) -> Value:
    if isinstance(haystack, tuple):
        return any(_equal(item, needle) for item in haystack)
    return _text(needle) in _text(haystack)


def _length(value: Value) -> Value:
    if isinstance(value, tuple):
        return len(value)
    return len(_text(value))


def _concat(*values: Value) -> Value:
    if values and all(isinstance(v, tuple) for v in values):
        return tuple(item for v in values for item in _list(v))
    return "".join(_text(v) for v in values)


def _join(first: Value, *rest: Value) -> Value:
    if isinstance(first, tuple):  # 2.0: join(list, separator)
        separator = _text(rest[0]) if rest else ","
        return separator.join(_text(item) for item in first)
    return _text(first).join(_text(v) for v in rest)  # 1.0: join(separator, values...)


def _slice(value: Value, start: Value, end: Value = None) -> Value:
    first = int(_number(start, "slice"))
    last = int(_number(end, "slice")) if end is not None else None
    if isinstance(value, tuple):
        return value[first:last]
    return _text(value)[first:last]


def _at(value: Value, index: Value) -> Value:
    items = _list(value)
    position = int(_number(index, "at"))
    return items[position] if -len(items) <= position < len(items) else None


def _unique(value: Value) -> Value:
    seen: list[Value] = []
    for item in _list(value):
        if not any(_equal(item, other) for other in seen):
            seen.append(item)
    return tuple(seen)


def _sort_key(item: Value) -> tuple[str, float | str]:
    if item is None or isinstance(item, tuple):
        return (_type_name(item), _text(item))
    key = _comparable(item)
    return (_type_name(item), key if isinstance(key, str | int | float) else _text(item))


def _sort(value: Value) -> Value:
    return tuple(sorted(_list(value), key=_sort_key))


def _split(text: Value, separator: Value = ",") -> Value:
    parts = _text(text).split(_text(separator)) if _text(separator) else list(_text(text))
    return tuple(parts)


def _size(value: Value, what: str) -> int:
    size = int(_number(value, what))
    if size > _MAX_TEXT:
        raise FormulaError(f"{what} would make text longer than {_MAX_TEXT} characters")
    return size


def _repeat(value: Value, count: Value) -> Value:
    text = _text(value)
    times = _size(count, "repeat")
    if len(text) * times > _MAX_TEXT:
        raise FormulaError(f"repeat would make text longer than {_MAX_TEXT} characters")
    return text * times


def _pad(value: Value, length: Value, filler: Value, at_start: bool) -> Value:
    text = _text(value)
    width = _size(length, "pad")
    fill = _text(filler) or " "
    missing = max(0, width - len(text))
    padding = (fill * (missing // len(fill) + 1))[:missing]
    return padding + text if at_start else text + padding


def _median(*values: Value) -> Value:
    numbers = _numbers(values)
    return _clean_number(statistics.median(numbers)) if numbers else None


def _mean(*values: Value) -> Value:
    numbers = _numbers(values)
    return _clean_number(statistics.fmean(numbers)) if numbers else None


def _sign(value: Value) -> Value:
    if value is None:
        return None
    number = _number(value, "sign")
    return (number > 0) - (number < 0)


def _text_function(function: Callable[[str], str]) -> Callable[[Value], Value]:
    return lambda value: function(_text(value))


def _operator_function(operator: str) -> Callable[[Value, Value], Value]:
    return lambda left, right: _binary(operator, left, right)


_LAZY = {"if", "ifs", "and", "or", "empty", "now", "today"}
_FUNCTIONS: dict[str, _Signature] = {
    # logic
    "if": _Signature((3, 3), "branches"),
    "ifs": _Signature((3, None), "branches"),
    "and": _Signature((1, None), "boolean"),
    "or": _Signature((1, None), "boolean"),
    "empty": _Signature((1, 1), "boolean"),
    "equal": _Signature((2, 2), "boolean", _operator_function("==")),
    "unequal": _Signature((2, 2), "boolean", _operator_function("!=")),
    "larger": _Signature((2, 2), "boolean", _operator_function(">")),
    "largerEq": _Signature((2, 2), "boolean", _operator_function(">=")),
    "smaller": _Signature((2, 2), "boolean", _operator_function("<")),
    "smallerEq": _Signature((2, 2), "boolean", _operator_function("<=")),
    # numbers
    "add": _Signature((2, 2), "number", _operator_function("+")),
    "subtract": _Signature((2, 2), "number", _operator_function("-")),
    "multiply": _Signature((2, 2), "number", _operator_function("*")),
    "divide": _Signature((2, 2), "number", _operator_function("/")),
    "mod": _Signature((2, 2), "number", _operator_function("%")),
    "pow": _Signature((2, 2), "number", _operator_function("^")),
    "unaryMinus": _Signature((1, 1), "number", lambda v: _arithmetic("-", 0, v)),
    "unaryPlus": _Signature((1, 1), "number", _to_number),
    "round": _Signature((1, 2), "number", _round),
    "floor": _Signature((1, 1), "number", _unary_math(math.floor, "floor")),
    "ceil": _Signature((1, 1), "number", _unary_math(math.ceil, "ceil")),
    "abs": _Signature((1, 1), "number", _unary_math(abs, "abs")),
    "sqrt": _Signature((1, 1), "number", _unary_math(math.sqrt, "sqrt")),
    "cbrt": _Signature(
        (1, 1), "number", _unary_math(lambda x: math.copysign(abs(x) ** (1 / 3), x), "cbrt")
    ),
    "exp": _Signature((1, 1), "number", _unary_math(math.exp, "exp")),
    "ln": _Signature((1, 1), "number", _unary_math(math.log, "ln")),
    "log10": _Signature((1, 1), "number", _unary_math(math.log10, "log10")),
    "log2": _Signature((1, 1), "number", _unary_math(math.log2, "log2")),
    "sign": _Signature((1, 1), "number", _sign),
    "pi": _Signature((0, 0), "number", lambda: math.pi),
    "e": _Signature((0, 0), "number", lambda: math.e),
    "min": _Signature((1, None), "number", _extreme(min)),
    "max": _Signature((1, None), "number", _extreme(max)),
    "sum": _Signature((1, None), "number", lambda *v: _clean_number(math.fsum(_numbers(v)))),
    "mean": _Signature((1, None), "number", _mean),
    "median": _Signature((1, None), "number", _median),
    "toNumber": _Signature((1, 1), "number", _to_number),
    # text
    "concat": _Signature((1, None), "string", _concat),
    "join": _Signature((1, None), "string", _join),
    "length": _Signature((1, 1), "number", _length),
    "lower": _Signature((1, 1), "string", _text_function(str.lower)),
    "upper": _Signature((1, 1), "string", _text_function(str.upper)),
    "trim": _Signature((1, 1), "string", _text_function(str.strip)),
    "format": _Signature((1, 1), "string", _text),
    "contains": _Signature((2, 2), "boolean", _contains),
    "includes": _Signature((2, 2), "boolean", _contains),
    "test": _Signature((2, 2), "boolean", lambda t, p: _regex(p).search(_text(t)) is not None),
    "match": _Signature((2, 2), "list", lambda t, p: tuple(_regex(p).findall(_text(t)))),
    "replace": _Signature((3, 3), "string", lambda t, p, r: _replace(t, p, r, 1)),
    "replaceAll": _Signature((3, 3), "string", lambda t, p, r: _replace(t, p, r, 0)),
    "slice": _Signature((2, 3), "branches", _slice),
    "substring": _Signature((2, 3), "string", _slice),
    "split": _Signature((1, 2), "list", _split),
    "repeat": _Signature((2, 2), "string", _repeat),
    "padStart": _Signature((2, 3), "string", lambda v, n, f=" ": _pad(v, n, f, True)),
    "padEnd": _Signature((2, 3), "string", lambda v, n, f=" ": _pad(v, n, f, False)),
    "style": _Signature((1, None), "string", lambda t, *_: _text(t)),
    "unstyle": _Signature((1, 2), "string", lambda t, *_: _text(t)),
    "link": _Signature((2, 2), "string", lambda t, _url: _text(t)),
    # lists
    "at": _Signature((2, 2), "element", _at),
    "first": _Signature((1, 1), "element", lambda v: _at(v, 0)),
    "last": _Signature((1, 1), "element", lambda v: _at(v, -1)),
    "reverse": _Signature((1, 1), "list", lambda v: tuple(reversed(_list(v)))),
    "sort": _Signature((1, 1), "list", _sort),
    "unique": _Signature((1, 1), "list", _unique),
    "flat": _Signature((1, 1), "list", lambda v: tuple(i for x in _list(v) for i in _list(x))),
    # dates
    "now": _Signature((0, 0), "date"),
    "today": _Signature((0, 0), "date"),
    "dateAdd": _Signature((3, 3), "date", lambda d, n, u: _date_add(d, n, u, 1)),
    "dateSubtract": _Signature((3, 3), "date", lambda d, n, u: _date_add(d, n, u, -1)),
    "dateBetween": _Signature((3, 3), "number", _date_between),
    "dateRange": _Signature((2, 2), "date", _date_range),
    "dateStart": _Signature((1, 1), "date", _date_start),
    "start": _Signature((1, 1), "date", _date_start),
    "dateEnd": _Signature((1, 1), "date", _date_end),
    "end": _Signature((1, 1), "date", _date_end),
    "formatDate": _Signature(
        (2, 3),
        "string",
        lambda d, p, *_: (
            None if d is None else _format_date(_date(d, "formatDate").start, _text(p))
        ),
    ),
    "parseDate": _Signature((1, 1), "date", _parse_date_text),
    "fromTimestamp": _Signature((1, 1), "date", _from_timestamp),
    "timestamp": _Signature(
        (1, 1),
        "number",
        lambda d: None if d is None else int(_date(d, "timestamp").start.timestamp() * 1000),
    ),
    "year": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.year, "year")),
    "month": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.month, "month")),
    "week": _Signature(
        (1, 1), "number", lambda d: _date_part(d, lambda m: m.isocalendar().week, "week")
    ),
    "date": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.day, "date")),
    "day": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.isoweekday(), "day")),
    "hour": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.hour, "hour")),
    "minute": _Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.minute, "minute")),
}


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
        case NumberLiteral(value=value) | TextLiteral(value=value) | BooleanLiteral(value=value):
            return value
        case ListLiteral(items=items):
            return tuple(_evaluate(item, page) for item in items)
        case PropertyReference() | StoredReference():
            found = page.lookup(node)
            return property_value(found) if found is not None else None
        case UnaryOperation(operator="-", operand=operand):
            inner = _evaluate(operand, page)
            return None if inner is None else _clean_number(-_number(inner, "-"))
        case UnaryOperation(operand=operand):
            return not _truthy(_evaluate(operand, page))
        case BinaryOperation(operator="and", left=left, right=right):
            return _truthy(_evaluate(left, page)) and _truthy(_evaluate(right, page))
        case BinaryOperation(operator="or", left=left, right=right):
            return _truthy(_evaluate(left, page)) or _truthy(_evaluate(right, page))
        case BinaryOperation(operator=operator, left=left, right=right):
            return _binary(operator, _evaluate(left, page), _evaluate(right, page))
        case FunctionCall(name=name, arguments=arguments):
            return _call_function(name, arguments, page)


def _call_function(name: str, arguments: tuple[Expression, ...], page: _Page) -> Value:
    if name in _LAZY:
        return _lazy_function(name, arguments, page)
    implementation = _FUNCTIONS[name].implementation
    assert implementation is not None
    return implementation(*(_evaluate(argument, page) for argument in arguments))


def _lazy_function(name: str, arguments: tuple[Expression, ...], page: _Page) -> Value:
    if name == "if":
        condition = _truthy(_evaluate(arguments[0], page))
        return _evaluate(arguments[1] if condition else arguments[2], page)
    if name == "ifs":
        pairs = len(arguments) // 2
        for index in range(pairs):
            if _truthy(_evaluate(arguments[2 * index], page)):
                return _evaluate(arguments[2 * index + 1], page)
        return _evaluate(arguments[-1], page) if len(arguments) % 2 else None
    if name == "and":
        return all(_truthy(_evaluate(argument, page)) for argument in arguments)
    if name == "or":
        return any(_truthy(_evaluate(argument, page)) for argument in arguments)
    if name == "empty":
        return _is_empty(_evaluate(arguments[0], page))
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
    result = _FUNCTIONS[name].result
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
        return {"type": "number", "number": _clean_number(value)}
    if isinstance(value, DateValue):
        return {"type": "date", "date": value.payload()}
    return {"type": "string", "string": _text(value)}


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
