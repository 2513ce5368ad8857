"""${VAR} expansion: defaults, escapes, malformed references, and which variables may be read."""

from __future__ import annotations

import pytest

from reconciler.manifest.envvars import VariableProblem, Variables, expand


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


# --- which variables a manifest may read ----------------------------------------------------


def test_by_default_ids_and_pages_may_be_read() -> None:
    """Without env: in reconciler.yaml, names ending in _ID or _PAGE are allowed."""
    variables = Variables({"TASKS_DATABASE_ID": "abc", "NOTION_ROOT_PAGE": "def"})
    assert expand("${TASKS_DATABASE_ID}/${NOTION_ROOT_PAGE}", variables) == "abc/def"


def test_a_variable_outside_the_allow_list_is_refused_with_how_to_allow_it() -> None:
    """HOME is set but not allowed: refused, and the hint is a YAML line that allows it."""
    with pytest.raises(VariableProblem) as caught:
        expand("${HOME}", Variables({"HOME": "/home/ada"}))
    assert caught.value.message == (
        "${HOME} is refused: HOME is not an allowed variable (allowed: *_ID, *_PAGE)"
    )
    assert caught.value.hint == 'allow it in reconciler.yaml: env: ["*_ID", "*_PAGE", HOME]'


def test_a_refused_variable_is_refused_with_a_default_too() -> None:
    """${TEAM:-platform} does not fall back silently when TEAM is not allowed."""
    with pytest.raises(VariableProblem, match="TEAM is not an allowed variable"):
        expand("${TEAM:-platform}", Variables({}))


@pytest.mark.parametrize(
    "reference", ["Leak ${NOTION_TOKEN}", "${GITHUB_TOKEN:-none}", "${AWS_SECRET_ACCESS_KEY}"]
)
def test_a_secret_is_refused_whatever_the_allow_list_says(reference: str) -> None:
    """Even env: ["*"] never reads a secret-looking name, and the value is never shown."""
    environ = {
        "NOTION_TOKEN": "ntn_leaked_value",
        "GITHUB_TOKEN": "ghs_leaked_value",
        "AWS_SECRET_ACCESS_KEY": "aws_leaked_value",
    }
    with pytest.raises(VariableProblem) as caught:
        expand(reference, Variables(environ, ["*"]))
    assert "looks like a secret" in caught.value.message
    assert "leaked" not in caught.value.message + caught.value.hint


def test_an_allowed_variable_holding_a_secrets_value_is_refused() -> None:
    """ALIAS_ID copied from NOTION_TOKEN: the value is a secret, whatever the name says."""
    environ = {"NOTION_TOKEN": "ntn_copied_secret_value", "ALIAS_ID": "ntn_copied_secret_value"}
    with pytest.raises(VariableProblem) as caught:
        expand("${ALIAS_ID}", Variables(environ))
    assert caught.value.message == (
        "${ALIAS_ID} is refused: the value of ALIAS_ID holds a secret (NOTION_TOKEN)"
    )


def test_the_allowed_environment_lists_only_allowed_names() -> None:
    """Iterating shows what a manifest could read, nothing else."""
    environ = {"TASKS_DATABASE_ID": "a", "TEAM": "b", "HOME": "c", "SECRET_ID": "d"}
    assert sorted(Variables(environ, ["*_ID", "TEAM"])) == ["TASKS_DATABASE_ID", "TEAM"]
