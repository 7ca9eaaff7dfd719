"""Every formula in indicators/methodology.py against hand-worked numbers."""

import importlib
import math

import numpy as np
import pandas as pd
import pytest

import indicators as f
from indicators._text import khmer_digits, percent
from indicators.methodology import ENTRIES
from indicators.submission import THRESHOLDS

nan = float("nan")


# --- budget -------------------------------------------------------------------------------


def test_execution_and_commitment_rates_on_series_and_numbers():
    paid = pd.Series([450.0, 120.0, 5.0, 0.0])
    revised = pd.Series([1000.0, 0.0, None, 200.0])
    rates = f.execution_rate(paid, revised)
    # 450 ÷ 1,000 = 0.45; revised 0 and blank give no rate (NaN, not inf); 0 ÷ 200 = 0.
    assert rates.iloc[0] == pytest.approx(0.45)
    assert rates.iloc[1:3].isna().all()
    assert rates.iloc[3] == 0
    assert not np.isinf(rates).any()
    # 800 ÷ 1,000 = 0.8
    assert f.commitment_rate(800, 1000) == pytest.approx(0.8)
    assert math.isnan(f.execution_rate(10, 0))
    assert math.isnan(f.commitment_rate(10, None))


def test_rates_read_database_types():
    from decimal import Decimal

    # Numeric columns come back as Decimal or nullable Float64; 3 ÷ 4 = 0.75.
    paid = pd.Series([Decimal("3"), None], dtype="object")
    revised = pd.Series([4, pd.NA], dtype="Float64")
    assert f.execution_rate(paid, revised).tolist()[0] == pytest.approx(0.75)
    assert math.isnan(f.execution_rate(paid, revised).tolist()[1])


def test_pro_rata_benchmark_and_gap():
    # End of June: 6 ÷ 12 = 0.5; paid 45 % of revised → gap 0.45 − 0.5 = −0.05 (behind).
    assert f.expected_execution(6) == pytest.approx(0.5)
    assert f.execution_gap(0.45, f.expected_execution(6)) == pytest.approx(-0.05)
    # End of March: 3 ÷ 12 = 0.25; a Series of months, a missing month gives NaN.
    months = f.expected_execution(pd.Series([3, None, 12]))
    assert months.iloc[0] == pytest.approx(0.25) and math.isnan(months.iloc[1]) and months.iloc[2] == 1.0
    gaps = f.execution_gap(pd.Series([0.30, 0.10]), pd.Series([0.25, 0.25]))
    assert gaps.tolist() == pytest.approx([0.05, -0.15])
    for bad in (0, 13, 6.5):
        with pytest.raises(ValueError):
            f.expected_execution(bad)


def test_phasing_profile_is_normalised_and_cumulated():
    # Eleven months of weight 1, December 2 (a year-end bonus), total 13.
    # End of June: (1 × 6) ÷ 13 = 0.461538…; end of November 11 ÷ 13; December: all of it.
    phasing = [1] * 11 + [2]
    assert f.expected_execution(6, phasing) == pytest.approx(6 / 13)
    assert f.expected_execution(11, phasing) == pytest.approx(11 / 13)
    assert f.expected_execution(12, phasing) == pytest.approx(1.0)
    # Quarterly instalments in per cent (10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0), sum 100:
    # end of May → (10 + 20) ÷ 100 = 0.30, whatever the scale of the weights.
    quarterly = [10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0]
    assert f.expected_execution(5, quarterly) == pytest.approx(0.30)
    assert f.expected_execution(5, [w / 100 for w in quarterly]) == pytest.approx(0.30)
    with pytest.raises(ValueError):
        f.expected_execution(6, [1] * 11)  # eleven months
    with pytest.raises(ValueError):
        f.expected_execution(6, [0] * 12)  # nothing to share
    with pytest.raises(ValueError):
        f.expected_execution(6, [-1] + [1] * 11)


def test_period_month_reads_every_period_form():
    assert [f.period_month(p) for p in ("2025-06", "2025-Q2", "2025-Q4", "2025")] == [6, 6, 12, 12]
    for bad in ("2025-13", "2025-Q5", "June"):
        with pytest.raises(ValueError):
            f.period_month(bad)


# --- achievement and status ----------------------------------------------------------------


def test_achievement_by_direction_with_guards():
    actual = pd.Series([90, 120, 8, 10, None, 5, 0, 3])
    target = pd.Series([100, 100, 10, 8, 50, 0, 4, None])
    direction = pd.Series(["increase", "increase", "decrease", "decrease", "increase", "increase",
                           "decrease", "decrease"])
    ach = f.achievement(actual, target, direction)
    assert ach.iloc[0] == pytest.approx(0.90)  # 90 ÷ 100
    assert ach.iloc[1] == pytest.approx(1.20)  # 120 ÷ 100
    assert ach.iloc[2] == pytest.approx(1.25)  # lower is better: target 10 ÷ actual 8
    assert ach.iloc[3] == pytest.approx(0.80)  # 8 ÷ 10: worse than the target
    # Missing actual; zero target; zero actual on a decrease indicator; missing target: no data.
    assert ach.iloc[4:].isna().all()
    assert not np.isinf(ach).any()


def test_achievement_on_numbers_and_one_direction_for_all():
    assert f.achievement(45, 50) == pytest.approx(0.9)  # 45 ÷ 50
    assert f.achievement(12, 9, "decrease") == pytest.approx(0.75)  # 9 ÷ 12
    assert math.isnan(f.achievement(None, 50))
    assert math.isnan(f.achievement(5, 0))
    assert math.isnan(f.achievement(5, 5, None))  # unknown direction: no data, not a guess
    # A scalar direction applies to every row: 20 ÷ 10 = 2.0 and 20 ÷ 40 = 0.5.
    assert f.achievement(pd.Series([10, 40]), 20, "decrease").tolist() == [2.0, 0.5]
    with pytest.raises(ValueError):
        f.achievement(1, 1, "up")


def test_capped_achievement():
    assert f.capped(pd.Series([0.5, 1.5, 2.4, nan])).tolist()[:3] == [0.5, 1.5, 1.5]
    assert math.isnan(f.capped(pd.Series([nan])).iloc[0])
    assert f.capped(3.0) == f.ACHIEVEMENT_CAP == 1.5
    assert f.capped(1.2, cap=1.0) == 1.0


def test_status_with_default_thresholds():
    ach = pd.Series([1.30, 0.95, 0.9499, 0.75, 0.7499, 0.0, nan])
    assert f.status(ach).tolist() == ["on_track", "on_track", "watch", "watch", "off_track", "off_track",
                                      "no_data"]
    # 2.09 ÷ 2.2 is 95 % on paper, a hair below it in floating point: still on track.
    assert 2.09 / 2.2 < 0.95
    assert f.status(f.achievement(2.09, 2.2)) == "on_track"
    assert f.status(nan) == "no_data"


def test_status_with_per_indicator_thresholds():
    ach = pd.Series([0.85, 0.85, 0.70, 0.97])
    # Row 0: own thresholds 80 % / 60 % → on track; row 1: none (NaN) → defaults 95 / 75 → watch;
    # row 2: own watch 60 % only, on-track default 95 % → 0.70 is watch; row 3: own on-track
    # 98 % → 0.97 falls to watch.
    on = pd.Series([0.80, nan, nan, 0.98])
    watch = pd.Series([0.60, nan, 0.60, nan])
    assert f.status(ach, on, watch).tolist() == ["on_track", "watch", "watch", "watch"]
    # Thresholds may be plain numbers too.
    assert f.status(pd.Series([0.85]), 0.80, 0.60).tolist() == ["on_track"]
    assert f.status(0.5, None, None) == "off_track"


def test_every_status_has_an_icon_and_a_word():
    assert set(f.STATUS_ICONS) == set(f.STATUSES)
    assert len(set(f.STATUS_ICONS.values())) == len(f.STATUSES)
    assert f.DEFAULT_ON_TRACK == 0.95 and f.DEFAULT_WATCH == 0.75


# --- aggregation -----------------------------------------------------------------------------

RULES = {"BEN": "sum", "SAT": "mean", "PAID": "sum", "ELIG": "sum", "COVER": "ratio", "STAFF": "last",
         "WAIT": "weighted_mean"}
PARTS = {"COVER": ("PAID", "ELIG")}


def _values(rows):
    return pd.DataFrame(rows, columns=["province", "unit", "indicator", "baseline", "target", "actual"])


def test_sum_and_mean_roll_up_with_counts():
    values = _values([
        ["07", "070101", "BEN", 0, 100, 80],
        ["07", "070102", "BEN", 0, 50, None],  # not reported yet
        ["07", "070101", "SAT", None, 60, 70],
        ["07", "070102", "SAT", None, 80, 50],
        ["17", "170101", "BEN", 5, 40, 45],
    ])
    out = f.aggregate_values(values, RULES, ["province"], PARTS).set_index(["province", "indicator"])
    # sum: target 100 + 50 = 150; actual only what was reported: 80; 1 of 2 communes reported.
    assert out.loc[("07", "BEN"), "target"] == 150 and out.loc[("07", "BEN"), "actual"] == 80
    assert out.loc[("07", "BEN"), "unit_count"] == 2 and out.loc[("07", "BEN"), "reported_count"] == 1
    # mean: (60 + 80) ÷ 2 = 70 and (70 + 50) ÷ 2 = 60; baseline never reported stays NaN.
    assert out.loc[("07", "SAT"), "target"] == 70 and out.loc[("07", "SAT"), "actual"] == 60
    assert math.isnan(out.loc[("07", "SAT"), "baseline"])
    assert out.loc[("17", "BEN"), ["baseline", "target", "actual"]].tolist() == [5, 40, 45]


def test_ratio_is_computed_from_summed_parts_not_averaged():
    values = _values([
        ["07", "070101", "PAID", None, 90, 9],   # this commune's own ratio: 9 ÷ 10 = 90 %
        ["07", "070101", "ELIG", None, 100, 10],
        ["07", "070102", "PAID", None, 10, 90],  # this one's: 90 ÷ 990 ≈ 9.09 %
        ["07", "070102", "ELIG", None, 100, 990],
    ])
    out = f.aggregate_values(values, RULES, ["province"], PARTS).set_index("indicator")
    # 100 × (9 + 90) ÷ (10 + 990) = 100 × 99 ÷ 1,000 = 9.9 %.
    assert out.loc["COVER", "actual"] == pytest.approx(9.9)
    # Averaging the communes' ratios would give (90 + 9.09) ÷ 2 ≈ 49.5 %: five times too high.
    mean_of_ratios = (100 * 9 / 10 + 100 * 90 / 990) / 2
    assert mean_of_ratios == pytest.approx(49.545, abs=0.001)
    assert out.loc["COVER", "actual"] != pytest.approx(mean_of_ratios)
    # target: 100 × (90 + 10) ÷ (100 + 100) = 50 %; the parts themselves are summed as usual.
    assert out.loc["COVER", "target"] == pytest.approx(50.0)
    assert out.loc["PAID", "actual"] == 99 and out.loc["ELIG", "actual"] == 1000
    assert out.loc["COVER", "unit_count"] == 2 and out.loc["COVER", "reported_count"] == 2
    # Without the per-cent scale the ratio is a plain fraction: 99 ÷ 1,000.
    plain = f.aggregate_values(values, RULES, ["province"], PARTS, ratio_scale=1).set_index("indicator")
    assert plain.loc["COVER", "actual"] == pytest.approx(0.099)


def test_ratio_with_a_zero_or_missing_denominator_has_no_value():
    values = _values([
        ["07", "070101", "PAID", None, 5, 3],
        ["07", "070101", "ELIG", None, 0, None],
        ["17", "170101", "PAID", None, 5, 3],  # no denominator rows at all
    ])
    out = f.aggregate_values(values, RULES, ["province"], PARTS)
    cover = out[out["indicator"] == "COVER"].set_index("province")
    assert cover[["target", "actual"]].isna().all().all()
    assert not np.isinf(out[["baseline", "target", "actual"]]).any().any()


def test_weighted_mean_and_last_roll_up():
    values = _values([
        ["07", "070101", "WAIT", None, 10, 12],
        ["07", "070102", "WAIT", None, 20, 30],
        ["07", "070103", "WAIT", None, 99, 99],  # weight 0: left out
        ["07", "0702", "STAFF", None, 6, 7],
        ["07", "0701", "STAFF", None, 5, None],
    ])
    values["weight"] = [1, 3, 0, None, None]
    out = f.aggregate_values(values, RULES, ["province"], PARTS).set_index("indicator")
    # actual (12·1 + 30·3) ÷ (1 + 3) = 102 ÷ 4 = 25.5; target (10·1 + 20·3) ÷ 4 = 17.5.
    assert out.loc["WAIT", "actual"] == pytest.approx(25.5)
    assert out.loc["WAIT", "target"] == pytest.approx(17.5)
    # last in unit-code order: 0702 comes after 0701, whatever order the rows came in.
    assert out.loc["STAFF", "target"] == 6 and out.loc["STAFF", "actual"] == 7
    # With no weight column the weighted mean falls back to equal weights: (12 + 30 + 99) ÷ 3 = 47.
    equal = f.aggregate_values(values.drop(columns="weight"), RULES, ["province"], PARTS).set_index("indicator")
    assert equal.loc["WAIT", "actual"] == pytest.approx(47.0)


def test_last_follows_the_period_before_the_unit():
    values = _values([["07", "0702", "STAFF", None, 6, 1], ["07", "0701", "STAFF", None, 6, 2]])
    values["period"] = ["2025-05", "2025-06"]
    out = f.aggregate_values(values, RULES, ["province"], PARTS)
    assert out["actual"].tolist() == [2]  # 2025-06 is the later period


def test_roll_up_with_no_grouping_key_and_from_a_catalogue():
    values = _values([
        ["07", "070101", "BEN", None, 100, 80],
        ["17", "170101", "BEN", None, 50, 40],
        ["07", "070101", "PAID", None, 1, 30],
        ["17", "170101", "PAID", None, 1, 10],
        ["07", "070101", "ELIG", None, 2, 60],
        ["17", "170101", "ELIG", None, 2, 140],
    ])
    catalogue = pd.DataFrame(
        [[code, rule, *PARTS.get(code, (None, None))] for code, rule in RULES.items()],
        columns=["indicator", "aggregation", "numerator", "denominator"],
    )
    nation = f.roll_up(values, catalogue, by=[]).set_index("indicator")
    # The nation: BEN 80 + 40 = 120; COVER 100 × (30 + 10) ÷ (60 + 140) = 20 %.
    assert nation.loc["BEN", "actual"] == 120
    assert nation.loc["COVER", "actual"] == pytest.approx(20.0)
    assert list(nation.reset_index().columns) == ["indicator", "baseline", "target", "actual", "unit_count",
                                                  "reported_count"]


def test_aggregation_refuses_what_it_cannot_know():
    values = _values([["07", "070101", "NEW", None, 1, 1]])
    with pytest.raises(ValueError, match="NEW"):
        f.aggregate_values(values, RULES, ["province"], PARTS)
    with pytest.raises(ValueError, match="median"):
        f.aggregate_values(values, {"NEW": "median"}, ["province"])
    with pytest.raises(ValueError, match="COVER"):
        f.aggregate_values(values, {"NEW": "sum", "COVER": "ratio"}, ["province"])
    assert f.aggregate_values(values.iloc[:0], RULES, ["province"], PARTS).empty


# --- unit cost, completeness, quadrant --------------------------------------------------------


def test_unit_cost():
    # 80,000 KHR × 2 payments to 1,000 beneficiaries = 160,000,000 paid → 160,000 riels each.
    assert f.unit_cost(160_000_000, 1_000) == pytest.approx(160_000)
    costs = f.unit_cost(pd.Series([100.0, 50.0, 50.0, 90.0]), pd.Series([0, None, -5, 30]))
    assert costs.iloc[:3].isna().all() and costs.iloc[3] == pytest.approx(3.0)  # 90 ÷ 30


def test_completeness():
    # 5 of 6 expected reports: 0.8333…; 7 of 6 (a duplicate): capped at 1; none expected: NaN.
    assert f.completeness(5, 6) == pytest.approx(5 / 6)
    assert f.completeness(7, 6) == 1.0
    assert math.isnan(f.completeness(1, 0))
    shares = f.completeness(pd.Series({"07": 3, "17": 9, "23": 0}), pd.Series({"07": 6, "17": 6, "23": 0}))
    assert shares["07"] == 0.5 and shares["17"] == 1.0 and math.isnan(shares["23"])


def test_quadrants_against_the_pro_rata_benchmark():
    rate = pd.Series([0.45, 0.45, 0.40, 0.20, None, 0.5])
    ach = pd.Series([1.00, 0.60, 0.95, 0.60, 0.90, None])
    # End of June: expected 0.5, spending from 0.9 × 0.5 = 0.45; delivering from 0.95.
    out = f.quadrant(rate, ach, f.expected_execution(6)).tolist()
    assert out == ["spending_delivering", "spending_not_delivering", "not_spending_delivering",
                   "not_spending_not_delivering", "no_data", "no_data"]
    # The same 0.45 in December (expected 1.0, spending from 0.90) is under-spending.
    assert f.quadrant(0.45, 1.0, 1.0) == "not_spending_delivering"
    assert set(out) <= set(f.QUADRANTS)


# --- scorecard ---------------------------------------------------------------------------------


def test_province_score_is_weighted_capped_and_skips_no_data():
    rows = pd.DataFrame({
        "unit": ["07", "07", "07", "17", "17", "23", "24", "24"],
        "achievement": [1.0, 2.0, nan, 0.5, 0.7, nan, 0.9, 0.3],
        "weight": [1, 3, 5, 1, 1, 2, 2, 0],
    })
    scores = f.province_score(rows)
    # Kampot: (1.0·1 + 1.5·3) ÷ (1 + 3) = 5.5 ÷ 4 = 1.375 (2.0 capped at 1.5; the NaN of weight 5
    # is in neither sum; counting it as 0 would give 5.5 ÷ 9 = 0.61).
    assert scores["07"] == pytest.approx(1.375)
    # Siem Reap: (0.5 + 0.7) ÷ 2 = 0.6. Kep: no data, no score. Pailin: weight 0 ignored → 0.9.
    assert scores["17"] == pytest.approx(0.6)
    assert math.isnan(scores["23"])
    assert scores["24"] == pytest.approx(0.9)
    with pytest.raises(ValueError):
        f.province_score(rows.assign(weight=-1))
    assert f.province_score(rows.iloc[:0]).empty


def test_rank_ties_share_the_minimum_rank_and_no_score_is_unranked():
    ranks = f.rank(pd.Series({"01": 0.9, "02": 1.1, "03": 0.9, "04": nan, "05": 0.5}))
    # 1.1 first; the two 0.9 share rank 2; 0.5 is fourth (rank 3 is skipped); no score → NaN.
    assert ranks[["01", "02", "03", "05"]].tolist() == [2, 1, 2, 4]
    assert math.isnan(ranks["04"])


# --- methodology -----------------------------------------------------------------------------


def test_methodology_covers_every_formula_in_both_languages():
    keys = [e.key for e in ENTRIES]
    assert len(keys) == len(set(keys))
    assert {"execution_rate", "commitment_rate", "expected_execution", "achievement", "status", "aggregation",
            "unit_cost", "quadrant", "score", "completeness", "flags", "national_for_directors"} <= set(keys)
    for entry in ENTRIES:
        assert entry.title_en and entry.body_en and entry.formula
        for text in (entry.title_km, entry.body_km):
            assert any("\u1780" <= ch <= "\u17ff" for ch in text)  # written in Khmer script
        assert entry.title("km") == entry.title_km and entry.body("en") == entry.body_en
    by_key = {e.key: e for e in ENTRIES}
    assert by_key["execution_rate"].title_km == "អត្រាអនុវត្តថវិកា"
    assert "សមិទ្ធផល" in by_key["achievement"].title_km and "ពិន្ទុ" in by_key["score"].title_km


def test_methodology_thresholds_come_from_the_constants():
    by_key = {e.key: e for e in ENTRIES}
    status = by_key["status"]
    for value in (f.DEFAULT_ON_TRACK, f.DEFAULT_WATCH):
        assert percent(value) in status.body_en and percent(value) in status.formula
        assert khmer_digits(percent(value)) in status.body_km
    assert "95 %" in status.body_en and "៩៥ %" in status.body_km
    assert percent(f.ACHIEVEMENT_CAP) == "150 %" and "150 %" in by_key["achievement"].body_en
    assert percent(f.LOW_COMPLETENESS) in by_key["completeness"].body_en
    flags = by_key["flags"]
    for value in (THRESHOLDS["underspending_share"], THRESHOLDS["unit_cost_gap"]):
        assert percent(value) in flags.body_en and khmer_digits(percent(value)) in flags.body_km
    assert f"at least {THRESHOLDS['justification_min_chars']:g} characters" in flags.body_en
    assert percent(f.SPENDING_PACE) in by_key["quadrant"].body_en
    assert all(icon in status.body_en and icon in status.body_km for icon in f.STATUS_ICONS.values())
    # The thresholds are never typed into the text: the source holds none of their figures.
    import inspect

    source = inspect.getsource(importlib.import_module("indicators.methodology"))
    for figure in ("95", "75", "150", "1.5", "80", "90", "៩៥", "៧៥", "៨០"):
        assert figure not in source, figure
