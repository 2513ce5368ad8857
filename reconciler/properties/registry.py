"""The codec of every Notion property type, looked up by type name.

Called by the manifest loader (``codec_for(type)`` for each declared property), the live reader,
the differ and the executor. Codecs hold no state, so one instance per type serves everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reconciler.properties.base import PropertyCodec, ValueProblem
from reconciler.properties.computed import FormulaCodec, RollupCodec
from reconciler.properties.dates import DateCodec
from reconciler.properties.files import FilesCodec
from reconciler.properties.options import MultiSelectCodec, SelectCodec, StatusCodec
from reconciler.properties.people import CreatedByCodec, LastEditedByCodec, PeopleCodec
from reconciler.properties.place import PlaceCodec
from reconciler.properties.relation import RelationCodec
from reconciler.properties.simple import (
    CheckboxCodec,
    EmailCodec,
    NumberCodec,
    PhoneNumberCodec,
    UrlCodec,
)
from reconciler.properties.stamps import (
    ButtonCodec,
    CreatedTimeCodec,
    LastEditedTimeCodec,
    UniqueIdCodec,
)
from reconciler.properties.text import RichTextCodec, TitleCodec
from reconciler.properties.verification import VerificationCodec

__all__ = ["ALL_CODECS", "codec_for"]

ALL_CODECS: Mapping[str, PropertyCodec] = MappingProxyType(
    {
        codec.type_name: codec
        for codec in (
            TitleCodec(),
            RichTextCodec(),
            NumberCodec(),
            SelectCodec(),
            MultiSelectCodec(),
            StatusCodec(),
            DateCodec(),
            PeopleCodec(),
            FilesCodec(),
            CheckboxCodec(),
            UrlCodec(),
            EmailCodec(),
            PhoneNumberCodec(),
            RelationCodec(),
            PlaceCodec(),
            VerificationCodec(),
            FormulaCodec(),
            RollupCodec(),
            CreatedTimeCodec(),
            CreatedByCodec(),
            LastEditedTimeCodec(),
            LastEditedByCodec(),
            UniqueIdCodec(),
            ButtonCodec(),
        )
    }
)
"""One codec per property type name."""


def codec_for(type_name: str) -> PropertyCodec:
    """The codec of a property type; ValueProblem naming the known types when there is none."""
    codec = ALL_CODECS.get(type_name)
    if codec is None:
        raise ValueProblem(
            f"{type_name!r} is not a Notion property type",
            hint=f"types: {', '.join(sorted(ALL_CODECS))}",
        )
    return codec
