"""Manifests built to hurt are refused clearly, by the real CLI, in bounded time and memory.

Each case writes a hostile repository, runs ``reconciler validate`` in a subprocess capped in
memory, CPU and wall-clock time (``conftest.run_caged``), and expects exit 1 with a message
that names the offending file, says what is wrong and how to fix it (``hint:``), and no
traceback. A regression that expands an alias bomb, recurses without end or reads a pipe forever
hits a cap and fails the test instead of hanging the machine.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    TASKS_HEAD,
    HostileRepository,
    one_string_aliased_by_500_rows,
    run_caged,
)

HEAD = TASKS_HEAD
DATA = "manifests/data"


@dataclass(frozen=True)
class Hostile:
    """A hostile repository: how to write it, which file the refusal names, what it says."""

    name: str
    write: Callable[[HostileRepository], None]
    file: str
    says: str
    quick: bool = False  # one of each kind runs by default; the others with -m slow


def _manifest(text: str | bytes) -> Callable[[HostileRepository], None]:
    def write(repo: HostileRepository) -> None:
        repo.manifest(text)

    return write


def _rows_from(name: str, content: str | bytes) -> Callable[[HostileRepository], None]:
    def write(repo: HostileRepository) -> None:
        repo.manifest(HEAD + f"rows_from: data/{name}\n")
        repo.write(f"{DATA}/{name}", content)

    return write


def _linked_rows_from(target: Callable[[HostileRepository], Path]) -> Callable[..., None]:
    def write(repo: HostileRepository) -> None:
        repo.manifest(HEAD + "rows_from: data/rows.csv\n")
        (repo.root / DATA).mkdir(parents=True)
        os.symlink(target(repo), repo.root / DATA / "rows.csv")

    return write


def _outside_file(repo: HostileRepository) -> Path:
    path = repo.outside / "secrets.csv"
    path.write_text("Name\nstolen\n", encoding="utf-8")
    return path


def _fifo_rows_from(repo: HostileRepository) -> None:
    repo.manifest(HEAD + "rows_from: data/rows.csv\n")
    (repo.root / DATA).mkdir(parents=True)
    os.mkfifo(repo.root / DATA / "rows.csv")


def _fifo_manifest(repo: HostileRepository) -> None:
    os.mkfifo(repo.root / "manifests" / "tasks.yaml")


def _device_manifest(repo: HostileRepository) -> None:
    os.symlink("/dev/zero", repo.root / "manifests" / "tasks.yaml")


def _outside_rows_from(entry: str) -> Callable[[HostileRepository], None]:
    def write(repo: HostileRepository) -> None:
        _outside_file(repo)
        repo.manifest(HEAD + f"rows_from: {entry.format(outside=repo.outside)}\n")

    return write


def _binary_junk() -> bytes:
    junk = random.Random(9).randbytes(64 * 1024)
    return b"\xff" + junk


def _billion_laughs() -> str:
    lines = [HEAD, "bomb:\n", '  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  - &{name} [{', '.join([f'*{previous}'] * 8)}]\n")
    return "".join(lines)


def _merge_bomb() -> str:
    """Each anchor merges the previous one eight times over under new keys."""
    lines = [HEAD, "x0: &x0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n"]
    for level in range(1, 10):
        items = ", ".join(f"k{n}: *x{level - 1}" for n in range(8))
        lines.append(f"x{level}: &x{level} {{<<: *x{level - 1}, {items}}}\n")
    return "".join(lines)


def _rows(count: int) -> str:
    return "Name\n" + "".join(f"task {n}\n" for n in range(count))


HOSTILE: list[Hostile] = [
    Hostile(
        "deep flow nesting",
        _manifest(HEAD + "rows:\n  - {Name: a, Notes: " + "[" * 200_000 + "]" * 200_000 + "}\n"),
        "manifests/tasks.yaml:8:",
        "nested more than 64 levels deep",
        quick=True,
    ),
    Hostile(
        "deep block nesting",
        _manifest(HEAD + "extra:\n" + "".join(" " * n + "- \n" for n in range(1, 2000))),
        "manifests/tasks.yaml",
        "nested more than 64 levels deep",
    ),
    Hostile(
        "deep JSON rows_from",
        _rows_from("rows.json", "[" * 100_000 + "]" * 100_000),
        "manifests/data/rows.json",
        "nested too deeply",
    ),
    Hostile(
        "deep YAML rows_from",
        _rows_from("rows.yaml", "- " + "[" * 100_000 + "]" * 100_000 + "\n"),
        "manifests/data/rows.yaml:1:",
        "nested more than 64 levels deep",
    ),
    Hostile(
        "a 9 MiB string",
        _manifest(HEAD + "rows:\n  - {Name: " + "a" * (9 * 1024 * 1024) + "}\n"),
        "manifests/tasks.yaml",
        "Notion takes at most 100",
    ),
    Hostile(
        "1 MB of rich text",
        _manifest(HEAD + "rows:\n  - {Name: big, Notes: " + "b" * 1_000_000 + "}\n"),
        "manifests/tasks.yaml",
        "Notes: the text needs 500 rich text items",
        quick=True,
    ),
    Hostile(
        "a manifest over 10 MiB",
        _manifest(HEAD + "# " + "x" * (11 * 1024 * 1024) + "\n"),
        "manifests/tasks.yaml",
        "files over 10 MiB are refused",
    ),
    Hostile(
        "a rows_from file over 10 MiB",
        _rows_from("rows.csv", "Name\n" + "x" * 100 + "\n" + "y" * (11 * 1024 * 1024) + "\n"),
        "manifests/tasks.yaml",
        "rows_from 'data/rows.csv': the file is 11.0 MiB; files over 10 MiB are refused",
    ),
    Hostile(
        "billion laughs",
        _manifest(_billion_laughs()),
        "manifests/tasks.yaml",
        "aliases expand to more than 200,000 nodes",
        quick=True,
    ),
    Hostile(
        "a merge-key bomb",
        _manifest(_merge_bomb()),
        "manifests/tasks.yaml",
        "aliases expand to more than 200,000 nodes",
    ),
    Hostile(
        "one 195 KB string aliased by 500 rows",
        _manifest(one_string_aliased_by_500_rows()),
        "manifests/tasks.yaml:60:27:",
        "aliases expand to more than 10,000,000 characters",
        quick=True,
    ),
    Hostile(
        "binary junk",
        _manifest(_binary_junk()),
        "manifests/tasks.yaml",
        "the file is not UTF-8 text",
        quick=True,
    ),
    Hostile(
        "invalid UTF-8 in a value",
        _manifest(HEAD.encode() + b"rows:\n  - {Name: caf\xc3\x28}\n"),
        "manifests/tasks.yaml",
        "the file is not UTF-8 text: byte 0xc3 cannot be decoded",
    ),
    Hostile(
        "UTF-16",
        _manifest(HEAD.encode("utf-16")),
        "manifests/tasks.yaml",
        "the file is not UTF-8 text",
    ),
    Hostile(
        "a NUL byte in CSV rows",
        _rows_from("rows.csv", b"Name,Notes\nwrite\x00docs,x\n"),
        "manifests/data/rows.csv",
        "NUL byte",
    ),
    Hostile(
        "rows_from climbing out with ../",
        _outside_rows_from("../../../secrets.csv"),
        "manifests/tasks.yaml",
        "is outside the repository",
        quick=True,
    ),
    Hostile(
        "rows_from by absolute path",
        _outside_rows_from("{outside}/secrets.csv"),
        "manifests/tasks.yaml",
        "is outside the repository",
    ),
    Hostile(
        "rows_from through a symlink out of the repository",
        _linked_rows_from(_outside_file),
        "manifests/tasks.yaml",
        "is outside the repository",
    ),
    Hostile(
        "rows_from through a symlink to /dev/zero",
        _linked_rows_from(lambda _: Path("/dev/zero")),
        "manifests/tasks.yaml",
        "is outside the repository",
    ),
    Hostile(
        "rows_from naming a named pipe",
        _fifo_rows_from,
        "manifests/tasks.yaml",
        "not a regular file",
        quick=True,
    ),
    Hostile(
        "a manifest that is a named pipe",
        _fifo_manifest,
        "manifests/tasks.yaml",
        "not a regular file",
    ),
    Hostile(
        "a manifest linked to /dev/zero",
        _device_manifest,
        "manifests/tasks.yaml",
        "not a regular file",
        quick=True,
    ),
    Hostile(
        "100,001 rows",
        _rows_from("rows.csv", _rows(100_001)),
        "manifests/tasks.yaml",
        "has 100,001 rows; a manifest manages at most 100,000 rows per database",
        quick=True,
    ),
    Hostile(
        "a key with an escape sequence",
        _manifest(HEAD + 'rows:\n  - {Name: "\\e]0;owned\\a\\e[2J"}\n'),
        "manifests/tasks.yaml",
        "contains the control character U+001B",
        quick=True,
    ),
    Hostile(
        "a key with a line break",
        _manifest(HEAD + 'rows:\n  - {Name: "write\\ndocs"}\n'),
        "manifests/tasks.yaml",
        "contains the control character U+000A",
    ),
    Hostile(
        "a key with a NUL",
        _manifest(HEAD + 'rows:\n  - {Name: "write\\0docs"}\n'),
        "manifests/tasks.yaml",
        "contains the control character U+0000",
    ),
    Hostile(
        "a key with a right-to-left override",
        _manifest(HEAD + 'rows:\n  - {Name: "invoice\\u202Efdp.exe"}\n'),
        "manifests/tasks.yaml",
        "contains the control character U+202E",
    ),
    Hostile(
        "a CSV key with a control character",
        _rows_from("rows.csv", "Name\nbell\x07here\n"),
        "manifests/data/rows.csv",
        "contains the control character U+0007",
    ),
    Hostile(
        "a python object tag",
        _manifest(HEAD + "rows:\n  - !!python/object/apply:os.system [echo owned]\n"),
        "manifests/tasks.yaml",
        "unsupported YAML tag !!python/object/apply:os.system",
        quick=True,
    ),
    Hostile(
        "a binary tag",
        _manifest(HEAD + "rows:\n  - {Name: !!binary aGVsbG8=}\n"),
        "manifests/tasks.yaml",
        "unsupported YAML tag !!binary",
    ),
    Hostile(
        "a set tag",
        _manifest(HEAD + "rows:\n  - !!set {Name: a}\n"),
        "manifests/tasks.yaml",
        "unsupported YAML tag !!set",
    ),
    Hostile(
        "an include tag",
        _manifest(HEAD + "rows: !include /etc/passwd\n"),
        "manifests/tasks.yaml",
        "unsupported YAML tag !include",
    ),
    Hostile(
        "a 100,000-digit number",
        _manifest(HEAD + "rows:\n  - {Name: a, Estimate: " + "9" * 100_000 + "}\n"),
        "manifests/tasks.yaml",
        "Estimate: a number must be finite, not inf",
    ),
    Hostile(
        "a 100,000-digit number in CSV",
        _rows_from("rows.csv", "Name,Estimate\na," + "9" * 100_000 + "\n"),
        "manifests/data/rows.csv",
        "Estimate: a number must be finite, not inf",
    ),
    Hostile(
        "a 5,000-digit number in JSON",
        _rows_from("rows.json", '[{"Name": "a", "Estimate": ' + "9" * 5000 + "}]"),
        "manifests/data/rows.json",
        "Estimate: a number must be finite, not inf",
    ),
    Hostile(
        "a 400-digit number",
        _manifest(HEAD + "rows:\n  - {Name: a, Estimate: " + "9" * 350 + "}\n"),
        "manifests/tasks.yaml",
        "Estimate: a number must be finite, not inf",
    ),
]


CASES = [
    pytest.param(case, id=case.name, marks=() if case.quick else (pytest.mark.slow,))
    for case in HOSTILE
]


@pytest.mark.parametrize("case", CASES)
def test_hostile_manifest_is_refused_clearly(
    case: Hostile, hostile_repo: HostileRepository
) -> None:
    """Exit 1, the file named, a hint, no traceback, within the memory, CPU and time caps."""
    case.write(hostile_repo)
    run = run_caged(hostile_repo.root, "validate")
    refused = 1
    assert refused == run.exit_code, run.output[-2000:]
    assert "Traceback" not in run.output
    assert "this is a bug" not in run.output
    assert case.says in run.output
    problem_lines = [line for line in run.output.splitlines() if case.says in line]
    assert problem_lines[0].startswith(case.file), problem_lines[0][:300]
    assert "hint:" in run.output


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        pytest.param(
            _billion_laughs, "aliases expand to more than 200,000 nodes", id="an alias bomb"
        ),
        pytest.param(
            one_string_aliased_by_500_rows,
            "manifests/tasks.yaml:60:27: aliases expand to more than 10,000,000 characters",
            id="one 195 KB string aliased by 500 rows",  # it made plan --local print 97.5 MB
        ),
    ],
)
def test_a_plan_refuses_hostile_manifests_before_contacting_notion(
    manifest: Callable[[], str], says: str, hostile_repo: HostileRepository
) -> None:
    """plan loads manifests through the same checks: one short refusal, no workspace is made."""
    hostile_repo.manifest(manifest())
    run = run_caged(hostile_repo.root, "plan", "--local")
    refused = 1
    assert refused == run.exit_code, run.output[-2000:]
    assert says in run.output
    assert len(run.output) < 2000
    assert not (hostile_repo.root / ".reconciler" / "local.sqlite").exists()


@pytest.mark.slow
def test_twenty_thousand_manifest_documents_are_validated_not_hung(
    hostile_repo: HostileRepository,
) -> None:
    """Ordering many databases is not quadratic: 20,000 of them validate within the caps."""
    hostile_repo.manifest(
        "".join(
            f"---\ndatabase: t{n}\ntitle: T{n}\nproperties:\n  Name: title\n" for n in range(20_000)
        )
    )
    run = run_caged(hostile_repo.root, "validate")
    valid = 0
    assert valid == run.exit_code, run.output[-2000:]
    assert "valid: 20000 databases, 0 rows" in run.output


@pytest.mark.slow
def test_100001_inline_rows_are_refused(hostile_repo: HostileRepository) -> None:
    """The row limit holds for rows written in the manifest itself, not only rows_from."""
    hostile_repo.manifest(
        HEAD + "rows:\n" + "".join(f"  - {{Name: t{n}}}\n" for n in range(100_001))
    )
    run = run_caged(hostile_repo.root, "validate")
    refused = 1
    assert refused == run.exit_code, run.output[-2000:]
    assert "has 100,001 rows" in run.output
