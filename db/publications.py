"""Writes of open data: the budget unit publishes a period, or withdraws it.

Each write checks the role and the state inside the transaction, is audited with who, when,
before and after, and counts as a change of the publications for the query cache (``note_change``), so that /open
shows a newly published period, and stops showing a withdrawn one, at once in every worker.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import audit
from db.models import Publication, utcnow
from db.queries import publications as reads
from db.queries.cache import PUBLICATIONS, note_change
from db.submissions import Actor, Invalid
from domain.access import Forbidden
from domain.periods import is_month_period
from domain.vocabulary import BUDGET_UNIT, YEAR_MAX, YEAR_MIN


class AlreadyPublished(Exception):
    """The period is published already (HTTP 409); ``current`` is its publication."""

    def __init__(self, current: reads.Published) -> None:
        super().__init__(f"{current.period} is published already")
        self.current = current


class NoData(ValueError):
    """Nothing was loaded for the period: there is nothing to publish (HTTP 422)."""

    def __init__(self, year: int, period: str) -> None:
        super().__init__(f"no budget or indicator figures are loaded for {period}")
        self.year, self.period = year, period


def _check(actor: Actor, year: int, period: str, what: str) -> None:
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden(what)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid("year", f"year: a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    if not is_month_period(period) or period[:4] != f"{year:04d}":
        raise Invalid("period", f"period: YYYY-MM, YYYY-Qn or YYYY within {year}")


def publish(session: Session, actor: Actor, year: int, period: str) -> reads.Published:
    """Publish (``year``, ``period``) (a ``YYYY-MM`` period): budget unit only, a period with
    data, once (``AlreadyPublished`` for a second time, even when two arrive together)."""
    _check(actor, year, period, "publishing a period")
    if not reads.has_data(session, year, period):
        raise NoData(year, period)
    existing = session.get(Publication, (year, period))
    if existing is not None:
        raise AlreadyPublished(reads.Published(existing.fiscal_year, existing.period, existing.published_by,
                                               existing.published_at))
    row = Publication(fiscal_year=year, period=period, published_by=actor.scope.username, published_at=utcnow())
    try:
        # The primary key settles a race: the second of two simultaneous publications fails here.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise AlreadyPublished(reads.require_published(session, year, period)) from None
    after = reads.Published(year, period, row.published_by, row.published_at)
    audit.record(session, "publish", username=actor.scope.username, user_id=actor.scope.user_id or None,
                 address=actor.address, year=year, period=period, before=None, after=after.as_dict())
    note_change(session, PUBLICATIONS)
    return after


def withdraw(session: Session, actor: Actor, year: int, period: str) -> reads.Published:
    """Withdraw the publication of (``year``, ``period``): /open stops showing it at once.

    ``NotPublished`` when it is not (or no longer) published; the row is locked first, so two
    simultaneous withdrawals cannot both succeed.
    """
    _check(actor, year, period, "withdrawing a publication")
    row = session.scalar(select(Publication).where(Publication.fiscal_year == year, Publication.period == period)
                         .with_for_update())
    if row is None:
        raise reads.NotPublished(year, period)
    before = reads.Published(row.fiscal_year, row.period, row.published_by, row.published_at)
    session.delete(row)
    session.flush()
    audit.record(session, "withdraw_publication", username=actor.scope.username,
                 user_id=actor.scope.user_id or None, address=actor.address, year=year, period=period,
                 before=before.as_dict(), after=None)
    note_change(session, PUBLICATIONS)
    return before
