"""Each row's page in a manifest: `_body`, `_body_from`, `_icon`, `_cover`, and `body_from`."""

from __future__ import annotations

import os

import pytest

from reconciler.model import DesiredBody
from tests.manifest.conftest import Repository

HEAD = """\
database: docs
parent: 00000000-0000-4000-8000-000000000001
title: Docs
key: Slug
properties:
  Name: title
  Slug: rich_text
  Kind: select
  Done: checkbox
"""


def _rows(repo: Repository, rows: str, head: str = HEAD) -> None:
    repo.write("manifests/docs.yaml", head + "rows:\n" + rows)


def test_an_inline_body_icon_and_cover_belong_to_the_row(repo: Repository) -> None:
    """`_body`, `_icon` and `_cover` are read as the row's page, not as properties."""
    _rows(
        repo,
        '  - {Slug: a, Name: A, _icon: "🚀", _cover: "https://example.com/c.png",'
        ' _body: "# Intro\\r\\nText"}\n',
    )
    (row,) = repo.load().databases[0].rows
    assert (row.icon, row.cover, row.body) == (
        "🚀",
        "https://example.com/c.png",
        DesiredBody("# Intro\nText"),
    )
    assert "_icon" not in row.values


def test_a_row_without_reserved_keys_manages_no_page_part(repo: Repository) -> None:
    """Icon, cover and body are None (not managed) unless named."""
    _rows(repo, "  - {Slug: a, Name: A}\n")
    (row,) = repo.load().databases[0].rows
    assert (row.icon, row.cover, row.body) == (None, None, None)


def test_a_null_icon_is_managed_and_empty(repo: Repository) -> None:
    """`_icon: null` asks for no icon ("" in canonical form)."""
    _rows(repo, "  - {Slug: a, Name: A, _icon: null, _cover: ''}\n")
    (row,) = repo.load().databases[0].rows
    assert (row.icon, row.cover) == ("", "")


def test_a_body_file_is_read_relative_to_the_manifest(repo: Repository) -> None:
    """`_body_from` names a file next to the manifest; the body remembers the file."""
    repo.write("manifests/pages/a.md", "Hello\n")
    _rows(repo, "  - {Slug: a, Name: A, _body_from: pages/a.md}\n")
    (row,) = repo.load().databases[0].rows
    assert DesiredBody("Hello\n", "manifests/pages/a.md") == row.body


def test_the_database_template_names_each_rows_file(repo: Repository) -> None:
    """`body_from: content/{Slug}.md` gives each row the file its key names."""
    repo.write("manifests/content/a.md", "Body of a")
    repo.write("manifests/content/b.md", "Body of b")
    _rows(
        repo,
        "  - {Slug: a, Name: A}\n  - {Slug: b, Name: B}\n",
        HEAD + "body_from: content/{Slug}.md\n",
    )
    rows = repo.load().databases[0].rows
    assert [r.body.markdown if r.body else None for r in rows] == ["Body of a", "Body of b"]


def test_a_missing_templated_file_leaves_the_body_unmanaged(repo: Repository) -> None:
    """A row whose templated file does not exist has no body; the database lists it."""
    repo.write("manifests/content/a.md", "Body of a")
    _rows(
        repo,
        "  - {Slug: a, Name: A}\n  - {Slug: b, Name: B}\n",
        HEAD + "body_from: content/{Slug}.md\n",
    )
    database = repo.load().databases[0]
    assert [r.body is None for r in database.rows] == [False, True]
    assert database.bodiless == ("b",)
    assert database.body_from == "content/{Slug}.md"


def test_a_rows_own_body_wins_over_the_template(repo: Repository) -> None:
    """`_body` on a row replaces what the template would name."""
    repo.write("manifests/content/a.md", "from the file")
    _rows(repo, "  - {Slug: a, Name: A, _body: inline}\n", HEAD + "body_from: content/{Slug}.md\n")
    (row,) = repo.load().databases[0].rows
    assert DesiredBody("inline") == row.body


def test_the_template_may_name_a_select(repo: Repository) -> None:
    """Select values fill a template as their option names."""
    repo.write("manifests/guide/a.md", "in guide")
    _rows(repo, "  - {Slug: a, Name: A, Kind: guide}\n", HEAD + "body_from: '{Kind}/{Slug}.md'\n")
    (row,) = repo.load().databases[0].rows
    assert row.body is not None
    assert row.body.markdown == "in guide"


PROBLEMS = [
    pytest.param(
        "  - {Slug: a, Name: A, _body_from: missing.md}\n",
        "",
        "body file 'manifests/missing.md': the file does not exist",
        id="missing _body_from file",
    ),
    pytest.param(
        "  - {Slug: a, Name: A, _body: x, _body_from: a.md}\n",
        "",
        "the row sets both `_body` and `_body_from`",
        id="both",
    ),
    pytest.param(
        "  - {Slug: a, Name: A, _icon: rocket}\n",
        "",
        "`_icon` 'rocket' is neither an emoji nor an https URL",
        id="icon that is a word",
    ),
    pytest.param(
        "  - {Slug: a, Name: A, _cover: 'http://example.com/c.png'}\n",
        "",
        "`_cover` 'http://example.com/c.png' is not an https URL",
        id="cover over http",
    ),
    pytest.param(
        "  - {Slug: a, Name: A, _body_from: ../../outside.md}\n",
        "",
        "is outside the repository",
        id="body file outside",
    ),
    pytest.param(
        "  - {Slug: a, Name: A}\n",
        "body_from: content/{Nope}.md\n",
        "body_from names 'Nope', which is not declared",
        id="template naming an undeclared property",
    ),
    pytest.param(
        "  - {Slug: a, Name: A}\n",
        "body_from: content/{Done}.md\n",
        "body_from names 'Done', a checkbox property",
        id="template naming a checkbox",
    ),
    pytest.param(
        "  - {Slug: a, Name: A}\n",
        "body_from: content/page.md\n",
        "names no property",
        id="template naming nothing",
    ),
    pytest.param(
        "  - {Slug: a, Name: A}\n",
        "icon: 42\n",
        "icon must be text or null",
        id="database icon",
    ),
]


@pytest.mark.parametrize(("rows", "extra", "message"), PROBLEMS)
def test_a_wrong_page_part_is_a_located_problem(
    repo: Repository, rows: str, extra: str, message: str
) -> None:
    """Each mistake is reported in the manifest, with a hint."""
    _rows(repo, rows, HEAD + extra)
    problems = repo.problems()
    assert [p for p in problems if message in p.message], [p.message for p in problems]
    assert all(p.file == "manifests/docs.yaml" and p.line > 0 and p.hint for p in problems)


def test_front_matter_in_a_body_file_is_refused(repo: Repository) -> None:
    """YAML front matter would become body text in Notion: the file is refused, at line 1."""
    repo.write("manifests/a.md", "---\ntitle: A\n---\nBody\n")
    _rows(repo, "  - {Slug: a, Name: A, _body_from: a.md}\n")
    (problem,) = repo.problems()
    assert (problem.file, problem.line) == ("manifests/a.md", 1)
    assert "front matter" in problem.message


def test_a_divider_first_is_not_front_matter(repo: Repository) -> None:
    """A body that starts with a divider and text is a body, not front matter."""
    repo.write("manifests/a.md", "---\nJust text\n---\n")
    _rows(repo, "  - {Slug: a, Name: A, _body_from: a.md}\n")
    (row,) = repo.load().databases[0].rows
    assert row.body is not None


def test_a_link_out_of_the_repository_is_refused(repo: Repository, tmp_path_factory) -> None:
    """A body file that is a link to a file outside the repository is never read."""
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("secret", encoding="utf-8")
    (repo.root / "manifests").mkdir()
    os.symlink(outside, repo.root / "manifests" / "a.md")
    _rows(repo, "  - {Slug: a, Name: A, _body_from: a.md}\n")
    (problem,) = repo.problems()
    assert "outside the repository" in problem.message


def test_a_property_may_not_be_named_like_a_reserved_key(repo: Repository) -> None:
    """Declaring `_body` as a property is refused: the key describes the page."""
    repo.write("manifests/docs.yaml", HEAD + "  _body: rich_text\n")
    problems = repo.problems()
    assert [p.message[: len("'_body' is a reserved row key")] for p in problems] == [
        "'_body' is a reserved row key"
    ]


def test_csv_rows_may_set_the_page(repo: Repository) -> None:
    """A rows_from CSV file may carry `_icon` and `_body_from` columns (empty cell: unset)."""
    repo.write("manifests/a.md", "From CSV")
    repo.write("manifests/docs.csv", "Slug,Name,_icon,_body_from\na,A,🚀,a.md\nb,B,,\n")
    repo.write("manifests/docs.yaml", HEAD + "rows_from: docs.csv\n")
    rows = repo.load().databases[0].rows
    assert [(r.icon, r.body.markdown if r.body else None) for r in rows] == [
        ("🚀", "From CSV"),
        (None, None),
    ]
