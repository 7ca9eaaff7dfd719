"""Budget formulas: execution and commitment rates, the pro-rata benchmark and the gap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from domain.periods import normalise_period
from indicators._numeric import Values, divide, is_scalar, to_float


def execution_rate(paid: Values, revised: Values) -> Values:
    """Execution rate = paid ÷ revised allocation, both year to date.

    A revised allocation of 0 or missing gives NaN (no rate), never infinity.
    """
    return divide(paid, revised)


def commitment_rate(committed: Values, revised: Values) -> Values:
    """Commitment rate = committed ÷ revised allocation, both year to date (0 or missing → NaN)."""
    return divide(committed, revised)


def _cumulative_shares(phasing: Sequence[float] | pd.Series | None) -> np.ndarray:
    if phasing is None:
        return np.arange(1, 13, dtype="float64") / 12
    weights = np.asarray(phasing, dtype="float64")
    if weights.shape != (12,) or not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("a phasing profile is twelve non-negative monthly weights that do not all vanish")
    return np.cumsum(weights) / weights.sum()


def expected_execution(month: int | pd.Series, phasing: Sequence[float] | pd.Series | None = None) -> Values:
    """Pro-rata benchmark: the share of the year's budget expected to be paid by the end of ``month``.

    Without a phasing profile it is m ÷ 12. A phasing profile is twelve monthly weights
    (January first), normalised to sum to 1; the benchmark is then the cumulative share of
    months 1 to m. ``month`` may be a Series of months; a missing month gives NaN.
    """
    shares = _cumulative_shares(phasing)
    months = to_float(month)
    if is_scalar(months):
        if not (np.isfinite(months) and months == int(months) and 1 <= months <= 12):
            raise ValueError(f"month must be 1 to 12, not {month!r}")
        return float(shares[int(months) - 1])
    known = months.dropna()
    if not (known.isin(range(1, 13))).all():
        raise ValueError(f"months must be 1 to 12, not {sorted(set(known) - set(range(1, 13)))}")
    expected = pd.Series(np.nan, index=months.index, dtype="float64")
    expected[months.notna()] = shares[known.astype("int64").to_numpy() - 1]
    return expected


def execution_gap(rate: Values, expected: Values) -> Values:
    """Execution gap = execution rate − expected execution (negative: spending behind the benchmark)."""
    return to_float(rate) - to_float(expected)


def period_month(period: str) -> int:
    """The month (1–12) that a period ends in: ``YYYY-MM``, ``YYYY-Qn`` (its last month) or ``YYYY`` (12)."""
    normalised = normalise_period(str(period).strip())
    if normalised is None:
        raise ValueError(f"a period is YYYY-MM, YYYY-Qn or YYYY, not {period!r}")
    return int(normalised[5:7])
