"""Tests of the conformance replay (reconciler.emulator.conformance)."""
