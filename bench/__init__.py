"""Benchmarks: every hot path against a bare Django baseline, on the same server, in one run.

`make bench` (or `python -m bench --help`). Not tests: nothing here runs under pytest.
"""
