"""The marts' sums of an execution file, added up part by part on integer codes."""

import pandas as pd
import pytest

import etl.file_sums
from etl.file_sums import FileSums

CHAPTERS = {"60": None, "62": None, "6011": "60", "6061": "60", "6211": "62"}
COLUMNS = ["fiscal_year", "period", "entity_code", "programme_code", "subprogramme_code", "cluster_code",
           "item_code", "economic_code", "funding_source", "approved", "revised", "committed", "paid"]


def facts(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=COLUMNS)
    return frame.astype({c: "int64" for c in ("fiscal_year", "approved", "revised", "committed", "paid")})


def row(entity: str, item: str, account: str, source: str, *amounts: int) -> tuple:
    return (2025, "2025-06", entity, "P1", "P1.1", "P1.1.1", item, account, source, *amounts)


@pytest.fixture(params=["one integer key", "pandas combines the keys"])
def key_path(request, monkeypatch):
    if request.param == "pandas combines the keys":  # as for a part with too many distinct values
        monkeypatch.setattr(etl.file_sums, "ONE_INTEGER_KEY_LIMIT", 1.0)


def test_two_parts_add_up_to_the_files_mart_rows_items_and_scopes(key_path):
    sums = FileSums(CHAPTERS)
    sums.add(facts(row("07", "P1.1.1.1", "6011", "RGC", 10, 20, 5, 3),
                   row("07", "P1.1.1.2", "6061", "RGC", 1, 2, 1, 1),
                   row("17", "P1.1.1.1", "6211", "DP", 100, 200, 50, 30)))
    sums.add(facts(row("07", "P1.1.1.1", "6061", "RGC", 4, 8, 2, 2)))
    assert sums.rows == 4
    key = {"fiscal_year": 2025, "period": "2025-06", "programme_code": "P1", "subprogramme_code": "P1.1",
           "cluster_code": "P1.1.1"}
    # Kampot's three rows are all of chapter 60 (6011 and 6061), paid by the government: 3 + 1 + 2.
    assert sums.mart_rows() == [
        key | {"entity_code": "07", "chapter_code": "60", "funding_source": "RGC",
               "approved": 15, "revised": 30, "committed": 8, "paid": 6, "row_count": 3},
        key | {"entity_code": "17", "chapter_code": "62", "funding_source": "DP",
               "approved": 100, "revised": 200, "committed": 50, "paid": 30, "row_count": 1},
    ]
    items = sums.item_sums()
    assert items.to_dict("records") == [
        {"fiscal_year": 2025, "period": "2025-06", "item_code": "P1.1.1.1", "programme_code": "P1",
         "subprogramme_code": "P1.1", "cluster_code": "P1.1.1", "revised": 228, "paid": 35, "row_count": 3},
        {"fiscal_year": 2025, "period": "2025-06", "item_code": "P1.1.1.2", "programme_code": "P1",
         "subprogramme_code": "P1.1", "cluster_code": "P1.1.1", "revised": 2, "paid": 1, "row_count": 1},
    ]
    scopes = sums.scope_sums()
    assert scopes.to_dict("index") == {(2025, "2025-06", "07"): {"rows": 3, "revised": 30, "paid": 6},
                                       (2025, "2025-06", "17"): {"rows": 1, "revised": 200, "paid": 30}}


def test_sums_stay_exact_beyond_what_a_float_holds(key_path):
    # 2^53 + 1 riels: a float64 sum would give 2^53.
    sums = FileSums(CHAPTERS)
    sums.add(facts(row("07", "P1.1.1.1", "6011", "RGC", 0, 2**53, 0, 2**53),
                   row("07", "P1.1.1.1", "6011", "RGC", 0, 1, 0, 1)))
    assert sums.mart_rows()[0]["paid"] == 2**53 + 1
    assert sums.item_sums()["revised"].tolist() == [2**53 + 1]
    assert sums.scope_sums()["paid"].tolist() == [2**53 + 1]


def test_an_item_takes_its_first_rows_place_and_items_keep_the_order_of_their_first_rows(key_path):
    # Checked rows never place one item twice; if they did, the first row's place would count.
    moved = list(row("00", "P1.1.1.2", "6011", "RGC", 4, 4, 4, 4))
    moved[3:6] = ["P2", "P2.1", "P2.1.1"]
    sums = FileSums(CHAPTERS)
    sums.add(facts(row("00", "P1.1.1.2", "6011", "RGC", 1, 1, 1, 1), row("00", "P1.1.1.1", "6011", "RGC", 2, 2, 2, 2),
                   tuple(moved)))
    assert sums.item_sums()[["item_code", "cluster_code", "paid"]].to_dict("records") == [
        {"item_code": "P1.1.1.2", "cluster_code": "P1.1.1", "paid": 5},
        {"item_code": "P1.1.1.1", "cluster_code": "P1.1.1", "paid": 2},
    ]
