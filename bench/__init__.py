"""Benchmarks (DESIGN section 8). Not part of the test suite: run with ``make bench``."""
