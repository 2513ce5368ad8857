"""The codec interface: one codec per Notion property type (manifest, canonical and API forms).

Three forms of every value:

- *manifest*: what a person writes in YAML (``"2026-12-01"``, ``[ada@example.com]``, ``Todo``);
- *canonical*: one JSON value per meaning, equal whether it came from YAML or from Notion, used by
  the differ, the plan file and content hashes (the table is in ``docs/properties.md``);
- *API*: the request payload Notion accepts and the response value Notion returns.

People and relations need context to compare: a manifest names people by e-mail and relations by
target key, Notion answers with user and page ids. ``References`` supplies the mapping, and the
``resolve_desired`` / ``resolve_live`` steps bring both sides to the same canonical value.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar, Protocol

from reconciler.model import JSON

__all__ = ["PropertyCodec", "References", "ValueProblem"]


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


class PropertyCodec(ABC):
    """Converts one property type's values and configuration between the three forms."""

    type_name: ClassVar[str]
    writable: ClassVar[bool] = True
    can_be_key: ClassVar[bool] = False
    empty: ClassVar[JSON] = None
    """Canonical value of an unset property of this type."""

    # --- schema (data source property configuration) --------------------------------------

    @abstractmethod
    def parse_config(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        """Canonical configuration from a manifest property declaration (without ``type``)."""

    @abstractmethod
    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        """The ``<type>: {...}`` body that creates or updates this property in a data source."""

    @abstractmethod
    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        """Canonical configuration from a data source property object ``{id, name, type, ...}``."""

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

    def key_text(self, value: JSON) -> str | None:
        """The row key this value gives when the property is the key (None: empty)."""
        raise ValueProblem(f"a {self.type_name} property cannot be a row key")

    def display(self, value: JSON) -> str:
        """One line for humans (plans, comments); never the raw JSON of a rich structure."""
        return "" if value is None else str(value)
