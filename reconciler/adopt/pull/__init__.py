"""``pull``: what Notion holds written back into the manifests, as reviewable minimal diffs.

``pull_manifests`` reads the live databases, turns Notion's edits into edits of the manifests
(changed values of every type, rows trashed or created in Notion, options added there, and with
``--schema`` properties added, renamed or retyped) and lets the editing engine compute the files'
new texts; ``write_pulled`` writes them. In a git checkout it never loses a hand edit: files with
uncommitted changes are refused unless forced, a value changed in the working tree is kept, and
one changed both there and in Notion stops the pull. ``report_lines`` and ``markdown_summary`` say
what it did, per row who edited it in Notion and when. Nothing here writes to Notion. Used by the
``pull`` and ``import`` commands through the ``reconciler.adopt`` facade.
"""

from reconciler.adopt.pull.findings import (
    Conflict,
    Origin,
    Pulled,
    RowChange,
    RowDrift,
    SchemaDrift,
)
from reconciler.adopt.pull.pulling import (
    PullConflict,
    PullRequest,
    UncommittedFiles,
    pull_manifests,
    write_pulled,
)
from reconciler.adopt.pull.summary import MARKER, markdown_summary, report_lines

__all__ = [
    "MARKER",
    "Conflict",
    "Origin",
    "PullConflict",
    "PullRequest",
    "Pulled",
    "RowChange",
    "RowDrift",
    "SchemaDrift",
    "UncommittedFiles",
    "markdown_summary",
    "pull_manifests",
    "report_lines",
    "write_pulled",
]
