"""The costing page's pure pieces: the editor's rows and the scenario body they make, both ways."""

from __future__ import annotations

import pandas as pd
import pytest

from components.costing import RowProblem, body_from_rows, compare_table, cost_figure, grid_columns, grid_rows

CATALOGUE = [
    {"code": "A", "name_en": "Allowance", "name_km": "ប្រាក់ឧបត្ថម្ភ", "amount": 40_000},
    {"code": "B", "name_en": "Birth", "name_km": "ការសម្រាល", "amount": 400_000},
]


def test_a_new_scenario_includes_every_benefit_at_its_catalogue_amount():
    rows = grid_rows(CATALOGUE, "km")
    assert [r["name"] for r in rows] == ["ប្រាក់ឧបត្ថម្ភ", "ការសម្រាល"]
    assert all(r["include"] for r in rows) and rows[1]["amount"] == 400_000
    body = body_from_rows(rows, 2)
    assert body[0] == {"code": "A", "amount": 40_000, "indexed": False, "take_up": [0.6, 0.6], "admin_rate": 0.0,
                       "multiplier": 1.0}


def test_a_saved_scenario_comes_back_as_it_was_saved():
    saved = {"benefits": [{"code": "B", "amount": None, "indexed": True, "take_up": [0.5, 0.65, 0.7],
                           "admin_rate": 0.05, "multiplier": 1.2}]}
    rows = grid_rows(CATALOGUE, "en", saved)
    assert [r["include"] for r in rows] == [False, True]  # a benefit left out is shown, not included
    body = body_from_rows(rows, 3)
    assert body == [{"code": "B", "amount": 400_000, "indexed": True, "take_up": [0.5, 0.65, 0.7],
                     "admin_rate": pytest.approx(0.05), "multiplier": 1.2}]


def test_typed_cells_are_read_and_a_word_is_refused():
    row = {**grid_rows(CATALOGUE, "en")[0], "take_up_0": "55 %", "take_up_1": "", "amount": "45,000"}
    body = body_from_rows([row], 3)[0]
    assert body["take_up"] == [0.55, 0.55, 0.6] and body["amount"] == 45_000  # a blank year repeats the one before
    with pytest.raises(RowProblem) as refused:
        body_from_rows([{**row, "multiplier": "twice"}], 3)
    assert refused.value.benefit == "Allowance"  # as the grid shows it, not its code "A"
    assert body_from_rows([{**row, "include": False}], 3) == []
    assert body_from_rows("not rows", 3) == []


def test_the_columns_follow_the_years_and_the_charts_carry_the_band():
    columns = grid_columns(2027, 2, "en", editable=False)
    assert [c["headerName"] for c in columns if c["field"].startswith("take_up_")] == \
        ["Take-up 2027 (%)", "Take-up 2028 (%)"]
    assert not any(c.get("editable") for c in columns)
    amount = next(c for c in columns if c["field"] == "amount")
    assert amount["valueFormatter"]["function"] == "shortRiels(params.value, 'en')"  # "KHR 80,000", not 80000
    rows = pd.DataFrame({"year": [2027, 2027, 2028], "unit": ["07", "07", "07"], "benefit": ["A", "B", "A"],
                         "beneficiaries": [10, 5, 11], "cost": [100.0, 50.0, 120.0]})
    years = pd.DataFrame({"year": [2027, 2028], "cost": [150.0, 120.0]})
    low, high = years.assign(cost=[135.0, 108.0]), years.assign(cost=[165.0, 132.0])
    figure = cost_figure(rows, years, low, high, {"A": "Allowance"}, "en")
    assert [trace["name"] for trace in figure["data"]] == ["Allowance", "B", "Total, ±10 % take-up"]
    assert figure["data"][0]["y"] == [100.0, 120.0]
    assert figure["data"][-1]["error_y"]["array"] == [15.0, 12.0]
    assert figure["data"][-1]["error_y"]["arrayminus"] == [15.0, 12.0]
    table = str(compare_table([("One", years, low, high)], "en"))
    assert "KHR 270" in table  # all years
