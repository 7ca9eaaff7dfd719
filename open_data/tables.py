"""The open tables: what /open shows, serves as JSON and CSV, and describes in its data package.

Every figure comes from the signed-in pages' query layer (``db.queries.budget.budget`` and
``db.queries.indicators.indicator_values``) with ``Scope.public()``, so the public figures are
the signed-in ones to the riel. Each table first checks that its period is published
(``require_published``), and keeps province-level rows only: no district or commune ever.
The column definitions below make the JSON rows, the CSV columns and the data package's
schemas alike, so the three cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from components.exports import to_csv_bytes
from db.queries import budget as budget_queries
from db.queries import indicators as indicator_queries
from db.queries.publications import require_published
from db.queries.units import unit_name
from domain.access import Forbidden, Scope
from domain.vocabulary import BUDGET_UNIT, NATIONAL, PROVINCE_CODES, STATUSES
from i18n import t
from indicators import execution_rate

PUBLIC = Scope.public()
ENTITIES = (NATIONAL, *PROVINCE_CODES)
# The ministry's choice of licence for its open data: change it here (README.md, "Open data").
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
SOURCE_TITLE = ("Ministry of Social Affairs, Veterans and Youth Rehabilitation (MoSVY), Cambodia: budget "
                "execution reports of central MoSVY and the 25 capital and provinces, and programme indicator "
                "reports, as loaded into the PIB Dashboard")
PERIOD_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"
ENTITY_PATTERN = "^(0[0-9]|1[0-9]|2[0-5])$"


@dataclass(frozen=True)
class Column:
    """One column of an open table: its name, Frictionless type, description and unit."""

    name: str
    type: str
    description: str
    unit: str | None = None
    constraints: dict = field(default_factory=dict)

    def descriptor(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            out["unit"] = self.unit
        if self.constraints:
            out["constraints"] = self.constraints
        return out


def _period(name: str, description: str) -> Column:
    return Column(name, "string", description, constraints={"required": True, "pattern": PERIOD_PATTERN})


BUDGET_COLUMNS = (
    Column("fiscal_year", "integer", "The fiscal year (the calendar year).", constraints={"required": True}),
    _period("period", "The published period, as the month its year-to-date figures run to (YYYY-MM)."),
    Column("entity", "string", "00 for central MoSVY, 01–25 for a capital or province.",
           constraints={"required": True, "pattern": ENTITY_PATTERN}),
    Column("level", "string", "central (MoSVY's own budget) or province.",
           constraints={"required": True, "enum": ["central", "province"]}),
    Column("name_en", "string", "The entity's name in English."),
    Column("name_km", "string", "The entity's name in Khmer."),
    Column("revised", "integer", "Revised allocation: the budget law allocation after transfers, whole riels.",
           unit="KHR", constraints={"required": True, "minimum": 0}),
    Column("paid", "integer", "Paid since the start of the fiscal year, whole riels.", unit="KHR",
           constraints={"required": True, "minimum": 0}),
    Column("execution_rate", "number", "paid ÷ revised, as a fraction (1 = 100 %); empty without a revised "
           "allocation.", unit="fraction"),
    _period("as_of", "The period the entity's figures are of: the published one, or for an entity that had not "
            "reported it, its latest report before it."),
)

INDICATOR_COLUMNS = (
    Column("fiscal_year", "integer", "The fiscal year (the calendar year).", constraints={"required": True}),
    _period("period", "The published period (YYYY-MM)."),
    Column("unit", "string", "00 for the national figure, 01–25 for a capital or province.",
           constraints={"required": True, "pattern": ENTITY_PATTERN}),
    Column("level", "string", "national or province.", constraints={"required": True,
                                                                     "enum": ["national", "province"]}),
    Column("unit_name_en", "string", "The nation's or province's name in English."),
    Column("unit_name_km", "string", "The nation's or province's name in Khmer."),
    Column("indicator", "string", "The indicator's code in the ministry's catalogue.", constraints={"required": True}),
    Column("indicator_name_en", "string", "The indicator's name in English."),
    Column("indicator_name_km", "string", "The indicator's name in Khmer."),
    Column("measure", "string", "What the target and the actual count (the indicator's unit of measure)."),
    Column("direction", "string", "increase or decrease: which way is better.",
           constraints={"enum": ["increase", "decrease"]}),
    Column("target", "number", "The target for the year, in the indicator's measure.", unit="measure"),
    Column("actual", "number", "The value reached by the period, in the indicator's measure.", unit="measure"),
    Column("achievement", "number", "actual ÷ target (target ÷ actual for an indicator that should "
           "decrease), as a fraction (1 = 100 %), capped as the methodology says.", unit="fraction"),
    Column("status", "string", "on_track, watch, off_track or no_data, from the achievement and the "
           "indicator's thresholds.", constraints={"required": True, "enum": list(STATUSES)}),
    _period("as_of", "The period the row's figures are of: the published one, or the latest report before it."),
)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON values: integers stay integers, NaN is null (as the signed-in API writes them)."""
    return json.loads(frame.to_json(orient="records", double_precision=6))


def budget_table(session: Session, scope: Scope, *, year: int, period: str) -> dict:
    """The national total and the rows of central MoSVY and each province at a published period."""
    require_published(session, year, period)
    return _budget_table(session, scope, year=year, period=period)


def _budget_table(session: Session, scope: Scope, *, year: int, period: str) -> dict:
    total = budget_queries.budget(session, scope, year=year, period=period)
    by_entity = budget_queries.budget(session, scope, year=year, period=period, group_by=["entity"])
    by_entity = by_entity[by_entity["entity"].isin(ENTITIES)].reset_index(drop=True)
    total = total.assign(execution_rate=execution_rate(total["paid"], total["revised"]))
    national = (records(total[["revised", "paid", "execution_rate"]])[0] if not total.empty
                else {"revised": None, "paid": None, "execution_rate": None})
    rows = pd.DataFrame({
        "fiscal_year": year, "period": period, "entity": by_entity["entity"],
        "level": ["central" if e == NATIONAL else "province" for e in by_entity["entity"]],
        "name_en": [unit_name(e, "en") for e in by_entity["entity"]],
        "name_km": [unit_name(e, "km") for e in by_entity["entity"]],
        "revised": by_entity["revised"], "paid": by_entity["paid"],
        "execution_rate": execution_rate(by_entity["paid"], by_entity["revised"]),
        "as_of": by_entity["as_of"],
    }, columns=[c.name for c in BUDGET_COLUMNS])
    return {"year": year, "period": period, "national": national, "rows": records(rows)}


def indicator_table(session: Session, scope: Scope, *, year: int, period: str) -> dict:
    """National and province rows of every indicator at a published period."""
    require_published(session, year, period)
    return _indicator_table(session, scope, year=year, period=period)


def _indicator_table(session: Session, scope: Scope, *, year: int, period: str) -> dict:
    values = indicator_queries.indicator_values(session, scope, year=year, period=period)
    values = values[values["unit"].isin(ENTITIES)].reset_index(drop=True)
    rows = pd.DataFrame({
        "fiscal_year": year, "period": period, "unit": values["unit"],
        "level": ["national" if u == NATIONAL else "province" for u in values["unit"]],
        "unit_name_en": [_indicator_unit_name(u, "en") for u in values["unit"]],
        "unit_name_km": [_indicator_unit_name(u, "km") for u in values["unit"]],
        "indicator": values["indicator"], "indicator_name_en": values["name_en"],
        "indicator_name_km": values["name_km"], "measure": values["unit_label"],
        "direction": values["direction"], "target": values["target"], "actual": values["actual"],
        "achievement": values["achievement"], "status": values["status"], "as_of": values["period"],
    }, columns=[c.name for c in INDICATOR_COLUMNS])
    return {"year": year, "period": period, "rows": records(rows)}


def preview(session: Session, caller: Scope, *, year: int, period: str) -> dict:
    """What publishing (``year``, ``period``) would make public: the budget and indicator tables
    exactly as /open would serve them once published (the public scope, the same rows).

    The period is not public yet, so only the budget unit (who publishes) may see this;
    ``Forbidden`` for anyone else.
    """
    if caller.role != BUDGET_UNIT:
        raise Forbidden("preview of a publication")
    return {"budget": _budget_table(session, PUBLIC, year=year, period=period),
            "indicators": _indicator_table(session, PUBLIC, year=year, period=period)}


def _indicator_unit_name(code: str, lang: str) -> str:
    # Unit 00 of an indicator is the national figure (every province's roll-up, or central
    # MoSVY's own national value), not central MoSVY's budget.
    return t("open.national", lang) if code == NATIONAL else unit_name(code, lang)


def csv_bytes(rows: list[dict], columns: tuple[Column, ...]) -> bytes:
    """The rows as the CSV download: every field quoted, text kept out of spreadsheet formulas."""
    frame = pd.DataFrame([[row.get(c.name) for c in columns] for row in rows],
                         columns=[c.name for c in columns], dtype=object)
    return to_csv_bytes(frame)


def schema(columns: tuple[Column, ...], primary_key: list[str]) -> dict:
    """The Frictionless Table Schema of a table's CSV."""
    return {"fields": [c.descriptor() for c in columns], "primaryKey": primary_key, "missingValues": [""]}


def datapackage(*, year: int, period: str, published_at: str, base_url: str) -> dict:
    """The Frictionless Data Package of a published period's two tables."""
    query = f"?year={year}&period={period}"
    return {
        "name": f"mosvy-pib-open-data-{period}",
        "title": f"MoSVY budget execution and programme indicators, {period} (year to date)",
        "description": "The budget of central MoSVY and of each of the 25 capital and provinces (revised, "
                       "paid, execution rate), and the programme indicators nationally and per province "
                       "(target, actual, achievement, status), for a period published by MoSVY's budget unit. "
                       "Figures are year to date and never summed across periods. The national budget total is "
                       "the sum of the budget table's rows.",
        "version": period,
        "created": published_at,
        "homepage": f"{base_url}open{query}",
        "keywords": ["Cambodia", "MoSVY", "budget execution", "programme budget", "social protection"],
        "licenses": [LICENCE],
        "sources": [{"title": SOURCE_TITLE, "path": f"{base_url}open"}],
        "resources": [
            {"name": "budget", "title": "Budget by entity", "path": f"{base_url}open/budget.csv{query}",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
             "licenses": [LICENCE], "sources": [{"title": SOURCE_TITLE}],
             "schema": schema(BUDGET_COLUMNS, ["entity"])},
            {"name": "indicators", "title": "Programme indicators, national and by province",
             "path": f"{base_url}open/indicators.csv{query}", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "licenses": [LICENCE], "sources": [{"title": SOURCE_TITLE}],
             "schema": schema(INDICATOR_COLUMNS, ["unit", "indicator"])},
        ],
    }
