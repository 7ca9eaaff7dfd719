"""The costing formula against hand-worked numbers, the ILO's own example first."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.costing import BenefitOption, cost_rows, index_factors, with_take_up, year_totals


def _eligible(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "unit", "eligible_key", "count"])


def test_the_ilo_worked_example() -> None:
    # 60 % of 2,393,000 eligible, 4,800 a year (400 × 12), 5 % administration: 7,236,432,000.
    option = BenefitOption("CHILD", amount=400, payments_per_year=12, eligible_key="children", take_up=[0.6],
                           admin_rate=0.05)
    rows = cost_rows(_eligible((2026, "00", "children", 2_393_000)), [option], [2026], {})
    assert rows["beneficiaries"].tolist() == [1_435_800]
    assert rows["cost"].iloc[0] == pytest.approx(7_236_432_000)


def test_indexation_compounds_inflation_from_the_second_year() -> None:
    assert index_factors([2026, 2027, 2028], {2027: 0.03, 2028: 0.04}, indexed=True) == pytest.approx(
        {2026: 1.0, 2027: 1.03, 2028: 1.03 * 1.04})
    assert index_factors([2026, 2027], {}, indexed=False) == {2026: 1.0, 2027: 1.0}
    with pytest.raises(KeyError):
        index_factors([2026, 2027], {}, indexed=True)
    # 1,000 persons × 100 % × 80,000 × 14 visits: 1,120,000,000; indexed by 3 % the next year.
    option = BenefitOption("PW", 80_000, 14, "pregnant", [1.0, 1.0], indexed=True)
    rows = cost_rows(_eligible((2026, "07", "pregnant", 1_000), (2027, "07", "pregnant", 1_000)), [option],
                     [2026, 2027], {2027: 0.03})
    assert rows["cost"].tolist() == pytest.approx([1_120_000_000, 1_153_600_000])


def test_a_widened_target_group_and_totals_against_gdp() -> None:
    # The multiplier widens the group: 1.5 × (500 × 80 %) = 600 beneficiaries a year in Kampot.
    option = BenefitOption("DIS", 40_000, 12, "disability", [0.8, 0.8], multiplier=1.5)
    eligible = _eligible((2026, "07", "disability", 500), (2026, "17", "disability", 100),
                         (2027, "07", "disability", 500))
    rows = cost_rows(eligible, [option], [2026, 2027], {})
    assert rows[["year", "unit", "beneficiaries"]].values.tolist() == [[2026, "07", 600.0], [2026, "17", 120.0],
                                                                         [2027, "07", 600.0]]
    macro = pd.DataFrame({"year": [2026], "gdp": [1e12], "government_expenditure": [2e11]})
    totals = year_totals(rows, macro, [2026, 2027])
    # 720 × 480,000 = 345,600,000 in 2026; 2027 has no macro figures: no share, not a zero.
    assert totals["cost"].tolist() == [345_600_000, 288_000_000]
    assert totals["pct_gdp"].iloc[0] == pytest.approx(3.456e-4)
    assert totals["pct_expenditure"].iloc[0] == pytest.approx(1.728e-3)
    assert math.isnan(totals["pct_gdp"].iloc[1])


def test_sensitivity_band_and_a_benefit_left_out() -> None:
    option = BenefitOption("OLD", 100_000, 4, "older", [0.95])
    low, high = with_take_up([option], 0.9), with_take_up([option], 1.1)
    assert low[0].take_up == pytest.approx([0.855]) and high[0].take_up == [1.0]  # never above 100 %
    assert cost_rows(_eligible((2026, "07", "older", 10)), [], [2026], {}).empty
    with pytest.raises(ValueError, match="one take-up a year"):
        cost_rows(_eligible((2026, "07", "older", 10)), [BenefitOption("OLD", 1, 1, "older", [0.5, 0.5])],
                  [2026], {})


def test_the_methodology_says_the_ilo_example_from_the_constants() -> None:
    import inspect

    from indicators import methodology
    from indicators._text import khmer_digits

    entry = next(e for e in methodology.ENTRIES if e.key == "costing")
    assert "7,236,432,000" in entry.body_en and "1,435,800" in entry.body_en
    assert khmer_digits("7,236,432,000") in entry.body_km
    source = inspect.getsource(methodology)
    assert "7,236,432,000" not in source and "2,393,000" not in source and "2393000" not in source
