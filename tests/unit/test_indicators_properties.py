"""Invariants of the formulas over generated inputs (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import indicators as f

ORDER = {"off_track": 0, "watch": 1, "on_track": 2}
achievements = st.floats(min_value=0, max_value=10, allow_nan=False)
thresholds = st.one_of(st.none(), st.floats(min_value=0.01, max_value=2))
# Amounts are riels or counts: zero or at least a thousandth, never subnormal dust whose
# products underflow.
amounts = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e12))
positive = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)
factors = st.floats(min_value=1e-3, max_value=1e3)


@given(st.lists(achievements, min_size=2, max_size=30), thresholds, thresholds)
def test_status_is_monotone_in_achievement(values, on_track, watch):
    ordered = pd.Series(sorted(values))
    ranks = [ORDER[s] for s in f.status(ordered, on_track, watch)]
    assert ranks == sorted(ranks)


@given(achievements, achievements)
def test_a_higher_achievement_never_has_a_worse_status(a, b):
    low, high = sorted((a, b))
    assert ORDER[f.status(low)] <= ORDER[f.status(high)]


@given(st.lists(st.tuples(st.sampled_from(["01", "02", "03"]),
                          st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
                          st.floats(min_value=0, max_value=100)), min_size=1, max_size=40))
def test_score_stays_within_zero_and_the_cap(rows):
    frame = pd.DataFrame(rows, columns=["unit", "achievement", "weight"])
    scores = f.province_score(frame).dropna()
    assert ((scores >= 0) & (scores <= f.ACHIEVEMENT_CAP)).all()


@given(st.lists(st.tuples(amounts, amounts, positive), min_size=1, max_size=20), factors)
def test_rates_are_unchanged_when_all_amounts_are_scaled(rows, factor):
    paid, committed, revised = (pd.Series(column, dtype="float64") for column in zip(*rows, strict=True))
    for rate, amount in ((f.execution_rate, paid), (f.commitment_rate, committed)):
        before = rate(amount, revised)
        after = rate(amount * factor, revised * factor)
        assert np.allclose(before, after, rtol=1e-9, atol=0)


@given(st.lists(st.tuples(amounts, positive), min_size=1, max_size=20), factors)
def test_achievement_and_unit_cost_are_unchanged_when_scaled(rows, factor):
    actual, target = (pd.Series(column, dtype="float64") for column in zip(*rows, strict=True))
    for direction in ("increase", "decrease"):
        before = f.achievement(actual, target, direction)
        after = f.achievement(actual * factor, target * factor, direction)
        assert np.allclose(before, after, rtol=1e-9, atol=0, equal_nan=True)
    assert np.allclose(f.unit_cost(actual, target), f.unit_cost(actual * factor, target * factor),
                       rtol=1e-9, atol=0, equal_nan=True)


@given(st.lists(st.tuples(amounts, st.one_of(st.just(0.0), positive)), min_size=1, max_size=20))
def test_guarded_ratios_are_never_infinite(rows):
    num, den = (pd.Series(column, dtype="float64") for column in zip(*rows, strict=True))
    for value in (f.execution_rate(num, den), f.achievement(num, den, "increase"),
                  f.achievement(num, den, "decrease"), f.unit_cost(num, den), f.completeness(num, den)):
        assert not np.isinf(value).any()


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=12, max_size=12).filter(lambda w: sum(w) > 0))
def test_phasing_benchmark_rises_to_one(phasing):
    expected = [f.expected_execution(m, phasing) for m in range(1, 13)]
    assert all(b >= a - 1e-12 for a, b in zip(expected, expected[1:], strict=False))
    assert abs(expected[-1] - 1) < 1e-9


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(min_value=0, max_value=1e6),
                          st.floats(min_value=1, max_value=1e6)), min_size=1, max_size=20))
def test_ratio_roll_up_equals_the_ratio_of_the_sums(rows):
    values = pd.DataFrame(
        [[p, f"u{i}", "N", None, num, num] for i, (p, num, _) in enumerate(rows)]
        + [[p, f"u{i}", "D", None, den, den] for i, (p, _, den) in enumerate(rows)],
        columns=["province", "unit", "indicator", "baseline", "target", "actual"],
    )
    out = f.aggregate_values(values, {"N": "sum", "D": "sum", "R": "ratio"}, ["province"], {"R": ("N", "D")})
    ratio = out[out["indicator"] == "R"].set_index("province")["actual"]
    frame = pd.DataFrame(rows, columns=["province", "num", "den"]).groupby("province").sum()
    assert np.allclose(ratio.sort_index(), 100 * frame["num"] / frame["den"], rtol=1e-9)
