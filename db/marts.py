"""The pre-aggregated tables (marts), refreshed by the loader for the scope a load touched.

Both refreshes run inside the load's transaction, so a reader sees the facts and the marts of
the same moment: both before the load, or both after.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, or_, select, text, tuple_
from sqlalchemy.orm import aliased

from db.models import (
    BudgetFact,
    BudgetItemMart,
    BudgetMart,
    EconomicCode,
    Indicator,
    IndicatorMart,
    IndicatorValue,
)
from domain.vocabulary import NATIONAL

LEVEL_ORDER = ("province", "district", "commune")  # the coarsest level reported is used


def _key_filter(columns, keys: list[tuple]) -> object:
    # Row-value IN works on PostgreSQL and SQLite ≥ 3.15; chunks keep the statement small.
    return tuple_(*columns).in_(keys)


MART_COLUMNS = ["fiscal_year", "period", "entity_code", "programme_code", "subprogramme_code", "cluster_code",
                "chapter_code",
                "funding_source", "approved", "revised", "committed", "paid", "row_count"]


def refresh_budget_mart(conn: Connection, keys: Iterable[tuple[int, str, str]]) -> None:
    """Rebuild the budget mart rows of the given (fiscal year, period, entity) keys from the facts, in SQL.

    The loader does not read back what it has just written: it sums the file's rows in memory
    (``etl.file_sums``, :func:`replace_budget_mart`). This rebuild is the reference they
    are tested against, and the repair for a mart changed by hand.
    """
    keys = sorted(set(keys))
    mart = BudgetMart.__table__
    fact = BudgetFact.__table__
    econ = aliased(EconomicCode.__table__)
    chapter = func.coalesce(econ.c.parent_code, econ.c.code)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        mart_key = (mart.c.fiscal_year, mart.c.period, mart.c.entity_code)
        conn.execute(delete(mart).where(_key_filter(mart_key, chunk)))
        summary = (
            select(fact.c.fiscal_year, fact.c.period, fact.c.entity_code, fact.c.programme_code,
                   fact.c.subprogramme_code, fact.c.cluster_code, chapter.label("chapter_code"),
                   fact.c.funding_source, func.sum(fact.c.approved), func.sum(fact.c.revised),
                   func.sum(fact.c.committed), func.sum(fact.c.paid), func.count())
            .join(econ, econ.c.code == fact.c.economic_code)
            .where(_key_filter((fact.c.fiscal_year, fact.c.period, fact.c.entity_code), chunk))
            .group_by(fact.c.fiscal_year, fact.c.period, fact.c.entity_code, fact.c.programme_code,
                      fact.c.subprogramme_code, fact.c.cluster_code, chapter, fact.c.funding_source)
        )
        conn.execute(insert(mart).from_select(MART_COLUMNS, summary))


def refresh_budget_item_mart(conn: Connection, year_periods: Iterable[tuple[int, str]]) -> None:
    """Rebuild the national item sums of the given (fiscal year, period) keys from the facts.

    A load for one entity changes the national sums of its periods, so each period is summed
    again over every entity (read through the facts' natural-key index, which leads with year
    and period).
    """
    mart = BudgetItemMart.__table__
    fact = BudgetFact.__table__
    for year, period in sorted(set(year_periods)):
        conn.execute(delete(mart).where(mart.c.fiscal_year == year, mart.c.period == period))
        # An item sits in one place of the structure: MIN only picks that one value.
        summary = (
            select(fact.c.fiscal_year, fact.c.period, fact.c.item_code, func.min(fact.c.programme_code),
                   func.min(fact.c.subprogramme_code), func.min(fact.c.cluster_code), func.sum(fact.c.revised),
                   func.sum(fact.c.paid), func.count())
            .where(fact.c.fiscal_year == year, fact.c.period == period)
            .group_by(fact.c.fiscal_year, fact.c.period, fact.c.item_code)
        )
        conn.execute(insert(mart).from_select(
            ["fiscal_year", "period", "item_code", "programme_code", "subprogramme_code", "cluster_code",
             "revised", "paid", "row_count"], summary))


def replace_budget_mart(conn: Connection, keys: Iterable[tuple[int, str, str]], rows: list[dict]) -> None:
    """Replace the budget mart rows of the (fiscal year, period, entity) keys by ``rows``."""
    mart = BudgetMart.__table__
    mart_key = (mart.c.fiscal_year, mart.c.period, mart.c.entity_code)
    keys = sorted(set(keys))
    for start in range(0, len(keys), 500):
        conn.execute(delete(mart).where(_key_filter(mart_key, keys[start:start + 500])))
    if rows:
        conn.execute(insert(mart), rows)


ITEM_KEY = ["fiscal_year", "period", "item_code"]
ITEM_PLACE = ["programme_code", "subprogramme_code", "cluster_code"]
ITEM_SUMS = ["revised", "paid", "row_count"]


def scope_item_sums(conn: Connection, fiscal_year: int, period: str, entity: str) -> pd.DataFrame:
    """The item sums of the facts of one (fiscal year, period, entity), read from the database: by
    (fiscal year, period, item), its place in the structure and its revised, paid and row count."""
    fact = BudgetFact.__table__
    rows = conn.execute(
        select(fact.c.fiscal_year, fact.c.period, fact.c.item_code, func.min(fact.c.programme_code),
               func.min(fact.c.subprogramme_code), func.min(fact.c.cluster_code), func.sum(fact.c.revised),
               func.sum(fact.c.paid), func.count())
        .where(fact.c.fiscal_year == fiscal_year, fact.c.period == period, fact.c.entity_code == entity)
        .group_by(fact.c.fiscal_year, fact.c.period, fact.c.item_code)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=ITEM_KEY + ITEM_PLACE + ITEM_SUMS)


def update_budget_item_mart(conn: Connection, added: pd.DataFrame, removed: pd.DataFrame) -> None:
    """Add the item sums of newly written facts to the national item mart, and take away those of
    the facts they replaced (``etl.file_sums.FileSums.item_sums``, :func:`scope_item_sums`).

    A period's mart sums every entity: a load changes it by the difference, where summing the
    period again would read every entity's facts (a million rows at ten million).
    """
    mart = BudgetItemMart.__table__
    periods = sorted({(int(y), p) for frame in (added, removed)
                      for y, p in zip(frame["fiscal_year"], frame["period"], strict=True)})
    if periods and conn.dialect.name == "postgresql":
        # Two loads of one period would each read the mart, add their own difference and write
        # it back, the later undoing the earlier: the later waits here until the earlier has
        # committed, then reads its result. Readers are not blocked. (SQLite has one writer.)
        conn.execute(text(f"LOCK TABLE {mart.name} IN SHARE ROW EXCLUSIVE MODE"))
    for year, period in periods:
        current = pd.DataFrame([tuple(r) for r in conn.execute(
            select(*(mart.c[c] for c in ITEM_KEY + ITEM_PLACE + ITEM_SUMS))
            .where(mart.c.fiscal_year == year, mart.c.period == period))], columns=ITEM_KEY + ITEM_PLACE + ITEM_SUMS)
        gone = removed[(removed["fiscal_year"] == year) & (removed["period"] == period)]
        gone = gone.assign(**{c: -gone[c] for c in ITEM_SUMS})
        new = added[(added["fiscal_year"] == year) & (added["period"] == period)]
        parts = [f for f in (current, gone, new) if not f.empty]
        # An item's place in the structure is the newest file's (last), should it have moved.
        combined = (pd.concat(parts, ignore_index=True).groupby(ITEM_KEY, sort=True)
                    .agg(**{c: (c, "last") for c in ITEM_PLACE}, **{c: (c, "sum") for c in ITEM_SUMS})
                    .reset_index())
        combined = combined[combined["row_count"] > 0]
        conn.execute(delete(mart).where(mart.c.fiscal_year == year, mart.c.period == period))
        if not combined.empty:
            columns = ITEM_KEY + ITEM_PLACE + ITEM_SUMS
            conn.execute(insert(mart), [dict(zip(columns, row, strict=True)) for row in
                                        zip(*(combined[c].tolist() for c in columns), strict=True)])


def _catalogue(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(select(Indicator.code, Indicator.aggregation, Indicator.numerator_code,
                               Indicator.denominator_code)).all()
    return pd.DataFrame(rows, columns=["indicator", "aggregation", "numerator", "denominator"])


def refresh_indicator_mart(conn: Connection, keys: Iterable[tuple[int, str, str]]) -> None:
    """Rebuild the indicator mart for the given (fiscal year, period, province) keys.

    Each province's value of an indicator is rolled up from its units by the indicator's rule
    (``indicators.roll_up``), from one level only: the coarsest reported (a province's own row,
    else its districts', else its communes'), so that no unit is counted twice. The national
    row ``00`` is central MoSVY's own value if reported, else the roll-up of those same units
    over all provinces. A period touched in one province is rebuilt nationally.
    """
    from indicators import roll_up

    keys = set(keys)
    periods = sorted({(y, p) for y, p, _ in keys})
    if not periods:
        return
    mart = IndicatorMart.__table__
    value = IndicatorValue.__table__
    catalogue = _catalogue(conn)
    for fiscal_year, period in periods:
        provinces = sorted({prov for y, p, prov in keys if (y, p) == (fiscal_year, period)})
        rows = conn.execute(
            select(value.c.unit_code.label("unit"), value.c.unit_level.label("level"),
                   value.c.province_code.label("province"), value.c.indicator_code.label("indicator"),
                   value.c.baseline, value.c.target, value.c.actual)
            .where(value.c.fiscal_year == fiscal_year, value.c.period == period)
        ).all()
        frame = pd.DataFrame(rows, columns=["unit", "level", "province", "indicator", "baseline",
                                            "target", "actual"])
        for column in ("baseline", "target", "actual"):
            frame[column] = frame[column].astype("float64")
        national_own = frame[frame["level"] == "national"]
        local = _coarsest_level(frame[frame["level"] != "national"], catalogue)
        by_province = roll_up(local, catalogue, by=["province"]).rename(columns={"province": "entity_code"})
        by_province = by_province[by_province["entity_code"].isin(provinces)]
        nation = roll_up(local.assign(nation=NATIONAL), catalogue, by=["nation"])
        own = roll_up(national_own.assign(nation=NATIONAL), catalogue, by=["nation"])
        nation = pd.concat([own, nation[~nation["indicator"].isin(own["indicator"])]])
        nation = nation.rename(columns={"nation": "entity_code"})
        conn.execute(delete(mart).where(
            mart.c.fiscal_year == fiscal_year, mart.c.period == period,
            or_(mart.c.entity_code.in_(provinces), mart.c.entity_code == NATIONAL)))
        out = pd.concat([by_province, nation], ignore_index=True)
        if out.empty:
            continue
        out["fiscal_year"] = fiscal_year
        out["period"] = period
        out = out.rename(columns={"indicator": "indicator_code"})
        records = out[["fiscal_year", "period", "entity_code", "indicator_code", "baseline", "target",
                       "actual", "unit_count", "reported_count"]].astype(object)
        records = records.where(records.notna(), None).to_dict(orient="records")
        conn.execute(insert(mart), records)


def _coarsest_level(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    rank = frame["level"].map({lv: i for i, lv in enumerate(LEVEL_ORDER)})
    # Ratio indicators are rolled up from their parts: choose the level per part indicator.
    best = frame.assign(rank=rank).groupby(["province", "indicator"])["rank"].transform("min")
    return frame[rank == best]


MARTS = (BudgetMart, BudgetItemMart, IndicatorMart)


def rebuild_marts(conn: Connection, fiscal_year: int | None = None) -> dict[str, int]:
    """Rebuild every mart from the facts, for one fiscal year or all; return the rows of each.

    The year's mart rows are deleted first, so that a row without facts behind it (added or
    left by hand) goes too; the refresh functions then sum again every key the facts hold.
    """
    if conn.dialect.name == "postgresql":
        # A load writing while the marts are rebuilt would have its mart rows deleted or summed
        # twice: loads wait for the rebuild here (and it for them), readers do not. The tables
        # are taken in the order a load writes them, so neither waits for the other in a circle.
        conn.execute(text(f"LOCK TABLE {', '.join(m.__tablename__ for m in MARTS)} IN SHARE ROW EXCLUSIVE MODE"))
    for model in MARTS:
        table = model.__table__
        conn.execute(delete(table).where(*_year_filter(table, fiscal_year)))
    fact = BudgetFact.__table__
    value = IndicatorValue.__table__
    budget_keys = [tuple(r) for r in conn.execute(
        select(fact.c.fiscal_year, fact.c.period, fact.c.entity_code).distinct()
        .where(*_year_filter(fact, fiscal_year)))]
    refresh_budget_mart(conn, budget_keys)
    refresh_budget_item_mart(conn, {(year, period) for year, period, _ in budget_keys})
    refresh_indicator_mart(conn, [tuple(r) for r in conn.execute(
        select(value.c.fiscal_year, value.c.period, value.c.province_code).distinct()
        .where(*_year_filter(value, fiscal_year)))])
    # No batch is recorded, yet the figures read from the marts may change: a new facts version.
    from db.queries.cache import FACTS, note_change

    note_change(conn, FACTS)
    return {model.__tablename__: conn.execute(
        select(func.count()).select_from(model.__table__)
        .where(*_year_filter(model.__table__, fiscal_year))).scalar_one() for model in MARTS}


def _year_filter(table, fiscal_year: int | None) -> tuple:
    """The WHERE clauses that keep a table to one fiscal year (none: every year)."""
    return () if fiscal_year is None else (table.c.fiscal_year == fiscal_year,)
