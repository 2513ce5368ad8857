"""Property codecs: each Notion property type between manifest, canonical and API JSON forms.

``codec_for(type_name)`` gives the codec of a type; ``docs/properties.md`` lists every type's
manifest form, canonical form and comparison.
"""

from reconciler.properties.base import (
    COMMON_DECLARATION_KEYS,
    ConfigChange,
    PropertyCodec,
    ReadOnlyCodec,
    References,
    ValueProblem,
    shared_value,
)
from reconciler.properties.references import WorkspaceReferences
from reconciler.properties.registry import ALL_CODECS, codec_for

__all__ = [
    "ALL_CODECS",
    "COMMON_DECLARATION_KEYS",
    "ConfigChange",
    "PropertyCodec",
    "ReadOnlyCodec",
    "References",
    "ValueProblem",
    "WorkspaceReferences",
    "codec_for",
    "shared_value",
]
