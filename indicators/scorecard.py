"""Province scorecard: score, rank, data completeness, unit cost and the quadrant."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.achievement import ACHIEVEMENT_CAP, DEFAULT_ON_TRACK, capped

QUADRANTS = ("spending_delivering", "spending_not_delivering", "not_spending_delivering",
             "not_spending_not_delivering", "no_data")
# "Spending" means within 10 points of the pro-rata benchmark: a province a few days behind
# the calendar is not under-spending.
SPENDING_TOLERANCE = 0.10


def province_score(rows: pd.DataFrame) -> pd.Series:
    """Score = weighted mean of capped achievements over the indicators with data, per unit.

    ``rows`` has ``unit``, ``achievement`` and ``weight`` (the catalogue's). Indicators with
    no achievement (no data) count in neither the numerator nor the weights; a unit with no
    data at all scores NaN. Achievements are capped at 150 %, so a score lies in [0, 1.5].
    """
    if rows.empty:
        return pd.Series(dtype="float64", name="score")
    ach = capped(pd.to_numeric(rows["achievement"], errors="coerce"))
    weight = pd.to_numeric(rows["weight"], errors="coerce").fillna(0.0)
    used = ach.notna() & (weight > 0)
    frame = pd.DataFrame({"unit": rows["unit"], "num": (ach * weight).where(used, 0.0),
                          "den": weight.where(used, 0.0)})
    sums = frame.groupby("unit")[["num", "den"]].sum()
    score = sums["num"] / sums["den"].where(sums["den"] > 0)
    return score.clip(upper=ACHIEVEMENT_CAP).rename("score")


def rank(scores: pd.Series) -> pd.Series:
    """Rank by score, 1 the best; equal scores share the better rank; no score, no rank."""
    return scores.rank(ascending=False, method="min", na_option="keep")


def completeness(received, expected):
    """Data completeness = reports received ÷ reports expected, at most 1; none expected → NaN."""
    if np.isscalar(received) and np.isscalar(expected):
        return min(1.0, received / expected) if expected else float("nan")
    rec = pd.to_numeric(received, errors="coerce").astype("float64")
    exp = pd.to_numeric(expected, errors="coerce").astype("float64")
    return (rec / exp.where(exp > 0)).clip(upper=1.0)


def unit_cost(paid, actual_output):
    """Unit cost = paid on the activities an indicator measures ÷ its actual output.

    No output (0 or missing) gives NaN: a cost per nothing is not a number to show.
    """
    if np.isscalar(paid) and np.isscalar(actual_output):
        return float(paid) / float(actual_output) if actual_output else float("nan")
    out = pd.to_numeric(paid, errors="coerce").astype("float64")
    den = pd.to_numeric(actual_output, errors="coerce").astype("float64")
    return out / den.where(den > 0)


def quadrant(execution_rate: pd.Series, mean_achievement: pd.Series, expected: float | pd.Series,
             *, delivering_at: float = DEFAULT_ON_TRACK) -> pd.Series:
    """The budget–performance quadrant of each programme or province.

    Spending: execution rate at least the pro-rata expectation less 10 points. Delivering:
    mean achievement at least the on-track threshold (95 %). Either missing → ``no_data``.
    """
    rate = pd.to_numeric(execution_rate, errors="coerce")
    ach = pd.to_numeric(mean_achievement, errors="coerce")
    spending = rate >= (expected - SPENDING_TOLERANCE)
    delivering = ach >= delivering_at
    out = np.select(
        [rate.isna() | ach.isna(), spending & delivering, spending & ~delivering, ~spending & delivering],
        ["no_data", "spending_delivering", "spending_not_delivering", "not_spending_delivering"],
        default="not_spending_not_delivering",
    )
    return pd.Series(out, index=rate.index, dtype="object")
