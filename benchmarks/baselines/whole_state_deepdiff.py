"""The baseline differ: one DeepDiff of the whole desired state against the whole live state.

Run as a child process by the plan scenario, once per engine, so that each one's peak memory is
measured alone: load the manifests of the repository in the current folder, read the live state
through the gateway from ``NOTION_BASE_URL`` (not timed), then time the diff:

- ``deepdiff``: ``benchmarks.plan_diff.naive``, every row of both sides resolved to comparable
  values and keyed by row key, then one ``DeepDiff`` of everything (what a plan without hashes
  costs);
- ``plan``: the reconciler's ``make_plan`` and its three renderings
  (``benchmarks.plan_diff.diff_and_render``).

Prints ``{"engine", "diff_cpu_seconds", "found"}`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.plan_diff import diff_and_render, naive
from reconciler import logs
from reconciler.config import RateLimitSettings, Secret
from reconciler.manifest import load_desired_state
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.readspec import read_specs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["deepdiff", "plan"])
    args = parser.parse_args()
    logs.configure(debug=False)
    root = Path.cwd()
    desired = load_desired_state(["manifests"], cwd=root, root=root)
    gateway = NotionGateway(
        Secret(os.environ["NOTION_TOKEN"]),
        base_url=os.environ["NOTION_BASE_URL"],
        rate_limit=RateLimitSettings(rps=0),
    )
    live = gateway.read_state(read_specs(desired))
    gateway.close()
    started = time.process_time()
    if args.engine == "deepdiff":
        found = naive(desired, live)
    else:
        found = len(diff_and_render(desired, live).changes)
    cpu = time.process_time() - started
    sys.stdout.write(
        json.dumps({"engine": args.engine, "diff_cpu_seconds": cpu, "found": found}) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
