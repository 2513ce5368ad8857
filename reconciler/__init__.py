"""notion-reconciler: Notion databases managed like infrastructure (manifests, plan, apply)."""

__version__ = "0.1.0"
