"""The programme drill-down: programme → sub-programme → cluster → activity, with indicators."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import indicators as formulas
from auth.policy import Scope
from db.models import BudgetFact, BudgetItemMart, IndicatorActivity, Programme
from db.queries.common import latest_period_join, national_period
from db.queries.indicators import indicator_values

LEVEL_DEPTH = {"programme": 0, "subprogramme": 1, "activity_cluster": 2, "activity": 3}


def _item_sums(session: Session, scope: Scope, *, year: int, period: str | None, entity: str | None,
               by: tuple[str, ...]):
    """The query of revised and paid summed per ``by`` columns, national unless ``entity`` is
    given, and the table it reads (for the caller to add conditions on). A director's national
    sums are those of a period every entity has reported."""
    scope.require_data()
    if entity is not None:
        scope.require_entity(entity)
    else:
        period = national_period(session, scope, "budget", year=year, period=period)
    # National sums of one period come from the item mart; an entity's, or each entity's latest
    # period, from the facts.
    fact = BudgetItemMart.__table__ if entity is None and period else BudgetFact.__table__
    query = select(*(fact.c[c] for c in by), func.sum(fact.c.revised).label("revised"),
                   func.sum(fact.c.paid).label("paid")).where(fact.c.fiscal_year == year)
    query = query.where(fact.c.period == period) if period else latest_period_join(query, fact, year)
    if entity is not None:
        query = query.where(fact.c.entity_code == entity)
    return query.group_by(*(fact.c[c] for c in by)), fact


def _in_tree_order(session: Session, frame: pd.DataFrame, lang: str, nodes_where) -> pd.DataFrame:
    """``frame`` (code, level, revised, paid, ...) with name, parent, execution rate and depth,
    sorted by code (a parent before its children); names are read for ``nodes_where`` only."""
    nodes = session.execute(select(Programme.code, Programme.parent_code,
                                   Programme.name_km if lang == "km" else Programme.name_en)
                            .where(nodes_where)).all()
    frame["name"] = frame["code"].map({c: name for c, _p, name in nodes})
    frame["parent"] = frame["code"].map({c: p for c, p, _n in nodes})
    frame["execution_rate"] = formulas.execution_rate(frame["paid"], frame["revised"])
    frame["depth"] = frame["level"].map(LEVEL_DEPTH)
    return frame.sort_values("code").reset_index(drop=True)


def programme_outline(session: Session, scope: Scope, *, year: int, period: str | None, lang: str,
                      entity: str | None = None) -> pd.DataFrame:
    """The tree folded at cluster level: programmes, sub-programmes and clusters with their sums
    (every activity counted) and, in ``activities``, how many activities with budget each holds.

    Summed by the database: at ten million facts the structure has 11,000 activities, and a
    page that shows the clusters should not carry them through pandas.
    """
    query, fact = _item_sums(session, scope, year=year, period=period, entity=entity,
                             by=("programme_code", "subprogramme_code", "cluster_code"))
    is_activity = case((fact.c.item_code != fact.c.cluster_code, fact.c.item_code))
    query = query.add_columns(func.count(func.distinct(is_activity)).label("activities"))
    clusters = pd.DataFrame([tuple(r) for r in session.execute(query)],
                            columns=["programme", "subprogramme", "cluster", "revised", "paid", "activities"])
    parts = [clusters.groupby(column, as_index=False)[["revised", "paid", "activities"]].sum()
             .rename(columns={column: "code"}).assign(level=level)
             for level, column in (("programme", "programme"), ("subprogramme", "subprogramme"),
                                   ("activity_cluster", "cluster"))]
    frame = pd.concat(parts, ignore_index=True)[["code", "level", "revised", "paid", "activities"]]
    return _in_tree_order(session, frame, lang, Programme.level != "activity")


def programme_activities(session: Session, scope: Scope, *, year: int, period: str | None, lang: str,
                         entity: str | None = None, clusters: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The activities with budget, of ``clusters`` or of every cluster, with their sums, in tree order.

    An item given at cluster level is the cluster's own row, not an activity.
    """
    query, fact = _item_sums(session, scope, year=year, period=period, entity=entity, by=("item_code",))
    query = query.where(fact.c.item_code != fact.c.cluster_code)
    if clusters is not None:
        query = query.where(fact.c.cluster_code.in_(clusters))
    # Plain tuples: pandas probes each SQLAlchemy Row for attributes (85 ms for 11,000 rows).
    frame = pd.DataFrame([tuple(r) for r in session.execute(query)], columns=["code", "revised", "paid"])
    frame["level"] = "activity"
    names = Programme.level == "activity"
    return _in_tree_order(session, frame, lang, names if clusters is None
                          else names & Programme.parent_code.in_(clusters))


def programme_tree(session: Session, scope: Scope, *, year: int, period: str | None, lang: str,
                   entity: str | None = None) -> pd.DataFrame:
    """Every node of the structure with its parent, revised, paid and execution rate, in tree order.

    Sums are national (every entity) unless ``entity`` is given; a director may ask for his or
    her province or ``00``, and national totals.
    """
    outline = programme_outline(session, scope, year=year, period=period, lang=lang, entity=entity)
    activities = programme_activities(session, scope, year=year, period=period, lang=lang, entity=entity)
    frame = pd.concat([outline.drop(columns="activities"), activities], ignore_index=True)
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
    if unit == "00":
        # The national paid, like the national values, only at a period every entity reported.
        period = national_period(session, scope, "budget", year=year, period=period)
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
    # Only the ancestors of the indicators' programmes and the names of the programmes shown: the
    # structure has 13,000 nodes at ten million facts.
    parents: dict[str, str | None] = {}
    asked = set(values["programme"].dropna())
    while asked:
        found = session.execute(select(Programme.code, Programme.parent_code).where(Programme.code.in_(asked))).all()
        parents.update(found)
        asked = {parent for _code, parent in found if parent and parent not in parents}
    names = dict(session.execute(select(Programme.code, Programme.name_km if lang == "km" else Programme.name_en)
                                 .where(Programme.code.in_(set(money["programme"])))).all())

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
