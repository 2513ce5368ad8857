"""The apply's records: the journal, the audit log, the workspace lock and the undo plan.

``journal`` (what every apply started and finished, for resuming), ``audit`` (who did what),
``lock`` (one apply per workspace at a time) and ``undo`` (the plan that puts an apply back).
"""
