"""Formula syntax: the tree, the tokenizer, the parser, Notion's canonical printer and rewrite.

:func:`parse` reads a formula (2.0 syntax, ``prop("Name")`` and stored references) into an
immutable tree, checking function names and arities against the function table
(:mod:`.functions`); :func:`unparse` prints a tree as Notion stores it; :func:`rewrite` gives the
stored form of an expression sent through the API. Used by the evaluator, the emulator's schema
code (through the package's facade) and the seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeAlias

from reconciler.emulator.formula.errors import FormulaError
from reconciler.emulator.formula.functions import FUNCTIONS
from reconciler.emulator.formula.values import number_text

__all__ = [
    "BinaryOperation",
    "BooleanLiteral",
    "Expression",
    "FunctionCall",
    "KeptAsWritten",
    "ListLiteral",
    "NumberLiteral",
    "PropertyReference",
    "StoredReference",
    "TextLiteral",
    "UnaryOperation",
    "parse",
    "referenced_properties",
    "rewrite",
    "unparse",
]

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


@dataclass(frozen=True)
class KeptAsWritten:
    """A formula written with a leading ``=``: Notion keeps its text as written (observed:
    ``={{notion:block_property:…}}* 2``, spacing untouched) and computes an empty string for
    every page. ``text`` is what follows the ``=``; ``expression`` is that text, parsed."""

    text: str
    expression: Expression


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
    | KeptAsWritten
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
    signature = FUNCTIONS.get(name)
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
    kept = _after_equals_sign(expression)
    if kept is not None:
        try:
            return KeptAsWritten(kept, _parse_text(kept))
        except FormulaError as error:
            if error.position is None:
                raise
            shift = len(expression) - len(kept)
            raise FormulaError(error.detail, error.position + shift) from None
    try:
        tree = _Parser(expression).parse()
    except RecursionError:  # a backstop: the nesting limit should always come first
        raise FormulaError("the formula is nested too deeply") from None
    if _depth(tree) > _MAX_DEPTH:
        raise FormulaError("the formula is nested too deeply")
    return tree


def _after_equals_sign(expression: str) -> str | None:
    """The text after a leading ``=`` (white space before it allowed), or None."""
    stripped = expression.lstrip()
    return stripped[1:] if stripped.startswith("=") else None


def _children(node: Expression) -> tuple[Expression, ...]:
    match node:
        case KeptAsWritten(expression=inner):
            return (inner,)
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
        case KeptAsWritten(text=text):
            return f"={text}"
        case NumberLiteral(value=value):
            return number_text(value)
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
    """The stored form Notion returns: ``prop()`` replaced by references, canonical spacing
    (a formula kept as written keeps its spacing)."""
    kept = _after_equals_sign(expression)
    if kept is not None:
        parse(kept)  # refused as any formula would be
        return "=" + _references_in_place(kept, name_to_id, data_source_id, workspace_id)

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


def _references_in_place(
    text: str, name_to_id: Mapping[str, str], data_source_id: str, workspace_id: str
) -> str:
    """``text`` with each ``prop("X")`` replaced by its stored reference, all else untouched."""
    tokens = _tokenize(text)
    out: list[str] = []
    done = 0
    for n, token in enumerate(tokens[:-3]):
        call = tokens[n : n + 4]
        if not (
            token.kind == "name"
            and token.text == "prop"
            and [t.text for t in (call[1], call[3])] == ["(", ")"]
            and call[2].kind == "string"
        ):
            continue
        name = str(call[2].value)
        if name not in name_to_id:
            raise FormulaError(f'property "{name}" does not exist')
        reference = StoredReference(name_to_id[name], data_source_id, workspace_id)
        out += [text[done : token.position], unparse(reference)]
        done = call[3].position + 1
    return "".join(out) + text[done:]
