"""Property codecs: each Notion property type between manifest, canonical and API JSON forms."""

from reconciler.properties.base import PropertyCodec, References, ValueProblem

__all__ = ["PropertyCodec", "References", "ValueProblem"]
