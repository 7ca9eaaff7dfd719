"""The read API under ``/api/v1/`` (README.md): JSON, session or bearer token."""

from api import submissions as _submissions  # noqa: F401 - registers the submission routes on bp
from api.routes import bp

__all__ = ["bp"]
