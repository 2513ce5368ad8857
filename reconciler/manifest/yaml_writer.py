"""Writing YAML that the manifest reader reads back as exactly the values written.

The manifest reader follows the YAML 1.2 core schema and expands ``${VAR}`` in every scalar;
PyYAML writes for YAML 1.1. So text that the core schema would read as something else (``1e3``,
``0o17``, ``true``) is quoted, and in manifests every ``${`` is written ``$${`` (a literal
``${``), so imported text never turns into an environment lookup. Data files (``rows_from``,
exports) are never substituted and keep ``${`` as it is. Mappings keep their order; leaf lists
and mappings are written in flow style (``Tags: [docs, web]``); block lists are indented under
their key as in the example manifests. Called by import (manifests) and export (data files).
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from reconciler.manifest.scalars import resolve_plain

__all__ = ["dump_yaml", "indent"]

_WIDTH = 100
_ANALYSES_KEPT = 4096
_STR = "tag:yaml.org,2002:str"
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")  # next line, line and paragraph separators


class _Dumper(yaml.SafeDumper):
    """SafeDumper with core-schema quoting, optional ``${`` escaping and indented lists."""

    escape_variables: ClassVar[bool] = False

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if self.escape_variables:
            data = data.replace("${", "$${")
        if any(mark in data for mark in _OTHER_BREAKS):
            # PyYAML reads these as line breaks in plain, quoted and block text: only the
            # escapes of double quotes (\N, \L, \P) keep them.
            return self.represent_scalar(_STR, data, style='"')
        if "\n" in data:
            return self.represent_scalar(_STR, data, style="|")  # PyYAML falls back if it must
        read_back = resolve_plain(data) if data else None
        if data and read_back == data and isinstance(read_back, str):
            return super().represent_str(data)
        # Empty text, or text the core schema would read as null, a boolean or a number.
        return self.represent_scalar(_STR, data, style="'")

    block_depth: int = 1
    _analysed: dict[str, Any]

    def analyze_scalar(self, scalar: str) -> Any:
        # A pure function of the text, asked again for every key and every repeated value
        # (10,000 rows of 8 properties: 80,000 keys of 8 texts); the first few thousand texts
        # are remembered, so memory stays bounded whatever the rows hold.
        analysed = self.__dict__.setdefault("_analysed", {})
        found = analysed.get(scalar)
        if found is None:
            found = super().analyze_scalar(scalar)
            if len(analysed) < _ANALYSES_KEPT:
                analysed[scalar] = found
        return found

    def represent(self, data: Any) -> None:
        node = self.represent_data(data)
        _block(node, self.block_depth)
        self.serialize(node)
        self.represented_objects = {}
        self.object_keeper = []
        self.alias_key = None


def _block(node: yaml.Node, depth: int) -> None:
    """Block style for the collections of the first ``depth`` levels (flow below, if leaves)."""
    if depth <= 0 or not isinstance(node, yaml.CollectionNode):
        return
    node.flow_style = False
    children = node.value
    for child in children:
        if isinstance(child, tuple):  # a mapping's (key, value)
            _block(child[1], depth - 1)
        else:
            _block(child, depth - 1)


class _ManifestDumper(_Dumper):
    escape_variables: ClassVar[bool] = True


_Dumper.add_representer(str, _Dumper.represent_str)
_ManifestDumper.add_representer(str, _ManifestDumper.represent_str)


def dump_yaml(value: Any, *, manifest: bool, block_depth: int = 1) -> str:
    """``value`` as YAML text; ``manifest`` escapes ``${`` for the manifest reader.

    Collections of the first ``block_depth`` levels are written in block style, deeper ones in
    flow style when they hold only scalars (``Tags: [docs, web]``).
    """
    dumper = _ManifestDumper if manifest else _Dumper
    dumper_at_depth = type(dumper.__name__, (dumper,), {"block_depth": block_depth})
    return yaml.dump(
        value,
        Dumper=dumper_at_depth,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
        default_flow_style=None,
    )


def indent(text: str, spaces: int) -> str:
    """Every non-empty line of ``text`` indented by ``spaces``."""
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))
