"""A body as escaped HTML (export), and the unified diff of two bodies (plans)."""

from __future__ import annotations

from reconciler.bodies import body_diff, body_html


def test_text_never_becomes_markup() -> None:
    """Tags, entities and quotes in a body are shown as text."""
    html = body_html('A <script>alert("x")</script> & <b>bold</b>\n<img src=x onerror=alert(1)>')
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_only_web_and_mail_links_are_links() -> None:
    """A javascript: or data: target leaves its text unlinked; https and mailto link."""
    html = body_html(
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.com) [d](mailto:a@b.c)"
    )
    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert '<a href="https://example.com">c</a>' in html
    assert '<a href="mailto:a@b.c">d</a>' in html


def test_blocks_become_their_elements() -> None:
    """Headings, lists, to-dos, code and tables are their HTML elements."""
    html = body_html(
        "## Title\n- one\n- two\n1. first\n- [x] done\n```python\nx < 1\n```\n| h |\n| - |\n| c |"
    )
    assert "<h2>Title</h2>" in html
    assert "<ul>\n<li>one\n</li>\n<li>two\n</li>\n</ul>\n<ol>" in html
    assert '<input type="checkbox" disabled checked> done' in html
    assert '<pre><code class="language-python">x &lt; 1</code></pre>' in html
    assert "<tr><th>h</th></tr>" in html
    assert "<tr><td>c</td></tr>" in html


def test_a_diff_shows_the_changed_lines_in_canonical_form() -> None:
    """Normalised noise (markers, blank lines) is not in the diff; the changed line is."""
    old = "# Plan\n\n* first\n* second\n"
    new = "# Plan\n- first\n- third\n"
    assert body_diff(old, new) == (
        "@@ -1,3 +1,3 @@",
        " # Plan",
        " - first",
        "-- second",
        "+- third",
    )


def test_a_removed_divider_is_a_line_of_the_diff() -> None:
    """A removed ``---`` shows as ``----``, not mistaken for a file header."""
    assert body_diff("text\n---", "text") == ("@@ -1,2 +1 @@", " text", "----")


def test_equal_bodies_have_no_diff() -> None:
    """Bodies equal in canonical form give an empty diff."""
    assert body_diff("*a*\n\n", "_a_") == ()


def test_a_body_from_nothing_is_all_additions() -> None:
    """A new body's diff adds every line."""
    assert body_diff("", "one\ntwo") == ("@@ -0,0 +1,2 @@", "+one", "+two")
