"""Tests of the emulator's pure engines: formulas, filters and sorts, rollups."""
