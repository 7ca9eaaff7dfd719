"""Invariants of the formulas, over generated inputs (hypothesis)."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import indicators as f

ORDER = {"off_track": 0, "watch": 1, "on_track": 2}
finite = st.floats(min_value=0, max_value=10, allow_nan=False)


@given(st.lists(finite, min_size=2, max_size=30))
def test_status_is_monotone_in_achievement(values):
    ordered = pd.Series(sorted(values))
    ranks = [ORDER[s] for s in f.status(ordered)]
    assert ranks == sorted(ranks)


@given(st.lists(st.tuples(st.sampled_from(["01", "02", "03"]),
                          st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
                          st.floats(min_value=0, max_value=100)), min_size=1, max_size=40))
def test_score_stays_within_its_caps(rows):
    frame = pd.DataFrame(rows, columns=["unit", "achievement", "weight"])
    scores = f.province_score(frame).dropna()
    assert ((scores >= 0) & (scores <= f.ACHIEVEMENT_CAP + 1e-12)).all()


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**12),
                          st.integers(min_value=1, max_value=10**12)), min_size=1, max_size=20),
       st.floats(min_value=0.001, max_value=1000))
def test_rates_are_unchanged_when_all_amounts_are_scaled(pairs, factor):
    paid = pd.Series([p for p, _ in pairs], dtype="float64")
    revised = pd.Series([r for _, r in pairs], dtype="float64")
    before = f.execution_rate(paid, revised)
    after = f.execution_rate(paid * factor, revised * factor)
    assert ((before - after).abs() <= 1e-9 * before.abs().clip(lower=1)).all()
