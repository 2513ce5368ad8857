"""The Notion endpoints the gateway uses, as the templates request accounting counts them under.

Ids are left out of the templates so that counts add up per kind of request.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BLOCK_CHILDREN",
    "CREATE_DATABASE",
    "CREATE_PAGE",
    "QUERY_DATA_SOURCE",
    "RETRIEVE_DATABASE",
    "RETRIEVE_DATA_SOURCE",
    "RETRIEVE_MARKDOWN",
    "RETRIEVE_PAGE",
    "RETRIEVE_PAGE_PROPERTY",
    "UPDATE_DATABASE",
    "UPDATE_DATA_SOURCE",
    "UPDATE_MARKDOWN",
    "UPDATE_PAGE",
    "USERS",
    "USERS_ME",
]

BLOCK_CHILDREN: Final = "GET /v1/blocks/{id}/children"
CREATE_DATABASE: Final = "POST /v1/databases"
CREATE_PAGE: Final = "POST /v1/pages"
QUERY_DATA_SOURCE: Final = "POST /v1/data_sources/{id}/query"
RETRIEVE_DATABASE: Final = "GET /v1/databases/{id}"
RETRIEVE_DATA_SOURCE: Final = "GET /v1/data_sources/{id}"
RETRIEVE_MARKDOWN: Final = "GET /v1/pages/{id}/markdown"
RETRIEVE_PAGE: Final = "GET /v1/pages/{id}"
RETRIEVE_PAGE_PROPERTY: Final = "GET /v1/pages/{id}/properties/{property_id}"
UPDATE_DATABASE: Final = "PATCH /v1/databases/{id}"
UPDATE_DATA_SOURCE: Final = "PATCH /v1/data_sources/{id}"
UPDATE_MARKDOWN: Final = "PATCH /v1/pages/{id}/markdown"
UPDATE_PAGE: Final = "PATCH /v1/pages/{id}"
USERS: Final = "GET /v1/users"
USERS_ME: Final = "GET /v1/users/me"
