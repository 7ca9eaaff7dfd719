"""Read models for pages and the API. Every function that returns figures takes a ``Scope``."""
