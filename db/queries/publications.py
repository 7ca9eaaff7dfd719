"""Which periods are published: the gate of /open, checked before any figure is read.

In-year figures are working data; the budget unit publishes a period (``db/publications.py``),
and only then do its province and national aggregates reach the public. The open routes call
:func:`require_published` before they ask the query layer for a figure, and the figures
themselves come from the same read models as the signed-in pages (``budget``,
``indicator_values``) with ``Scope.public()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import BudgetMart, IndicatorMart, Publication
from db.queries.cache import FACTS, PUBLICATIONS, cached_reference
from domain.access import Forbidden, Scope


class NotPublished(Forbidden):
    """The period is not published (the open routes answer 404; a withdrawal of it, too)."""

    def __init__(self, year: int, period: str | None) -> None:
        super().__init__(f"unpublished period {period or year}")
        self.year, self.period = year, period


@dataclass(frozen=True)
class Published:
    """One published period: when, and by which account (the account is not shown on /open)."""

    year: int
    period: str
    published_by: str
    published_at: datetime

    def as_dict(self) -> dict:
        return {"year": self.year, "period": self.period, "published_by": self.published_by,
                "published_at": self.published_at.isoformat(timespec="seconds")}


def require_published(session: Session, year: int, period: str) -> Published:
    """The publication of (``year``, ``period``), read from the table itself (never a cached
    list), or ``NotPublished``: the check every open route makes before it reads a figure."""
    if not isinstance(period, str) or period[:4] != f"{year:04d}":
        raise NotPublished(year, period)
    row = session.get(Publication, (year, period))
    if row is None:
        raise NotPublished(year, period)
    return Published(row.fiscal_year, row.period, row.published_by, row.published_at)


def published_periods(session: Session, scope: Scope) -> list[Published]:
    """Every published period, newest first (the /open selector; the budget unit's list).

    Read once per data version: publishing and withdrawing count as writes, so a withdrawn
    period leaves this list at once, in every worker.
    """
    scope.require_aggregates()
    return cached_reference(session, _read_published, depends=(FACTS, PUBLICATIONS))


def _read_published(session: Session) -> list[Published]:
    rows = session.scalars(select(Publication).order_by(Publication.fiscal_year.desc(),
                                                         Publication.period.desc()))
    return [Published(r.fiscal_year, r.period, r.published_by, r.published_at) for r in rows]


def latest_published(session: Session, scope: Scope, year: int | None = None) -> Published | None:
    """The newest published period (of ``year`` when given), or None."""
    return next((p for p in published_periods(session, scope) if year is None or p.year == year), None)


def has_data(session: Session, year: int, period: str) -> bool:
    """Whether budget or indicator figures were loaded for exactly (``year``, ``period``)."""
    budget = exists().where(BudgetMart.fiscal_year == year, BudgetMart.period == period)
    values = exists().where(IndicatorMart.fiscal_year == year, IndicatorMart.period == period)
    return bool(session.scalar(select(budget)) or session.scalar(select(values)))


def periods_with_data(session: Session, scope: Scope) -> list[tuple[int, str, Published | None]]:
    """Every (year, period) with budget or indicator figures, newest first, each with its
    publication or None: what the budget unit may publish or withdraw (the Data page). A published
    period whose figures were all replaced away is listed too, so that it can still be withdrawn."""
    scope.require_data()
    published = {(p.year, p.period): p for p in _read_published(session)}
    periods = sorted(set(cached_reference(session, _loaded, depends=(FACTS,))) | set(published), reverse=True)
    return [(year, period, published.get((year, period))) for year, period in periods]


def _loaded(session: Session) -> list[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for table in (BudgetMart.__table__, IndicatorMart.__table__):
        found |= {(int(y), p) for y, p in session.execute(select(table.c.fiscal_year, table.c.period).distinct())}
    return sorted(found, reverse=True)
