"""What the validator hands the loader: a typed result per kind, its values already read.

The loader writes these values as they are; nothing is parsed or cleaned a second time, so what
the validator checked is what is stored.
"""

from io import BytesIO

import pandas as pd
from openpyxl import Workbook

from domain.vocabulary import PROGRAMME_LEVELS
from etl import validate
from etl.problems import Collector
from etl.read import read_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, xlsx

INDICATOR_COLUMNS = ["code", "name_en", "name_km", "unit", "programme", "level", "direction", "aggregation",
                     "numerator", "denominator", "weight", "on_track", "watch", "activities"]
REFERENCE = validate.Reference(
    units={"00": "national", "07": "province", "0701": "district"},
    unit_province={"00": "00", "07": "07", "0701": "07"},
    names={"00": ("MoSVY", "ក្រសួង"), "07": ("Kampot", "កំពត")},
    programmes={"P1": (None, "programme"), "P1.1": ("P1", "subprogramme"), "P1.1.1": ("P1.1", "activity_cluster"),
                "P1.1.1.1": ("P1.1.1", "activity"), "P1.1.1.2": ("P1.1.1", "activity")},
    economic={"62": None, "6211": "62"},
    indicators={"FP_PW"},
)


def _validated(data: bytes, name: str) -> tuple[validate.Parsed | None, Collector]:
    collector = Collector(name)
    sheets = read_file(data, name)
    kind, found = validate.detect_kind(sheets)
    if kind == "execution":
        return validate.validate_execution(*found[0], REFERENCE, collector), collector
    if kind == "indicators":
        return validate.validate_indicators(*found[0], REFERENCE, collector), collector
    return validate.validate_reference([s for s, _ in found], REFERENCE, collector), collector


def _reference_workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_reference_workbook_comes_back_as_named_frames_with_its_values_read():
    data = _reference_workbook({
        "programmes": [["code", "parent", "level", "name_en", "name_km"],
                       ["P2.1.1", "P2.1", "activity_cluster", "c", "ក"],
                       ["P2", "", "programme", "p", "ក"],
                       ["P2.1", "P2", "subprogramme", "s", "ក"]],
        "indicators": [INDICATOR_COLUMNS,
                       ["NEW", "New", "ថ្មី", "%", "P1", "Output", "INCREASE", "Sum", "", "", "", "85", "",
                        "P1.1.1.2, P1.1.1.1,P1.1.1.2 ,"],
                       ["RATE", "Rate", "អត្រា", "%", "P1", "outcome", "decrease", "RATIO", "NEW", "FP_PW",
                        "2.5", "", "60", ""]],
    })
    parsed, collector = _validated(data, "reference.xlsx")
    assert not collector.items, [p.render() for p in collector.items]
    assert isinstance(parsed, validate.ReferenceParsed)
    assert parsed.economic_codes is None  # a sheet the workbook lacks
    assert parsed.sheet == "programmes,indicators"
    assert parsed.rows == 5
    programmes = parsed.programmes.set_index("code")
    assert programmes["depth"].to_dict() == {code: PROGRAMME_LEVELS.index(level)
                                             for code, level in programmes["level"].items()}
    indicators = parsed.indicators.set_index("code")
    assert indicators.loc["NEW", ["level", "direction", "aggregation"]].tolist() == ["output", "increase", "sum"]
    assert indicators.loc["RATE", "aggregation"] == "ratio"
    assert indicators["weight"].tolist() == [1.0, 2.5]  # blank is 1.0
    assert indicators.loc["NEW", "on_track"] == 85.0
    assert pd.isna(indicators.loc["RATE", "on_track"])
    assert indicators.loc["RATE", "watch"] == 60.0
    assert indicators["activities"].tolist() == [("P1.1.1.1", "P1.1.1.2"), ()]


def test_execution_and_indicator_sheets_come_back_as_their_own_kind():
    execution, collector = _validated(execution_xlsx([exec_row(entity="07"), exec_row(entity="07", account="6211",
                                                                                      source="DP")]), "e.xlsx")
    assert not collector.errors, [p.render() for p in collector.errors]
    assert isinstance(execution, validate.ExecutionParsed)
    assert (execution.kind, execution.rows, execution.unit_column) == ("execution", 2, "entity_code")
    assert execution.frame["fiscal_year"].tolist() == [2025, 2025]

    indicators, collector = _validated(indicators_xlsx([[2025, "2025-Q2", "0701", "FP_PW", 1, 10, 5]]), "i.xlsx")
    assert not collector.errors, [p.render() for p in collector.errors]
    assert isinstance(indicators, validate.IndicatorsParsed)
    assert (indicators.kind, indicators.rows, indicators.unit_column) == ("indicators", 1, "unit_code")
    row = indicators.frame.iloc[0]
    assert (row["period"], row["unit_level"], row["province_code"]) == ("2025-06", "district", "07")


def test_a_reference_sheet_without_rows_is_present_and_empty():
    parsed, collector = _validated(xlsx([["code", "parent", "name_en", "name_km"]], sheet="economic_codes"),
                                   "economic.xlsx")
    assert isinstance(parsed, validate.ReferenceParsed)
    assert parsed.economic_codes is not None and parsed.economic_codes.empty
    assert (parsed.sheet, parsed.rows) == ("economic_codes", 0)
    assert not collector.errors
