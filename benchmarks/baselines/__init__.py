"""Baselines the benchmarks measure the reconciler against, each run as a child process.

``naive_sync``: the notion-client script people write by hand (fetch each page, write every
row). ``whole_state_deepdiff``: one DeepDiff of the whole desired and live states.
"""
