"""The Notion gateway: the only code that talks to Notion (see ``reconciler.notion.gateway``).

The differ and the applier use the ``Gateway`` protocol; the CLI builds a ``NotionGateway``.
"""

from reconciler.notion.gateway import CreatedDatabase, Gateway, WrittenPage
from reconciler.notion.limiter import RateLimiter, TokenBucket, bucket_burst
from reconciler.notion.notion_gateway import NotionGateway, Unlimited, limiter_for
from reconciler.notion.redis_limiter import RedisTokenBucket
from reconciler.notion.retry import RetryPolicy
from reconciler.notion.stats import RequestAccounting, RequestStats

__all__ = [
    "CreatedDatabase",
    "Gateway",
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
]
