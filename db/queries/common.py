"""Pieces every read model shares: the latest period per entity, the scope filter in SQL, and
the periods at which a director may read national figures."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from db.models import BudgetMart, IndicatorMart
from db.queries.cache import FACTS, cached_reference
from domain.access import NATIONAL, Forbidden, Scope


def visible_entities(scope: Scope) -> list[str] | None:
    """Entity codes whose own rows ``scope`` may see (``00`` and its provinces); None = all."""
    allowed = scope.provinces
    if allowed is None:
        return None
    return [NATIONAL, *sorted(allowed)]


def restrict_entities(query: Select, column: ColumnElement, scope: Scope) -> Select:
    """Keep only rows of entities the scope may see, in SQL."""
    entities = visible_entities(scope)
    return query if entities is None else query.where(column.in_(entities))


def latest_period_join(query: Select, table, year: int, entity_column: str = "entity_code", *,
                       upto: str | None = None, keys: tuple[str, ...] = ()) -> Select:
    """Restrict ``query`` on ``table`` to the latest period loaded per entity in ``year``, at or
    before ``upto`` when given (per entity and ``keys`` columns, e.g. per indicator).

    Year-to-date figures are never summed across periods: a year without a period means each
    entity's newest period in that year; a period means that period, or for an entity that has
    not reported it, its latest report before it ("as of"), never a later one.
    """
    entity = getattr(table.c, entity_column)
    others = [table.c[k] for k in keys]
    latest = select(entity.label("entity"), *(c.label(f"key_{c.name}") for c in others),
                    func.max(table.c.period).label("period")).where(table.c.fiscal_year == year)
    if upto is not None:
        latest = latest.where(table.c.period <= upto)
    latest = latest.group_by(entity, *others).subquery("latest")
    return query.join(latest, and_(entity == latest.c.entity, table.c.period == latest.c.period,
                                   *(c == latest.c[f"key_{c.name}"] for c in others)))


def as_of_periods(session: Session, year: int, upto: str | None) -> dict[str, str]:
    """Each entity's budget period for a view of ``upto``: ``upto`` itself, or for an entity that
    has not reported it, its latest period before it; without ``upto``, its newest period.

    Budget files replace whole (year, period, entity) keys, so an entity has reported a period
    or not at all. Read from a small cached map, so that the queries keep to plain period and
    entity conditions that the indexes serve.
    """
    reported = cached_reference(session, _budget_reports, depends=(FACTS,)).get(year, {})
    out = {}
    for entity, periods in reported.items():
        usable = [p for p in periods if upto is None or p <= upto]
        if usable:
            out[entity] = usable[-1]
    return out


def as_of_condition(table, as_of: dict[str, str], entity_column: str = "entity_code") -> ColumnElement:
    """The rows of each entity at its period of ``as_of`` (an always-false condition if empty)."""
    entity = getattr(table.c, entity_column)
    by_period: dict[str, list[str]] = {}
    for code, period in as_of.items():
        by_period.setdefault(period, []).append(code)
    if not by_period:
        return table.c.period.is_(None)
    return or_(*(and_(table.c.period == period, entity.in_(sorted(codes)))
                 for period, codes in sorted(by_period.items())))


def _budget_reports(session: Session) -> dict[int, dict[str, tuple[str, ...]]]:
    table = BudgetMart.__table__
    out: dict[int, dict[str, list[str]]] = {}
    for year, entity, period in session.execute(
            select(table.c.fiscal_year, table.c.entity_code, table.c.period).distinct()
            .order_by(table.c.fiscal_year, table.c.entity_code, table.c.period)):
        out.setdefault(int(year), {}).setdefault(entity, []).append(period)
    return {year: {e: tuple(p) for e, p in entities.items()} for year, entities in out.items()}


class NationalWithheld(Forbidden):
    """A national figure that a director may not see yet: a difference could isolate a province.

    National totals are sums over every entity. If one province has reported August but not
    September, the August total minus the September total is that province's budget. So a scope
    limited to one province reads national figures only for periods that every entity of the
    year has reported ("complete" periods); ``latest_complete`` names the newest such period.
    """

    def __init__(self, year: int, period: str | None, latest_complete: str | None) -> None:
        super().__init__(f"national figures of {period or year}")
        self.year, self.period, self.latest_complete = year, period, latest_complete


def complete_periods(session: Session, kind: str) -> dict[int, tuple[tuple[str, ...], frozenset[str]]]:
    """Per year, the periods every entity of that year has reported, oldest first, and the set
    of every period with any data.

    ``kind`` is ``budget`` (an entity reported a period when it has budget rows for it) or
    ``indicators`` (every (province, indicator) pair of the year has a row for the period, so
    that no indicator's national roll-up changes by one province's presence).
    """
    reader = _complete_budget_periods if kind == "budget" else _complete_indicator_periods
    return cached_reference(session, reader, depends=(FACTS,))


def national_period(session: Session, scope: Scope, kind: str, *, year: int,
                    period: str | None) -> str | None:
    """The period at which national figures may be computed for ``scope``.

    Unrestricted scopes get ``period`` back (None keeps "each entity's latest"). A scope limited
    to one province gets ``period`` if it is complete, the newest complete period when no period
    is named, and ``NationalWithheld`` otherwise.
    """
    if scope.provinces is None:
        return period
    complete, reported = complete_periods(session, kind).get(year, ((), frozenset()))
    if period is not None and period not in reported:
        return period  # nobody has reported it: the answer is empty, and isolates nobody
    if period is None and complete:
        return complete[-1]
    if period is not None and period in complete:
        return period
    raise NationalWithheld(year, period, complete[-1] if complete else None)


def _complete_budget_periods(session: Session) -> dict[int, tuple[tuple[str, ...], frozenset[str]]]:
    table = BudgetMart.__table__
    entities = dict(session.execute(
        select(table.c.fiscal_year, func.count(distinct(table.c.entity_code))).group_by(table.c.fiscal_year)
    ).all())
    counts = session.execute(
        select(table.c.fiscal_year, table.c.period, func.count(distinct(table.c.entity_code)))
        .group_by(table.c.fiscal_year, table.c.period).order_by(table.c.fiscal_year, table.c.period)
    ).all()
    return _complete(counts, entities)


def _complete_indicator_periods(session: Session) -> dict[int, tuple[tuple[str, ...], frozenset[str]]]:
    table = IndicatorMart.__table__
    provinces = table.c.entity_code != NATIONAL
    pairs = (select(table.c.fiscal_year, table.c.entity_code, table.c.indicator_code).distinct()
             .where(provinces).subquery())
    expected = dict(session.execute(
        select(pairs.c.fiscal_year, func.count()).group_by(pairs.c.fiscal_year)).all())
    # One mart row per (period, entity, indicator): counting rows counts pairs.
    counts = session.execute(
        select(table.c.fiscal_year, table.c.period, func.count()).where(provinces)
        .group_by(table.c.fiscal_year, table.c.period).order_by(table.c.fiscal_year, table.c.period)
    ).all()
    return _complete(counts, expected)


def _complete(counts, expected: dict[int, int]) -> dict[int, tuple[tuple[str, ...], frozenset[str]]]:
    complete: dict[int, list[str]] = {}
    reported: dict[int, set[str]] = {}
    for year, period, count in counts:
        reported.setdefault(int(year), set()).add(period)
        if count == expected.get(year):
            complete.setdefault(int(year), []).append(period)
    return {year: (tuple(complete.get(year, ())), frozenset(periods)) for year, periods in reported.items()}
