"""Rolling indicator values up from units (communes, districts) to a grouping (province, nation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

VALUE_COLUMNS = ("baseline", "target", "actual")
AGGREGATIONS = ("sum", "mean", "weighted_mean", "ratio", "last")
# Ratio indicators (coverage and the like) are kept in per cent in the catalogue.
RATIO_SCALE = 100.0
OUTPUT_COLUMNS = ("indicator", *VALUE_COLUMNS, "unit_count", "reported_count")


def _sum(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # A sum over units that have not all reported is the sum of what was reported; the
    # reported_count beside it tells the reader how much is missing. No value at all stays NaN.
    return rows.groupby(keys, dropna=False)[list(VALUE_COLUMNS)].sum(min_count=1)


def _mean(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return rows.groupby(keys, dropna=False)[list(VALUE_COLUMNS)].mean()


def _weighted_mean(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    weight = rows["weight"] if "weight" in rows else pd.Series(1.0, index=rows.index)
    weight = pd.to_numeric(weight, errors="coerce").astype("float64")
    parts = rows[keys].copy()
    for column in VALUE_COLUMNS:
        # Each column uses only the rows that have both a value and a positive weight.
        used = rows[column].notna() & (weight > 0)
        parts[f"{column}_num"] = (rows[column] * weight).where(used, 0.0)
        parts[f"{column}_den"] = weight.where(used, 0.0)
    sums = parts.groupby(keys, dropna=False).sum()
    return pd.DataFrame(
        {c: sums[f"{c}_num"] / sums[f"{c}_den"].where(sums[f"{c}_den"] > 0) for c in VALUE_COLUMNS}
    )


def _last(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # Database reads come in no particular order: sort so that "last" is reproducible.
    order = [c for c in ("period", "unit") if c in rows]
    ordered = rows.sort_values(order, kind="stable") if order else rows
    return ordered.groupby(keys, dropna=False)[list(VALUE_COLUMNS)].last()


_RULES = {"sum": _sum, "mean": _mean, "weighted_mean": _weighted_mean, "last": _last}


def _ratio(rows: pd.DataFrame, by: list[str], parts: Mapping[str, tuple[str, str]], scale: float) -> pd.DataFrame:
    frames = []
    for indicator, (numerator, denominator) in parts.items():
        used = rows[rows["indicator"].isin([numerator, denominator])]
        if used.empty:
            continue
        sums = _sum(used, [*by, "indicator"]).unstack("indicator")
        num = _component(sums, numerator)
        den = _component(sums, denominator)
        value = scale * num / den.where(den != 0)
        value = value.where(np.isfinite(value))
        frames.append(value.assign(indicator=indicator).set_index("indicator", append=True))
    if not frames:
        return pd.DataFrame(columns=list(VALUE_COLUMNS))
    return pd.concat(frames)


def _component(sums: pd.DataFrame, code: str) -> pd.DataFrame:
    columns = {c: sums.get((c, code), np.nan) for c in VALUE_COLUMNS}
    return pd.DataFrame(columns, index=sums.index, dtype="float64")


def aggregate_values(
    values: pd.DataFrame,
    aggregation: Mapping[str, str],
    by: Sequence[str],
    ratio_parts: Mapping[str, tuple[str, str]] | None = None,
    *,
    ratio_scale: float = RATIO_SCALE,
) -> pd.DataFrame:
    """Aggregate unit-level indicator values to the ``by`` keys, each indicator by its own rule.

    ``values`` has the ``by`` columns, ``unit``, ``indicator`` and ``baseline``, ``target``,
    ``actual`` (a missing value column counts as all NaN), and optionally ``weight`` (for
    ``weighted_mean``) and ``period`` (for ``last``). ``aggregation`` maps every indicator code
    in ``values`` to its rule; ``ratio_parts`` maps each ``ratio`` indicator to its
    (numerator, denominator) indicator codes.

    Rules, applied to baseline, target and actual alike, over the rows that have a value:

    - ``sum``: Σ values (NaN when no unit has a value);
    - ``mean``: arithmetic mean;
    - ``weighted_mean``: Σ wᵢ·xᵢ ÷ Σ wᵢ over rows with a positive weight (no ``weight``
      column: equal weights);
    - ``last``: the value of the last unit in (period, unit code) order;
    - ``ratio``: ``ratio_scale`` × Σ numerator ÷ Σ denominator, the two parts summed over the
      group first — never an average of the units' own ratios, which would give a commune of
      10 people the same say as one of 1,000. Rows of the ratio indicator itself are not used.
      A zero or missing denominator sum gives NaN.

    Returns one row per group and indicator: the ``by`` keys, ``indicator``, the three values,
    ``unit_count`` (units with a row; for a ratio, rows of its numerator) and ``reported_count``
    (those with an actual), sorted by the keys.
    """
    by = list(by)
    parts = dict(ratio_parts or {})
    columns = [*by, *OUTPUT_COLUMNS]
    unknown_rules = set(aggregation.values()) - set(AGGREGATIONS)
    if unknown_rules:
        raise ValueError(f"unknown aggregation rules: {sorted(unknown_rules)}")
    missing_parts = sorted(code for code, rule in aggregation.items() if rule == "ratio" and code not in parts)
    if missing_parts:
        raise ValueError(f"ratio indicators without a numerator and denominator: {missing_parts}")
    frame = values.copy()
    for column in VALUE_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64") if column in frame else np.nan
    uncatalogued = sorted(set(frame["indicator"]) - set(aggregation))
    if uncatalogued:
        raise ValueError(f"indicators without an aggregation rule: {uncatalogued}")
    if frame.empty:
        return pd.DataFrame(columns=columns)

    # With no grouping key the whole frame is one group; a constant key keeps one code path.
    group_by = by or ["_all"]
    if not by:
        frame["_all"] = 0
    keys = [*group_by, "indicator"]
    rule = frame["indicator"].map(aggregation)
    pieces = [_RULES[name](frame[rule == name], keys) for name in _RULES if (rule == name).any()]
    ratios = {code: parts[code] for code, name in aggregation.items() if name == "ratio"}
    pieces = [p for p in [*pieces, _ratio(frame, group_by, ratios, ratio_scale)] if not p.empty]
    if not pieces:
        return pd.DataFrame(columns=columns)

    out = pd.concat(pieces).reset_index()
    units = frame.groupby(keys, dropna=False)["unit"].nunique()
    reported = frame[frame["actual"].notna()].groupby(keys, dropna=False)["unit"].nunique()
    numerators = {code: numerator for code, (numerator, _) in ratios.items()}
    counted_as = out["indicator"].map(lambda code: numerators.get(code, code))
    lookup = pd.MultiIndex.from_frame(out[group_by].assign(indicator=counted_as))
    out["unit_count"] = units.reindex(lookup).fillna(0).astype("int64").to_numpy()
    out["reported_count"] = reported.reindex(lookup).fillna(0).astype("int64").to_numpy()
    return out.sort_values(keys, kind="stable")[columns].reset_index(drop=True)


def roll_up(values: pd.DataFrame, catalogue: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """:func:`aggregate_values` with the rules read from a catalogue frame.

    ``catalogue`` has ``indicator``, ``aggregation``, ``numerator`` and ``denominator`` (the
    last two set for ``ratio`` indicators only).
    """
    rules = dict(zip(catalogue["indicator"], catalogue["aggregation"], strict=True))
    ratios = catalogue[catalogue["aggregation"] == "ratio"]
    parts = {row.indicator: (row.numerator, row.denominator) for row in ratios.itertuples(index=False)}
    return aggregate_values(values, rules, by, parts)
