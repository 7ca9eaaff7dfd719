"""The API under ``/api/v1/`` (README.md, /api/v1/openapi.json): JSON, session or bearer token; reads, and the
writes of the budget cycle (submissions, review, explanations) and the publication of periods for /open."""

from api import costing as _costing  # noqa: F401 - registers the costing routes on bp
from api import publications as _publications  # noqa: F401 - registers the publication routes on bp
from api import review as _review  # noqa: F401 - registers the review routes on bp
from api import submissions as _submissions  # noqa: F401 - registers the submission routes on bp
from api.routes import bp

__all__ = ["bp"]
