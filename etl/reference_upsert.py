"""Writing a reference workbook: the programme structure, the economic classification and the
indicator catalogue, added to or updated, never deleted (facts and history keep their codes).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update

from db.models import Base, EconomicCode, Indicator, IndicatorActivity, Programme
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
