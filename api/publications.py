"""Publication of periods for /open: list, publish, withdraw (README.md, "Open data").

The write layer (``db/publications.py``) checks the role (budget unit) and the state inside each
write; these routes turn JSON into calls and refusals into status codes: 403 for another role,
409 for a period published already, 422 for a period without data, 404 for withdrawing a period
that is not published.
"""

from __future__ import annotations

from flask import jsonify

from api.routes import bp
from api.writes import json_body, writer
from auth.web import current_scope, db_url
from db import publications as writes
from db.engine import session_scope
from db.queries import publications as reads
from db.submissions import Invalid
from domain.periods import normalise_period
from domain.vocabulary import YEAR_MAX, YEAR_MIN


def _year(value: object) -> int:
    # JSON has one number type: 2025 and 2025.0 are the same integer to a JSON Schema.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not YEAR_MIN <= value <= YEAR_MAX:
        raise Invalid("year", f"year: a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    return int(value)


def _period(value: object, year: int) -> str:
    """A period of the body or the path (``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``) as ``YYYY-MM``."""
    normalised = normalise_period(value, strict=True) if isinstance(value, str) else None
    if normalised is None or normalised[:4] != f"{year:04d}":
        raise Invalid("period", f"period: YYYY-MM, YYYY-Qn or YYYY within {year}")
    return normalised


@bp.errorhandler(writes.AlreadyPublished)
def _already_published(error: writes.AlreadyPublished):
    return jsonify(error="exists", detail=str(error), current=error.current.as_dict()), 409


@bp.errorhandler(writes.NoData)
def _no_data(error: writes.NoData):
    return jsonify(error="invalid", field="period", detail=str(error)), 422


@bp.errorhandler(reads.NotPublished)
def _not_published(error: reads.NotPublished):
    return jsonify(error="not found", detail=f"{error.period or error.year} is not published"), 404


@bp.get("/publications")
def list_publications():
    """The published periods, newest first: who published each, and when."""
    scope = current_scope()
    scope.require_data()
    with session_scope(db_url()) as session:
        found = reads.published_periods(session, scope)
    return jsonify(publications=[p.as_dict() for p in found])


@bp.post("/publications")
def publish():
    """Publish a period (``{"year": 2025, "period": "2025-06"}``): its aggregates appear on /open."""
    actor = writer()
    body = json_body()
    year = _year(body.get("year"))
    period = _period(body.get("period"), year)
    with session_scope(db_url()) as session:
        done = writes.publish(session, actor, year, period)
        answer = done.as_dict()
    return jsonify(answer), 201


@bp.delete("/publications/<int:year>/<period>")
def withdraw(year: int, period: str):
    """Withdraw a period's publication: /open stops showing it at once."""
    actor = writer()
    year = _year(year)
    period = _period(period, year)
    with session_scope(db_url()) as session:
        before = writes.withdraw(session, actor, year, period)
    return jsonify(withdrawn=before.as_dict())
