"""${VAR} expansion: defaults, escapes and malformed references."""

from __future__ import annotations

import pytest

from reconciler.manifest.envvars import VariableProblem, expand


def test_a_set_variable_replaces_its_reference() -> None:
    """${VAR} takes the variable's value, inside longer text too."""
    assert expand("id-${VAR}-end", {"VAR": "abc"}) == "id-abc-end"


def test_the_default_applies_when_the_variable_is_unset_or_empty() -> None:
    """${VAR:-default} behaves as in the shell."""
    assert (expand("${V:-d}", {}), expand("${V:-d}", {"V": ""})) == ("d", "d")


def test_an_empty_default_gives_empty_text() -> None:
    """${VAR:-} is the usual way to make an id optional."""
    assert expand("${TASKS_DATABASE_ID:-}", {}) == ""


def test_a_set_but_empty_variable_without_default_is_empty() -> None:
    """Only an unset variable is an error."""
    assert expand("${V}", {"V": ""}) == ""


def test_double_dollar_escapes_a_reference() -> None:
    """$${VAR} is the literal text ${VAR}."""
    assert expand("$${VAR} costs $5", {"VAR": "x"}) == "${VAR} costs $5"


def test_an_unset_variable_names_itself_and_suggests_a_default() -> None:
    """The hint shows both fixes."""
    with pytest.raises(VariableProblem) as caught:
        expand("${NOTION_ROOT_PAGE}", {})
    assert caught.value.message == "environment variable NOTION_ROOT_PAGE is not set"
    assert "${NOTION_ROOT_PAGE:-value}" in caught.value.hint


@pytest.mark.parametrize("text", ["${1ABC}", "${A B}", "${A-b}", "${}", "prefix ${UNCLOSED"])
def test_malformed_references_are_problems(text: str) -> None:
    """A reference must be ${NAME} or ${NAME:-default}."""
    with pytest.raises(VariableProblem) as caught:
        expand(text, {})
    assert caught.value.message.startswith("malformed variable reference")
