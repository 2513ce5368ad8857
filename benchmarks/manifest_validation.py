"""Benchmark: CPU time to validate 10,000 rows across three related databases.

Writes a repository into a temporary folder (people 2,000 rows, projects 1,000 rows, tasks 7,000
rows, with relations by key between them and a self-relation, most writable types), then times
``load_desired_state`` (YAML, schema, codecs, keys, references) in CPU seconds, best of a few
runs. Run: ``python benchmarks/manifest_validation.py [--rows 10000] [--runs 5]``. The report
is benchmarks/REPORT-manifest.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from reconciler.manifest import load_desired_state

PEOPLE = """\
database: people
title: People
key: Email
prune: true
properties:
  Name: title
  Email: email
  Phone: phone_number
  Team: {type: select, options: [Engineering, Design, Research]}
  Office: place
rows:
"""
PROJECTS = """\
database: projects
title: Projects
prune: true
properties:
  Name: title
  Summary: rich_text
  Budget: {type: number, format: dollar}
  Timeline: date
  Site: url
  Lead: {type: relation, database: people}
  Team size: {type: rollup, relation: Lead, property: Name, function: count}
rows:
"""
TASKS = """\
database: tasks
title: Tasks
key: Slug
prune: true
properties:
  Name: title
  Slug: rich_text
  Status: {type: status, options: [Not started, In progress, Done]}
  Tags: {type: multi_select, options: [docs, frontend, backend, data]}
  Estimate: number
  Due: date
  Owner: people
  Project: {type: relation, database: projects}
  Blocked by: {type: relation, database: tasks}
  Done: checkbox
  Effort: {type: formula, expression: 'prop("Estimate") * 8'}
rows:
"""


def write_repository(root: Path, total: int) -> None:
    """Three manifests with ``total`` rows: 20% people, 10% projects, 70% tasks."""
    people, projects = total // 5, total // 10
    tasks = total - people - projects
    folder = root / "manifests"
    folder.mkdir()
    (root / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    lines = [PEOPLE]
    lines += [
        f"  - {{Name: Person {i}, Email: person{i}@example.com, Phone: '+1 555 {i:04d}',"
        f" Team: Engineering, Office: {{lat: 51.5, lon: -0.12}}}}\n"
        for i in range(people)
    ]
    (folder / "people.yaml").write_text("".join(lines), encoding="utf-8")
    lines = [PROJECTS]
    lines += [
        f"  - {{Name: Project {i}, Summary: Project number {i}, Budget: {1000 + i},"
        f" Timeline: {{start: 2026-09-01, end: 2026-12-15}}, Site: 'https://example.com/{i}',"
        f" Lead: [person{i % people}@example.com]}}\n"
        for i in range(projects)
    ]
    (folder / "projects.yaml").write_text("".join(lines), encoding="utf-8")
    lines = [TASKS]
    lines += [
        f"  - {{Slug: task-{i}, Name: Task {i}, Status: In progress, Tags: [docs, backend],"
        f" Estimate: {i % 13}, Due: 2026-10-01T17:00:00+02:00,"
        f" Owner: [person{i % people}@example.com], Project: [Project {i % projects}],"
        f" Blocked by: [task-{max(i - 1, 0)}], Done: false}}\n"
        for i in range(tasks)
    ]
    (folder / "tasks.yaml").write_text("".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_repository(root, args.rows)
        timings = []
        for _ in range(args.runs):
            start = time.process_time()
            state = load_desired_state(environ={}, cwd=root, root=root)
            timings.append(time.process_time() - start)
    rows = sum(len(db.rows) for db in state.databases)
    print(f"rows validated: {rows} in {len(state.databases)} databases")
    print("CPU seconds per run: " + ", ".join(f"{t:.2f}" for t in timings))
    print(f"best {min(timings):.2f} s, median {sorted(timings)[len(timings) // 2]:.2f} s")
    print(f"python {platform.python_version()}, {platform.machine()}, {platform.processor()}")
    versions = {name: metadata.version(name) for name in ("PyYAML", "jsonschema")}
    print(", ".join(f"{k} {v}" for k, v in versions.items()) + f", libyaml: {_libyaml()}")
    return 0


def _libyaml() -> bool:
    import yaml

    return bool(yaml.__with_libyaml__)


if __name__ == "__main__":
    sys.exit(main())
