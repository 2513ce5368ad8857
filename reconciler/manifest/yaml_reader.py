"""Safe YAML reading with marks: one file's text to ``YamlDocument`` values, or problems.

Builds plain data straight from the parser's events (libyaml when present), never through
PyYAML's constructors, so that:

- only plain data exists: a ``!!python/...`` or any other unknown tag is a problem at its line;
- a duplicate mapping key is a problem (PyYAML would silently keep the last one);
- nesting deeper than ``MAX_DEPTH``, and aliases expanding to more than ``MAX_ALIAS_NODES`` nodes
  or ``MAX_ALIAS_CHARS`` characters of text, stop the file at once (sizes are counted, never
  expanded, so a "billion laughs" file or one long string aliased by every row fails in
  microseconds), and a recursive alias is refused;
- the parser's own nesting limit (libyaml 0.2.6, in PyYAML 6.0.4 and later, refuses 1,000 levels
  before this reader sees the 65th when they stand on one line) is reported in this reader's
  words, so the message and hint do not depend on the PyYAML release;
- scalars follow the YAML 1.2 core schema (``reconciler.manifest.scalars``) and mapping keys are
  always text; ``${VAR}`` references are expanded when ``environ`` is given;
- ``<<`` merge keys work (explicit keys win), as they do in PyYAML;
- marks are kept as the file is read only for paths at most ``EAGER_DEPTH`` long (a manifest's
  top-level keys, its properties, each row); a deeper one (a row's cell, an option) is asked for
  only when a problem is reported there, and is then found by reading the file once more with
  every mark kept. A 10,000-row manifest holds some 180,000 keys and values: their marks and
  paths took two thirds of the memory of its document (47 MB of the 1.9 MB file's) to locate
  problems that a valid file never has. A read that meets a duplicate key (or a key that is not
  text) starts again keeping every mark, so problems are reported as before in every case.

Called by the loader (manifests, reconciler.yaml) and the rows_from reader (YAML data).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from reconciler.errors import Problem
from reconciler.manifest.envvars import VariableProblem, expand
from reconciler.manifest.limits import MAX_ALIAS_CHARS, MAX_ALIAS_NODES, MAX_DEPTH
from reconciler.manifest.located import DataPath, Marks, RawMark, YamlDocument, position
from reconciler.manifest.scalars import (
    SUPPORTED_SCALAR_TAGS,
    TagProblem,
    resolve_plain,
    resolve_tagged,
)
from reconciler.manifest.source import SourceFile, line_and_column

__all__ = ["EAGER_DEPTH", "ReadResult", "read_documents"]

try:  # libyaml parses about fifteen times faster; PyYAML's own parser is the fallback
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
_COLLECTION_TAGS = {"map": _CORE + "map", "seq": _CORE + "seq"}
_MERGE = "<<"
_MERGE_KEY = "\x00<<"  # a plain << (NUL never reaches here: the reader refuses it)
_PARSER_TOO_DEEP = "maximum nesting depth"  # libyaml 0.2.6: "exceeded maximum nesting depth"

EAGER_DEPTH = 2
"""Marks of paths at most this long are kept as a file is read; deeper ones are found again when
asked (``_ShallowMarks``). A loaded manifest asks for its top-level keys (``database``), its
properties' keys and its rows (each row's location), never for a cell's mark unless the cell has
a problem."""


@dataclass(frozen=True)
class ReadResult:
    """The documents read from one file, the problems found, and whether reading finished."""

    documents: tuple[YamlDocument, ...]
    problems: tuple[Problem, ...]
    complete: bool


class _Restart(Exception):
    """A read keeping shallow marks only met a duplicate key or a key that is not text, whose
    problems name the first key's place (and whose values' paths repeat): read again keeping
    every mark, exactly as before."""


class _ShallowMarks(Marks):
    """The marks of paths at most ``EAGER_DEPTH`` long; a deeper one is found by reading the file
    again with every mark kept the first time one is asked for (a problem's place): once for all
    the file's documents (``_ReadAgain``)."""

    def __init__(self) -> None:
        super().__init__()
        self.again: Callable[[], Marks] | None = None
        self._every: Marks | None = None

    def _all(self) -> Marks:
        if self._every is None:
            assert self.again is not None  # set by read_documents for every document it returns
            self._every = self.again()
        return self._every

    def value_mark(self, path: DataPath) -> tuple[int, int]:
        if len(path) <= EAGER_DEPTH:
            return super().value_mark(path)
        return self._all().value_mark(path)

    def key_mark(self, path: DataPath) -> tuple[int, int]:
        if len(path) <= EAGER_DEPTH:
            return super().key_mark(path)
        return self._all().key_mark(path)


class _Stop(Exception):
    """Reading this file cannot go on (syntax error, a limit reached)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _AliasBudget:
    """What aliases may still add to one file: nodes, and characters of scalars and keys."""

    nodes: int = MAX_ALIAS_NODES
    chars: int = MAX_ALIAS_CHARS


@dataclass(frozen=True)
class _Anchored:
    """A value an anchor names, with its size in nodes and in characters of text."""

    value: object
    nodes: int
    chars: int


@dataclass
class _Frame:
    """A mapping or list being built."""

    kind: Literal["map", "seq"]
    path: DataPath
    value: dict[str, object] | list[object]
    anchor: str | None
    mark: RawMark
    size: int = 1
    chars: int = 0
    key: str | None = None
    skip_value: bool = False
    complex_key: bool = False
    merges: list[dict[str, object]] = field(default_factory=list)


def _mark(event: yaml.Event) -> RawMark:
    mark = event.start_mark
    assert mark is not None  # parsers always mark their events
    return mark


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _tag_problem_hint() -> str:
    return "remove the tag: manifests hold plain data only (text, numbers, booleans, lists, maps)"


def _too_deep(source: SourceFile, line: int, column: int) -> Problem:
    return Problem(
        source.display,
        line,
        column,
        f"the data is nested more than {MAX_DEPTH} levels deep",
        "a manifest needs only a few levels; flatten this structure",
    )


def _aliases_too_big(source: SourceFile, mark: RawMark, what: str) -> Problem:
    return Problem(
        source.display,
        *position(mark),
        f"aliases expand to more than {what} in this file",
        "each alias copies its anchor's whole value: this looks like an alias bomb; write the"
        " data out, shorten the anchored value or use fewer aliases",
    )


class _DocumentBuilder:
    """Turns the events of one document into data and marks; reports into ``problems``."""

    def __init__(
        self,
        source: SourceFile,
        environ: Mapping[str, str] | None,
        problems: list[Problem],
        alias_budget: _AliasBudget,
        *,
        every_mark: bool,
    ) -> None:
        self.source = source
        self.environ = environ
        self.problems = problems
        self.alias_budget = alias_budget
        self.every_mark = every_mark
        self.marks = Marks() if every_mark else _ShallowMarks()
        self.tainted: set[DataPath] = set()
        self.anchors: dict[str, _Anchored] = {}
        self.stack: list[_Frame] = []
        self.root: object = None
        self.has_root = False

    # --- helpers ---------------------------------------------------------------------------

    def _problem(self, mark: RawMark, message: str, hint: str) -> None:
        line, column = position(mark)
        self.problems.append(Problem(self.source.display, line, column, message, hint))

    def _child_path(self) -> DataPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.kind == "seq":
            assert isinstance(top.value, list)
            return (*top.path, len(top.value))
        assert top.key is not None
        return (*top.path, top.key)

    def _keeps(self, path: DataPath) -> bool:
        """Whether the mark of ``path`` is kept now (else found again when asked)."""
        return self.every_mark or len(path) <= EAGER_DEPTH

    def _skipping(self, top: _Frame) -> None:
        """Skip the value of ``top``'s current key (a refused key); keeping shallow marks only,
        read again keeping every mark (``_Restart``)."""
        if not self.every_mark:
            raise _Restart
        top.skip_value = True

    def _expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind == "map" and self.stack[-1].key is None

    def _text(self, text: str, path: DataPath, mark: RawMark) -> tuple[str, bool]:
        """The text with variables expanded, and whether that worked."""
        if self.environ is None:
            return text, True
        try:
            return expand(text, self.environ), True
        except VariableProblem as problem:
            self._problem(mark, problem.message, problem.hint)
            self.tainted.add(path)
            return text, False

    # --- events ----------------------------------------------------------------------------

    def scalar(self, event: yaml.ScalarEvent) -> None:
        mark: RawMark = event.start_mark  # type: ignore[assignment]  # never None from a parser
        stack = self.stack
        top = stack[-1] if stack else None
        if top is None:
            path: DataPath = ()
        elif top.kind == "seq":
            path = (*top.path, len(top.value))
        elif top.key is None:
            self._key(event, mark)
            return
        else:
            path = (*top.path, top.key)
        if self.every_mark or len(path) <= EAGER_DEPTH:
            self.marks.values[path] = mark
        text = event.value
        if event.tag is None and not event.style and "${" not in text:  # the common case
            value = resolve_plain(text) if event.implicit[0] else text
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.marks.number_texts[path] = text
        else:
            value = self._scalar_value(event, path, mark)
        if event.anchor is not None or top is None:
            self._finish(value, 1, len(text), event.anchor)
        elif top.kind == "seq":
            top.size += 1
            top.chars += len(text)
            top.value.append(value)  # type: ignore[union-attr]
        elif top.skip_value or top.key == _MERGE_KEY:
            self._finish(value, 1, len(text), None)
        else:
            top.size += 1
            top.chars += len(text)
            top.value[top.key] = value  # type: ignore[call-overload,index]
            top.key = None

    def _scalar_value(self, event: yaml.ScalarEvent, path: DataPath, mark: RawMark) -> object:
        tag = event.tag
        if tag not in (None, "!") and tag not in SUPPORTED_SCALAR_TAGS:
            self._problem(mark, f"unsupported YAML tag {_tag_name(tag)}", _tag_problem_hint())
            self.tainted.add(path)
            return None
        text, expanded = self._text(event.value, path, mark)
        if not expanded:
            return text
        if tag is None and not event.style and event.implicit[0]:
            value = resolve_plain(text)
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.marks.number_texts[path] = text
            return value
        if tag in (None, "!"):
            return text
        try:
            return resolve_tagged(tag, text)
        except TagProblem as problem:
            self._problem(mark, str(problem), "remove the tag or fix the value")
            self.tainted.add(path)
            return None

    def _key(self, event: yaml.ScalarEvent, mark: RawMark) -> None:
        top = self.stack[-1]
        tag = event.tag
        text = event.value
        top.chars += len(text)
        if tag is None and text != _MERGE and "${" not in text:  # the common case
            if not self.every_mark and len(top.path) >= EAGER_DEPTH:
                # Not kept: without a refused key before it (which reads again keeping every
                # mark), a key is a duplicate exactly when its mapping holds it already.
                if text not in top.value:
                    top.key = text
                    return
            else:
                path = (*top.path, text)
                if text not in top.value and path not in self.marks.keys:
                    self.marks.keys[path] = mark
                    top.key = text
                    return
        if tag not in (None, "!", _CORE + "str") and tag not in SUPPORTED_SCALAR_TAGS:
            self._problem(mark, f"unsupported YAML tag {_tag_name(tag)}", _tag_problem_hint())
        if tag is None and not event.style and event.value == _MERGE:
            self._set_key(top, _MERGE_KEY, mark)
            return
        path = (*top.path, event.value)
        key, _ = self._text(event.value, path, mark)
        self._set_key(top, key, mark)

    def _set_key(self, top: _Frame, key: str, mark: RawMark) -> None:
        assert isinstance(top.value, dict)
        path = (*top.path, key)
        first = self.marks.keys.get(path)
        if key in top.value or (key == _MERGE_KEY and top.merges) or first is not None:
            where = f" (first written at line {position(first)[0]})" if first else ""
            shown = _MERGE if key == _MERGE_KEY else key
            self._skipping(top)
            self._problem(
                mark,
                f"duplicate key {shown!r}{where}",
                "a mapping holds each key once; YAML would silently keep only the last one",
            )
        elif self._keeps(path) or key == _MERGE_KEY:  # merge keys: their place is asked later
            self.marks.keys[path] = mark
        top.key = key

    def alias(self, event: yaml.AliasEvent) -> None:
        mark = _mark(event)
        if self._expecting_key():
            self._skipping(self.stack[-1])
            self._problem(mark, "an alias cannot be a mapping key", "write the key as text")
            self.tainted.add(self.stack[-1].path)
            self.stack[-1].key = ""
            return
        path = self._child_path()
        if self._keeps(path):
            self.marks.values[path] = mark
        anchor = event.anchor
        if anchor not in self.anchors:
            if any(frame.anchor == anchor for frame in self.stack):
                message = f"alias *{anchor} refers to the mapping or list it is inside"
                hint = "a structure cannot contain itself; write the data out"
            else:
                message = f"alias *{anchor} refers to no anchor defined before it"
                hint = f"define &{anchor} earlier in this document"
            self._problem(mark, message, hint)
            self.tainted.add(path)
            self._finish(None, 1, 0, None)
            return
        anchored = self.anchors[anchor]
        budget = self.alias_budget
        budget.nodes -= anchored.nodes
        if budget.nodes < 0:
            raise _Stop(_aliases_too_big(self.source, mark, f"{MAX_ALIAS_NODES:,} nodes"))
        budget.chars -= anchored.chars
        if budget.chars < 0:
            raise _Stop(_aliases_too_big(self.source, mark, f"{MAX_ALIAS_CHARS:,} characters"))
        self._finish(anchored.value, anchored.nodes, anchored.chars, None)

    def start(self, event: yaml.CollectionStartEvent, kind: Literal["map", "seq"]) -> None:
        mark = _mark(event)
        if self._expecting_key():
            top = self.stack[-1]
            self._skipping(top)
            self._problem(
                mark,
                "a mapping key must be plain text, not a mapping or list",
                "write the key as text, e.g. Name: title",
            )
            top.key, top.complex_key = "", True
            self.tainted.add(top.path)  # the mapping lost an entry: its checks would mislead
            path: DataPath = (*top.path, "")
        else:
            path = self._child_path()
        if len(self.stack) >= MAX_DEPTH:
            raise _Stop(_too_deep(self.source, *position(mark)))
        if self._keeps(path):
            self.marks.values[path] = mark
        if event.tag not in (None, "!", _COLLECTION_TAGS[kind]):
            self._problem(mark, f"unsupported YAML tag {_tag_name(event.tag)}", _tag_problem_hint())
            self.tainted.add(path)
        container: dict[str, object] | list[object] = {} if kind == "map" else []
        self.stack.append(_Frame(kind, path, container, event.anchor, mark))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.merges:
            assert isinstance(frame.value, dict)
            merge_mark = self.marks.keys.get((*frame.path, _MERGE_KEY), frame.mark)
            for merged in frame.merges:
                for key, value in merged.items():
                    if key not in frame.value:
                        frame.value[key] = value
                        if self._keeps((*frame.path, key)):
                            self.marks.values.setdefault((*frame.path, key), merge_mark)
        self._finish(frame.value, frame.size, frame.chars, frame.anchor)

    def _finish(self, value: object, size: int, chars: int, anchor: str | None) -> None:
        """Hand a complete value to its parent (or make it the root); remember its anchor."""
        if anchor is not None:
            self.anchors[anchor] = _Anchored(value, size, chars)
        if not self.stack:
            self.root, self.has_root = value, True
            return
        top = self.stack[-1]
        top.size += size
        top.chars += chars
        if isinstance(top.value, list):
            top.value.append(value)
            return
        key, top.key = top.key, None
        assert key is not None
        if top.complex_key:  # that was the refused key: skip the value that follows too
            top.key, top.complex_key = "", False
        elif top.skip_value:
            top.skip_value = False
        elif key == _MERGE_KEY:
            self._merge(top, value)
        else:
            top.value[key] = value

    def _merge(self, top: _Frame, value: object) -> None:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            self._problem(
                self.marks.keys.get((*top.path, _MERGE_KEY), top.mark),
                "a << merge key takes a mapping or a list of mappings",
                "write <<: *defaults where &defaults names a mapping",
            )
            return
        top.merges.extend(source for source in sources if isinstance(source, dict))

    def document(self) -> YamlDocument | None:
        """The finished document, or None when it is empty."""
        if not self.has_root or self.root is None:
            return None
        return YamlDocument(self.source, self.root, self.marks, self.tainted)


def _syntax_problem(source: SourceFile, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        line, column = line_and_column(source.text, min(error.position, len(source.text)))
        return Problem(
            source.display,
            line,
            column,
            f"the file contains a character YAML does not allow ({error.reason})",
            "remove control characters; save the file as UTF-8 text",
        )
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        if _PARSER_TOO_DEEP in (error.problem or ""):
            return _too_deep(source, line, column)
        message = f"YAML syntax error: {error.problem or error.context}"
        if error.context and error.problem:
            message += f" ({error.context})"
        index = mark.index if mark is not None else -1
        found = source.text[index] if 0 <= index < len(source.text) else ""
        return Problem(source.display, line, column, message, _syntax_hint(message, found))
    return Problem(source.display, 0, 0, f"YAML syntax error: {error}", _syntax_hint("", ""))


def _syntax_hint(message: str, found: str) -> str:
    if found == "\t" or "'\\t'" in message:
        return "indent with spaces; YAML does not allow tabs for indentation"
    if "mapping values are not allowed" in message:
        return "quote a value that contains ': ', e.g. title: \"Docs: the plan\""
    return "check indentation, brackets and quotes near this line"


def read_documents(source: SourceFile, environ: Mapping[str, str] | None) -> ReadResult:
    """Every non-empty document of the file; ``environ`` None leaves ``${...}`` untouched.

    Only shallow marks are kept (``EAGER_DEPTH``); a read that meets a refused key is done
    again keeping every mark, and so is one asked later for a deeper mark."""
    try:
        return _read(source, environ, every_mark=False)
    except _Restart:
        return _read(source, environ, every_mark=True)


class _ReadAgain:
    """A file's documents read again keeping every mark, once for all its documents, when the
    first of them is asked for a deeper mark (the same text and variables give the same
    documents)."""

    def __init__(self, source: SourceFile, environ: Mapping[str, str] | None) -> None:
        self._source = source
        self._environ = environ
        self._documents: tuple[YamlDocument, ...] | None = None

    def marks(self, index: int) -> Marks:
        """Every mark of the file's ``index``-th document."""
        if self._documents is None:
            self._documents = _read(self._source, self._environ, every_mark=True).documents
        return self._documents[index].marks


def _read(source: SourceFile, environ: Mapping[str, str] | None, *, every_mark: bool) -> ReadResult:
    problems: list[Problem] = []
    documents: list[YamlDocument] = []
    alias_budget = _AliasBudget()
    parser = _Parser(source.text)
    builder: _DocumentBuilder | None = None
    handlers = _handlers()
    again = _ReadAgain(source, environ)
    try:
        event = parser.get_event()
        while event is not None and not isinstance(event, yaml.StreamEndEvent):
            handler = handlers.get(type(event)) if builder is not None else None
            if handler is not None:
                assert builder is not None
                handler(builder, event)
            elif isinstance(event, yaml.DocumentStartEvent):
                builder = _DocumentBuilder(
                    source, environ, problems, alias_budget, every_mark=every_mark
                )
            elif isinstance(event, yaml.DocumentEndEvent) and builder is not None:
                document = builder.document()
                if document is not None:
                    if isinstance(document.marks, _ShallowMarks):
                        document.marks.again = functools.partial(again.marks, len(documents))
                    documents.append(document)
                builder = None
            event = parser.get_event()
    except yaml.YAMLError as error:
        problems.append(_syntax_problem(source, error))
        return ReadResult(tuple(documents), tuple(problems), complete=False)
    except _Stop as stop:
        problems.append(stop.problem)
        return ReadResult(tuple(documents), tuple(problems), complete=False)
    finally:
        parser.dispose()
    return ReadResult(tuple(documents), tuple(problems), complete=True)


def _handlers() -> dict[type, Callable[[_DocumentBuilder, Any], None]]:
    """The builder method for each kind of event inside a document."""
    return {
        yaml.ScalarEvent: _DocumentBuilder.scalar,
        yaml.AliasEvent: _DocumentBuilder.alias,
        yaml.MappingStartEvent: lambda builder, event: builder.start(event, "map"),
        yaml.SequenceStartEvent: lambda builder, event: builder.start(event, "seq"),
        yaml.MappingEndEvent: lambda builder, _event: builder.end(),
        yaml.SequenceEndEvent: lambda builder, _event: builder.end(),
    }
