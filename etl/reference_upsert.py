"""Writing a reference workbook: the programme structure, the economic classification and the
indicator catalogue, added to or updated, never deleted (facts and history keep their codes).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, delete, insert, select, update

from db.models import Base, EconomicCode, Indicator, IndicatorActivity, Programme
from etl import clean, validate


def write_reference(conn: Connection, parsed: validate.Parsed) -> None:
    """Add new codes and update names and attributes of existing ones; never delete a code."""
    sheets = parsed.extra
    if "programmes" in sheets:
        frame = sheets["programmes"]
        order = {"programme": 0, "subprogramme": 1, "activity_cluster": 2, "activity": 3}
        frame = frame.assign(rank=frame["level"].map(order)).sort_values("rank")
        _upsert(conn, Programme, frame, {"code": "code", "parent_code": "parent", "level": "level",
                                         "name_en": "name_en", "name_km": "name_km"})
    if "economic_codes" in sheets:
        frame = sheets["economic_codes"]
        frame = frame.assign(rank=(frame["parent"] != "").astype(int)).sort_values("rank")
        _upsert(conn, EconomicCode, frame, {"code": "code", "parent_code": "parent", "name_en": "name_en",
                                            "name_km": "name_km"})
    if "indicators" in sheets:
        frame = sheets["indicators"].copy()
        for column in ("direction", "aggregation", "level"):
            frame[column] = frame[column].str.lower()
        frame["weight"] = frame["weight"].map(lambda v: float(clean.number(v)) if v else 1.0)
        for column in ("on_track", "watch"):
            frame[column] = frame[column].map(lambda v: float(clean.number(v)) if v else None)
        mapping = {"code": "code", "name_en": "name_en", "name_km": "name_km", "unit": "unit",
                   "programme_code": "programme", "level": "level", "direction": "direction",
                   "aggregation": "aggregation", "weight": "weight", "on_track": "on_track",
                   "watch": "watch"}
        # Parts of ratios first, so the self-references hold on insert.
        plain = frame[frame["aggregation"] != "ratio"]
        ratios = frame[frame["aggregation"] == "ratio"]
        _upsert(conn, Indicator, plain, mapping | {"numerator_code": "numerator", "denominator_code": "denominator"})
        _upsert(conn, Indicator, ratios, mapping | {"numerator_code": "numerator", "denominator_code": "denominator"})
        for row in frame.itertuples(index=False):
            conn.execute(delete(IndicatorActivity).where(IndicatorActivity.indicator_code == row.code))
            activities = sorted({a.strip() for a in row.activities.split(",") if a.strip()})
            if activities:
                conn.execute(insert(IndicatorActivity), [
                    {"indicator_code": row.code, "programme_code": a} for a in activities])


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
