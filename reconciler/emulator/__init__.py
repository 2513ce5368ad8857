"""A faithful local Notion API: WSGI app, SQLite store, limits and faults, admin API, TCP server.

Used by every test, the ``--local`` workspace, benchmarks and demos. It imports nothing from the
rest of ``reconciler``: it is an independent implementation of Notion's behaviour, so it catches
the reconciler's mistakes instead of sharing them.

::

    emu = Emulator(store=":memory:", tokens={"secret_abc": "My integration"})
    client = httpx.Client(transport=httpx.WSGITransport(app=emu))   # in-process
    with emu.serve() as server:                                      # over TCP
        server.url

How faithful it is: ``python -m reconciler.emulator.conformance tests/recordings --context
tests/recordings/ultimate-notion/fixtures`` replays recorded Notion traffic against it
(:mod:`reconciler.emulator.conformance`, results in ``docs/conformance.md``).
"""

from reconciler.emulator.admin import SeedError
from reconciler.emulator.app import DEFAULT_INTEGRATION, DEFAULT_TOKEN, Emulator
from reconciler.emulator.identity import ROOT_PAGE_ID, WORKSPACE_ID
from reconciler.emulator.server import EmulatorServer
from reconciler.emulator.store import StoreError

__all__ = [
    "DEFAULT_INTEGRATION",
    "DEFAULT_TOKEN",
    "ROOT_PAGE_ID",
    "WORKSPACE_ID",
    "Emulator",
    "EmulatorServer",
    "SeedError",
    "StoreError",
]
