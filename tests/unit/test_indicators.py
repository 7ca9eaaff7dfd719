"""Every formula of DESIGN section 5 against hand-worked numbers."""

import math

import numpy as np
import pandas as pd
import pytest

import indicators as f
from indicators.methodology import ENTRIES

nan = float("nan")


def test_execution_and_commitment_rates():
    # 450 ÷ 1,000 = 0.45; 0 revised gives no rate, not infinity.
    paid = pd.Series([450, 120, 5])
    revised = pd.Series([1000, 0, None])
    rates = f.execution_rate(paid, revised)
    assert rates.iloc[0] == pytest.approx(0.45)
    assert math.isnan(rates.iloc[1]) and math.isnan(rates.iloc[2])
    assert f.commitment_rate(800, 1000) == pytest.approx(0.8)
    assert math.isnan(f.execution_rate(10, 0))


def test_pro_rata_benchmark_and_gap():
    # June: 6 ÷ 12 = 0.5; paid 45 % of revised → gap −0.05.
    assert f.expected_execution(6) == pytest.approx(0.5)
    assert f.execution_gap(0.45, f.expected_execution(6)) == pytest.approx(-0.05)
    # Phasing: 13th-month-style bonus paid in December: eleven months of 1, December 2 (sum 13).
    # By the end of June, 6 ÷ 13 = 0.4615…; by December, all of it.
    phasing = [1] * 11 + [2]
    assert f.expected_execution(6, phasing) == pytest.approx(6 / 13)
    assert f.expected_execution(12, phasing) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        f.expected_execution(13)
    assert f.period_month("2025-06") == 6


def test_achievement_by_direction_with_guards():
    actual = pd.Series([90, 120, 8, 10, None, 5, 0])
    target = pd.Series([100, 100, 10, 8, 50, 0, 4])
    direction = pd.Series(["increase", "increase", "decrease", "decrease", "increase", "increase",
                           "decrease"])
    ach = f.achievement(actual, target, direction)
    assert ach.iloc[0] == pytest.approx(0.90)   # 90 ÷ 100
    assert ach.iloc[1] == pytest.approx(1.20)   # 120 ÷ 100
    assert ach.iloc[2] == pytest.approx(1.25)   # lower is better: 10 ÷ 8
    assert ach.iloc[3] == pytest.approx(0.80)   # 8 ÷ 10
    assert ach.iloc[4:].isna().all()            # missing actual, zero target, zero actual (decrease)


def test_capped_achievement():
    assert f.capped(pd.Series([0.5, 1.5, 2.4])).tolist() == [0.5, 1.5, 1.5]


def test_status_with_default_and_own_thresholds():
    ach = pd.Series([0.95, 0.9499, 0.75, 0.7499, nan, 0.85])
    assert f.status(ach).tolist() == ["on_track", "watch", "watch", "off_track", "no_data", "watch"]
    # The last indicator has its own thresholds: on track from 80 %, watch from 60 %.
    own_on = pd.Series([nan, nan, nan, nan, nan, 0.80])
    own_watch = pd.Series([nan, nan, nan, nan, nan, 0.60])
    assert f.status(ach, own_on, own_watch).iloc[-1] == "on_track"
    assert set(f.STATUS_ICONS) == set(f.STATUSES)


def _values(rows):
    return pd.DataFrame(rows, columns=["province", "unit", "indicator", "baseline", "target", "actual"])


CATALOGUE = pd.DataFrame(
    [
        ["BEN", "sum", None, None],
        ["SCORE", "mean", None, None],
        ["PAID", "sum", None, None],
        ["ELIG", "sum", None, None],
        ["COVER", "ratio", "PAID", "ELIG"],
        ["STAFF", "last", None, None],
        ["WAIT", "weighted_mean", None, None],
    ],
    columns=["indicator", "aggregation", "numerator", "denominator"],
)


def test_commune_values_roll_up_by_sum_mean_and_ratio():
    values = _values([
        ["07", "070101", "BEN", 0, 100, 80],
        ["07", "070102", "BEN", 0, 50, None],     # not reported yet
        ["07", "070101", "SCORE", None, 60, 70],
        ["07", "070102", "SCORE", None, 80, 50],
        ["07", "070101", "PAID", None, 90, 9],    # commune ratio 9 ÷ 10 = 90 %
        ["07", "070101", "ELIG", None, 100, 10],
        ["07", "070102", "PAID", None, 10, 90],   # commune ratio 90 ÷ 990 ≈ 9.1 %
        ["07", "070102", "ELIG", None, 100, 990],
    ])
    out = f.roll_up(values, CATALOGUE, by=["province"]).set_index("indicator")
    # sum: target 100 + 50 = 150; actual only what was reported: 80; 1 of 2 communes reported.
    assert out.loc["BEN", "target"] == 150 and out.loc["BEN", "actual"] == 80
    assert out.loc["BEN", "unit_count"] == 2 and out.loc["BEN", "reported_count"] == 1
    # mean: (60 + 80) ÷ 2 = 70 and (70 + 50) ÷ 2 = 60.
    assert out.loc["SCORE", "target"] == 70 and out.loc["SCORE", "actual"] == 60
    # ratio from sums: 100 × (9 + 90) ÷ (10 + 990) = 9.9 %, not the mean of 90 % and 9.1 %.
    assert out.loc["COVER", "actual"] == pytest.approx(9.9)
    mean_of_ratios = (0.9 + 90 / 990) / 2 * 100
    assert mean_of_ratios == pytest.approx(49.545, abs=0.001)  # what averaging would give
    # target ratio: 100 × (90 + 10) ÷ (100 + 100) = 50 %.
    assert out.loc["COVER", "target"] == pytest.approx(50.0)


def test_weighted_mean_and_last_roll_up():
    values = _values([
        ["07", "070101", "WAIT", None, 10, 12],
        ["07", "070102", "WAIT", None, 20, 30],
        ["07", "0701", "STAFF", None, 5, 4],
        ["07", "0702", "STAFF", None, 6, 7],
    ])
    values["weight"] = [1, 3, None, None]
    out = f.roll_up(values, CATALOGUE, by=["province"]).set_index("indicator")
    # (12·1 + 30·3) ÷ 4 = 25.5
    assert out.loc["WAIT", "actual"] == pytest.approx(25.5)
    assert out.loc["STAFF", "actual"] == 7  # the last unit in code order


def test_province_score_is_weighted_capped_and_skips_no_data():
    rows = pd.DataFrame({
        "unit": ["07", "07", "07", "17", "17", "23"],
        "achievement": [1.0, 2.0, nan, 0.5, 0.7, nan],
        "weight": [1, 3, 5, 1, 1, 2],
    })
    scores = f.province_score(rows)
    # Kampot: (1.0·1 + 1.5·3) ÷ (1 + 3) = 5.5 ÷ 4 = 1.375 (2.0 capped at 1.5; NaN ignored)
    assert scores["07"] == pytest.approx(1.375)
    # Siem Reap: (0.5 + 0.7) ÷ 2 = 0.6; Kep: no data.
    assert scores["17"] == pytest.approx(0.6)
    assert math.isnan(scores["23"])


def test_rank_ties_share_the_better_rank_and_no_score_is_unranked():
    ranks = f.rank(pd.Series({"01": 0.9, "02": 1.1, "03": 0.9, "04": nan, "05": 0.5}))
    assert ranks.to_dict() == pytest.approx({"01": 2, "02": 1, "03": 2, "04": nan, "05": 4},
                                            nan_ok=True)


def test_completeness_and_unit_cost():
    assert f.completeness(5, 6) == pytest.approx(5 / 6)
    assert f.completeness(7, 6) == 1.0
    assert math.isnan(f.completeness(1, 0))
    # 80,000 KHR × 2 payments to 1,000 beneficiaries = 160,000,000 paid → 160,000 per person.
    assert f.unit_cost(160_000_000, 1_000) == pytest.approx(160_000)
    costs = f.unit_cost(pd.Series([100.0, 50.0]), pd.Series([0, None]))
    assert costs.isna().all()


def test_quadrants():
    rate = pd.Series([0.45, 0.45, 0.20, 0.20, None])
    ach = pd.Series([1.0, 0.6, 1.0, 0.6, 0.9])
    # June: expected 0.5; spending from 0.40.
    out = f.quadrant(rate, ach, 0.5).tolist()
    assert out == ["spending_delivering", "spending_not_delivering", "not_spending_delivering",
                   "not_spending_not_delivering", "no_data"]


def test_performance_informed_flags():
    programmes = pd.DataFrame({"programme": ["P1", "P2", "P3"], "requested": [120, 90, 200],
                               "revised": [100, 100, 100],
                               "status": ["off_track", "off_track", "on_track"]})
    flagged = f.flag_asking_more_while_off_track(programmes)
    assert flagged["key"].tolist() == ["P1"] and flagged["detail"].tolist() == [20]
    targets = pd.DataFrame({"indicator": ["FP", "DIS"], "requested": [1_000_000, 1_000_000],
                            "unit_cost": [100_000, 10_000], "target": [12, 50]})
    short = f.flag_unfundable_targets(targets)
    # FP: 1,000,000 ÷ 100,000 = 10 fundable < 12 → short by 2; DIS: 100 ≥ 50.
    assert short["key"].tolist() == ["FP"] and short["detail"].tolist() == [2]
    low = f.flag_low_completeness(pd.Series({"07": 0.5, "17": 0.9}))
    assert low["key"].tolist() == ["07"]


def test_methodology_covers_every_formula_in_both_languages():
    keys = {e.key for e in ENTRIES}
    assert {"execution_rate", "commitment_rate", "expected_execution", "achievement", "status",
            "aggregation", "unit_cost", "quadrant", "score", "completeness", "flags"} <= keys
    for entry in ENTRIES:
        assert entry.title_km and entry.body_km and entry.body_en
        assert any("\u1780" <= ch <= "\u17ff" for ch in entry.body_km)  # written in Khmer script
    status = next(e for e in ENTRIES if e.key == "status")
    assert "95 %" in status.body_en and "75 %" in status.body_en
    assert np.isclose(f.DEFAULT_ON_TRACK, 0.95)
