"""The safety limits of manifest loading: file size, nesting depth and alias expansion.

A manifest repository is input from many hands (pull requests); these bounds make a hostile or
broken file fail fast with a clear message instead of exhausting memory or time. Read by the
file reader and the YAML reader; documented in the manifest schema and the README.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_ALIAS_CHARS", "MAX_ALIAS_NODES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_ROWS"]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
"""Largest manifest or rows_from file read (10 MiB); 10,000 rows take about 1.5 MiB."""

MAX_DEPTH: Final = 64
"""Deepest nesting of mappings and lists in one YAML document (a manifest needs about 6)."""

MAX_ALIAS_NODES: Final = 200_000
"""Most nodes that aliases (``*name``) may produce in one file; a "billion laughs" file hits it
after a few aliases, while sharing row defaults through ``<<: *defaults`` stays far below."""

MAX_ALIAS_CHARS: Final = 10_000_000
"""Most characters of text (scalars and keys) that aliases may copy in one file: about as much
as the largest file read. One long anchored string named by many rows stays under the node
limit yet multiplies what is validated, planned and printed (195 KB used by 500 rows is 97.5 MB);
this bound stops it at the alias that crosses it."""

MAX_ROWS: Final = 100_000
"""Most rows one database's manifest may hold (inline and rows_from together). At Notion's three
requests a second 100,000 rows take over nine hours to create; past it a manifest is more
likely a generated mistake, and refusing it before the codecs run keeps memory bounded."""
