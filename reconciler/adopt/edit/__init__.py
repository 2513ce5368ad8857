"""Minimal edits of manifests and their data files: what ``pull`` writes back into git.

Given edits addressed by database handle and row key (``SetValue``, ``SetBody``, ``RemoveRow``,
``AddRow``, ``AddOption``, and for schema changes ``DeclareProperty``, ``RenameProperty``,
``ChangeType``), ``edit_manifests`` computes each file's new text and ``write_changes`` writes
them. Only the characters an edit changes are replaced: comments, blank lines, key order, quoting,
flow or block style and anchors of everything else stay byte for byte, in YAML manifests (several
documents per file), ``rows_from`` CSV files (header, column order, quoting and line endings
kept), YAML or JSON data files, and the Markdown files rows take their page bodies from
(rewritten whole, their line endings kept; one named through a symbolic link is left alone). A
value written as ``${VAR}`` or shared through an anchor is never overwritten: the edit comes back
as not applied, with the reason. Every result is loaded again through the manifest reader and
must read as the manifests with exactly those edits made; nothing else is written. Used by
``pull`` through the ``reconciler.adopt`` facade.
"""

from reconciler.adopt.edit.edits import (
    AddOption,
    AddRow,
    ChangeType,
    DeclareProperty,
    Edit,
    EditOutcome,
    FileChange,
    NotApplied,
    RemoveRow,
    RenameProperty,
    SetBody,
    SetValue,
)
from reconciler.adopt.edit.engine import edit_manifests
from reconciler.adopt.edit.writing import FilesChanged, write_changes

__all__ = [
    "AddOption",
    "AddRow",
    "ChangeType",
    "DeclareProperty",
    "Edit",
    "EditOutcome",
    "FileChange",
    "FilesChanged",
    "NotApplied",
    "RemoveRow",
    "RenameProperty",
    "SetBody",
    "SetValue",
    "edit_manifests",
    "write_changes",
]
