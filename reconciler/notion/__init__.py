"""The Notion gateway: the only code that talks to Notion (see ``reconciler.notion.gateway``)."""

from reconciler.notion.gateway import CreatedDatabase, Gateway, WrittenPage
from reconciler.notion.stats import RequestAccounting, RequestStats

__all__ = ["CreatedDatabase", "Gateway", "RequestAccounting", "RequestStats", "WrittenPage"]
