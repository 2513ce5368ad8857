"""Notion formulas (2.0 syntax) for the emulator: parse, re-print in stored form, evaluate.

Called by the emulator's schema endpoints (validate and store a formula property's expression)
and by its page reads (compute each formula property's value). Pure: no I/O, no clock (``now``
is passed in), nothing imported from the rest of ``reconciler``.

The parts: :mod:`.syntax` (tokenizer, parser, printer, rewrite), :mod:`.values` (the date
model, value types, conversions and operators), :mod:`.functions` (the function table) and
:mod:`.evaluation` (type inference and the evaluator); :mod:`.errors` holds
:class:`FormulaError`. Callers import this facade only. Public functions:

``parse(expression) -> Expression``
    Tokenize and parse; raises :class:`FormulaError` (message in Notion's style, with the
    position) for bad syntax, an unknown function, or a wrong number of arguments, and for
    nesting deeper than 60 parentheses or 150 tree levels. Accepts ``prop("Name")``
    references and Notion's stored references
    ``{{notion:block_property:<property id>:<data source id>:<workspace id>}}``. The tree is
    immutable (frozen dataclasses) and parses are cached, so passing the text on every row
    costs one parse per distinct expression.

A formula written with a leading ``=`` (Notion stores such text from its editor, e.g.
``={{notion:block_property:…}}* 2``) parses to :class:`KeptAsWritten`: its text is kept with its
spacing, its references are known, and it computes ``{"type": "string", "string": null}`` for
every page, as observed.

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

Helpers shared with the filters, sorts and rollups: ``plain_text(rich_text)``,
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

from reconciler.emulator.formula.errors import FormulaError
from reconciler.emulator.formula.evaluation import evaluate
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
    referenced_properties,
    rewrite,
    unparse,
)
from reconciler.emulator.formula.values import (
    DateValue,
    add_months,
    parse_date,
    parse_instant,
    plain_text,
    property_value,
)

__all__ = [
    "BinaryOperation",
    "BooleanLiteral",
    "DateValue",
    "Expression",
    "FormulaError",
    "FunctionCall",
    "KeptAsWritten",
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
