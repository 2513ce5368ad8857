"""Every formula Notion rewrote or computed in the recorded traffic, reproduced exactly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reconciler.emulator import formula
from tests.emulator.engines.recorded import (
    RewriteExample,
    ValueExample,
    rewrite_examples,
    value_examples,
)

REWRITES = rewrite_examples()
VALUES = value_examples()


def test_recordings_hold_the_known_formula_examples():
    """The recordings give 13 rewrite examples and 134 computed values to check against."""
    expected = (13, 134)

    assert expected == (len(REWRITES), len(VALUES))


@pytest.mark.parametrize(
    "example", REWRITES, ids=[f"{e.source}-{e.property_name}" for e in REWRITES]
)
def test_rewrite_reproduces_notions_stored_expression(example: RewriteExample):
    """rewrite() gives, character for character, the expression Notion stored."""
    actual = formula.rewrite(
        example.sent, example.name_to_id, example.data_source_id, example.workspace_id
    )

    assert example.stored == actual


@pytest.mark.parametrize(
    "example", VALUES, ids=[f"{e.source}-{e.property_name}-{i}" for i, e in enumerate(VALUES)]
)
def test_evaluate_reproduces_notions_computed_value(example: ValueExample):
    """evaluate() gives the value Notion computed, now() being the page's edit minute."""
    now = example.edited + timedelta(seconds=41)

    actual = formula.evaluate(
        example.expression, example.properties, property_names_by_id=example.names_by_id, now=now
    )

    assert example.value == actual
