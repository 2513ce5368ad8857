"""Manifests (YAML in git) to the frozen ``DesiredState``: loading, checking, building.

``load_desired_state(paths)`` finds the manifest files (refusing those a link leads out of the
repository), reads them safely with line marks, expands ``${VAR}`` of the variables
reconciler.yaml allows, checks them against ``schemas/manifest.schema.json``, turns every property
declaration and row value into canonical form through the property codecs, reads ``rows_from``
files and ``reconciler.yaml``, and checks references across databases. All problems of a run come
back at once as one ``ManifestError``. Used by the CLI (validate, plan, apply) and the planner.
"""

from reconciler.manifest.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES
from reconciler.manifest.loader import load_desired_state
from reconciler.manifest.project import Repository, find_repository, shown
from reconciler.manifest.repository import find_repository_root

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Repository",
    "find_repository",
    "find_repository_root",
    "load_desired_state",
    "shown",
]
