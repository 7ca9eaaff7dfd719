"""What a file replaces: for each (year, period, entity) it holds that is loaded already, the
rows and totals before and after.

A file for an entity and period replaces that entity's rows of the period: a corrected file is
meant to. But a three-row Kampot file replaced the seven Kampot rows of the ministry's June file,
and June's paid fell from 8.0 to 0.6 billion riels with the message "loaded 3 rows". The user
now sees each replacement, in the dry run and after the load, and a replacement that takes away
more than half of the rows, the revised budget or the payments is loaded only when confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, func, select, tuple_

from db.models import BudgetMart, IndicatorValue
from etl import problem_catalogue as catalogue

SCOPE = ["fiscal_year", "period", "entity_code"]


@dataclass(frozen=True)
class Replacement:
    """One (year, period, entity) loaded already that a file replaces, before → after."""

    fiscal_year: int
    period: str
    entity: str
    rows_before: int
    rows_after: int
    revised_before: int
    revised_after: int
    paid_before: int = 0
    paid_after: int = 0
    kind: str = "execution"  # or "indicators": rows only, amounts are not theirs

    @property
    def halves(self) -> bool:
        """Whether more than half of the rows, the revised budget or the payments would go."""
        return any(before > 0 and after * 2 < before for before, after in (
            (self.rows_before, self.rows_after), (self.revised_before, self.revised_after),
            (self.paid_before, self.paid_after)))

    def render(self, lang: str = "en") -> str:
        """One line for a person, in ``lang`` (the Data page writes its own, with names and periods)."""
        key = "replacement-indicators" if self.kind == "indicators" else "replacement"
        return catalogue.line(key, lang, **self.as_dict())

    def as_dict(self) -> dict:
        """Every field by name."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def scope_sums(facts: pd.DataFrame) -> pd.DataFrame:
    """Execution rows (as they will be stored) counted and summed by (year, period, entity): columns
    ``rows``, ``revised``, ``paid``, indexed by the scope. Sums of parts of a file add up:
    :func:`add_scope_sums`."""
    return facts.assign(rows=1).groupby(SCOPE)[["rows", "revised", "paid"]].sum()


def add_scope_sums(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The :func:`scope_sums` of a file from those of its parts."""
    return parts[0] if len(parts) == 1 else pd.concat(parts).groupby(level=SCOPE).sum()


def execution_replacements(conn: Connection, facts: pd.DataFrame) -> list[Replacement]:
    """The replacements an execution file's rows (as they will be stored) make, from the marts as
    they are before the file is written."""
    if facts.empty:
        return []
    return replacements_of(conn, scope_sums(facts))


def replacements_of(conn: Connection, after: pd.DataFrame) -> list[Replacement]:
    """:func:`execution_replacements` from the file's :func:`scope_sums`."""
    keys = [(int(y), p, e) for y, p, e in after.index]
    mart = BudgetMart.__table__
    before: dict[tuple, tuple[int, int, int]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for y, p, e, rows, revised, paid in conn.execute(
                select(mart.c.fiscal_year, mart.c.period, mart.c.entity_code, func.sum(mart.c.row_count),
                       func.sum(mart.c.revised), func.sum(mart.c.paid))
                .where(tuple_(mart.c.fiscal_year, mart.c.period, mart.c.entity_code).in_(chunk))
                .group_by(mart.c.fiscal_year, mart.c.period, mart.c.entity_code)):
            before[(int(y), p, e)] = (int(rows or 0), int(revised or 0), int(paid or 0))
    out = []
    for (y, p, e), row in after.iterrows():
        old = before.get((int(y), p, e))
        if old is None or old[0] == 0:
            continue
        out.append(Replacement(int(y), p, e, old[0], int(row["rows"]), old[1], int(row["revised"]), old[2],
                               int(row["paid"])))
    return sorted(out, key=lambda r: (r.fiscal_year, r.period, r.entity))


def indicator_replacements(conn: Connection, frame: pd.DataFrame) -> list[Replacement]:
    """The replacements an indicator file makes: for each (year, period, province) it holds, the
    rows of that province's units loaded already, all of which it replaces, before → after."""
    if frame.empty:
        return []
    after = frame.groupby(["fiscal_year", "period", "province_code"]).size()
    table = IndicatorValue.__table__
    out = []
    for (year, period, province), rows in after.items():
        # One scope at a time with plain equalities: the (province, year, period) index answers.
        before = conn.execute(select(func.count()).select_from(table).where(
            table.c.province_code == province, table.c.fiscal_year == int(year),
            table.c.period == period)).scalar_one()
        if before:
            out.append(Replacement(int(year), period, province, int(before), int(rows), 0, 0, 0, 0,
                                   kind="indicators"))
    return sorted(out, key=lambda r: (r.fiscal_year, r.period, r.entity))
