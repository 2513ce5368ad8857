"""Tests of the property codecs (reconciler.properties)."""
