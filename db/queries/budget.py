"""Budget read models over the budget mart, each filtered by the caller's scope in SQL."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BudgetMart
from db.queries.common import as_of_condition, as_of_periods, national_period, restrict_entities
from domain.access import Scope

AMOUNTS = ("approved", "revised", "committed", "paid")
# API grouping names → mart columns. ``economic_code`` is the chapter: accounts are in the facts.
GROUPINGS = {
    "entity": "entity_code",
    "programme": "programme_code",
    "subprogramme": "subprogramme_code",
    "economic_code": "chapter_code",
    "funding_source": "funding_source",
}


def budget(
    session: Session,
    scope: Scope,
    *,
    year: int,
    period: str | None = None,
    entity: str | None = None,
    programme: str | None = None,
    group_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Approved, revised, committed and paid by the chosen groupings (names of ``GROUPINGS``).

    Without ``period``, each entity's latest period in ``year``; with it, that period, or for an
    entity that has not reported it its latest report before it (grouped by entity, ``as_of``
    names the period of each row). Without ``entity``, all
    entities are summed (a national total, which every data role may read); grouped by entity,
    a director gets only ``00`` and his or her own province. Asking for an entity outside the
    scope raises ``Forbidden``. A director's national totals are those of a period every entity
    has reported (``NationalWithheld`` otherwise; without ``period``, the newest such period).
    The public scope of /open reads it too, for a published period only (checked by the caller).
    """
    scope.require_aggregates()
    if entity is not None:
        scope.require_entity(entity)
    unknown = [g for g in group_by if g not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}")
    if entity is None and "entity" not in group_by:
        period = national_period(session, scope, "budget", year=year, period=period)
    table = BudgetMart.__table__
    keys = [table.c[GROUPINGS[g]].label(g) for g in group_by]
    query = select(*keys, *[func.sum(table.c[a]).label(a) for a in AMOUNTS]).where(
        table.c.fiscal_year == year
    )
    as_of = as_of_periods(session, year, period)
    if entity is not None:
        as_of = {entity: as_of[entity]} if entity in as_of else {}
    query = query.where(as_of_condition(table, as_of))
    if entity is not None:
        query = query.where(table.c.entity_code == entity)
    if "entity" in group_by:
        query = restrict_entities(query, table.c.entity_code, scope)
    if programme is not None:
        query = query.where(table.c.programme_code == programme)
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=[*group_by, *AMOUNTS])
    if not keys and frame[list(AMOUNTS)].isna().all(axis=None):
        return frame.iloc[0:0]
    frame[list(AMOUNTS)] = frame[list(AMOUNTS)].fillna(0).astype("int64")
    if "entity" in group_by:
        frame["as_of"] = frame["entity"].map(as_of)
    elif entity is not None and not frame.empty:
        frame["as_of"] = as_of.get(entity)
    return frame


def periods_loaded(session: Session, scope: Scope, year: int | None = None) -> list[tuple[int, str]]:
    """(year, period) pairs with budget data, newest first (for period selectors)."""
    scope.require_data()
    table = BudgetMart.__table__
    query = select(table.c.fiscal_year, table.c.period).distinct()
    if year is not None:
        query = query.where(table.c.fiscal_year == year)
    query = query.order_by(table.c.fiscal_year.desc(), table.c.period.desc())
    return [(row.fiscal_year, row.period) for row in session.execute(query)]
