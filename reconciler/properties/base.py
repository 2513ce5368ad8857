"""The codec interface: one codec per Notion property type (manifest, canonical and API forms).

Three forms of every value:

- *manifest*: what a person writes in YAML (``"2026-12-01"``, ``[ada@example.com]``, ``Todo``);
- *canonical*: one JSON value per meaning, equal whether it came from YAML or from Notion, used by
  the differ, the plan file and content hashes (the table is in ``docs/properties.md``);
- *API*: the request payload Notion accepts and the response value Notion returns.

People and relations need context to compare: a manifest names people by e-mail and relations by
target key, Notion answers with user and page ids. ``References`` supplies the mapping, and the
``resolve_desired`` / ``resolve_live`` steps bring both sides to the same canonical value.

Values flow like this (``refs`` is a ``References``, e.g. ``WorkspaceReferences``)::

    manifest value ──from_manifest──▶ canonical ──resolve_desired(refs)──▶ comparable
    Notion property ─from_response──▶ canonical ──resolve_live(refs)─────▶ comparable
    comparable ──to_request(refs)──▶ payload under ``<type>`` in a page create/update

Schema configuration (one property of a data source) flows the same way::

    manifest declaration ──parse_config──────────────▶ canonical config (desired)
    data source property ──config_from_response(refs)▶ canonical config (live, option ids kept)
    config_changes(desired, live, refs)        → ConfigChange items; empty: nothing to do
    config_to_request(desired, refs)           → ``<type>`` body creating the property
    config_update_request(desired, live, refs) → ``<type>`` body updating it in place

Live configurations may carry more than desired ones (option ids, status groups, a dual
relation's synced property): ``config_changes`` compares what the manifest states and leaves the
rest alone, so an unset detail never shows as a change.

Read-only types derive from ``ReadOnlyCodec`` (``from_manifest`` and ``to_request`` refuse).
Page objects cut long reference lists at 25: ``is_partial`` says when, and
``from_property_items`` decodes the full list from the page property endpoint.

A read decodes thousands of pages, so a codec may offer cheaper ways to the same canonical
value for the shapes Notion sends most: ``quick_reader`` (a value read straight from the page
property) or, for repeating values, ``sharing_key`` (a key of the raw form under which the
reader remembers the value it decoded). Both answer ``UNREAD`` for every other shape, which then
goes through ``from_response``, ``is_partial`` and their errors as before. ``display``
takes optional references to show users by e-mail or name.
"""

from __future__ import annotations

import enum
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Final, Protocol, TypeAlias

from reconciler.model import JSON

__all__ = [
    "COMMON_DECLARATION_KEYS",
    "UNREAD",
    "ConfigChange",
    "PropertyCodec",
    "QuickReader",
    "ReadOnlyCodec",
    "References",
    "SharingKey",
    "Unread",
    "ValueProblem",
    "shared_value",
]

COMMON_DECLARATION_KEYS = frozenset(
    {"type", "renamed_from", "sensitive", "prune_options", "description", "owner"}
)
"""Declaration keys every property may carry; ``parse_config`` skips them (the loader owns them)."""


class Unread(enum.Enum):
    """The type of ``UNREAD``."""

    UNREAD = "unread"

    def __repr__(self) -> str:
        return "UNREAD"


UNREAD: Final = Unread.UNREAD
"""What a quick reader or a sharing key answers for a shape it leaves to ``from_response``."""

QuickReader: TypeAlias = "Callable[[Mapping[str, JSON]], JSON | Unread]"
"""A page property object → its canonical value, or ``UNREAD`` (``PropertyCodec.quick_reader``)."""

SharingKey: TypeAlias = "Callable[[Mapping[str, JSON]], Hashable | Unread]"
"""A page property object → a key of its raw form, or ``UNREAD`` (``PropertyCodec.sharing_key``)."""


def shared_value(value: JSON) -> JSON:
    """The value with each text (and mapping key) replaced by the one interned copy of it: 50,000
    rows decoded from pages or read from a CSV file hold 50,000 copies of ``"Done"`` otherwise."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [shared_value(item) for item in value]
    if isinstance(value, dict):
        return {sys.intern(key): shared_value(item) for key, item in value.items()}
    return value


class ValueProblem(Exception):
    """A manifest value or property configuration that its type cannot take.

    ``path`` locates the offending part inside the value (list index, mapping key) so the manifest
    loader can point at the exact line.
    """

    def __init__(self, message: str, *, hint: str = "", path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def at(self, *prefix: str | int) -> ValueProblem:
        """The same problem located under ``prefix`` (an enclosing list index or key)."""
        return ValueProblem(self.message, hint=self.hint, path=(*prefix, *self.path))

    def __str__(self) -> str:
        return self.message


class References(Protocol):
    """What codecs need to know about the workspace to map references both ways."""

    def user_id(self, email_or_id: str) -> str | None:
        """The user id for an e-mail address (case-insensitive) or a known user id."""

    def user_label(self, user_id: str) -> str:
        """How to show a user: e-mail when known, else name, else id."""

    def page_for_key(self, handle: str, key: str) -> str | None:
        """The page id of the row with this key in the managed database ``handle``."""

    def key_for_page(self, handle: str, page_id: str) -> str | None:
        """The key of the row with this page id in the managed database ``handle``."""

    def data_source_for_handle(self, handle: str) -> str | None:
        """The data source id of a managed database."""

    def handle_for_data_source(self, data_source_id: str) -> str | None:
        """The handle of the managed database with this data source, if managed."""

    def property_name(self, data_source_id: str, property_id: str) -> str | None:
        """The name of the property with this id in that data source's live schema."""


@dataclass(frozen=True)
class ConfigChange:
    """One difference between a desired and a live property configuration.

    ``path`` names the part inside the configuration (``("format",)``, ``("options", "Done",
    "color")``); ``old`` is the live value (None: absent), ``new`` the desired one (None:
    removed). ``lossy`` marks changes that lose data when applied (removing an option that rows
    may use, turning a dual relation into a single one).
    """

    path: tuple[str | int, ...]
    old: JSON
    new: JSON
    lossy: bool = False


class PropertyCodec(ABC):
    """Converts one property type's values and configuration between the three forms."""

    type_name: ClassVar[str]
    writable: ClassVar[bool] = True
    can_be_key: ClassVar[bool] = False
    empty: ClassVar[JSON] = None
    """Canonical value of an unset property of this type."""

    config_keys: ClassVar[frozenset[str]] = frozenset()
    """Declaration keys (besides ``COMMON_DECLARATION_KEYS``) that ``parse_config`` accepts."""
    item_per_element: ClassVar[bool] = False
    """Whether the page property endpoint pages this type's value one element per item."""
    repeating: ClassVar[bool] = False
    """Whether values are drawn from few texts (options, users, days), so that the rows of a
    large database hold one copy of each text (``shared_value``) instead of one a row."""

    # --- schema (data source property configuration) --------------------------------------

    def parse_config(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        """Canonical configuration from a manifest property declaration (``type`` may be there).

        Raises ValueProblem (``path`` = the key) for an unknown key or a bad setting.
        """
        for key in raw:
            if key not in self.config_keys and key not in COMMON_DECLARATION_KEYS:
                allowed = ", ".join(sorted(self.config_keys)) or "none"
                raise ValueProblem(
                    f"a {self.type_name} property has no setting {key!r}",
                    hint=f"settings of {self.type_name}: {allowed}",
                    path=(str(key),),
                )
        return self._parse_settings(raw)

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        """Type-specific part of ``parse_config``; keys are already known to be allowed."""
        return {}

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        """The ``<type>: {...}`` body that creates this property in a data source."""
        return {}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        """Canonical configuration from a data source property object ``{id, name, type, ...}``."""
        return {}

    def config_changes(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> tuple[ConfigChange, ...]:
        """What differs between the desired and the live configuration (empty: equal).

        The default compares every key the desired configuration holds.
        """
        return tuple(
            ConfigChange((key,), live.get(key), value)
            for key, value in desired.items()
            if live.get(key) != value
        )

    def config_update_request(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> dict[str, JSON]:
        """The ``<type>`` body of a data source update that brings ``live`` to ``desired``."""
        return self.config_to_request(desired, refs)

    # --- values ----------------------------------------------------------------------------

    @abstractmethod
    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        """Canonical value from a manifest value; raises ValueProblem when it cannot be one."""

    @abstractmethod
    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        """The payload under ``<type>`` in a page create/update for this canonical value."""

    @abstractmethod
    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        """Canonical value from a page property object ``{id, type, <type>: ...}``."""

    def resolve_desired(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        """Bring a manifest-side canonical value to the form live values take (e-mails to ids)."""
        return value

    def resolve_live(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        """Bring a live canonical value to the form manifest values take (page ids to keys)."""
        return value

    def is_partial(self, prop: Mapping[str, JSON]) -> bool:
        """Whether a page response holds only the first references of this value.

        Page objects list at most 25 relation ids, people or mentions; when this is true the
        reader fetches the whole value through the page property endpoint and decodes it with
        ``from_property_items``.
        """
        return False

    def quick_reader(self) -> QuickReader | None:
        """A cheaper ``from_response`` for the shapes of a value Notion sends most, whatever the
        configuration: the same canonical value, or ``UNREAD`` for any other shape (then read
        by ``from_response``, with its errors). It never answers for a value ``is_partial``
        takes as partial. For types whose values do not repeat (``sharing_key`` for the others);
        None: every value goes through ``from_response``."""
        return None

    def sharing_key(self) -> SharingKey | None:
        """For a ``repeating`` type: a key of a page property's raw form, cheaper to make than
        its value, equal for two properties only when ``from_response`` gives them equal values
        (in JSON, types included); the reader remembers the value decoded under each key.
        ``UNREAD`` for a shape it does not key, partial values among them; a key that cannot be
        hashed is not used. None: no key, every value goes through ``from_response``."""
        return None

    def from_property_items(
        self, items: Sequence[Mapping[str, JSON]], config: Mapping[str, JSON]
    ) -> JSON:
        """Canonical value from the ``results`` of ``GET /v1/pages/{id}/properties/{prop}``.

        List-valued types get one item per element; other types one item holding the value.
        """
        if self.item_per_element:
            elements: list[JSON] = [item.get(self.type_name) for item in items]
            return self.from_response({"type": self.type_name, self.type_name: elements}, config)
        if len(items) != 1:
            raise ValueProblem(
                f"a {self.type_name} property item list must hold exactly one item, "
                f"got {len(items)}"
            )
        return self.from_response(items[0], config)

    def key_text(self, value: JSON) -> str | None:
        """The row key this value gives when the property is the key (None: empty)."""
        raise ValueProblem(f"a {self.type_name} property cannot be a row key")

    def display(self, value: JSON, refs: References | None = None) -> str:
        """One line for humans (plans, comments); never the raw JSON of a rich structure."""
        return "" if value is None else str(value)


class ReadOnlyCodec(PropertyCodec):
    """A type Notion computes: decoded for display and comparison, never written."""

    writable: ClassVar[bool] = False

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        raise ValueProblem(
            f"a {self.type_name} property is computed by Notion and cannot be given a value",
            hint="remove the value from the row; declare the property under `properties` only",
        )

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        raise ValueProblem(
            f"a {self.type_name} property is computed by Notion and is never written"
        )
