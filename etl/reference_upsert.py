"""Writing a reference workbook: the programme structure, the economic classification, the
indicator catalogue and the benefit catalogue, added to or updated, never deleted (facts and
history keep their codes); eligible population and macro figures replaced per year and key.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update

from db.models import Base, Benefit, EconomicCode, EligiblePopulation, Indicator, IndicatorActivity, Macro, Programme
from etl.validate import ReferenceParsed

_INDICATOR_COLUMNS = {"code": "code", "name_en": "name_en", "name_km": "name_km", "unit": "unit",
                      "programme_code": "programme", "level": "level", "direction": "direction",
                      "aggregation": "aggregation", "weight": "weight", "on_track": "on_track",
                      "watch": "watch", "numerator_code": "numerator", "denominator_code": "denominator"}


def write_reference(conn: Connection, parsed: ReferenceParsed) -> None:
    """Add new codes and update names and attributes of existing ones; never delete a code.

    The values come checked and read by the validator (:class:`etl.validate.ReferenceParsed`);
    this only orders the rows so that every parent exists before its children refer to it.
    """
    if parsed.programmes is not None:
        frame = parsed.programmes.sort_values("depth")
        _upsert(conn, Programme, frame, {"code": "code", "parent_code": "parent", "level": "level",
                                         "name_en": "name_en", "name_km": "name_km"})
    if parsed.economic_codes is not None:
        frame = parsed.economic_codes
        frame = frame.assign(rank=(frame["parent"] != "").astype(int)).sort_values("rank")  # chapters first
        _upsert(conn, EconomicCode, frame, {"code": "code", "parent_code": "parent", "name_en": "name_en",
                                            "name_km": "name_km"})
    if parsed.indicators is not None:
        frame = parsed.indicators
        # Parts of ratios first, so the self-references hold on insert.
        _upsert(conn, Indicator, frame[frame["aggregation"] != "ratio"], _INDICATOR_COLUMNS)
        _upsert(conn, Indicator, frame[frame["aggregation"] == "ratio"], _INDICATOR_COLUMNS)
        for row in frame.itertuples(index=False):
            conn.execute(delete(IndicatorActivity).where(IndicatorActivity.indicator_code == row.code))
            if row.activities:
                conn.execute(insert(IndicatorActivity), [
                    {"indicator_code": row.code, "programme_code": a} for a in row.activities])


    if parsed.benefits is not None:
        _upsert(conn, Benefit, parsed.benefits, {
            "code": "code", "name_en": "name_en", "name_km": "name_km", "amount": "amount",
            "payments_per_year": "payments_per_year", "cluster_code": "cluster", "economic_code": "economic_code",
            "indicator_code": "indicator", "eligible_key": "eligible_key"})
    if parsed.eligible_population is not None:
        _upsert_keyed(conn, EligiblePopulation, parsed.eligible_population,
                      {"year": "year", "unit_code": "unit", "eligible_key": "eligible_key", "count": "count"},
                      ("year", "unit_code", "eligible_key"))
    if parsed.macro is not None:
        _upsert_keyed(conn, Macro, parsed.macro,
                      {"year": "year", "gdp": "gdp", "government_expenditure": "government_expenditure",
                       "cpi_inflation": "cpi_inflation", "usd_rate": "usd_rate"}, ("year",))


def _plain(value: object) -> object:
    """A frame's value as the database takes it: numpy numbers as Python ones, NaN as NULL."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _upsert_keyed(conn: Connection, model: type[Base], frame: pd.DataFrame, mapping: dict[str, str],
                  keys: tuple[str, ...]) -> None:
    """Insert or update one row per key (a figure of a year): the sheet's rows replace those of the same key."""
    table = model.__table__
    existing = {tuple(row) for row in conn.execute(select(*(table.c[k] for k in keys)))}
    for row in frame.to_dict(orient="records"):
        values = {column: _plain(row[source]) for column, source in mapping.items()}
        key = tuple(values[k] for k in keys)
        if key in existing:
            conn.execute(update(table).where(*(table.c[k] == values[k] for k in keys)).values(values))
        else:
            conn.execute(insert(table).values(values))
            existing.add(key)


def _upsert(conn: Connection, model: type[Base], frame: pd.DataFrame, mapping: dict[str, str]) -> None:
    """Insert or update one row per code; ``mapping`` is table column → frame column, a blank text stored as NULL."""
    table = model.__table__
    existing = set(conn.execute(select(table.c.code)).scalars())
    for row in frame.to_dict(orient="records"):
        values = {column: (row[source] if row[source] != "" else None) for column, source in mapping.items()}
        if values["code"] in existing:
            conn.execute(update(table).where(table.c.code == values["code"]).values(values))
        else:
            conn.execute(insert(table).values(values))
            existing.add(values["code"])
