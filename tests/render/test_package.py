"""The facade: each format's renderer is imported when first asked for, and is its module's own."""

from __future__ import annotations

import pytest

import reconciler.render
from reconciler.render import json, markdown, text


def test_the_names_of_each_format_are_those_of_its_module() -> None:
    """What the facade gives for a format's name is the object its module defines."""
    for module in (json, markdown, text):
        for name in module.__all__:
            if name in reconciler.render.__all__:
                assert getattr(reconciler.render, name) is getattr(module, name), name


def test_a_name_the_package_does_not_have_is_an_attribute_error() -> None:
    """Asking for what no format module exports fails as for any module."""
    with pytest.raises(AttributeError, match="no attribute 'render_html'"):
        _ = reconciler.render.render_html  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", reconciler.render.FORMATS)
def test_render_gives_what_the_format_renderer_gives(fmt: str) -> None:
    """``render`` imports the renderer of the format it is asked for and returns its text."""
    from tests.render.plans import every_kind_of_change

    plan = every_kind_of_change()
    direct = {
        "json": lambda: json.render_json(plan),
        "markdown": lambda: markdown.render_markdown(plan),
        "text": lambda: text.render_text(plan),
    }
    assert reconciler.render.render(plan, fmt) == direct[fmt]()
