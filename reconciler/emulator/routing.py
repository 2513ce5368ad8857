"""The Notion endpoints the emulator serves: method + path template -> endpoint function.

An unknown path, or a known path with a method Notion does not serve there, is Notion's 400
``invalid_request_url``. The template (``GET /v1/pages/{id}``) names the endpoint in the stats.
Used by the WSGI application.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.emulator import blocks, databases, moving, page_markdown, pages, search, tasks
from reconciler.emulator.calls import Call
from reconciler.emulator.errors import invalid_request_url
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["Endpoint", "Route", "match"]

Endpoint = Callable[[Workspace, Call, Caller], dict[str, Any]]
"""An endpoint: the workspace, the parsed call and the caller in; the response body out."""

QUERY = "query"
"""Marker for the data source query endpoint, which also needs the cursor cache."""


@dataclass(frozen=True)
class Route:
    """One endpoint: its method, its path pattern and what answers it."""

    method: str
    template: str
    pattern: re.Pattern[str]
    endpoint: Endpoint | str

    @property
    def has_request_id(self) -> bool:
        """Observed: the templates list is the one answer without a request_id."""
        return not self.template.endswith("/templates")

    @property
    def name(self) -> str:
        """``METHOD /v1/path/{param}`` as the stats list it."""
        return f"{self.method} {self.template}"


def _route(method: str, template: str, endpoint: Endpoint | str) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, template, re.compile(f"^{regex}/?$"), endpoint)


ROUTES: tuple[Route, ...] = (
    _route("POST", "/v1/databases", databases.create_database),
    _route("GET", "/v1/databases/{database_id}", databases.retrieve_database),
    _route("PATCH", "/v1/databases/{database_id}", databases.update_database),
    _route("POST", "/v1/data_sources", databases.create_data_source),
    _route("GET", "/v1/data_sources/{data_source_id}", databases.retrieve_data_source),
    _route("PATCH", "/v1/data_sources/{data_source_id}", databases.update_data_source),
    _route("POST", "/v1/data_sources/{data_source_id}/query", QUERY),
    _route("GET", "/v1/data_sources/{data_source_id}/templates", databases.list_templates),
    _route("POST", "/v1/pages", pages.create_page),
    _route("GET", "/v1/pages/{page_id}", pages.retrieve_page),
    _route("PATCH", "/v1/pages/{page_id}", pages.update_page),
    _route("GET", "/v1/pages/{page_id}/properties/{property_id}", pages.property_item),
    _route("GET", "/v1/pages/{page_id}/markdown", page_markdown.retrieve_markdown),
    _route("PATCH", "/v1/pages/{page_id}/markdown", page_markdown.update_markdown),
    _route("GET", "/v1/async_tasks/{task_id}", tasks.retrieve_task),
    _route("POST", "/v1/pages/{page_id}/move", moving.move_page),
    _route("GET", "/v1/blocks/{block_id}", blocks.retrieve_block),
    _route("PATCH", "/v1/blocks/{block_id}", blocks.update_block),
    _route("DELETE", "/v1/blocks/{block_id}", blocks.delete_block),
    _route("GET", "/v1/blocks/{block_id}/children", blocks.list_children),
    _route("PATCH", "/v1/blocks/{block_id}/children", blocks.append_children),
    _route("POST", "/v1/search", search.search),
    _route("GET", "/v1/users", search.list_users),
    _route("GET", "/v1/users/me", search.me),
    _route("GET", "/v1/users/{user_id}", search.retrieve_user),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route and path parameters for a request, or Notion's invalid_request_url."""
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found is not None:
            return route, found.groupdict()
    raise invalid_request_url()
