"""Indicator read models: values by unit with achievement and status, and province scorecards.

Province figures come from the indicator mart (values rolled up by each indicator's rule at
load time); district and commune figures from the values themselves. Achievement, status and
score are computed by the pure formulas of ``indicators/``, so the API and the pages agree.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import indicators as formulas
from db.models import Indicator, IndicatorMart, IndicatorValue
from db.queries.cache import FACTS, cached_reference
from db.queries.common import NationalWithheld, latest_period_join, national_period, restrict_entities
from domain.access import NATIONAL, Scope

VALUE_COLUMNS = ["unit", "indicator", "period", "baseline", "target", "actual"]
CATALOGUE_COLUMNS = ["indicator", "name_en", "name_km", "unit_label", "programme", "direction",
                     "aggregation", "weight", "on_track", "watch"]


def catalogue(session: Session) -> pd.DataFrame:
    """The indicator catalogue, one row per indicator (thresholds as fractions); read once per
    data version, each caller getting its own copy."""
    return cached_reference(session, _read_catalogue, depends=(FACTS,))


def _read_catalogue(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Indicator.code.label("indicator"), Indicator.name_en, Indicator.name_km,
               Indicator.unit.label("unit_label"), Indicator.programme_code.label("programme"),
               Indicator.direction, Indicator.aggregation, Indicator.weight, Indicator.on_track,
               Indicator.watch).order_by(Indicator.code)
    ).mappings().all()
    frame = pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)
    # The catalogue stores per cent; the formulas take fractions.
    frame["on_track"] = frame["on_track"].astype("float64") / 100
    frame["watch"] = frame["watch"].astype("float64") / 100
    return frame


def with_status(values: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Add achievement and status (indicators/methodology.py) to value rows, by their catalogue entry."""
    frame = values.merge(cat, on="indicator", how="left")
    frame["achievement"] = formulas.achievement(frame["actual"], frame["target"], frame["direction"])
    frame["status"] = formulas.status(frame["achievement"], frame["on_track"], frame["watch"])
    return frame


def _province_values(session: Session, scope: Scope, year: int, period: str | None,
                     entities: list[str] | None, indicator: str | None) -> pd.DataFrame:
    table = IndicatorMart.__table__
    query = select(table.c.entity_code.label("unit"), table.c.indicator_code.label("indicator"),
                   table.c.period, table.c.baseline, table.c.target, table.c.actual).where(
        table.c.fiscal_year == year)
    query = latest_period_join(query, table, year, upto=period, keys=("indicator_code",))
    if entities is not None:
        query = query.where(table.c.entity_code.in_(entities))
    query = restrict_entities(query, table.c.entity_code, scope)
    if indicator:
        query = query.where(table.c.indicator_code == indicator)
    query = query.order_by(table.c.entity_code, table.c.indicator_code)
    return pd.DataFrame(session.execute(query).mappings().all(), columns=VALUE_COLUMNS)


def _local_values(session: Session, year: int, period: str | None, unit: str,
                  indicator: str | None) -> pd.DataFrame:
    table = IndicatorValue.__table__
    query = select(table.c.unit_code.label("unit"), table.c.indicator_code.label("indicator"),
                   table.c.period, table.c.baseline, table.c.target, table.c.actual).where(
        table.c.fiscal_year == year, table.c.unit_code == unit)
    query = latest_period_join(query, table, year, entity_column="unit_code", upto=period,
                               keys=("indicator_code",))
    if indicator:
        query = query.where(table.c.indicator_code == indicator)
    query = query.order_by(table.c.indicator_code)
    return pd.DataFrame(session.execute(query).mappings().all(), columns=VALUE_COLUMNS)


def indicator_values(
    session: Session,
    scope: Scope,
    *,
    year: int,
    period: str | None = None,
    unit: str | None = None,
    indicator: str | None = None,
) -> pd.DataFrame:
    """Rows of unit, indicator, period, baseline, target, actual, achievement, status.

    Province level (with ``00`` for the national roll-up) unless ``unit`` names a district or
    commune. A director sees only his or her province (and ``00``); naming another unit
    raises ``Forbidden``. A director's national roll-up is that of a period every province has
    reported (``NationalWithheld`` otherwise; without ``period``, the newest such period).
    The public scope of /open reads the province level too, for a published period only
    (checked by the caller); a district or commune ``unit`` is refused to it.
    """
    scope.require_aggregates()
    if unit is not None:
        scope.require_entity(unit) if len(unit) == 2 else scope.require_province(unit)
    if scope.provinces is not None and unit in (None, NATIONAL):
        at = national_period(session, scope, "indicators", year=year, period=period)
        values = _province_values(session, scope, year, at, [NATIONAL], indicator)
        if unit is None:
            own = _province_values(session, scope, year, period, sorted(scope.provinces), indicator)
            values = pd.concat([values, own], ignore_index=True) if not values.empty else own
    elif unit is None or len(unit) == 2:
        values = _province_values(session, scope, year, period, [unit] if unit else None, indicator)
    else:
        values = _local_values(session, year, period, unit, indicator)
    return with_status(values, catalogue(session))


def all_province_values(session: Session, year: int, period: str | None) -> pd.DataFrame:
    # Unscoped on purpose: a rank among the 25 needs every province's score. Only the asked
    # province's score and rank leave this module (see ``scorecard``).
    table = IndicatorMart.__table__
    query = select(table.c.entity_code.label("unit"), table.c.indicator_code.label("indicator"),
                   table.c.period, table.c.baseline, table.c.target, table.c.actual).where(
        table.c.fiscal_year == year, table.c.entity_code != NATIONAL)
    query = latest_period_join(query, table, year, upto=period, keys=("indicator_code",))
    return pd.DataFrame(session.execute(query).mappings().all(), columns=VALUE_COLUMNS)


def scorecard(
    session: Session, scope: Scope, *, year: int, province: str, period: str | None = None
) -> dict:
    """One province's score, its rank among the 25, the national mean score, and its rows.

    Each row carries the province's value with achievement and status, and the previous
    period's achievement for the trend arrow.
    """
    scope.require_province(province)
    cat = catalogue(session)
    every = with_status(all_province_values(session, year, period), cat)
    scores = formulas.province_score(every)
    ranks = formulas.rank(scores)
    rows = every[every["unit"] == province].copy()
    score = scores.get(province)
    ranked = int(ranks.notna().sum())
    national_mean = None if scores.dropna().empty else float(scores.mean())
    try:
        # The mean of 25 scores less the mean of 24 is one province's score: a director reads
        # the national mean only of a period every province has reported.
        if scope.provinces is not None and (period is None or national_period(
                session, scope, "indicators", year=year, period=period) != period):
            national_mean = None
    except NationalWithheld:
        national_mean = None
    return {
        "province": province,
        "year": year,
        "period": period or (rows["period"].max() if not rows.empty else None),
        "score": None if score is None or pd.isna(score) else float(score),
        "rank": None if pd.isna(ranks.get(province)) else int(ranks[province]),
        "ranked": ranked,
        "national_mean_score": national_mean,
        "rows": rows.reset_index(drop=True),
    }


def previous_achievements(session: Session, scope: Scope, *, year: int, province: str,
                          period: str) -> dict[str, float]:
    """Each indicator's achievement in the province's previous loaded period (for trend arrows)."""
    scope.require_province(province)
    table = IndicatorMart.__table__
    # Before the period the province's figures are of: the asked one, or its latest before it.
    shown = session.scalar(select(func.max(table.c.period))
                           .where(table.c.entity_code == province, table.c.period <= period)) or period
    earlier = session.execute(
        select(table.c.fiscal_year, table.c.period).distinct()
        .where(table.c.entity_code == province, table.c.period < shown)
        .order_by(table.c.period.desc()).limit(1)
    ).first()
    if earlier is None:
        return {}
    values = indicator_values(session, scope, year=int(earlier.fiscal_year), period=earlier.period, unit=province)
    return dict(zip(values["indicator"], values["achievement"], strict=True))


def achievement_history(session: Session, scope: Scope, *, year: int, province: str) -> pd.DataFrame:
    """The province's achievement of each indicator at every period loaded in ``year`` (for trends)."""
    scope.require_province(province)
    table = IndicatorMart.__table__
    rows = session.execute(
        select(table.c.entity_code.label("unit"), table.c.indicator_code.label("indicator"), table.c.period,
               table.c.baseline, table.c.target, table.c.actual)
        .where(table.c.fiscal_year == year, table.c.entity_code == province).order_by(table.c.period)
    ).mappings().all()
    values = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    return with_status(values, catalogue(session))[["indicator", "period", "achievement"]]


def local_values(session: Session, scope: Scope, *, year: int, period: str, province: str,
                 indicator: str) -> pd.DataFrame:
    """A province's district and commune rows of one indicator, with achievement and status."""
    scope.require_province(province)
    table = IndicatorValue.__table__
    # The period the province's own value is of: the asked one, or its latest report before it.
    query = (select(table.c.unit_code.label("unit"), table.c.indicator_code.label("indicator"), table.c.period,
                    table.c.baseline, table.c.target, table.c.actual)
             .where(table.c.fiscal_year == year, table.c.province_code == province,
                    table.c.indicator_code == indicator, table.c.unit_level.in_(("district", "commune"))))
    query = latest_period_join(query, table, year, entity_column="province_code", upto=period,
                               keys=("indicator_code",))
    rows = session.execute(query.order_by(table.c.unit_code)).mappings().all()
    return with_status(pd.DataFrame(rows, columns=VALUE_COLUMNS), catalogue(session))


def indicators_with_local_values(session: Session, scope: Scope, *, year: int, period: str,
                                 province: str) -> list[str]:
    """The indicators a province reports by district or commune in a period (for the drill-down)."""
    scope.require_province(province)
    table = IndicatorValue.__table__
    query = (select(table.c.indicator_code).distinct()
             .where(table.c.fiscal_year == year, table.c.province_code == province,
                    table.c.unit_level.in_(("district", "commune"))))
    query = latest_period_join(query, table, year, entity_column="province_code", upto=period,
                               keys=("indicator_code",))
    return list(session.scalars(query.order_by(table.c.indicator_code)))
