"""The scenarios of ``benchmarks/run.py``: plan, apply, import-export, resilience.

Each scenario module has ``run(context) -> dict`` returning its figures (JSON-ready); shared
pieces are the served emulator (``served``), the measured child process (``child``), the tasks
workspace (``tasks``), the pace (``pace``) and the report (``report``).
"""
