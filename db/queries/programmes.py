"""The programme drill-down: programme → sub-programme → cluster → activity, with indicators."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import indicators as formulas
from auth.policy import Scope
from db.models import BudgetFact, BudgetItemMart, IndicatorActivity, Programme
from db.queries.common import latest_period_join
from db.queries.indicators import indicator_values


def programme_tree(session: Session, scope: Scope, *, year: int, period: str | None, lang: str,
                   entity: str | None = None) -> pd.DataFrame:
    """Every node of the structure with its parent, revised, paid and execution rate, in tree order.

    Sums are national (every entity) unless ``entity`` is given; a director may ask for his or
    her province or ``00``, and national totals.
    """
    scope.require_data()
    if entity is not None:
        scope.require_entity(entity)
    # National sums of one period come from the item mart; an entity's, or each entity's latest
    # period, from the facts.
    fact = BudgetItemMart.__table__ if entity is None and period else BudgetFact.__table__
    query = select(fact.c.programme_code, fact.c.subprogramme_code, fact.c.cluster_code, fact.c.item_code,
                   func.sum(fact.c.revised).label("revised"), func.sum(fact.c.paid).label("paid")
                   ).where(fact.c.fiscal_year == year)
    query = query.where(fact.c.period == period) if period else latest_period_join(query, fact, year)
    if entity is not None:
        query = query.where(fact.c.entity_code == entity)
    query = query.group_by(fact.c.programme_code, fact.c.subprogramme_code, fact.c.cluster_code, fact.c.item_code)
    # Plain tuples: pandas probes each SQLAlchemy Row for attributes (85 ms for 11,000 rows).
    leaves = pd.DataFrame([tuple(r) for r in session.execute(query)],
                          columns=["programme", "subprogramme", "cluster", "item", "revised", "paid"])
    nodes = session.execute(select(Programme.code, Programme.parent_code, Programme.level,
                                   Programme.name_km if lang == "km" else Programme.name_en)).all()
    parts = []
    for level, column in (("programme", "programme"), ("subprogramme", "subprogramme"),
                          ("activity_cluster", "cluster"), ("activity", "item")):
        sums = leaves.groupby(column, as_index=False)[["revised", "paid"]].sum().rename(columns={column: "code"})
        if level == "activity":  # an item given at cluster level is already the cluster's row
            sums = sums[~sums["code"].isin(leaves["cluster"])]
        parts.append(sums.assign(level=level))
    frame = pd.concat(parts, ignore_index=True)[["code", "level", "revised", "paid"]]
    names = {c: name for c, _p, _l, name in nodes}
    frame["name"] = frame["code"].map(names)
    frame["parent"] = frame["code"].map({c: p for c, p, _l, _n in nodes})
    frame["execution_rate"] = formulas.execution_rate(frame["paid"], frame["revised"])
    frame["depth"] = frame["level"].map({"programme": 0, "subprogramme": 1, "activity_cluster": 2, "activity": 3})
    return frame.sort_values("code").reset_index(drop=True)


def node_level(session: Session, code: str) -> str | None:
    """The level of a node of the programme structure (None for a code that is not in it)."""
    return session.scalar(select(Programme.level).where(Programme.code == code))


def linked_indicators(session: Session, scope: Scope, *, year: int, period: str | None,
                      unit: str = "00") -> pd.DataFrame:
    """Indicators with the programme they measure, their target, actual and status, and unit cost
    where the catalogue names the activities that produce them."""
    values = indicator_values(session, scope, year=year, period=period, unit=unit)
    if values.empty:
        return values
    links = pd.DataFrame(session.execute(select(IndicatorActivity.indicator_code, IndicatorActivity.programme_code)
                                         ).all(), columns=["indicator", "activity"])
    # National and with a period: the item mart; else the facts of the linked items only.
    fact = BudgetItemMart.__table__ if unit == "00" and period else BudgetFact.__table__
    paid_query = (select(fact.c.item_code, func.sum(fact.c.paid))
                  .where(fact.c.fiscal_year == year, fact.c.item_code.in_(sorted(set(links["activity"])))))
    paid_query = (paid_query.where(fact.c.period == period) if period
                  else latest_period_join(paid_query, fact, year))
    if unit != "00":  # national: every entity's spending, a national aggregate
        paid_query = paid_query.where(fact.c.entity_code == unit)
    paid = dict(session.execute(paid_query.group_by(fact.c.item_code)).all())
    spent = links.assign(paid=links["activity"].map(paid).fillna(0)).groupby("indicator")["paid"].sum()
    values["unit_cost"] = formulas.unit_cost(values["indicator"].map(spent), values["actual"])
    return values


def programme_quadrant(session: Session, scope: Scope, *, year: int, period: str, province: str,
                       lang: str) -> pd.DataFrame:
    """Per programme of a province: execution rate, mean achievement of its indicators, quadrant."""
    from db.queries.budget import budget

    scope.require_province(province)
    money = budget(session, scope, year=year, period=None, entity=province, group_by=["programme"])
    values = indicator_values(session, scope, year=year, period=period, unit=province)
    parents = dict(session.execute(select(Programme.code, Programme.parent_code)).all())
    names = dict(session.execute(select(Programme.code, Programme.name_km if lang == "km"
                                        else Programme.name_en)).all())

    def top(code: str) -> str:
        while parents.get(code):
            code = parents[code]
        return code

    values["top"] = values["programme"].map(top)
    mean = values.groupby("top")["achievement"].apply(lambda s: formulas.capped(s).mean())
    frame = money.assign(execution_rate=formulas.execution_rate(money["paid"], money["revised"]),
                         achievement=money["programme"].map(mean),
                         label=money["programme"].map(lambda c: names.get(c, c)))
    expected = formulas.expected_execution(formulas.period_month(period))
    frame["quadrant"] = formulas.quadrant(frame["execution_rate"], frame["achievement"], expected)
    return frame
