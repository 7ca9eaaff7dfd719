"""Achievement of an indicator against its target, and its status."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_ON_TRACK = 0.95
DEFAULT_WATCH = 0.75
ACHIEVEMENT_CAP = 1.5
STATUSES = ("on_track", "watch", "off_track", "no_data")
# Status is never shown by colour alone: each has an icon and a word.
STATUS_ICONS = {"on_track": "✔", "watch": "⚠", "off_track": "✖", "no_data": "–"}


def achievement(actual: pd.Series, target: pd.Series, direction: pd.Series | str) -> pd.Series:
    """Achievement = actual ÷ target for ``increase`` indicators, target ÷ actual for ``decrease``.

    A missing actual or target, or a zero denominator, gives NaN ("no data"), never infinity.
    A ``decrease`` indicator whose actual is 0 has met any target, but the ratio is undefined,
    so it is reported as no data rather than as an infinite achievement.
    """
    actual = pd.to_numeric(actual, errors="coerce").astype("float64")
    target = pd.to_numeric(target, errors="coerce").astype("float64")
    if isinstance(direction, str):
        direction = pd.Series(direction, index=actual.index)
    decrease = direction.reindex(actual.index).eq("decrease")
    numerator = actual.where(~decrease, target)
    denominator = target.where(~decrease, actual)
    ratio = numerator / denominator.where(denominator != 0)
    return ratio.where(np.isfinite(ratio))


def capped(values: pd.Series, cap: float = ACHIEVEMENT_CAP) -> pd.Series:
    """Achievement capped at ``cap`` (150 %) for scoring, so one indicator cannot carry a score."""
    return values.clip(upper=cap)


def status(
    values: pd.Series,
    on_track: pd.Series | float | None = None,
    watch: pd.Series | float | None = None,
) -> pd.Series:
    """``on_track`` when achievement ≥ 95 %, ``watch`` when ≥ 75 %, ``off_track`` below, else ``no_data``.

    Thresholds may be given per row (an indicator's own thresholds, as fractions); a missing
    threshold falls back to the default.
    """
    values = pd.to_numeric(values, errors="coerce").astype("float64")
    on = _threshold(on_track, DEFAULT_ON_TRACK, values.index)
    wa = _threshold(watch, DEFAULT_WATCH, values.index)
    out = np.select(
        [values.isna(), values >= on, values >= wa],
        ["no_data", "on_track", "watch"],
        default="off_track",
    )
    return pd.Series(out, index=values.index, dtype="object")


def _threshold(value, default: float, index: pd.Index) -> pd.Series:
    if value is None:
        return pd.Series(default, index=index, dtype="float64")
    if isinstance(value, pd.Series):
        return pd.to_numeric(value, errors="coerce").astype("float64").reindex(index).fillna(default)
    return pd.Series(float(value), index=index, dtype="float64")
