"""deploy/: the Kubernetes manifests against the Kubernetes schemas (offline), and the example
Prometheus files against the metrics the controller really exposes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from reconciler.notion.stats import RequestStats
from reconciler.serve.metrics import ControllerMetrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES = sorted((DEPLOY / "kubernetes").glob("*.yaml"))


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


@pytest.mark.parametrize("path", KUBERNETES, ids=lambda p: p.name)
def test_kubernetes_manifests_validate_strictly_against_the_schemas(path: Path) -> None:
    """Every document validates against the bundled schemas of the latest Kubernetes, strict
    (no unknown fields)."""
    for document in _documents(path):
        kubernetes_validate.validate(document, kubernetes_validate.latest_version(), strict=True)


def _pod(kind: str = "Deployment") -> dict[str, Any]:
    (deployment,) = [d for p in KUBERNETES for d in _documents(p) if d["kind"] == kind]
    spec: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return spec


def test_the_deployment_probes_health_and_readiness_and_runs_locked_down() -> None:
    """Liveness on /healthz, readiness on /readyz, non-root, read-only root filesystem, no
    privilege escalation, resources set, state on an emptyDir, secrets from a Secret."""
    pod = _pod()
    assert pod["securityContext"]["runAsNonRoot"] is True
    reconciler = next(c for c in pod["containers"] if c["name"] == "reconciler")
    assert reconciler["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert reconciler["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for container in pod["containers"] + pod["initContainers"]:
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["resources"]["limits"]["memory"]
    mounts = {m["mountPath"]: m["name"] for m in reconciler["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/state"]]
    secrets = {e["name"] for e in reconciler["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    assert secrets == {"NOTION_TOKEN", "NOTION_WEBHOOK_TOKEN"}
    assert "--state-dir=/state" in reconciler["args"]
    assert any(c["name"] == "git-sync" for c in pod["containers"])


def test_the_grace_period_outlasts_the_shutdown_grace() -> None:
    """Kubernetes waits longer than serve waits for a cycle, so writes in flight finish."""
    pod = _pod()
    reconciler = next(c for c in pod["containers"] if c["name"] == "reconciler")
    (grace,) = [a.split("=")[1] for a in reconciler["args"] if a.startswith("--shutdown-grace=")]
    assert pod["terminationGracePeriodSeconds"] > float(grace)


def _exposed() -> set[str]:
    """Every sample name the controller's registry can expose."""
    metrics = ControllerMetrics(RequestStats)
    metrics.pending.labels("tasks", "safe").set(1)
    metrics.database_status.labels("tasks", "in_sync").set(1)
    metrics.last_sync.labels("tasks").set(1)
    metrics.applied.labels("tasks", "safe", "done").inc()
    metrics.webhooks.labels("accepted").inc()
    metrics.cycles.labels("full", "succeeded").inc()
    text = metrics.exposition().decode()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def test_every_metric_the_alert_rules_use_is_exposed() -> None:
    """The example alert rules name only series the controller exports, and every rule has a
    summary."""
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yaml").read_text(encoding="utf-8"))
    exposed = _exposed()
    used: set[str] = set()
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
            assert rule["annotations"]["summary"]
            used.update(re.findall(r"\breconciler_\w+", rule["expr"]))
    assert used
    assert used <= exposed, used - exposed


def test_the_scrape_configuration_keeps_the_controller_pods() -> None:
    """One job, scraping /metrics of the pods labelled notion-reconciler."""
    config = yaml.safe_load((DEPLOY / "prometheus" / "scrape-config.yaml").read_text("utf-8"))
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    keep = [r for r in job["relabel_configs"] if r.get("action") == "keep"]
    assert any(r["regex"] == "notion-reconciler" for r in keep)
