"""Achievement of an indicator against its target, and its status."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from indicators._numeric import Values, broadcast, divide, is_scalar, to_float

DEFAULT_ON_TRACK = 0.95
DEFAULT_WATCH = 0.75
ACHIEVEMENT_CAP = 1.5
DIRECTIONS = ("increase", "decrease")
STATUSES = ("on_track", "watch", "off_track", "no_data")
# Status is never shown by colour alone: each has an icon as well as a word.
STATUS_ICONS = {"on_track": "✔", "watch": "⚠", "off_track": "✖", "no_data": "–"}
# A ratio that meets a threshold on paper (2.09 ÷ 2.2 = 95 %) can land a hair below it in binary
# floating point; it must still count as meeting it.
_TOLERANCE = 1e-9


def _decreasing(direction: Any) -> Any:
    """True for ``decrease``, False for ``increase``, NaN for a missing direction."""
    if is_scalar(direction):
        if pd.isna(direction):
            return np.nan
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
        return direction == "decrease"
    direction = direction if isinstance(direction, pd.Series) else pd.Series(direction)
    unknown = set(direction.dropna()) - set(DIRECTIONS)
    if unknown:
        raise ValueError(f"direction must be 'increase' or 'decrease', not {sorted(map(str, unknown))}")
    return direction.map({"increase": 0.0, "decrease": 1.0}).astype("float64")


def achievement(actual: Values, target: Values, direction: str | pd.Series = "increase") -> Values:
    """Achievement = actual ÷ target for ``increase`` indicators, target ÷ actual for ``decrease``.

    0 or a missing value to divide by, a missing actual, target or direction give NaN
    ("no data"), never infinity. So a ``decrease`` indicator whose actual is 0 has no
    achievement: the ratio is undefined even though the target was surely met.
    """
    decrease = _decreasing(direction)
    if is_scalar(actual) and is_scalar(target) and is_scalar(decrease):
        if pd.isna(decrease):
            return float("nan")
        return divide(target, actual) if decrease else divide(actual, target)
    act, tgt, dec = broadcast(actual, target, decrease)
    return divide(act, tgt).where(dec == 0, divide(tgt, act)).where(dec.notna())


def capped(ach: Values, cap: float = ACHIEVEMENT_CAP) -> Values:
    """Achievement capped at ``cap`` (150 %) for scoring, so that one over-achieved target cannot
    carry a whole score. NaN (no data) stays NaN.
    """
    if is_scalar(ach):
        value = to_float(ach)
        return min(value, cap) if not np.isnan(value) else value
    return to_float(ach).clip(upper=cap)


def _threshold(value: Any, default: float, index: pd.Index) -> pd.Series:
    if value is None or is_scalar(value):
        return pd.Series(to_float(value), index=index, dtype="float64").fillna(default)
    if isinstance(value, pd.Series):
        return to_float(value).reindex(index).fillna(default)
    return pd.Series(np.asarray(to_float(value)), index=index, dtype="float64").fillna(default)


def status(
    ach: Values,
    on_track: Values | None = DEFAULT_ON_TRACK,
    watch: Values | None = DEFAULT_WATCH,
) -> str | pd.Series:
    """Status of an achievement: ``on_track`` when ≥ on_track (95 %), ``watch`` when ≥ watch (75 %),
    ``off_track`` below, ``no_data`` when the achievement is missing.

    Thresholds are fractions, either one number or a Series aligned with ``ach`` holding each
    row's indicator's own thresholds; a NaN or None threshold falls back to the default. The
    on-track test comes first, so an indicator whose own on-track threshold is below the watch
    threshold goes straight from off track to on track.
    """
    if is_scalar(ach):
        return status(pd.Series([ach]), on_track, watch).iloc[0]
    values = to_float(ach)
    on = _threshold(on_track, DEFAULT_ON_TRACK, values.index) - _TOLERANCE
    wa = _threshold(watch, DEFAULT_WATCH, values.index) - _TOLERANCE
    out = np.select(
        [values.isna().to_numpy(), (values >= on).to_numpy(), (values >= wa).to_numpy()],
        ["no_data", "on_track", "watch"],
        default="off_track",
    )
    return pd.Series(out, index=values.index, dtype="object", name="status")


def trend(current: float | None, previous: float | None) -> str:
    """``up``, ``down`` or ``same`` between two achievements; empty when either is missing."""
    if current is None or previous is None or any(isinstance(v, float) and math.isnan(v)
                                                  for v in (current, previous)):
        return ""
    if abs(current - previous) < 1e-9:
        return "same"
    return "up" if current > previous else "down"
