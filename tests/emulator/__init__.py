"""Tests of the emulator, driven through the real notion-client (in-process and over TCP)."""
