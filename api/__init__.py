"""The read API under ``/api/v1/`` (DESIGN section 10): JSON, session or bearer token."""

from api.routes import bp

__all__ = ["bp"]
