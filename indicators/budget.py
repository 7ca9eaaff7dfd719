"""Budget formulas: execution and commitment rates, the pro-rata benchmark and the gap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _ratio(numerator, denominator):
    """numerator ÷ denominator; a zero or missing denominator gives NaN, never infinity."""
    if np.isscalar(numerator) and np.isscalar(denominator):
        try:
            num, den = float(numerator), float(denominator)
        except (TypeError, ValueError):
            return float("nan")
        return num / den if den and np.isfinite(den) else float("nan")
    num = pd.to_numeric(numerator, errors="coerce").astype("float64")
    den = pd.to_numeric(denominator, errors="coerce").astype("float64")
    return num / den.where(den != 0)


def execution_rate(paid, revised):
    """Execution rate = paid ÷ revised allocation (year to date). Revised 0 or missing → NaN."""
    return _ratio(paid, revised)


def commitment_rate(committed, revised):
    """Commitment rate = committed ÷ revised allocation (year to date). Revised 0 or missing → NaN."""
    return _ratio(committed, revised)


def expected_execution(month: int, phasing: Sequence[float] | None = None) -> float:
    """Pro-rata benchmark: the share of the year's budget expected paid by the end of ``month``.

    Without a phasing profile it is m ÷ 12. With one (twelve monthly weights, normalised to sum
    to 1), it is the cumulative share of the weights of months 1 to m.
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1 to 12, not {month}")
    if phasing is None:
        return int(month) / 12
    weights = np.asarray(phasing, dtype="float64")
    if weights.shape != (12,) or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("a phasing profile is twelve non-negative monthly weights")
    return float(weights[: int(month)].sum() / weights.sum())


def execution_gap(rate, expected):
    """Execution gap = execution rate − expected execution (negative: behind the benchmark)."""
    return rate - expected


def period_month(period: str) -> int:
    """The month (1–12) that a ``YYYY-MM`` period ends in."""
    return int(period[5:7])
