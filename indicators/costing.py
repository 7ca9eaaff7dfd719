"""Costing benefit options, after the ILO's rapid assessment protocol: pure functions.

Per province, year and benefit:

    beneficiaries = eligible (that year and province) × take-up × multiplier
    cost          = beneficiaries × amount × payments a year × index × (1 + administrative rate)

where the index is 1 in the first year and, for an indexed benefit, the product of
(1 + CPI inflation) of each later year up to that year. Totals per year, and their share of
GDP and of government expenditure (fractions). The query layer hands over the reference data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators._numeric import divide

ROW_COLUMNS = ["year", "unit", "benefit", "beneficiaries", "cost"]
YEAR_COLUMNS = ["year", "cost", "beneficiaries", "pct_gdp", "pct_expenditure"]
SENSITIVITY = 0.10  # the band: take-up 10 % lower and 10 % higher (relative), at most 100 %
# The ILO's worked example (rapid assessment protocol), costed by the methodology's text and its test.
ILO_EXAMPLE = {"eligible": 2_393_000, "take_up": 0.6, "amount": 400, "payments_per_year": 12, "admin_rate": 0.05}


@dataclass(frozen=True)
class BenefitOption:
    """One benefit as a scenario costs it."""

    code: str
    amount: float  # riels a payment
    payments_per_year: float
    eligible_key: str
    take_up: Sequence[float]  # one fraction per year of the scenario
    indexed: bool = False
    admin_rate: float = 0.0
    multiplier: float = 1.0


def index_factors(years: Sequence[int], cpi: Mapping[int, float], indexed: bool) -> dict[int, float]:
    """The price index of each year: 1 in the first; for an indexed benefit, the product of
    (1 + inflation) of each later year up to that one. A later year without inflation raises
    ``KeyError`` naming the year (the macro sheet must have it)."""
    factors, level = {}, 1.0
    for position, year in enumerate(years):
        if indexed and position > 0:
            if year not in cpi or cpi[year] is None or cpi[year] != cpi[year]:
                raise KeyError(year)
            level *= 1.0 + float(cpi[year])
        factors[year] = level
    return factors


def cost_rows(eligible: pd.DataFrame, options: Sequence[BenefitOption], years: Sequence[int],
              cpi: Mapping[int, float]) -> pd.DataFrame:
    """Beneficiaries and cost per (year, unit, benefit).

    ``eligible`` has ``year``, ``unit``, ``eligible_key`` and ``count``. A year, unit or key
    without a count costs nothing (it is not guessed).
    """
    # On NumPy arrays, one frame at the end: a pandas frame per benefit cost 7 times as much, and a
    # comparison of four scenarios with their bands is twelve costings (bench/RESULTS.md, section 11).
    # The products are taken in the order of the formula above, so every figure is the same to the bit.
    keys = eligible["eligible_key"].to_numpy()
    year = eligible["year"].to_numpy().astype("int64")
    position = pd.Index(list(years)).get_indexer(year)  # the year's place in the scenario; -1 outside it
    count = eligible["count"].to_numpy().astype("float64")
    units = eligible["unit"].to_numpy()
    parts = []
    for option in options:
        if len(option.take_up) != len(years):
            raise ValueError(f"{option.code}: one take-up a year ({len(years)}), not {len(option.take_up)}")
        factors = index_factors(years, cpi, option.indexed)
        chosen = (keys == option.eligible_key) & (position >= 0)
        if not chosen.any():
            continue
        at = position[chosen]
        beneficiaries = count[chosen] * np.asarray(option.take_up, dtype="float64")[at] * option.multiplier
        cost = (beneficiaries * option.amount * option.payments_per_year
                * np.asarray([factors[y] for y in years], dtype="float64")[at] * (1.0 + option.admin_rate))
        parts.append((year[chosen], units[chosen], np.full(at.size, option.code, dtype=object), beneficiaries, cost))
    if not parts:
        return pd.DataFrame(columns=ROW_COLUMNS).astype({"beneficiaries": "float64", "cost": "float64"})
    columns = [np.concatenate([part[i] for part in parts]) for i in range(len(ROW_COLUMNS))]
    return pd.DataFrame(dict(zip(ROW_COLUMNS, columns, strict=True))).sort_values(["year", "unit", "benefit"],
                                                                                  ignore_index=True)


def year_totals(rows: pd.DataFrame, macro: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Cost and beneficiaries per year, with ``pct_gdp`` and ``pct_expenditure`` as fractions
    (NaN where the macro sheet has no figure for the year)."""
    summed = rows.groupby("year")[["cost", "beneficiaries"]].sum() if not rows.empty else \
        pd.DataFrame(columns=["cost", "beneficiaries"], dtype="float64")
    frame = pd.DataFrame(index=pd.Index(list(years), name="year"))
    frame["cost"] = summed["cost"].reindex(frame.index).fillna(0.0)
    frame["beneficiaries"] = summed["beneficiaries"].reindex(frame.index).fillna(0.0)
    figures = macro.set_index("year") if not macro.empty else pd.DataFrame(columns=["gdp", "government_expenditure"])
    frame["pct_gdp"] = divide(frame["cost"], figures["gdp"].reindex(frame.index).astype("float64"), positive=True)
    frame["pct_expenditure"] = divide(frame["cost"],
                                      figures["government_expenditure"].reindex(frame.index).astype("float64"),
                                      positive=True)
    return frame.reset_index()[YEAR_COLUMNS]


def with_take_up(options: Sequence[BenefitOption], factor: float) -> list[BenefitOption]:
    """The options with every take-up multiplied by ``factor``, at most 100 %: the sensitivity
    band is the scenario at ``1 − SENSITIVITY`` and ``1 + SENSITIVITY``."""
    return [BenefitOption(o.code, o.amount, o.payments_per_year, o.eligible_key,
                          [float(np.clip(t * factor, 0.0, 1.0)) for t in o.take_up], o.indexed, o.admin_rate,
                          o.multiplier) for o in options]


def ilo_example() -> tuple[float, float]:
    """Beneficiaries and cost of :data:`ILO_EXAMPLE`, one year, not indexed."""
    e = ILO_EXAMPLE
    option = BenefitOption("ILO", e["amount"], e["payments_per_year"], "eligible", [e["take_up"]],
                           admin_rate=e["admin_rate"])
    rows = cost_rows(pd.DataFrame({"year": [0], "unit": ["00"], "eligible_key": ["eligible"],
                                   "count": [e["eligible"]]}), [option], [0], {})
    return float(rows["beneficiaries"].iloc[0]), float(rows["cost"].iloc[0])
