"""The budget–performance quadrant of a programme or province."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators._numeric import Values, broadcast, is_scalar
from indicators.achievement import DEFAULT_ON_TRACK

QUADRANTS = (
    "spending_delivering",
    "spending_not_delivering",
    "not_spending_delivering",
    "not_spending_not_delivering",
    "no_data",
)
# "Spending" is judged against the calendar, relative to it: a programme that has paid 90 % of
# what the pro-rata benchmark expects is spending. A relative test is as fair in February
# (expected 17 %) as in November (expected 92 %), where an absolute margin of points is not.
SPENDING_PACE = 0.90


def quadrant(
    execution_rate: Values,
    mean_achievement: Values,
    expected: Values = 1.0,
    *,
    pace: float = SPENDING_PACE,
    achievement_threshold: float = DEFAULT_ON_TRACK,
) -> str | pd.Series:
    """Place each programme or province in one of the four budget–performance quadrants.

    Spending: execution rate ≥ ``pace`` (90 %) × ``expected``, the pro-rata benchmark of the
    period (see :func:`expected_execution`; the default 1.0 is the full year). Delivering: mean
    achievement (e.g. the province score, or the mean capped achievement of a programme's
    indicators) ≥ ``achievement_threshold``, the on-track threshold (95 %). A missing rate or
    achievement gives ``no_data``. Returns keys of :data:`QUADRANTS`.
    """
    if is_scalar(execution_rate) and is_scalar(mean_achievement) and is_scalar(expected):
        single = quadrant(pd.Series([execution_rate]), pd.Series([mean_achievement]), expected,
                          pace=pace, achievement_threshold=achievement_threshold)
        return single.iloc[0]
    rate, ach, benchmark = broadcast(execution_rate, mean_achievement, expected)
    spending = (rate >= pace * benchmark).to_numpy()
    delivering = (ach >= achievement_threshold).to_numpy()
    out = np.select(
        [(rate.isna() | ach.isna() | benchmark.isna()).to_numpy(), spending & delivering,
         spending & ~delivering, ~spending & delivering],
        ["no_data", *QUADRANTS[:3]],
        default="not_spending_not_delivering",
    )
    return pd.Series(out, index=rate.index, dtype="object", name="quadrant")
