"""The codec of every Notion property type, looked up by type name.

Called by the manifest loader (``codec_for(type)`` for each declared property), the live reader,
the differ and the executor. Codecs hold no state, so one instance per type serves everyone.
Each codec's module is imported by the first use of one of its types (``_WHERE`` says where each
type's codec lives): a new type is added there.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from typing import Final

from reconciler.properties.base import PropertyCodec, ValueProblem

__all__ = ["ALL_CODECS", "codec_for"]

_WHERE: Final = {
    "title": ("text", "TitleCodec"),
    "rich_text": ("text", "RichTextCodec"),
    "number": ("simple", "NumberCodec"),
    "select": ("options", "SelectCodec"),
    "multi_select": ("options", "MultiSelectCodec"),
    "status": ("options", "StatusCodec"),
    "date": ("dates", "DateCodec"),
    "people": ("people", "PeopleCodec"),
    "files": ("files", "FilesCodec"),
    "checkbox": ("simple", "CheckboxCodec"),
    "url": ("simple", "UrlCodec"),
    "email": ("simple", "EmailCodec"),
    "phone_number": ("simple", "PhoneNumberCodec"),
    "relation": ("relation", "RelationCodec"),
    "place": ("place", "PlaceCodec"),
    "verification": ("verification", "VerificationCodec"),
    "formula": ("computed", "FormulaCodec"),
    "rollup": ("computed", "RollupCodec"),
    "created_time": ("stamps", "CreatedTimeCodec"),
    "created_by": ("people", "CreatedByCodec"),
    "last_edited_time": ("stamps", "LastEditedTimeCodec"),
    "last_edited_by": ("people", "LastEditedByCodec"),
    "unique_id": ("stamps", "UniqueIdCodec"),
    "button": ("stamps", "ButtonCodec"),
}
"""Each type name's codec: its module in this package and its class."""


_MADE: dict[str, PropertyCodec] = {}
"""The codecs made so far, by type name: one instance per type serves everyone."""

_MAKING = threading.Lock()


def _made(type_name: str) -> PropertyCodec:
    """The codec of a known type, its module imported and the codec made the first time."""
    module, name = _WHERE[type_name]
    with _MAKING:  # one instance per type, whichever thread asks first
        if type_name not in _MADE:
            found = importlib.import_module(f"{__package__}.{module}")
            _MADE[type_name] = getattr(found, name)()
        return _MADE[type_name]


class _Codecs(Mapping[str, PropertyCodec]):
    """The codecs by type name, each module imported when one of its types is first asked for
    (a run meets a few of the 24 types; the rest cost start-up time for nothing). Iterating
    names every type without importing any codec; ``values()`` and ``items()`` import them all."""

    def __getitem__(self, type_name: str) -> PropertyCodec:
        return _MADE.get(type_name) or _made(type_name)

    def __contains__(self, type_name: object) -> bool:
        return type_name in _WHERE

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)


ALL_CODECS: Final[Mapping[str, PropertyCodec]] = _Codecs()
"""One codec per property type name."""


def codec_for(type_name: str) -> PropertyCodec:
    """The codec of a property type; ValueProblem naming the known types when there is none.
    Called per value by some loops: a codec made already is one dictionary lookup away."""
    codec = _MADE.get(type_name)
    if codec is not None:
        return codec
    if type_name not in _WHERE:
        raise ValueProblem(
            f"{type_name!r} is not a Notion property type",
            hint=f"types: {', '.join(sorted(_WHERE))}",
        )
    return _made(type_name)
