"""The read API under ``/api/v1/`` (README.md): JSON, session or bearer token."""

from api.routes import bp

__all__ = ["bp"]
