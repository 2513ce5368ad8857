"""The rate limiter every request of one token passes through, shared by all threads.

A token bucket in its GCRA form (a "theoretical arrival time" that advances by 1/rate per
request): each caller reserves the next free slot under a lock and sleeps outside it, so waiting
threads leave in order and never busy-wait. After a 429 the rate is cut (multiplicative
decrease, floored) and every caller waits out ``Retry-After``; the rate then climbs back
linearly to the configured one within ``recovery_seconds``. ``RedisTokenBucket``
(``reconciler.notion.redis_limiter``) applies the same algorithm to a bucket that several
processes share. The API client calls ``acquire`` before every attempt, ``done`` when it has
ended (answered or not) and ``penalize`` on 429.

``TokenBucket`` keeps a headroom below Notion's burst for requests that overlap others
(``bucket_burst``), but a request sent alone, when every earlier one has been answered, is
paced by an exact account instead and may use all of Notion's burst (``TokenBucket``'s
docstring says why that is safe whatever the latencies): a read that follows cursors, one
request after another, no longer pays for the headroom.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["AdaptiveRate", "RateLimiter", "TokenBucket", "bucket_burst"]


class RateLimiter(Protocol):
    """Paces requests; thread-safe."""

    def acquire(self) -> float:
        """Block until one request may be sent; the seconds spent waiting."""
        ...

    def penalize(self, retry_after: float | None) -> None:
        """A 429 came back: slow down, and let nobody send before ``retry_after`` seconds."""
        ...

    def done(self, *, answered: bool) -> None:
        """The request this caller acquired for has ended: ``answered`` when Notion's answer
        came (whatever its status), False when we stopped waiting or a proxy gave up (Notion may
        still count it later)."""
        ...

    @property
    def rate(self) -> float:
        """The current rate in requests per second (lower than configured after a 429)."""
        ...


def bucket_burst(configured_burst: int) -> int:
    """The burst our bucket allows: Notion's, less a fifth of it (at least 1) kept as headroom.

    Requests reach Notion some time after they leave the bucket, and not always in the order
    they left it; a bucket exactly as large as Notion's would then meet 429s in steady state.
    Within any stretch of time Notion sees at most our burst plus the rate times the spread of
    the round trips, so a headroom of ``k`` requests absorbs a spread of ``k / rate`` (at 3
    requests/s, 2 of a burst of 10 is 0.67 s of it, several times the spread of Notion's
    answers). It costs only the first instant requests, never the sustained rate; a larger
    headroom would cost a read of 100 pages 1 s more at Notion's pace for nothing. A request
    sent alone needs no headroom (``TokenBucket``): this one is for requests that overlap.
    """
    return max(1, configured_burst - max(1, configured_burst // 5))


class AdaptiveRate:
    """The rate after 429s: cut by ``decrease`` (not below ``floor`` x configured), then recovering.

    Recovery adds ``configured / recovery_seconds`` per second, so even from the floor the rate
    is back to the configured one within ``recovery_seconds``.

    Not thread-safe by itself; the bucket that owns it holds its lock around every call.
    """

    def __init__(
        self,
        rps: float,
        *,
        decrease: float = 0.5,
        floor: float = 0.1,
        recovery_seconds: float = 30.0,
    ) -> None:
        if rps <= 0:
            raise ValueError("a rate limit needs a positive number of requests per second")
        self.configured = rps
        self.current = rps
        self._decrease = decrease
        self._floor = rps * floor
        self._recovery_per_second = rps / recovery_seconds if recovery_seconds > 0 else rps * 1e9
        self._stamp: float | None = None

    def at(self, now: float) -> float:
        """The rate at ``now``, having recovered linearly since the last update."""
        if self._stamp is not None and self.current < self.configured:
            elapsed = max(0.0, now - self._stamp)
            self.current = min(self.configured, self.current + elapsed * self._recovery_per_second)
        self._stamp = now
        return self.current

    def cut(self, now: float) -> float:
        """Apply one 429: the new, lower rate."""
        self.current = max(self._floor, self.at(now) * self._decrease)
        return self.current


class TokenBucket:
    """A process-local token bucket with adaptive rate (see the module docstring).

    ``burst`` is our bucket's (Notion's less the headroom, ``bucket_burst``). Given
    ``limit_burst``, Notion's own, a request sent alone may use all of it, by a second account
    kept of the answers: each request is charged to a GCRA at the moment its answer came, a
    moment no earlier than the one Notion counted it at. Notion's bucket is a GCRA too, and a
    GCRA's state only grows when a request is counted later, so the answers' account is never
    behind Notion's. A request sent while none is in flight, and with none sent until it is
    answered, meets Notion's bucket when exactly the requests of that account have been counted;
    it leaves no earlier than the account allows for a burst of ``limit_burst``, and Notion
    counts it no earlier than it left: it conforms, whatever the latencies were. A request that
    overlaps others keeps the headroom, whose argument (the spread of the round trips) is
    untouched: the sends of every request still advance the one account it is paced by.

    So when our bucket would make a request wait while nothing is in flight, it is paced by the
    answers' account instead when that lets it leave sooner, and other callers wait until it is
    answered (at most one round trip, and only in that state: a sequential read's). A request
    whose end is unknown (``done(answered=False)``: Notion may count it later) or a 429 ends the
    exact account for the bucket's lifetime: the headroom alone paces from then on.
    """

    def __init__(
        self,
        rps: float,
        burst: int,
        *,
        limit_burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        decrease: float = 0.5,
        floor: float = 0.1,
        recovery_seconds: float = 30.0,
    ) -> None:
        if burst < 1:
            raise ValueError("a token bucket needs a burst of at least 1")
        self._rate = AdaptiveRate(
            rps, decrease=decrease, floor=floor, recovery_seconds=recovery_seconds
        )
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._tat = clock()  # theoretical arrival time of the next request
        # The exact account of requests sent alone (see the class docstring).
        self._limit_burst = limit_burst if limit_burst is not None and limit_burst > burst else 0
        self._answers_tat = self._tat  # the same GCRA, each request charged when answered
        self._in_flight = 0
        self._alone = False  # a request sent alone is in flight: nobody else may leave

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate.at(self._clock())

    def acquire(self) -> float:
        with self._answered:
            while self._alone:
                self._answered.wait()
            now = self._clock()
            interval = 1.0 / self._rate.at(now)
            tolerance = (self._burst - 1) * interval
            tat = max(self._tat, now)
            wait = max(0.0, tat - tolerance - now)
            if wait > 0 and self._limit_burst and not self._in_flight:
                exact = (self._limit_burst - 1) * interval
                alone = max(0.0, self._answers_tat - exact - now)
                if alone < wait:
                    wait = alone
                    self._alone = True
            self._tat = tat + interval
            self._in_flight += 1
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:
                self.done(answered=True)  # never sent
                raise
        return wait

    def done(self, *, answered: bool) -> None:
        with self._answered:
            self._in_flight = max(0, self._in_flight - 1)
            self._alone = False
            if not answered:
                self._limit_burst = 0
            elif self._limit_burst:
                now = self._clock()
                self._answers_tat = max(self._answers_tat, now) + 1.0 / self._rate.at(now)
            self._answered.notify_all()

    def penalize(self, retry_after: float | None) -> None:
        with self._lock:
            self._limit_burst = 0  # the exact account assumed the configured rate
            now = self._clock()
            interval = 1.0 / self._rate.cut(now)
            pause = max(retry_after or 0.0, interval)
            # Nobody may leave before now + pause, and then only one per interval (no burst).
            tolerance = (self._burst - 1) * interval
            self._tat = max(self._tat, now + pause + tolerance)
