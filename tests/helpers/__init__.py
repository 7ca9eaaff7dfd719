"""Helpers the tests share: plain modules, imported by tests and fixtures, never a conftest."""
