"""``reconciler emulator serve --example-people`` and ``--seed FILE``: a served workspace that the
example manifests can be applied to, and seeds refused with a clear message.

The example manifests name people by e-mail (alan@example.com, ...): against an empty served
emulator, plan fails because no such user exists. Started with the example people, the
workspace applies and then plans empty, as a user following the README would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def served(*options: str) -> Iterator[str]:
    """`reconciler emulator serve --port 0 --rate-limit 0 OPTIONS` in a child; its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0", "--rate-limit",
         "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Notion emulator listening on "), process.stderr
        yield first.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def reconciler(repo: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in ``repo`` against the served emulator, with its default token."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    environ.update(NOTION_BASE_URL=url, NOTION_TOKEN="secret_emulator")
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A repository holding the example manifests (the client's own rate limit lifted: the
    served emulator has none)."""
    shutil.copytree(ROOT / "manifests", tmp_path / "manifests")
    settings = "manifests: manifests\nrate_limit: {rps: 1000, burst: 1000}\n"
    (tmp_path / "reconciler.yaml").write_text(settings, encoding="utf-8")
    return tmp_path


def test_the_example_manifests_apply_to_an_emulator_served_with_the_example_people(
    example: Path,
) -> None:
    """apply --yes exits 0, then plan --detailed-exitcode exits 0 (nothing left to change)."""
    with served("--example-people") as url:
        applied = reconciler(example, url, "apply", "--yes")
        planned = reconciler(example, url, "plan", "--detailed-exitcode")
    assert (applied.returncode, planned.returncode) == (0, 0), applied.stderr + planned.stderr


def test_without_the_example_people_the_examples_name_people_nobody_is(example: Path) -> None:
    """The failure --example-people exists for: plan exits 1 naming the missing e-mail."""
    with served() as url:
        planned = reconciler(example, url, "plan")
    assert (planned.returncode, "alan@example.com" in planned.stdout + planned.stderr) == (1, True)


def test_a_seed_file_installs_its_users_before_clients_connect(tmp_path: Path) -> None:
    """--seed FILE takes the admin seed JSON; the served workspace lists the seeded person."""
    seed = tmp_path / "seed.json"
    person = {"name": "Bob", "type": "person", "person": {"email": "bob@example.com"}}
    seed.write_text(json.dumps({"users": [person]}), encoding="utf-8")
    with served("--seed", str(seed)) as url:
        headers = {"Authorization": "Bearer secret_emulator", "Notion-Version": "2025-09-03"}
        users = httpx.get(f"{url}/v1/users", headers=headers).json()["results"]
    assert "bob@example.com" in [u.get("person", {}).get("email") for u in users]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"users": [', "seed.json:2:1: the seed is not JSON (Expecting value)"),
        ('["Ada"]', "seed.json: the seed must be a JSON object with users, pages and databases"),
        ('{"users": 3}', "seed.json: the seed was refused: seed.users must be a list of objects"),
        ('{"people": []}', "seed.json: the seed was refused: unknown seed keys: people"),
    ],
    ids=["not-json", "not-an-object", "users-not-a-list", "unknown-key"],
)
def test_a_seed_file_the_emulator_cannot_install_is_refused_clearly(
    tmp_path: Path, content: str, message: str
) -> None:
    """Exit 1, the file and the problem named, a hint, no traceback, nothing served."""
    seed = tmp_path / "seed.json"
    seed.write_text(content + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["emulator", "serve", "--port", "0", "--seed", str(seed)])
    assert (result.exit_code, message in result.output) == (1, True), result.output
    assert "Traceback" not in result.output


def test_a_missing_seed_file_is_refused_clearly(tmp_path: Path) -> None:
    """Exit 1 naming the file."""
    missing = tmp_path / "nope.json"
    result = CliRunner().invoke(cli, ["emulator", "serve", "--port", "0", "--seed", str(missing)])
    assert (result.exit_code, f"{missing}: no such seed file" in result.output) == (1, True)
