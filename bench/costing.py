"""Costing: how long a scenario of 25 provinces × 5 years × 5 benefits takes to compute (the
pure formula of ``indicators.costing``, cost rows, year totals and the ±10 % band)."""

from __future__ import annotations

import time

import pandas as pd

from indicators import costing

YEARS = list(range(2026, 2031))
PROVINCES = [f"{p:02d}" for p in range(1, 26)]
BENEFITS = 5


def run(repeats: int = 20) -> float:
    """The median time of one computation, in milliseconds."""
    eligible = pd.DataFrame([{"year": y, "unit": p, "eligible_key": f"k{b}", "count": 1000.0 + b}
                             for y in YEARS for p in PROVINCES for b in range(BENEFITS)])
    options = [costing.BenefitOption(f"B{b}", 40_000, 12, f"k{b}", [0.6] * len(YEARS), indexed=True, admin_rate=0.05)
               for b in range(BENEFITS)]
    cpi = dict.fromkeys(YEARS, 0.03)
    macro = pd.DataFrame({"year": YEARS, "gdp": [2e14] * 5, "government_expenditure": [4e13] * 5})
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        rows = costing.cost_rows(eligible, options, YEARS, cpi)
        costing.year_totals(rows, macro, YEARS)
        for factor in (1 - costing.SENSITIVITY, 1 + costing.SENSITIVITY):
            costing.year_totals(costing.cost_rows(eligible, costing.with_take_up(options, factor), YEARS, cpi),
                                macro, YEARS)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    print(f"costing: 25 provinces × 5 years × 5 benefits, with the band: {run():.1f} ms (median of 20)")
