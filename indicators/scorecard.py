"""Province scorecard: the score over a province's indicators, and the rank among provinces."""

from __future__ import annotations

import pandas as pd

from indicators._numeric import to_float
from indicators.achievement import ACHIEVEMENT_CAP, capped


def province_score(rows: pd.DataFrame, by: str = "unit") -> pd.Series:
    """Score = Σ wᵢ·min(achievementᵢ, 150 %) ÷ Σ wᵢ per province, over its indicators with data.

    ``rows`` has one row per (province, indicator): the ``by`` column (the province code),
    ``achievement`` and ``weight`` (the catalogue's). An indicator without an achievement (no
    data) counts in neither sum, so a missing report neither lowers nor raises the score; a
    weight of 0 or missing leaves the indicator out of the score. A province with no scored
    indicator gets NaN. Achievements are capped first, so with achievements ≥ 0 a score lies in
    [0, 1.5]. Returns a Series named ``score``, indexed by province.
    """
    if rows.empty:
        return pd.Series(dtype="float64", name="score", index=pd.Index([], name=by))
    ach = capped(to_float(rows["achievement"]))
    weight = to_float(rows["weight"])
    if (weight < 0).any():
        raise ValueError("indicator weights must not be negative")
    used = ach.notna() & (weight > 0)
    parts = pd.DataFrame({by: rows[by], "num": (ach * weight).where(used, 0.0), "den": weight.where(used, 0.0)})
    sums = parts.groupby(by, dropna=False)[["num", "den"]].sum()
    score = sums["num"] / sums["den"].where(sums["den"] > 0)
    # The weighted mean of capped values cannot exceed the cap; the clip only trims rounding.
    return score.clip(upper=ACHIEVEMENT_CAP).rename("score")


def rank(scores: pd.Series) -> pd.Series:
    """Rank of each province by score: 1 is the best; equal scores share the better (minimum) rank
    and the next rank is skipped (1, 2, 2, 4); a province without a score gets no rank (NaN).
    """
    return to_float(scores).rank(ascending=False, method="min", na_option="keep").rename("rank")
