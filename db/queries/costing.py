"""Costing benefit options: the catalogue, the saved scenarios and their results.

Results are computed when read, by ``indicators.costing`` with the reference data read here
(benefits, eligible population, macro figures). A provincial director reads his or her
province's share only: the rows of that province and the totals of those rows.

A costing is remembered by the query cache, keyed on what it is computed from (the scope, the
years and the benefits' options, and the data version), so that the callbacks one choice fires
(the chart and the tile map of a scenario) and a comparison of scenarios already seen do not
compute it again; the ±10 % band, two more costings, is computed only when it is read (the map,
the downloads and an apply's preview never read it). bench/RESULTS.md, section 11, has the figures.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Benefit, CostingScenario, EligiblePopulation, Macro
from db.queries.cache import FACTS, cached
from db.queries.submission import MAX_ID, NotFound
from domain.access import Scope
from domain.vocabulary import PROVINCIAL_DIRECTOR
from indicators import costing

SCENARIO_FIELDS = ("id", "name", "first_year", "years", "created_by", "created_at", "updated_by", "updated_at",
                   "row_version")


class MissingFigures(ValueError):
    """The reference data lacks what a scenario needs (HTTP 422): ``field`` names what, e.g. a year
    without macro figures."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class Result:
    """A scenario's cost per (year, unit, benefit) and per year, and the take-up band per year
    (``low``, ``high``), computed when first read and then kept by every copy of this result."""

    def __init__(self, rows: pd.DataFrame, years: pd.DataFrame, band_inputs: tuple, band: dict | None = None) -> None:
        self.rows, self.years = rows, years
        self._band_inputs = band_inputs  # (eligible, options, years, cpi, macro): what the band is costed from
        self._band = {} if band is None else band  # shared with copies: the band is costed once

    @property
    def low(self) -> pd.DataFrame:
        return self._costed_band()[0].copy(deep=False)

    @property
    def high(self) -> pd.DataFrame:
        return self._costed_band()[1].copy(deep=False)

    def _costed_band(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if "low" not in self._band:  # two threads may both cost it: the same figures, no harm
            eligible, chosen, span, cpi, macro = self._band_inputs
            low, high = (costing.year_totals(costing.cost_rows(eligible, costing.with_take_up(chosen, factor), span,
                                                               cpi), macro, span)
                         for factor in (1 - costing.SENSITIVITY, 1 + costing.SENSITIVITY))
            self._band.update(low=low, high=high)
        return self._band["low"], self._band["high"]

    def copy(self) -> Result:
        """The result as a caller gets it from the cache: frames it may change without changing the
        cached ones (pandas' copy-on-write), the band shared."""
        return Result(self.rows.copy(deep=False), self.years.copy(deep=False), self._band_inputs, self._band)


def catalogue(session: Session, scope: Scope) -> list[dict]:
    """The benefits a scenario may cost, by code."""
    scope.require_data()
    return [{"code": b.code, "name_en": b.name_en, "name_km": b.name_km, "amount": b.amount,
             "payments_per_year": b.payments_per_year, "cluster": b.cluster_code, "economic_code": b.economic_code,
             "indicator": b.indicator_code, "eligible_key": b.eligible_key}
            for b in session.scalars(select(Benefit).order_by(Benefit.code))]


def macro_years(session: Session) -> dict[int, dict]:
    """The macro figures of each year loaded (no figure of any province: every data role reads them)."""
    return {m.year: {"gdp": m.gdp, "government_expenditure": m.government_expenditure,
                     "cpi_inflation": m.cpi_inflation, "usd_rate": m.usd_rate}
            for m in session.scalars(select(Macro).order_by(Macro.year))}


def scenario_header(found: CostingScenario) -> dict:
    out = {name: getattr(found, name) for name in SCENARIO_FIELDS}
    for name in ("created_at", "updated_at"):
        out[name] = out[name].isoformat(timespec="seconds") if out[name] else None
    out["benefits"] = json.loads(found.body)["benefits"]
    return out


def scenarios(session: Session, scope: Scope) -> list[dict]:
    """Every saved scenario, newest first (their options, not their figures: every data role)."""
    scope.require_data()
    return [scenario_header(s) for s in session.scalars(select(CostingScenario).order_by(CostingScenario.id.desc()))]


def get(session: Session, scope: Scope, scenario_id: int) -> CostingScenario:
    scope.require_data()
    found = session.get(CostingScenario, scenario_id) if 0 < scenario_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"no costing scenario {scenario_id}")
    return found


def scenario_years(first_year: int, years: int) -> list[int]:
    return list(range(first_year, first_year + years))


def options(session: Session, benefits: list[dict], years: list[int]) -> list[costing.BenefitOption]:
    """The scenario's benefits as the formula takes them; ``amount`` null is the catalogue's."""
    known = {b.code: b for b in session.scalars(select(Benefit).where(Benefit.code.in_([x["code"] for x in benefits])))}
    out = []
    for index, item in enumerate(benefits):
        benefit = known.get(item["code"])
        if benefit is None:
            raise MissingFigures(f"benefits[{index}].code", f"benefit {item['code']!r} is not in the catalogue")
        out.append(costing.BenefitOption(
            benefit.code, float(benefit.amount if item.get("amount") is None else item["amount"]),
            benefit.payments_per_year, benefit.eligible_key, list(item["take_up"]), bool(item.get("indexed")),
            float(item.get("admin_rate") or 0.0), float(1.0 if item.get("multiplier") is None else item["multiplier"])))
    return out


def compute(session: Session, scope: Scope, first_year: int, years: int, benefits: list[dict],
            units: str | None = None) -> Result:
    """Cost a scenario as ``scope`` may read it (a director: his or her province only).

    ``units`` narrows further to one unit. A year of the scenario without macro figures is
    ``MissingFigures`` (the share of GDP and the indexation need them). Remembered per scope,
    options and data version (the cache's key), so the same scenario is costed once.
    """
    scope.require_data()
    # The reference workbook's benefits, populations and macro figures: loaded facts only.
    found = cached(session, scope, _costed, depends=(FACTS,), first_year=first_year, years=years,
                   benefits=json.dumps(benefits, sort_keys=True), units=units)
    return found.copy()


def _costed(session: Session, scope: Scope, *, first_year: int, years: int, benefits: str,
            units: str | None) -> Result:
    span = scenario_years(first_year, years)
    macro = macro_years(session)
    missing = [y for y in span if y not in macro]
    if missing:
        raise MissingFigures("first_year", f"no macro figures for {', '.join(map(str, missing))}: load them in "
                                           "the macro sheet of the reference workbook")
    chosen = options(session, json.loads(benefits), span)
    query = select(EligiblePopulation.year, EligiblePopulation.unit_code.label("unit"),
                   EligiblePopulation.eligible_key, EligiblePopulation.count).where(
        EligiblePopulation.year.in_(span),
        EligiblePopulation.eligible_key.in_({o.eligible_key for o in chosen} or {""}))
    if scope.role == PROVINCIAL_DIRECTOR:
        query = query.where(EligiblePopulation.unit_code == scope.province)
    if units is not None:
        query = query.where(EligiblePopulation.unit_code == units)
    eligible = pd.DataFrame(session.execute(query).all(), columns=["year", "unit", "eligible_key", "count"])
    cpi = {y: figures["cpi_inflation"] for y, figures in macro.items()}
    frame = pd.DataFrame([{"year": y, **f} for y, f in macro.items() if y in span],
                         columns=["year", "gdp", "government_expenditure", "cpi_inflation", "usd_rate"])
    rows = costing.cost_rows(eligible, chosen, span, cpi)
    return Result(rows, costing.year_totals(rows, frame, span), (eligible, chosen, span, cpi, frame))


def results(session: Session, scope: Scope, scenario_id: int) -> tuple[CostingScenario, Result]:
    """A saved scenario and its results as ``scope`` may read them."""
    found = get(session, scope, scenario_id)
    body = json.loads(found.body)
    return found, compute(session, scope, found.first_year, found.years, body["benefits"])


def document(found: CostingScenario, result: Result) -> dict:
    """A scenario's header and results as the API gives them (costs in riels, shares as fractions)."""

    def plain(value):
        value = value.item() if hasattr(value, "item") else value
        return None if isinstance(value, float) and value != value else value

    years = [{k: plain(v) for k, v in row.items()} for row in result.years.to_dict("records")]
    for row, low, high in zip(years, result.low.to_dict("records"), result.high.to_dict("records"), strict=True):
        row["year"] = int(row["year"])
        row["cost_low"], row["cost_high"] = plain(low["cost"]), plain(high["cost"])
    rows = [{"year": int(r["year"]), "unit": r["unit"], "benefit": r["benefit"],
             "beneficiaries": plain(r["beneficiaries"]), "cost": plain(r["cost"])}
            for r in result.rows.to_dict("records")]
    return {"scenario": scenario_header(found), "years": years, "rows": rows}
