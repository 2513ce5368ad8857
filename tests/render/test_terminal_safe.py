"""Text from manifests or Notion printed outside a rendered plan cannot drive the terminal."""

from __future__ import annotations

from reconciler.render import terminal_safe


def test_control_characters_become_visible_escapes() -> None:
    """An escape sequence, a carriage return and a direction override are shown, not obeyed."""
    shown = terminal_safe("tasks/create_row/a\x1b[2Jb\rc\u202ed")
    assert shown == "tasks/create_row/a\\x1b[2Jb\\x0dc\\u202ed"


def test_ordinary_text_is_unchanged() -> None:
    """Letters, emoji, tabs and line breaks pass through."""
    text = "Write the docs 📝\tnow\nplease"
    assert terminal_safe(text) == text
