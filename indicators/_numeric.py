"""Numeric helpers shared by the formulas: coercion, broadcasting and guarded division."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Values = pd.Series | float | int


def is_scalar(value: Any) -> bool:
    """True for a single number (or None/NaN), False for a Series, array or list."""
    return pd.api.types.is_scalar(value)


def to_float(value: Any) -> Any:
    """A float for a scalar, a float64 Series otherwise; anything not numeric becomes NaN.

    Database reads hand over Decimals, nullable ``Float64`` and object columns with None;
    the formulas must treat them all as plain floats with NaN for "missing".
    """
    if is_scalar(value):
        try:
            return float(value)
        except (TypeError, ValueError):
            return float("nan")
    if not isinstance(value, pd.Series):
        value = pd.Series(value)
    if value.dtype == "float64":
        # Already plain floats: a copy, as below, at an eighth of the cost (a cold scorecard makes 63 calls).
        return value.copy()
    return pd.to_numeric(value, errors="coerce").astype("float64")


def broadcast(*values: Any) -> tuple[pd.Series, ...]:
    """Every value as a float Series on the index of the first Series among them."""
    index = next(v.index for v in values if isinstance(v, pd.Series))
    return tuple(
        pd.Series(to_float(v), index=index, dtype="float64") if is_scalar(v) else to_float(v) for v in values
    )


def divide(numerator: Any, denominator: Any, *, positive: bool = False) -> Any:
    """numerator ÷ denominator with a zero or missing denominator giving NaN, never infinity.

    With ``positive``, a negative denominator also gives NaN (an output or a count below zero
    is a data error, not something to divide by).
    """
    num, den = to_float(numerator), to_float(denominator)
    if is_scalar(num) and is_scalar(den):
        usable = den > 0 if positive else den != 0
        result = num / den if usable and np.isfinite(den) else float("nan")
        return result if np.isfinite(result) else float("nan")
    if is_scalar(den):
        num, den = broadcast(num, den)
    elif is_scalar(num):
        den, num = broadcast(den, num)
    den = den.where(den > 0) if positive else den.where(den != 0)
    result = num / den
    return result.where(np.isfinite(result))
