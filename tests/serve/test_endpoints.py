"""The HTTP endpoints, called in-process through the WSGI application."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families

from tests.serve.conftest import Rig, page_event

ALLOWED_LABELS = {
    "database",
    "endpoint",
    "status_class",
    "change_class",
    "outcome",
    "read",
    "status",
    "le",
}


def test_healthz_answers_while_the_loop_can_run(rig: Rig) -> None:
    """Alive: 200 ``ok``."""
    answer = rig.http.get("/healthz")
    assert (answer.status_code, answer.text) == (200, "ok\n")


def test_status_is_json_per_database(rig: Rig) -> None:
    """/status: the controller, and per database its state, pending changes, last sync and the
    last plan's checksum."""
    document = rig.status()
    tasks = document["databases"]["tasks"]
    assert set(tasks) == {"status", "pending", "last_sync", "last_plan_checksum", "message"}
    assert re.fullmatch(r"[0-9a-f]{64}", tasks["last_plan_checksum"])
    assert tasks["last_sync"].endswith("Z")
    assert (document["leader"], document["auto_apply"], document["ready"]) == (True, "safe", True)


def test_metrics_follow_prometheus_conventions_with_low_cardinality_labels(rig: Rig) -> None:
    """Every family is ``reconciler_*``, counters end in ``_total``, and no label carries a row
    key or a page id (only the documented label names are used)."""
    answer = rig.http.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain")
    families = list(text_string_to_metric_families(answer.text))
    names = {family.name for family in families}
    assert all(name.startswith("reconciler_") for name in names)
    for family in families:
        for sample in family.samples:
            if family.type == "counter" and not sample.name.endswith("_created"):
                assert sample.name.endswith("_total"), sample.name
            assert set(sample.labels) <= ALLOWED_LABELS, sample
            assert not any(re.search(r"[0-9a-f]{8}-", v) for v in sample.labels.values())


def test_metrics_show_what_section_10_lists(rig: Rig) -> None:
    """Requests by endpoint and status class, 429s, retries, limiter waits, plan and apply
    durations, pending changes, last sync and webhook events are all exposed."""
    rig.deliver(page_event("page.created", "7c4b1f2e-9a3d-4e5f-8a6b-0c1d2e3f4a5b"))
    text = rig.http.get("/metrics").text
    for name in (
        'reconciler_notion_requests_total{endpoint="POST /v1/pages",status_class="2xx"}',
        "reconciler_notion_rate_limited_total",
        "reconciler_notion_retries_total",
        "reconciler_rate_limiter_wait_seconds_total",
        'reconciler_plan_duration_seconds_count{read="full"}',
        "reconciler_apply_duration_seconds_count",
        'reconciler_pending_changes{change_class="lossy",database="tasks"}',
        'reconciler_last_sync_timestamp_seconds{database="tasks"}',
        'reconciler_webhook_events_total{outcome="unmanaged"}',
        "reconciler_circuit_breaker_open",
        "reconciler_leader",
    ):
        assert name in text, name


def test_an_unsigned_delivery_is_refused_and_counted(rig: Rig) -> None:
    """401 over HTTP, and the webhook metric counts it as unsigned."""
    answer = rig.deliver(
        page_event("page.created", "p"), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 401
    assert rig.metric("reconciler_webhook_events_total", outcome="unsigned") == 1


def test_a_mis_signed_delivery_is_refused_and_counted(rig: Rig) -> None:
    """401, counted as bad_signature."""
    headers = {"X-Notion-Signature": "sha256=" + "0" * 64}
    answer = rig.deliver(page_event("page.created", "p"), headers=headers)
    assert answer.status_code == 401
    assert rig.metric("reconciler_webhook_events_total", outcome="bad_signature") == 1


def test_a_body_larger_than_the_bound_is_refused_unread(rig: Rig) -> None:
    """More than 256 KiB announced: 413."""
    answer = rig.deliver(b"{" + b" " * (300 * 1024) + b"}")
    assert answer.status_code == 413
    assert rig.metric("reconciler_webhook_events_total", outcome="too_large") == 1


def test_unknown_paths_and_wrong_methods_are_refused(rig: Rig) -> None:
    """404 for a path that is not served, 405 (with Allow) for a wrong method."""
    assert rig.http.get("/nope").status_code == 404
    wrong = rig.http.get("/webhooks/notion")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")
    assert rig.http.post("/status").status_code == 405
