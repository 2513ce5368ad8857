"""Notion's formula language, far enough to print any expression in one canonical form.

Notion answers with a formula rewritten: ``prop("Due")`` becomes
``{{notion:block_property:<property id>:<data source id>:<workspace id>}}`` and the text is
re-printed with its own spacing and parentheses (``50000 + dateBetween(...)*1000`` comes back as
``50000 + (dateBetween(...) * 1000)``). Comparing text would show a change on every plan, so
both sides are tokenised, parsed and printed again here: references resolved to
``prop("Name")``, one space around binary operators, every binary operand that is itself an
operation in parentheses, ``&&``/``||``/``!`` spelled ``and``/``or``/``not``; a leading ``=`` (an
expression Notion keeps as written) stays in front. Used by the formula codec (``computed``);
independent of the emulator's own formula handling by design.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "FormulaSyntaxError",
    "PropertyResolver",
    "canonical_formula",
    "live_formula",
    "referenced_names",
    "renamed_references",
]

PropertyResolver = Callable[[str, str], str | None]
"""Maps (data source id, property id) of a rewritten reference to the property's name."""


class FormulaSyntaxError(ValueError):
    """The text is not a formula this parser understands; ``offset`` is where it stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at character {offset + 1}")
        self.message = message
        self.offset = offset


# --- tokens ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\{\{notion:block_property:(?P<pid>[^:}]+):(?P<ds>[^:}]+):[^}]*\}\})
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|>=|<=|&&|\|\||[-+*/%^<>!?:(),.\[\]])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # ref | number | string | name | op | end
    text: str
    offset: int
    ref: tuple[str, str] | None = None  # (data source id, property id) of a reference


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    offset = 0
    while offset < len(text):
        match = _TOKEN.match(text, offset)
        if match is None:
            raise FormulaSyntaxError(f"unexpected {text[offset]!r}", offset)
        kind = match.lastgroup or ""  # the outermost group: "ref", not "pid" or "ds"
        if kind != "space":
            ref = (match["ds"], match["pid"]) if match["ref"] else None
            tokens.append(_Token("ref" if ref else kind, match.group(), offset, ref))
        offset = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --- syntax tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    text: str  # printed as is: a number, a string literal, a name, a reference


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[_Node, ...]


@dataclass(frozen=True)
class _Member:
    target: _Node
    name: str
    args: tuple[_Node, ...] | None  # None: property access without a call


@dataclass(frozen=True)
class _Unary:
    op: str
    operand: _Node


@dataclass(frozen=True)
class _Binary:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Conditional:
    condition: _Node
    then: _Node
    otherwise: _Node


@dataclass(frozen=True)
class _List:
    items: tuple[_Node, ...]


_Node = _Leaf | _Call | _Member | _Unary | _Binary | _Conditional | _List

_SPELLING = {"&&": "and", "||": "or", "!": "not"}
_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"or", "||"}),
    frozenset({"and", "&&"}),
    frozenset({"==", "!="}),
    frozenset({"<", "<=", ">", ">="}),
    frozenset({"+", "-"}),
    frozenset({"*", "/", "%"}),
)


def _string_literal(token: _Token) -> str:
    body = token.text[1:-1]
    value = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)
    return json.dumps(value, ensure_ascii=False)


def _number_literal(text: str) -> str:
    value = float(text)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class _Parser:
    """Recursive descent over the token list; precedence as in ``_LEVELS``, then unary, ^."""

    def __init__(self, text: str, resolve: PropertyResolver | None) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.resolve = resolve

    @property
    def current(self) -> _Token:
        return self.tokens[self.position]

    def take(self, text: str | None = None) -> _Token:
        token = self.current
        if text is not None and (token.kind not in ("op", "name") or token.text != text):
            shown = repr(token.text) if token.text else "the end"
            raise FormulaSyntaxError(f"expected {text!r} but found {shown}", token.offset)
        self.position += 1
        return token

    def at(self, *texts: str) -> bool:
        return self.current.kind in ("op", "name") and self.current.text in texts

    def parse(self) -> _Node:
        node = self.conditional()
        if self.current.kind != "end":
            raise FormulaSyntaxError(f"unexpected {self.current.text!r}", self.current.offset)
        return node

    def conditional(self) -> _Node:
        condition = self.binary(0)
        if not self.at("?"):
            return condition
        self.take("?")
        then = self.conditional()
        self.take(":")
        return _Conditional(condition, then, self.conditional())

    def binary(self, level: int) -> _Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.current.kind in ("op", "name") and self.current.text in _LEVELS[level]:
            op = self.take().text
            node = _Binary(_SPELLING.get(op, op), node, self.binary(level + 1))
        return node

    def unary(self) -> _Node:
        if self.at("-", "+", "!", "not"):
            op = self.take().text
            return _Unary(_SPELLING.get(op, op), self.unary())
        return self.power()

    def power(self) -> _Node:
        base = self.postfix()
        if self.at("^"):
            self.take("^")
            return _Binary("^", base, self.unary())  # right-associative
        return base

    def postfix(self) -> _Node:
        node = self.primary()
        while self.at("."):
            self.take(".")
            name = self.take()
            if name.kind != "name":
                raise FormulaSyntaxError("expected a name after '.'", name.offset)
            args = self.arguments(")") if self.at("(") else None
            node = _Member(node, name.text, args)
        return node

    def arguments(self, closing: str) -> tuple[_Node, ...]:
        self.take("(" if closing == ")" else "[")
        items: list[_Node] = []
        while not self.at(closing):
            items.append(self.conditional())
            if not self.at(closing):
                self.take(",")
        self.take(closing)
        return tuple(items)

    def primary(self) -> _Node:
        token = self.current
        if token.kind == "number":
            self.take()
            return _Leaf(_number_literal(token.text))
        if token.kind == "string":
            self.take()
            return _Leaf(_string_literal(token))
        if token.kind == "ref":
            self.take()
            return self.reference(token)
        if token.kind == "name":
            self.take()
            if self.at("("):
                return self.call(token.text, self.arguments(")"))
            return _Leaf(token.text)
        if self.at("("):
            self.take("(")
            node = self.conditional()
            self.take(")")
            return node
        if self.at("["):
            return _List(self.arguments("]"))
        shown = repr(token.text) if token.text else "the end"
        raise FormulaSyntaxError(f"unexpected {shown}", token.offset)

    def call(self, name: str, args: tuple[_Node, ...]) -> _Node:
        if name == "prop" and len(args) == 1 and isinstance(args[0], _Leaf):
            return _Call("prop", args)  # prop("Name"): printed as a string literal already
        return _Call(name, args)

    def reference(self, token: _Token) -> _Node:
        assert token.ref is not None
        name = self.resolve(*token.ref) if self.resolve else None
        if name is None:
            return _Leaf(token.text)
        return _Call("prop", (_Leaf(json.dumps(name, ensure_ascii=False)),))


# --- printing ----------------------------------------------------------------------------------


def _wrapped(node: _Node) -> str:
    text = _print(node)
    return f"({text})" if isinstance(node, _Binary | _Conditional) else text


def _print(node: _Node) -> str:
    if isinstance(node, _Leaf):
        return node.text
    if isinstance(node, _Call):
        return f"{node.name}({', '.join(_print(arg) for arg in node.args)})"
    if isinstance(node, _Member):
        target = _print(node.target)
        if isinstance(node.target, _Binary | _Conditional | _Unary):
            target = f"({target})"
        if node.args is None:
            return f"{target}.{node.name}"
        return f"{target}.{node.name}({', '.join(_print(arg) for arg in node.args)})"
    if isinstance(node, _Unary):
        separator = " " if node.op == "not" else ""
        return f"{node.op}{separator}{_wrapped(node.operand)}"
    if isinstance(node, _Binary):
        return f"{_wrapped(node.left)} {node.op} {_wrapped(node.right)}"
    if isinstance(node, _Conditional):
        return f"{_wrapped(node.condition)} ? {_wrapped(node.then)} : {_wrapped(node.otherwise)}"
    return f"[{', '.join(_print(item) for item in node.items)}]"


def canonical_formula(text: str, resolve: PropertyResolver | None = None) -> str:
    """The canonical form of an expression; raises FormulaSyntaxError when it does not parse.

    An expression with a leading ``=`` (Notion's editor stores such text, and Notion returns it
    as stored: ``={{notion:block_property:…}}* 2``) is ``=`` followed by the canonical form of
    the rest, so it compares equal however it is spaced.
    """
    stripped = text.lstrip()
    if not stripped.startswith("="):
        return _print(_Parser(text, resolve).parse())
    try:
        return "=" + _print(_Parser(stripped[1:], resolve).parse())
    except FormulaSyntaxError as error:
        shift = len(text) - len(stripped) + 1
        raise FormulaSyntaxError(error.message, error.offset + shift) from None


def live_formula(text: str, resolve: PropertyResolver | None = None) -> str:
    """The canonical form of an expression Notion returned; never fails.

    What does not parse keeps its text with references resolved and white space collapsed,
    so it still shows readably (and differs from any manifest expression, which must parse).
    """
    try:
        return canonical_formula(text, resolve)
    except FormulaSyntaxError:
        pass

    def name_of(match: re.Match[str]) -> str:
        name = resolve(match["ds"], match["pid"]) if resolve else None
        return match.group() if name is None else f"prop({json.dumps(name, ensure_ascii=False)})"

    pattern = r"\{\{notion:block_property:(?P<pid>[^:}]+):(?P<ds>[^:}]+):[^}]*\}\}"
    return " ".join(re.sub(pattern, name_of, text).split())


_REFERENCE = re.compile(r'prop\("((?:[^"\\]|\\.)*)"\)')
"""A property reference in canonical form: ``prop("Name")`` with the name as a JSON string."""


def referenced_names(canonical: str) -> tuple[str, ...]:
    """The property names a canonical expression refers to, in order of first use."""
    names = (json.loads(f'"{match[1]}"') for match in _REFERENCE.finditer(canonical))
    return tuple(dict.fromkeys(names))


def renamed_references(canonical: str, renames: dict[str, str]) -> str:
    """A canonical expression with its references renamed (old name → new name), all at once,
    as Notion does when a property is renamed: it keeps references by property id."""

    def rename(match: re.Match[str]) -> str:
        name = json.loads(f'"{match[1]}"')
        return f"prop({json.dumps(renames.get(name, name), ensure_ascii=False)})"

    return _REFERENCE.sub(rename, canonical)
