"""Adoption: live databases into manifests (``import``) and live rows into files (``export``).

The inverse of the manifest reader: what Notion holds, written as manifest values that read back
to the same canonical values (``values``), with a key chosen among the properties (``keys``),
comments to review (``manifests``), rows as YAML, JSON or CSV (``rows``), and one file per
page, Markdown or HTML, with its body (``pages``). The YAML itself is
written by ``reconciler.manifest.yaml_writer``, the mirror of the reader. Used by the CLI's
``import`` and ``export`` commands, which import this facade only. ``edit`` changes existing
manifests minimally (``edit_manifests``, ``write_changes``); ``pull`` reads Notion and writes its
edits back into the manifests through it (``pull_manifests``, ``write_pulled``).
"""

from reconciler.adopt.edit import (
    AddOption,
    AddRow,
    ChangeType,
    DeclareProperty,
    Edit,
    EditOutcome,
    FileChange,
    FilesChanged,
    NotApplied,
    RemoveRow,
    RenameProperty,
    SetBody,
    SetValue,
    edit_manifests,
    write_changes,
)
from reconciler.adopt.importing import (
    ImportRequest,
    ImportWritten,
    import_databases,
    parse_database_id,
    write_imported,
)
from reconciler.adopt.manifests import ImportedManifest, handle_for
from reconciler.adopt.pages import PAGE_FORMATS, PageFile, page_files, with_bodies
from reconciler.adopt.pull import (
    PullConflict,
    Pulled,
    PullRequest,
    UncommittedFiles,
    markdown_summary,
    pull_manifests,
    report_lines,
    write_pulled,
)
from reconciler.adopt.rows import (
    FORMATS,
    Table,
    csv_text,
    escaped_item,
    json_text,
    naming_of,
    records,
    table_of,
    tables_of,
    yaml_text,
)
from reconciler.adopt.values import Naming

__all__ = [
    "FORMATS",
    "PAGE_FORMATS",
    "AddOption",
    "AddRow",
    "ChangeType",
    "DeclareProperty",
    "Edit",
    "EditOutcome",
    "FileChange",
    "FilesChanged",
    "ImportRequest",
    "ImportWritten",
    "ImportedManifest",
    "Naming",
    "NotApplied",
    "PageFile",
    "PullConflict",
    "PullRequest",
    "Pulled",
    "RemoveRow",
    "RenameProperty",
    "SetBody",
    "SetValue",
    "Table",
    "UncommittedFiles",
    "csv_text",
    "edit_manifests",
    "escaped_item",
    "handle_for",
    "import_databases",
    "json_text",
    "markdown_summary",
    "naming_of",
    "page_files",
    "parse_database_id",
    "pull_manifests",
    "records",
    "report_lines",
    "table_of",
    "tables_of",
    "with_bodies",
    "write_changes",
    "write_imported",
    "write_pulled",
    "yaml_text",
]
