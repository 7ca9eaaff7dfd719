"""Read models for the overview and provinces pages: KPIs, programmes, and the 25 side by side."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

import indicators as formulas
from db.models import AdminUnit, BudgetMart, IndicatorActivity, Programme
from db.queries.budget import budget
from db.queries.common import as_of_condition, as_of_periods, complete_periods
from db.queries.indicators import all_province_values, catalogue, indicator_values, with_status
from domain.access import NATIONAL, Scope
from domain.vocabulary import PROVINCE_COUNT


def default_period(session: Session, scope: Scope, year: int | None = None) -> tuple[int, str] | None:
    """The newest (year, period) with budget data, within ``year`` if given."""
    scope.require_data()
    table = BudgetMart.__table__
    query = select(table.c.fiscal_year, func.max(table.c.period)).group_by(table.c.fiscal_year)
    if year is not None:
        query = query.where(table.c.fiscal_year == year)
    rows = session.execute(query.order_by(table.c.fiscal_year.desc())).all()
    return (int(rows[0][0]), rows[0][1]) if rows else None


def years_and_periods(session: Session, scope: Scope) -> dict[int, list[str]]:
    """Every year with data and its periods, newest first (for the selectors)."""
    scope.require_data()
    table = BudgetMart.__table__
    out: dict[int, list[str]] = {}
    for year, period in session.execute(select(table.c.fiscal_year, table.c.period).distinct()
                                        .order_by(table.c.fiscal_year.desc(), table.c.period.desc())):
        out.setdefault(int(year), []).append(period)
    return out


def selector_data(session: Session, scope: Scope, *, national: bool = True
                  ) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Periods by year for the selectors, and each year's default: the newest period that at
    least half of the 26 entities have reported (one early file must not empty the overview).
    On pages of ``national`` figures, a director's default is the newest period every entity
    has reported, whose national figures he or she may read."""
    scope.require_data()
    table = BudgetMart.__table__
    counts = session.execute(select(table.c.fiscal_year, table.c.period, func.count(distinct(table.c.entity_code)))
                             .group_by(table.c.fiscal_year, table.c.period)
                             .order_by(table.c.fiscal_year.desc(), table.c.period.desc())).all()
    periods: dict[int, list[str]] = {}
    preferred: dict[int, str] = {}
    for year, period, entities in counts:
        periods.setdefault(int(year), []).append(period)
        if entities >= 13 and int(year) not in preferred:
            preferred[int(year)] = period
    if national and scope.provinces is not None:
        for year, (complete, _reported) in complete_periods(session, "budget").items():
            if complete:
                preferred[year] = complete[-1]
    return periods, preferred


def completeness(session: Session, scope: Scope, *, year: int, period: str) -> pd.Series:
    """Execution reports received ÷ expected per province: one a month up to ``period``."""
    scope.require_data()
    table = BudgetMart.__table__
    month = formulas.period_month(period)
    query = (select(table.c.entity_code, func.count(distinct(table.c.period)))
             .where(table.c.fiscal_year == year, table.c.period <= period, table.c.entity_code != NATIONAL)
             .group_by(table.c.entity_code))
    allowed = scope.provinces
    if allowed is not None:
        query = query.where(table.c.entity_code.in_(sorted(allowed)))
    received = dict(session.execute(query).all())
    provinces = [u for u in session.scalars(select(AdminUnit.code).where(AdminUnit.level == "province")
                                            .order_by(AdminUnit.code)) if scope.can_read_province(u)]
    series = pd.Series({code: received.get(code, 0) for code in provinces}, dtype="float64")
    return formulas.completeness(series, pd.Series(month, index=series.index))


def national_completeness(session: Session, scope: Scope, *, year: int, period: str) -> float:
    """Reports received ÷ expected over all 25 provinces (a national figure every role may read)."""
    scope.require_data()
    table = BudgetMart.__table__
    reports = (select(table.c.entity_code, table.c.period).distinct()
               .where(table.c.fiscal_year == year, table.c.period <= period, table.c.entity_code != NATIONAL)
               .subquery())
    received = session.execute(select(func.count()).select_from(reports)).scalar_one()
    return formulas.completeness(received, PROVINCE_COUNT * formulas.period_month(period))


def overview(session: Session, scope: Scope, *, year: int, period: str | None) -> dict:
    """KPIs: revised and paid, expected, gap, indicators on track, completeness (all national)."""
    period = period or (default_period(session, scope, year) or (year, f"{year}-12"))[1]
    at_period = budget(session, scope, year=year, period=period)
    revised = int(at_period["revised"].sum()) if not at_period.empty else 0
    paid = int(at_period["paid"].sum()) if not at_period.empty else 0
    rate = formulas.execution_rate(paid, revised)
    expected = formulas.expected_execution(formulas.period_month(period))
    values = indicator_values(session, scope, year=year, period=period, unit=NATIONAL)
    counts = values["status"].value_counts().to_dict() if not values.empty else {}
    with_data = sum(n for s, n in counts.items() if s != "no_data")
    return {
        "year": year, "period": period, "revised": revised, "paid": paid, "execution_rate": rate,
        "expected": expected, "gap": formulas.execution_gap(rate, expected),
        "status_counts": {s: int(counts.get(s, 0)) for s in formulas.STATUSES},
        "on_track_share": (counts.get("on_track", 0) / with_data) if with_data else float("nan"),
        "indicators_with_data": with_data,
        "completeness": national_completeness(session, scope, year=year, period=period),
    }


def programmes(session: Session, scope: Scope, *, year: int, period: str | None, lang: str,
               entity: str | None = None) -> pd.DataFrame:
    """Revised and paid by programme, with names in ``lang`` and the expected amount by now."""
    frame = budget(session, scope, year=year, period=period, entity=entity, group_by=["programme"])
    names = dict(session.execute(select(Programme.code, Programme.name_km if lang == "km"
                                        else Programme.name_en).where(Programme.level == "programme")).all())
    frame["label"] = frame["programme"].map(lambda c: names.get(c, c))
    if period:
        frame["expected"] = frame["revised"] * formulas.expected_execution(formulas.period_month(period))
    frame["execution_rate"] = formulas.execution_rate(frame["paid"], frame["revised"])
    return frame


def province_table(session: Session, scope: Scope, *, year: int, period: str) -> pd.DataFrame:
    """The 25 side by side (those the scope may see): budget, execution rate, score, rank,
    completeness and unit cost of the highest-weighted indicator that names its activities.

    Every figure is of ``period``; a province that has not reported it shows its latest report
    before it, and ``as_of`` names that period (None where it is ``period`` itself).
    """
    scope.require_data()
    money = budget(session, scope, year=year, period=period, group_by=["entity"])
    money = money[money["entity"] != NATIONAL].set_index("entity")
    cat = catalogue(session)
    every = with_status(all_province_values(session, year, period), cat)
    scores = formulas.province_score(every)
    ranks = formulas.rank(scores)
    provinces = [c for c in session.scalars(select(AdminUnit.code).where(AdminUnit.level == "province")
                                            .order_by(AdminUnit.code)) if scope.can_read_province(c)]
    frame = pd.DataFrame(index=pd.Index(provinces, name="code"))
    frame["revised"] = money["revised"].reindex(frame.index)
    frame["paid"] = money["paid"].reindex(frame.index)
    frame["execution_rate"] = formulas.execution_rate(frame["paid"], frame["revised"])
    frame["score"] = scores.reindex(frame.index)
    frame["rank"] = ranks.reindex(frame.index)
    frame["completeness"] = completeness(session, scope, year=year, period=period).reindex(frame.index)
    frame["unit_cost"] = _unit_costs(session, every, year, period).reindex(frame.index)
    as_of = money["as_of"].reindex(frame.index) if "as_of" in money else pd.Series(None, index=frame.index)
    frame["as_of"] = as_of.where(as_of != period, None)
    return frame.reset_index()


def _unit_costs(session: Session, every: pd.DataFrame, year: int, period: str) -> pd.Series:
    links = session.execute(select(IndicatorActivity.indicator_code, IndicatorActivity.programme_code)).all()
    if not links or every.empty:
        return pd.Series(dtype="float64")
    cat = catalogue(session).set_index("indicator")
    linked = sorted({i for i, _ in links}, key=lambda i: -float(cat["weight"].get(i, 0)))
    indicator = linked[0]
    activities = [a for i, a in links if i == indicator]
    from db.models import BudgetFact

    # Each entity's report of the period, or its latest before it.
    facts = BudgetFact.__table__
    query = (select(facts.c.entity_code, func.sum(facts.c.paid))
             .where(facts.c.fiscal_year == year, as_of_condition(facts, as_of_periods(session, year, period)),
                    facts.c.item_code.in_(activities))
             .group_by(facts.c.entity_code))
    paid = pd.Series(dict(session.execute(query).all()), dtype="float64")
    output = every[every["indicator"] == indicator].set_index("unit")["actual"]
    return formulas.unit_cost(paid.reindex(output.index), output)
