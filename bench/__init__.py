"""Benchmarks (bench/RESULTS.md). Not part of the test suite: run with ``make bench``."""
