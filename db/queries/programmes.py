"""The programme drill-down: programme → sub-programme → cluster → activity, with indicators."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Subquery, Table, case, func, select, union_all
from sqlalchemy.orm import Session

import indicators as formulas
from db.models import BudgetFact, BudgetItemMart, IndicatorActivity, Programme
from db.queries.common import as_of_condition, as_of_periods, national_period
from db.queries.indicators import indicator_values
from domain.access import NATIONAL, Scope

LEVEL_DEPTH = {"programme": 0, "subprogramme": 1, "activity_cluster": 2, "activity": 3}


ITEM_COLUMNS = ("programme_code", "subprogramme_code", "cluster_code", "item_code")


def _items(session: Session, scope: Scope, *, year: int, period: str | None, entity: str | None,
           where: Callable[[Table], list] = lambda _table: []) -> Subquery:
    """Revised and paid per item of the structure (with its programme, sub-programme and cluster),
    national unless ``entity`` is given; ``where`` adds conditions on the table read.

    A period means that period, or for an entity that has not reported it its latest report
    before it. National sums of one period come from the item mart (every entity that reported
    it) plus the facts of the entities that have not, at their own latest period; an entity's,
    or each entity's latest period, from the facts. A director's national sums are those of a
    period every entity has reported.
    """
    scope.require_data()
    if entity is not None:
        scope.require_entity(entity)
    else:
        period = national_period(session, scope, "budget", year=year, period=period)
    as_of = as_of_periods(session, year, period)
    if entity is not None:
        as_of = {entity: as_of[entity]} if entity in as_of else {}
    fact = BudgetFact.__table__

    def from_facts(wanted: dict[str, str]):
        return (select(*(fact.c[c] for c in ITEM_COLUMNS), func.sum(fact.c.revised).label("revised"),
                       func.sum(fact.c.paid).label("paid"))
                .where(fact.c.fiscal_year == year, as_of_condition(fact, wanted), *where(fact))
                .group_by(*(fact.c[c] for c in ITEM_COLUMNS)))

    if entity is not None or period is None:
        return from_facts(as_of).subquery("items")
    mart = BudgetItemMart.__table__
    query = (select(*(mart.c[c] for c in ITEM_COLUMNS), mart.c.revised, mart.c.paid)
             .where(mart.c.fiscal_year == year, mart.c.period == period, *where(mart)))
    late = {code: at for code, at in as_of.items() if at != period}
    if late:
        query = union_all(query, from_facts(late))
    return query.subquery("items")


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
    items = _items(session, scope, year=year, period=period, entity=entity)
    by = (items.c.programme_code, items.c.subprogramme_code, items.c.cluster_code)
    is_activity = case((items.c.item_code != items.c.cluster_code, items.c.item_code))
    query = select(*by, func.sum(items.c.revised), func.sum(items.c.paid),
                   func.count(func.distinct(is_activity)).label("activities")).group_by(*by)
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
    def activities_only(table: Table) -> list:
        conditions = [table.c.item_code != table.c.cluster_code]
        if clusters is not None:
            conditions.append(table.c.cluster_code.in_(clusters))
        return conditions

    items = _items(session, scope, year=year, period=period, entity=entity, where=activities_only)
    query = select(items.c.item_code, func.sum(items.c.revised), func.sum(items.c.paid)).group_by(items.c.item_code)
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
                      unit: str = NATIONAL) -> pd.DataFrame:
    """Indicators with the programme they measure, their target, actual and status, and unit cost
    where the catalogue names the activities that produce them."""
    values = indicator_values(session, scope, year=year, period=period, unit=unit)
    if values.empty:
        return values
    links = pd.DataFrame(session.execute(select(IndicatorActivity.indicator_code, IndicatorActivity.programme_code)
                                         ).all(), columns=["indicator", "activity"])
    linked = sorted(set(links["activity"]))
    # National: every entity's spending, like the national values, as of the same period.
    items = _items(session, scope, year=year, period=period, entity=None if unit == NATIONAL else unit,
                   where=lambda table: [table.c.item_code.in_(linked)])
    paid = dict(session.execute(select(items.c.item_code, func.sum(items.c.paid)).group_by(items.c.item_code)).all())
    spent = links.assign(paid=links["activity"].map(paid).fillna(0)).groupby("indicator")["paid"].sum()
    values["unit_cost"] = formulas.unit_cost(values["indicator"].map(spent), values["actual"])
    return values


def programme_quadrant(session: Session, scope: Scope, *, year: int, period: str, province: str,
                       lang: str) -> pd.DataFrame:
    """Per programme of a province: execution rate, mean achievement of its indicators, quadrant."""
    from db.queries.budget import budget

    scope.require_province(province)
    money = budget(session, scope, year=year, period=period, entity=province, group_by=["programme"])
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
