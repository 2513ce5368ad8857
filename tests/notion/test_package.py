"""The package's public surface: a sorted __all__, and NotionGateway conforming to Gateway."""

from __future__ import annotations

import pytest

import reconciler.notion
from reconciler.config import Secret
from reconciler.notion import Gateway, NotionGateway


def test_public_names_are_sorted_and_importable() -> None:
    """__all__ lists every public name once, sorted as ruff (RUF022) sorts it: constants, then
    classes, then functions, and each one exists."""
    names = reconciler.notion.__all__

    def kind(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert names == sorted(set(names), key=kind)
    assert [n for n in names if not hasattr(reconciler.notion, n)] == []


def test_notion_gateway_implements_the_gateway_protocol() -> None:
    """The implementation has every member the seam promises."""
    gateway = NotionGateway(Secret("ntn_0123456789abcdefghij"), base_url="http://127.0.0.1:9")
    try:
        assert isinstance(gateway, Gateway)
    finally:
        gateway.close()


def test_gateway_repr_shows_where_it_talks_not_the_token() -> None:
    """repr names the API and the version, never the token."""
    gateway = NotionGateway(Secret("ntn_0123456789abcdefghij"), notion_version="2026-03-11")
    try:
        assert repr(gateway) == "NotionGateway('https://api.notion.com', version='2026-03-11')"
    finally:
        gateway.close()


def test_the_inspector_comes_from_its_module_when_asked_for() -> None:
    """The inspector's names, imported when first asked for, are its module's own; a name the
    package does not have is still an AttributeError."""
    from reconciler.notion import inspect

    assert reconciler.notion.Inspector is inspect.Inspector
    assert reconciler.notion.SHARING_HINT is inspect.SHARING_HINT
    with pytest.raises(AttributeError, match="no attribute 'Inspectr'"):
        _ = reconciler.notion.Inspectr  # type: ignore[attr-defined]
