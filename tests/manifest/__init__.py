"""Tests of reconciler.manifest: loading, checking and building manifests."""
