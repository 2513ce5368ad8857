"""The process-local token bucket: burst, steady rate, slowing down after 429 and recovering."""

from __future__ import annotations

import threading

import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.notion.limiter import AdaptiveRate, TokenBucket, bucket_burst
from reconciler.notion.notion_gateway import Unlimited, limiter_for
from reconciler.notion.redis_limiter import RedisTokenBucket


class FakeTime:
    """A clock that only moves when the bucket sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds

    def frozen_sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)


def test_burst_passes_without_waiting_then_requests_are_spaced_by_the_rate() -> None:
    """A full bucket lets `burst` requests through at once; the next ones wait 1/rate each."""
    time = FakeTime()
    bucket = TokenBucket(4.0, 3, clock=time.clock, sleep=time.frozen_sleep)
    waits = [bucket.acquire() for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.25, 0.5, 0.75]


def test_sustained_rate_equals_the_configured_rate() -> None:
    """100 requests after the burst take exactly 100/rate seconds of (simulated) time."""
    time = FakeTime()
    bucket = TokenBucket(3.0, 5, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        bucket.acquire()
    start = time.now
    for _ in range(100):
        bucket.acquire()
    assert pytest.approx(100 / 3.0) == time.now - start


def test_threads_sharing_a_bucket_get_distinct_slots() -> None:
    """Eight threads reserving 40 slots together get the same schedule one thread would."""
    time = FakeTime()
    bucket = TokenBucket(10.0, 4, clock=time.clock, sleep=time.frozen_sleep)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            wait = bucket.acquire()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [0.0] * 4 + [round(0.1 * k, 6) for k in range(1, 37)]
    assert expected == sorted(round(w, 6) for w in waits)


def test_a_429_halves_the_rate_and_holds_everyone_for_retry_after() -> None:
    """After penalize(2.0) nobody leaves for 2 s, then requests go at half the rate."""
    time = FakeTime()
    bucket = TokenBucket(4.0, 1, clock=time.clock, sleep=time.frozen_sleep, recovery_seconds=0)
    bucket.acquire()
    bucket.penalize(2.0)
    assert bucket.acquire() == 2.0
    assert bucket.acquire() == 2.5


def test_rate_recovers_linearly_to_the_configured_rate() -> None:
    """Halved by a 429, the rate climbs back by rate/recovery_seconds a second, then stays."""
    rate = AdaptiveRate(4.0, recovery_seconds=10.0)
    assert rate.cut(0.0) == 2.0
    assert pytest.approx(3.0) == rate.at(2.5)
    assert rate.at(20.0) == 4.0


def test_repeated_429s_never_push_the_rate_below_its_floor() -> None:
    """Ten 429s in a row leave the rate at the floor (a tenth of the configured rate)."""
    rate = AdaptiveRate(3.0, floor=0.1, recovery_seconds=30.0)
    for _ in range(10):
        rate.cut(0.0)
    assert pytest.approx(0.3) == rate.current


def test_bucket_keeps_a_fifth_of_notions_burst_as_headroom() -> None:
    """Our burst is the configured one less a fifth of it (at least 1 less, at least 1 left),
    leaving room for network jitter."""
    assert [bucket_burst(n) for n in (1, 2, 5, 10, 20)] == [1, 1, 4, 8, 16]


def test_bucket_refuses_a_nonsensical_configuration() -> None:
    """A zero rate or burst is a programming error, reported at once."""
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0.0, 10)
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(3.0, 0)


def test_settings_choose_no_limiter_a_local_bucket_or_a_shared_one() -> None:
    """rps 0 turns the limit off; a redis_url shares it; otherwise a local bucket paces us."""
    token = Secret("ntn_5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b")
    api = "https://api.notion.com"
    assert isinstance(limiter_for(RateLimitSettings(rps=0), api, token), Unlimited)
    assert isinstance(limiter_for(RateLimitSettings(rps=3, burst=10), api, token), TokenBucket)
    shared = RateLimitSettings(rps=3, burst=10, redis_url="redis://127.0.0.1:6379/0")
    assert isinstance(limiter_for(shared, api, token), RedisTokenBucket)


def notion_refuses(counted: list[float], rps: float, burst: int) -> int:
    """How many of these requests a bucket like Notion's (and the emulator's) refuses, counted
    at these moments: ``burst`` tokens, refilled at ``rps`` a second, one taken per request."""
    tokens, stamp, refused = float(burst), counted[0], 0
    for moment in sorted(counted):
        tokens = min(float(burst), tokens + (moment - stamp) * rps)
        stamp = moment
        if tokens >= 1.0 - 1e-9:
            tokens -= 1.0
        else:
            refused += 1
    return refused


def one_after_another(
    bucket: TokenBucket, time: FakeTime, count: int, latency: float
) -> tuple[list[float], list[float]]:
    """``count`` requests each sent when the previous one's answer came: send and answer times."""
    sent: list[float] = []
    answered: list[float] = []
    for _ in range(count):
        bucket.acquire()
        sent.append(time.now)
        time.now += latency
        answered.append(time.now)
        bucket.done(answered=True)
    return sent, answered


@pytest.mark.parametrize("latency", [0.01, 0.05, 0.2, 0.3])
def test_requests_sent_one_after_another_use_all_of_notions_burst(latency: float) -> None:
    """A read that follows cursors (one request in flight) is paced by the answers' account:
    it needs no headroom, so 100 requests take Notion's own floor ((100 - 10) / rate) plus at
    most one round trip, and Notion refuses none of them wherever between the send and the
    answer it counts each one."""
    time = FakeTime()
    bucket = TokenBucket(3.0, bucket_burst(10), limit_burst=10, clock=time.clock, sleep=time.sleep)
    sent, answered = one_after_another(bucket, time, 100, latency)
    assert notion_refuses(sent, 3.0, 10) == 0
    assert notion_refuses(answered, 3.0, 10) == 0
    halfway = [(s + a) / 2 for s, a in zip(sent, answered, strict=True)]
    assert notion_refuses(halfway, 3.0, 10) == 0
    floor = (100 - 10) / 3.0
    assert floor <= sent[-1] - sent[0] <= floor + latency + 1e-9


def test_without_notions_burst_requests_one_after_another_keep_the_headroom() -> None:
    """No ``limit_burst`` (or one no larger than ours): the headroom alone paces, as before."""
    time = FakeTime()
    bucket = TokenBucket(3.0, bucket_burst(10), clock=time.clock, sleep=time.sleep)
    sent, _answered = one_after_another(bucket, time, 100, 0.2)
    assert sent[-1] - sent[0] == pytest.approx((100 - bucket_burst(10)) / 3.0)


def test_requests_that_overlap_keep_the_headroom() -> None:
    """Requests acquired while others are in flight wait as a bucket of our burst says, even
    when Notion's is larger: their safety rests on the headroom."""
    time = FakeTime()
    bucket = TokenBucket(4.0, 3, limit_burst=5, clock=time.clock, sleep=time.frozen_sleep)
    waits = [bucket.acquire() for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.25, 0.5, 0.75]


@pytest.mark.parametrize("ending", ["lost answer", "429"])
def test_a_lost_answer_or_a_429_ends_the_answers_account(ending: str) -> None:
    """Once Notion may count a request later than its answer (we stopped waiting for it), or
    a 429 says its bucket is not ours, requests one after another keep the headroom again."""
    time = FakeTime()
    bucket = TokenBucket(
        3.0, 8, limit_burst=10, clock=time.clock, sleep=time.sleep, recovery_seconds=0
    )
    bucket.acquire()
    if ending == "429":
        bucket.penalize(None)
        bucket.done(answered=True)
    else:
        bucket.done(answered=False)
    time.now += 100.0  # long enough for both buckets to be full again
    sent, _answered = one_after_another(bucket, time, 50, 0.0)
    assert sent[-1] - sent[0] == pytest.approx((50 - 8) / 3.0)


def test_others_wait_while_a_request_sent_alone_is_in_flight() -> None:
    """A request paced by the answers' account is alone until it is answered: a caller from
    another thread leaves only after ``done``, so the account stays exact."""
    time = FakeTime()
    bucket = TokenBucket(3.0, 2, limit_burst=4, clock=time.clock, sleep=time.sleep)
    one_after_another(bucket, time, 3, 0.0)  # the burst of ours is used up
    bucket.acquire()  # alone: paced by the answers' account
    other = threading.Thread(target=bucket.acquire)
    other.start()
    other.join(0.2)
    assert other.is_alive()
    bucket.done(answered=True)
    other.join(5.0)
    assert not other.is_alive()
