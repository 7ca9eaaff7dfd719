"""Rolling indicator values up from communes and districts to provinces (and the nation)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

VALUES = ("baseline", "target", "actual")


def _rule_sum(group: pd.DataFrame) -> dict[str, float]:
    # A sum over units that have not all reported is still the sum of what was reported;
    # completeness tells the reader how much is missing.
    return {c: group[c].sum(min_count=1) for c in VALUES}


def _rule_mean(group: pd.DataFrame) -> dict[str, float]:
    return {c: group[c].mean() for c in VALUES}


def _rule_weighted_mean(group: pd.DataFrame) -> dict[str, float]:
    out = {}
    weights = group["weight"] if "weight" in group else pd.Series(1.0, index=group.index)
    for c in VALUES:
        mask = group[c].notna() & weights.notna() & (weights > 0)
        total = weights[mask].sum()
        out[c] = float((group.loc[mask, c] * weights[mask]).sum() / total) if total > 0 else np.nan
    return out


def _rule_last(group: pd.DataFrame) -> dict[str, float]:
    # "last" is for stock figures reported once per province: the last row (in unit order)
    # with a value stands for the group.
    ordered = group.sort_values("unit")
    return {c: (ordered[c].dropna().iloc[-1] if ordered[c].notna().any() else np.nan) for c in VALUES}


RULES = {"sum": _rule_sum, "mean": _rule_mean, "weighted_mean": _rule_weighted_mean,
         "last": _rule_last}


def roll_up(values: pd.DataFrame, catalogue: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Aggregate unit values to the ``by`` keys, indicator by indicator, by each one's rule.

    ``values`` has the ``by`` columns, ``unit``, ``indicator``, ``baseline``, ``target``,
    ``actual`` (and optionally ``weight`` for ``weighted_mean``). ``catalogue`` has
    ``indicator``, ``aggregation``, ``numerator`` and ``denominator``.

    Rules: ``sum``, ``mean``, ``weighted_mean``, ``last`` apply to the indicator's own rows.
    A ``ratio`` indicator is 100 × sum(numerator) ÷ sum(denominator), computed from the
    numerator and denominator indicators' values summed over the group — never an average of
    the units' ratios — for baseline, target and actual alike. Returns the ``by`` keys,
    ``indicator``, the three values, ``unit_count`` (units with a row) and ``reported_count``
    (units with an actual).
    """
    by = list(by)
    columns = [*by, "indicator", *VALUES, "unit_count", "reported_count"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    rules = dict(zip(catalogue["indicator"], catalogue["aggregation"], strict=True))
    rows: list[dict] = []
    for (*keys, indicator), group in values.groupby([*by, "indicator"], sort=True, dropna=False):
        rule = rules.get(indicator, "sum")
        if rule == "ratio":
            continue  # computed below from its parts
        row = dict(zip(by, keys, strict=True), indicator=indicator, **RULES[rule](group))
        row["unit_count"] = int(group["unit"].nunique())
        row["reported_count"] = int(group.loc[group["actual"].notna(), "unit"].nunique())
        rows.append(row)
    for _, entry in catalogue[catalogue["aggregation"] == "ratio"].iterrows():
        num, den = entry["numerator"], entry["denominator"]
        parts = values[values["indicator"].isin([num, den])]
        if parts.empty:
            continue
        for keys, group in parts.groupby(by, sort=True, dropna=False) if by else [((), parts)]:
            keys = keys if isinstance(keys, tuple) else (keys,)
            totals = group.groupby("indicator")[list(VALUES)].sum(min_count=1)
            row = dict(zip(by, keys, strict=True), indicator=entry["indicator"])
            for c in VALUES:
                n = totals[c].get(num, np.nan)
                d = totals[c].get(den, np.nan)
                row[c] = float(100 * n / d) if pd.notna(n) and pd.notna(d) and d != 0 else np.nan
            parts_of = group[group["indicator"] == num]
            row["unit_count"] = int(parts_of["unit"].nunique())
            row["reported_count"] = int(parts_of.loc[parts_of["actual"].notna(), "unit"].nunique())
            rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values([*by, "indicator"]).reset_index(drop=True)
