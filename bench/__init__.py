"""Benchmarks: the product as deployed (behind the repo's nginx, and direct) against a bare
Django baseline on the same servers, throttling on, in one run.

`make bench` (or `python -m bench --help`). Not tests: nothing here runs under pytest.
"""
