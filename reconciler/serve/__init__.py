"""The controller (``reconciler serve``): the loop, its HTTP endpoints, webhooks and metrics.

``Service`` (``service``) assembles the parts for the CLI: the loop (``controller``) that plans
and applies through the engine (``engine``, the one module calling plan and apply), the snapshot
of the live state it plans from (``snapshot``), Notion's webhooks (``webhooks``, ``hints``), the
circuit breaker (``breaker``), leadership among replicas (``leadership``, over
``reconciler.apply.records.redis_lease``), the endpoints (``http``, served by waitress in
``server``), the metrics (``metrics``) and the status (``status``). Nothing here prints or exits.
"""

from reconciler.serve.controller import Controller, ControllerOptions
from reconciler.serve.server import parse_listen
from reconciler.serve.service import ServeConfig, Service
from reconciler.serve.webhooks import sign

__all__ = ["Controller", "ControllerOptions", "ServeConfig", "Service", "parse_listen", "sign"]
