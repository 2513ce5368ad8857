"""Files: the files codec (external links and Notion-hosted files).

Canonical value: a list, order kept, of ``{"name": str, "url": str}`` for external files and
``{"name": str, "hosted": true}`` for files uploaded to Notion. Hosted files are compared by name
only: Notion answers with a signed URL that expires within the hour, which would otherwise show
as a change on every plan.

Manifest forms: a URL (named after its last path segment), ``{url, name?}``, or ``{name, hosted:
true}`` to say "keep the file of this name that someone uploaded". Notion-hosted files cannot be
sent again through the API, so a value holding one can be compared but not written; writing it
is a ValueProblem that says so. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from reconciler.model import JSON
from reconciler.properties.base import PropertyCodec, References, ValueProblem
from reconciler.properties.checks import (
    MAX_LIST_ITEMS,
    check_mapping_keys,
    check_url,
    describe_kind,
    expect_bool,
    expect_list,
    expect_str,
    list_items,
)

__all__ = ["FilesCodec", "name_from_url"]

_FILE_KEYS = frozenset({"name", "url", "hosted"})


def name_from_url(url: str) -> str:
    """A file name for a bare URL: its last path segment, else its host, else the URL."""
    parts = urlsplit(url)
    segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return segment or parts.netloc or url


def _name(value: object, path: tuple[str | int, ...]) -> str:
    name = expect_str(value, "a file name", path=path).strip()
    if not name:
        raise ValueProblem("a file name must not be empty", path=path)
    return name


def _file_from_manifest(item: object, index: int) -> dict[str, JSON]:
    if isinstance(item, str):
        url = check_url(item.strip(), "the file URL", path=(index,))
        return {"name": name_from_url(url), "url": url}
    if not isinstance(item, Mapping):
        raise ValueProblem(
            f"a file must be a URL or {{name, url}}, not {describe_kind(item)}", path=(index,)
        )
    check_mapping_keys(item, "a file", _FILE_KEYS, path=(index,))
    if item.get("hosted") is not None and expect_bool(
        item["hosted"], "`hosted`", path=(index, "hosted")
    ):
        if "url" in item:
            raise ValueProblem(
                "a Notion-hosted file has no URL to give", hint="drop `url`", path=(index, "url")
            )
        if "name" not in item:
            raise ValueProblem("a Notion-hosted file needs its `name`", path=(index,))
        return {"name": _name(item["name"], (index, "name")), "hosted": True}
    if "url" not in item:
        raise ValueProblem(
            "a file needs a `url` (or `hosted: true` for a file uploaded to Notion)",
            path=(index,),
        )
    url = check_url(
        expect_str(item["url"], "a file URL", path=(index, "url")).strip(),
        "the file URL",
        path=(index, "url"),
    )
    name = _name(item["name"], (index, "name")) if "name" in item else name_from_url(url)
    return {"name": name, "url": url}


def _file_from_response(item: Mapping[str, JSON]) -> dict[str, JSON]:
    name = item.get("name")
    name = name if isinstance(name, str) else ""
    if item.get("type") == "external":
        body = item.get("external")
        url = body.get("url") if isinstance(body, dict) else None
        return {"name": name, "url": url if isinstance(url, str) else ""}
    return {"name": name, "hosted": True}


class FilesCodec(PropertyCodec):
    """files: external files by URL; Notion-hosted files by name."""

    type_name = "files"
    empty: ClassVar[JSON] = []

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None or value == "":
            return []
        items: Sequence[object] = (
            [value] if isinstance(value, str | Mapping) else expect_list(value, "a files value")
        )
        files: list[JSON] = [_file_from_manifest(item, index) for index, item in enumerate(items)]
        if len(files) > MAX_LIST_ITEMS:
            raise ValueProblem(
                f"the value holds {len(files)} files; Notion takes at most {MAX_LIST_ITEMS}"
            )
        return files

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        payload: list[JSON] = []
        for index, item in enumerate(list_items(value)):
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                name = item.get("name") if isinstance(item, dict) else item
                raise ValueProblem(
                    f"the Notion-hosted file {name!r} cannot be sent again through the API",
                    hint="link the file by URL instead, or leave this property out of the "
                    "manifest (`ignore`) so people manage it in Notion",
                    path=(index,),
                )
            external: dict[str, JSON] = {"url": item["url"]}
            payload.append({"name": item.get("name"), "type": "external", "external": external})
        return payload

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return [
            _file_from_response(item)
            for item in list_items(prop.get(self.type_name))
            if isinstance(item, dict)
        ]

    def display(self, value: JSON, refs: References | None = None) -> str:
        names = []
        for item in list_items(value):
            if isinstance(item, dict):
                suffix = " (hosted)" if item.get("hosted") else ""
                names.append(f"{item.get('name')}{suffix}")
        return ", ".join(names)
