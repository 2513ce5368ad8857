"""Notion's webhooks as Notion sends them: the handshake, signed events, and what they hint at.

``WebhookReceiver.receive(headers, body)`` answers one POST to ``/webhooks/notion``; the HTTP
layer (``reconciler.serve.http``) hands it the raw body, already bounded in size. In order:

1. rate: more than ``rate`` requests a second (a burst of ``burst``) are refused with 429;
2. the handshake: a body holding ``verification_token`` (and no event ``type``) is Notion's
   one-time subscription check. The token is never echoed back; it is handed to
   ``on_verification`` (the controller writes it where the operator can read it);
3. the signature: ``X-Notion-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body keyed by
   the verification token (``NOTION_WEBHOOK_TOKEN``), compared in constant time. Missing or wrong:
   401, counted;
4. duplicates: an event id seen before (Notion retries deliveries) is acknowledged and dropped;
5. the event becomes ``Hint``s for the loop: a page to re-read, in every managed database the
   event names (the one the page was last seen in, and the one its parent names: a page moved
   from one to the other is gone from the first and new in the second), or a database whose
   schema changed. Events about objects the controller does not manage become nothing, at no
   request; a page or database event the catalogue cannot place comes back as a ``Sighting``,
   which the loop places again once the cycle under way has made a newer catalogue (until its
   first read ends a controller knows no database, and a database it creates is known only
   after its cycle: events about them must not be lost as unmanaged).

Notion's events are aggregated, unordered, possibly stale and delivered at most once, so a hint
only says where to look: the loop re-reads what the hint names, and a full read every
``--full-every`` catches whatever no event announced.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "Catalogue",
    "Hint",
    "Receipt",
    "Sighting",
    "WebhookOutcome",
    "WebhookReceiver",
    "sign",
]

_PAGE_EVENTS = frozenset(
    {
        "page.created",
        "page.properties_updated",
        "page.content_updated",
        "page.deleted",
        "page.undeleted",
        "page.moved",
    }
)
"""Events about one page: re-read that page."""

_DATABASE_EVENTS = frozenset(
    {
        "data_source.schema_updated",
        "data_source.content_updated",
        "data_source.deleted",
        "data_source.undeleted",
        "data_source.moved",
        "database.schema_updated",
        "database.content_updated",
        "database.deleted",
        "database.undeleted",
        "database.moved",
    }
)
"""Events about a whole database or data source: read it in full."""


class WebhookOutcome(enum.StrEnum):
    """What became of one POST (the ``outcome`` label of the webhook metric)."""

    ACCEPTED = "accepted"
    UNMANAGED = "unmanaged"
    DUPLICATE = "duplicate"
    VERIFICATION = "verification"
    UNSIGNED = "unsigned"
    BAD_SIGNATURE = "bad_signature"
    NO_TOKEN = "no_token"  # noqa: S105 - an outcome label, not a password
    MALFORMED = "malformed"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"


_STATUS = {
    WebhookOutcome.ACCEPTED: 200,
    WebhookOutcome.UNMANAGED: 200,
    WebhookOutcome.DUPLICATE: 200,
    WebhookOutcome.VERIFICATION: 200,
    WebhookOutcome.UNSIGNED: 401,
    WebhookOutcome.BAD_SIGNATURE: 401,
    WebhookOutcome.NO_TOKEN: 401,
    WebhookOutcome.MALFORMED: 400,
    WebhookOutcome.RATE_LIMITED: 429,
    WebhookOutcome.TOO_LARGE: 413,
}


@dataclass(frozen=True)
class Hint:
    """Where an event says to look: a page of a managed database, or a whole database."""

    database: str
    page_id: str | None = None
    """None: the database itself changed (schema, bulk content): read it in full."""
    event_id: str = ""
    event_type: str = ""


@dataclass(frozen=True)
class Sighting:
    """What a page or database event names, to place in a catalogue (now, or again later)."""

    event_id: str
    event_type: str
    entity_id: str
    parent_ids: tuple[str, ...] = ()

    def place(self, catalogue: Catalogue) -> tuple[Hint, ...]:
        """The hints for the managed databases the event names (none: it is unmanaged)."""
        if self.event_type in _DATABASE_EVENTS:
            handle = catalogue.database_of(self.entity_id)
            return () if handle is None else (Hint(handle, None, self.event_id, self.event_type),)
        named = (catalogue.page_database(self.entity_id), catalogue.database_of(*self.parent_ids))
        return tuple(
            Hint(handle, self.entity_id, self.event_id, self.event_type)
            for handle in dict.fromkeys(named)
            if handle is not None
        )


@dataclass(frozen=True)
class Receipt:
    """The answer to one POST: HTTP status, outcome, and the hints it produced."""

    outcome: WebhookOutcome
    hints: tuple[Hint, ...] = ()
    message: str = ""
    unplaced: Sighting | None = None
    """An event about pages or databases the catalogue does not know (yet)."""

    @property
    def status(self) -> int:
        return _STATUS[self.outcome]


class Catalogue:
    """What the controller manages, by Notion id: databases and data sources, and known rows.

    Rebuilt by the loop after each read and swapped in whole, so the receiver's threads read a
    consistent value without a lock.
    """

    def __init__(
        self,
        databases: Mapping[str, str] | None = None,
        pages: Mapping[str, str] | None = None,
    ) -> None:
        self._databases = {_plain(k): v for k, v in (databases or {}).items()}
        self._pages = {_plain(k): v for k, v in (pages or {}).items()}

    def database_of(self, *ids: str) -> str | None:
        """The handle of the managed database any of these ids names (database or data source)."""
        for given in ids:
            handle = self._databases.get(_plain(given))
            if handle is not None:
                return handle
        return None

    def page_database(self, page_id: str) -> str | None:
        """The handle of the managed database this page was last seen in."""
        return self._pages.get(_plain(page_id))


def _plain(notion_id: str) -> str:
    """An id without dashes, lower case: Notion writes ids both ways."""
    return notion_id.replace("-", "").lower()


def sign(body: bytes, token: str) -> str:
    """The ``X-Notion-Signature`` value Notion sends for ``body`` (tests and tools sign with it)."""
    digest = hmac.new(token.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _Bucket:
    """A token bucket for incoming requests (thread-safe)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


class WebhookReceiver:
    """Verifies, deduplicates and classifies Notion's webhook requests (see the module doc)."""

    def __init__(
        self,
        token: str | None,
        catalogue: Callable[[], Catalogue],
        *,
        on_verification: Callable[[str], None] = lambda _token: None,
        rate: float = 50.0,
        burst: int = 200,
        remember: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token = token.encode("utf-8") if token else None
        self._catalogue = catalogue
        self._on_verification = on_verification
        self._bucket = _Bucket(rate, burst, clock)
        self._remember = remember
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def receive(self, headers: Mapping[str, str], body: bytes) -> Receipt:
        """Answer one POST; ``headers`` with lower-case names, ``body`` the raw bytes."""
        if not self._bucket.take():
            return Receipt(WebhookOutcome.RATE_LIMITED, message="too many webhook requests")
        try:
            event = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            event = None
        if not isinstance(event, dict):
            return Receipt(WebhookOutcome.MALFORMED, message="the body is not a JSON object")
        if "verification_token" in event and "type" not in event:
            token = event["verification_token"]
            if not isinstance(token, str) or not token:
                return Receipt(WebhookOutcome.MALFORMED, message="an empty verification_token")
            self._on_verification(token)
            return Receipt(WebhookOutcome.VERIFICATION)
        refused = self._check_signature(headers.get("x-notion-signature"), body)
        if refused is not None:
            return refused
        return self._classify(event)

    def _check_signature(self, given: str | None, body: bytes) -> Receipt | None:
        if self._token is None:
            return Receipt(
                WebhookOutcome.NO_TOKEN,
                message="NOTION_WEBHOOK_TOKEN is not set: events cannot be verified",
            )
        if not given:
            return Receipt(WebhookOutcome.UNSIGNED, message="no X-Notion-Signature header")
        expected = sign(body, self._token.decode("utf-8"))
        if not hmac.compare_digest(expected.encode("utf-8"), given.strip().encode("utf-8")):
            return Receipt(WebhookOutcome.BAD_SIGNATURE, message="the signature does not match")
        return None

    def _first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._seen:
                self._seen.move_to_end(event_id)
                return False
            self._seen[event_id] = None
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
            return True

    def _classify(self, event: Mapping[str, object]) -> Receipt:
        event_id, kind = event.get("id"), event.get("type")
        entity = event.get("entity")
        if not isinstance(event_id, str) or not isinstance(kind, str):
            return Receipt(WebhookOutcome.MALFORMED, message="an event needs `id` and `type`")
        if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
            return Receipt(WebhookOutcome.MALFORMED, message="an event needs `entity.id`")
        if not self._first_time(event_id):
            return Receipt(WebhookOutcome.DUPLICATE)
        if kind not in _PAGE_EVENTS and kind not in _DATABASE_EVENTS:
            return Receipt(WebhookOutcome.UNMANAGED)  # comments, and types yet to come
        sighting = Sighting(event_id, kind, str(entity["id"]), _parent_ids(event))
        hints = sighting.place(self._catalogue())
        if hints:
            return Receipt(WebhookOutcome.ACCEPTED, hints)
        return Receipt(WebhookOutcome.UNMANAGED, unplaced=sighting)


def _parent_ids(event: Mapping[str, object]) -> tuple[str, ...]:
    """Every id ``data.parent`` names: Notion gives the database, the data source, or both."""
    data = event.get("data")
    parent = data.get("parent") if isinstance(data, dict) else None
    if not isinstance(parent, dict):
        return ()
    keys = ("id", "data_source_id", "database_id")
    return tuple(str(parent[k]) for k in keys if isinstance(parent.get(k), str))
