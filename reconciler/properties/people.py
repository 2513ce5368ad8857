"""People: the people codec and the user-valued read-only types created_by and last_edited_by.

Canonical value of people: the sorted list of unique user ids. A manifest names people by
e-mail (matched case-insensitively, kept lower-cased by ``from_manifest``) or by user id;
``resolve_desired`` maps e-mails to ids through ``References.user_id`` (an unknown e-mail is a
ValueProblem at plan time). created_by / last_edited_by → the user id. Displayed through
``References.user_label`` when references are at hand. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import (
    UNREAD,
    PropertyCodec,
    ReadOnlyCodec,
    References,
    SharingKey,
    Unread,
    ValueProblem,
)
from reconciler.properties.checks import (
    MAX_LIST_ITEMS,
    check_email,
    expect_list,
    expect_str,
    json_list,
    looks_like_notion_id,
    normalise_id,
)

__all__ = ["CreatedByCodec", "LastEditedByCodec", "PeopleCodec", "user_id_of"]


def user_id_of(body: object) -> str | None:
    """The id of a user (or group) object, None when absent."""
    if isinstance(body, dict):
        user_id = body.get("id")
        return user_id if isinstance(user_id, str) else None
    return None


_PAGE_LIMIT = 25
"""How many people a page object lists at most (more: ``is_partial``)."""


def _ids_as_sent(prop: Mapping[str, JSON]) -> Hashable | Unread:
    """The ids of a (whole) people value in the order Notion sent them: equal keys hold equal
    ids, and an id that is no text is left out of the value whatever it is."""
    body = prop.get("people")
    if type(body) is not list or len(body) >= _PAGE_LIMIT:
        return UNREAD
    try:
        return tuple([item["id"] for item in body])  # type: ignore[index, call-overload]
    except (KeyError, TypeError):  # a user that is not an object with an id
        return UNREAD


def _person_from_manifest(item: object, index: int) -> str:
    text = expect_str(item, "a person (e-mail or user id)", path=(index,)).strip()
    if looks_like_notion_id(text):
        return normalise_id(text, "a user id", path=(index,))
    if "@" in text:
        return check_email(text, "the e-mail address", path=(index,)).lower()
    raise ValueProblem(
        f"{text!r} is neither an e-mail address nor a user id",
        hint="name people by their Notion e-mail (ada@example.com) or user id",
        path=(index,),
    )


def _labels(value: JSON, refs: References | None) -> str:
    ids = value if isinstance(value, list) else []
    return ", ".join(refs.user_label(str(i)) if refs else str(i) for i in ids)


class PeopleCodec(PropertyCodec):
    """people: users (and groups) by id; manifests may give e-mails."""

    type_name = "people"
    repeating: ClassVar[bool] = True
    empty: ClassVar[JSON] = []
    item_per_element: ClassVar[bool] = True

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None or value == "":
            return []
        items: Sequence[object] = (
            [value] if isinstance(value, str) else expect_list(value, "a people value")
        )
        people = {_person_from_manifest(item, index) for index, item in enumerate(items)}
        if len(people) > MAX_LIST_ITEMS:
            raise ValueProblem(
                f"the value names {len(people)} people; Notion takes at most {MAX_LIST_ITEMS}"
            )
        return json_list(sorted(people))

    def resolve_desired(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        ids: set[str] = set()
        for index, person in enumerate(value if isinstance(value, list) else []):
            text = str(person)
            if looks_like_notion_id(text):
                ids.add(text)
                continue
            user = refs.user_id(text)
            if user is None:
                raise ValueProblem(
                    f"no user of the workspace has the e-mail {text!r}",
                    hint="check the spelling, invite the person, or give their user id; "
                    "bots and guests without an e-mail need the id",
                    path=(index,),
                )
            ids.add(user)
        return json_list(sorted(ids))

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        resolved = self.resolve_desired(value, config, refs)
        return [{"object": "user", "id": i} for i in resolved] if isinstance(resolved, list) else []

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get(self.type_name)
        ids = {user_id_of(item) for item in (body if isinstance(body, list) else [])}
        return json_list(sorted(i for i in ids if i is not None))

    def is_partial(self, prop: Mapping[str, JSON]) -> bool:
        body = prop.get(self.type_name)
        return isinstance(body, list) and len(body) >= _PAGE_LIMIT

    def sharing_key(self) -> SharingKey:
        return _ids_as_sent

    def display(self, value: JSON, refs: References | None = None) -> str:
        return _labels(value, refs)


class _UserStampCodec(ReadOnlyCodec):
    """A user Notion records (creator, last editor)."""

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return user_id_of(prop.get(self.type_name))

    def display(self, value: JSON, refs: References | None = None) -> str:
        return _labels([value], refs) if isinstance(value, str) else ""


class CreatedByCodec(_UserStampCodec):
    """created_by: who created the page."""

    type_name = "created_by"


class LastEditedByCodec(_UserStampCodec):
    """last_edited_by: who edited the page last."""

    type_name = "last_edited_by"
