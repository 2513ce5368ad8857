"""The Notion gateway: the only code that talks to Notion (see ``reconciler.notion.gateway``).

The differ and the applier use the ``Gateway`` protocol, whose reads take ``ReadSpec`` values
(``reconciler.readspec``); the CLI builds a ``NotionGateway``; ``Inspector`` looks databases up
for ``import`` and ``doctor``. This module is the package's facade: the CLI imports nothing else
of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from reconciler.notion.body_store import BodyStore
from reconciler.notion.content import BodyProgress
from reconciler.notion.gateway import CreatedDatabase, Gateway, WrittenPage
from reconciler.notion.limiter import RateLimiter, TokenBucket, bucket_burst
from reconciler.notion.notion_gateway import NotionGateway, Unlimited, limiter_for
from reconciler.notion.reader import queries_for, reads_by_query
from reconciler.notion.redis_limiter import RedisTokenBucket
from reconciler.notion.retry import RetryPolicy
from reconciler.notion.stats import RequestAccounting, RequestStats

if TYPE_CHECKING:
    from reconciler.notion.inspect import SHARING_HINT, DatabaseOutline, Inspector

__all__ = [
    "SHARING_HINT",
    "BodyProgress",
    "BodyStore",
    "CreatedDatabase",
    "DatabaseOutline",
    "Gateway",
    "Inspector",
    "NotionGateway",
    "RateLimiter",
    "RedisTokenBucket",
    "RequestAccounting",
    "RequestStats",
    "RetryPolicy",
    "TokenBucket",
    "Unlimited",
    "WrittenPage",
    "bucket_burst",
    "limiter_for",
    "queries_for",
    "reads_by_query",
]


if not TYPE_CHECKING:  # to type checkers the package holds the names imported above only

    def __getattr__(name: str) -> object:
        # The inspector (import, doctor) is imported when first asked for: plan and apply never are.
        if name in ("SHARING_HINT", "DatabaseOutline", "Inspector"):
            return getattr(importlib.import_module(f"{__name__}.inspect"), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
