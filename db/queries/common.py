"""Pieces every read model shares: the latest period per entity, and the scope filter in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, select

from auth.policy import NATIONAL, Scope


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


def latest_period_join(query: Select, table, year: int, entity_column: str = "entity_code") -> Select:
    """Restrict ``query`` on ``table`` to the latest period loaded per entity in ``year``.

    Year-to-date figures are never summed across periods (DESIGN section 10): a year without
    a period means each entity's newest period in that year.
    """
    entity = getattr(table.c, entity_column)
    latest = (
        select(entity.label("entity"), func.max(table.c.period).label("period"))
        .where(table.c.fiscal_year == year)
        .group_by(entity)
        .subquery("latest")
    )
    return query.join(latest, and_(entity == latest.c.entity, table.c.period == latest.c.period))
