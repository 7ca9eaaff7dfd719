"""Exports that cannot run anything, and numbers formatted for reading in both languages."""

import io

import openpyxl
import pandas as pd

from components.exports import to_csv_bytes, to_excel_bytes
from components.format import format_khr, format_khr_exact, format_percent, format_points
from components.tilemap import tile_positions
from tests.helpers.exports import csv_rows

FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_text_starting_with_equals_stays_text_in_excel():
    frame = pd.DataFrame({"name": [FORMULA, "ខេត្តកំពត", "+1 cmd"], "paid": [1_234_567, -5, 2.5]})
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame, "t", number_formats={"paid": "#,##0"})))
    sheet = book.active
    assert sheet["A2"].value == FORMULA and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "ខេត្តកំពត"
    assert sheet["B2"].value == 1_234_567 and sheet["B2"].data_type == "n" and sheet["B2"].number_format == "#,##0"
    assert sheet["B3"].value == -5  # a negative number is a number, not a formula


def test_csv_neutralises_formula_starts_and_keeps_numbers():
    frame = pd.DataFrame({"name": [FORMULA, "-2+3", "@SUM(A1)", "Kampot"], "paid": [1, -5, 3, 4]})
    text = to_csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert text[1].startswith("\"'=HYPERLINK(")
    assert text[2] == '"\'-2+3","-5"'  # a negative number stays a number: no apostrophe
    assert text[3] == '"\'@SUM(A1)","3"'
    assert text[4] == '"Kampot","4"'
    assert to_csv_bytes(frame)[:3] == b"\xef\xbb\xbf"  # BOM: Excel opens Khmer correctly


AFTER_BREAKS = ["report\r=cmd|' /C calc'!A0", "a\n+1", "b\r\n-1", "c\n@SUM(A1)", "d\r\n\tx",
                "e\r\r=1", "f\u2028=1", "paragraph one\r\n\r\nparagraph two"]




def test_csv_neutralises_every_line_of_a_text_and_quotes_every_field():
    frame = pd.DataFrame({"value": AFTER_BREAKS, "paid": range(-4, 4), "rate": [0.5, -1.25, *[None] * 6]})
    rows = csv_rows(to_csv_bytes(frame))
    assert rows[0] == ["value", "paid", "rate"]
    values = [r[0] for r in rows[1:]]
    assert values == ["report\r'=cmd|' /C calc'!A0", "a\n'+1", "b\r\n'-1", "c\n'@SUM(A1)", "d\r\n'\tx",
                      "e\r\r'=1", "f\u2028'=1", "paragraph one\r\n\r\nparagraph two"]
    assert [r[1] for r in rows[1:]] == ["-4", "-3", "-2", "-1", "0", "1", "2", "3"]  # numbers stay numbers
    assert [r[2] for r in rows[1:3]] == ["0.5", "-1.25"] and rows[3][2] == ""


def test_csv_neutralises_headers_and_text_mixed_with_numbers():
    frame = pd.DataFrame({"=HYPERLINK(1)": ["x"], "note\r@x": ["y"], "mixed": [None]})
    frame["mixed"] = pd.Series([-7], dtype=object)
    rows = csv_rows(to_csv_bytes(frame))
    assert rows == [["'=HYPERLINK(1)", "note\r'@x", "mixed"], ["x", "y", "-7"]]


def test_excel_export_survives_control_characters_that_xml_cannot_hold():
    frame = pd.DataFrame({"file\x1b": ["\x1b[31mred.xlsx", "nul\x00byte", "tab\tand\nnewline", FORMULA],
                          "rows": [1, 2, 3, 4]})
    data = to_excel_bytes(frame, "history", title="Load \x07history")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Load \ufffdhistory"
    assert sheet["A3"].value == "file\ufffd"
    assert [sheet.cell(row=r, column=1).value for r in range(4, 8)] == [
        "\ufffd[31mred.xlsx", "nul\ufffdbyte", "tab\tand\nnewline", FORMULA]
    assert sheet["A7"].data_type == "s" and sheet["B4"].value == 1


def test_riels_for_reading_in_english_and_khmer():
    assert format_khr(1_234_000_000) == "KHR 1.23 bn"
    assert format_khr(1_234_000_000, "km") == "១,២៣ ពាន់លាន"
    assert format_khr(456_700_000) == "KHR 456.7 m"
    assert format_khr(12_345) == "KHR 12,345"
    assert format_khr(1_230_000_000, usd_rate=4100) == "KHR 1.23 bn (≈ USD 300k)"
    assert format_khr_exact(1_234_567, "km") == "១.២៣៤.៥៦៧ រៀល"
    assert format_percent(0.456, "km") == "៤៦ %"
    assert format_points(-0.05) == "−5.0 pts"
    assert format_khr(None) == "–"


def test_tile_map_has_25_distinct_tiles_in_a_recognisable_shape():
    tiles = tile_positions()
    assert sorted(tiles) == [f"{n:02d}" for n in range(1, 26)]
    assert len(set(tiles.values())) == 25
    row, col = tiles["12"]  # Phnom Penh, with Kandal just south of it
    assert tiles["08"] == (row + 1, col)
    assert tiles["23"][0] == max(r for r, _ in tiles.values())  # Kep on the southern coast
    assert tiles["16"][1] == max(c for _, c in tiles.values())  # Ratanak Kiri in the east
    assert tiles["24"][1] == 0  # Pailin in the west


def test_a_configured_boundary_file_gives_a_choropleth_without_hidden_provinces(tmp_path, monkeypatch):
    import json

    from components.tilemap import province_map

    square = lambda x: {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}  # noqa: E731
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "07"}, "geometry": square(0)},
        {"type": "Feature", "properties": {"code": "17"}, "geometry": square(2)}]}
    path = tmp_path / "provinces.geojson"
    path.write_text(json.dumps(geojson))
    values = pd.Series({"07": 0.61, "17": 0.73})
    tiles = province_map(values, "en", metric_label="Execution rate", value_format=str, hidden={"17"})
    assert "hc-tilemap" in tiles.className  # no boundary file: the HTML tile map
    monkeypatch.setenv("PIB_BOUNDARY_GEOJSON", str(path))
    graph = province_map(values, "en", metric_label="Execution rate", value_format=str, hidden={"17"})
    figure = graph.figure
    assert figure.data[0].type == "choropleth"
    assert list(figure.data[0].locations) == ["07"] and "0.73" not in figure.to_json()
    # The choropleth needs plotly.js's full bundle: the pages then leave it to dcc.Graph to fetch.
    from components.charts import cartesian_plotly_will_do

    assert not cartesian_plotly_will_do()
    monkeypatch.delenv("PIB_BOUNDARY_GEOJSON")
    assert cartesian_plotly_will_do()


def test_the_cartesian_bundle_is_the_plotly_js_that_plotly_py_was_built_with():
    import re
    from pathlib import Path

    import plotly

    from components.charts import PLOTLY_CARTESIAN

    def version(path: Path) -> str:
        return re.search(r"plotly\.js[^\n]* v(\d+\.\d+\.\d+)", path.read_text(encoding="utf-8")[:300]).group(1)

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert version(PLOTLY_CARTESIAN) == version(full) and PLOTLY_CARTESIAN.name.endswith(f"-{version(full)}.min.js")


def test_stored_moments_are_read_in_cambodias_time():
    from datetime import datetime

    from components.format import format_moment

    # Stored in UTC; Phnom Penh is seven hours ahead all year (no summer time).
    assert format_moment("2026-12-05T21:57:30", "en") == "2026-12-06 04:57"
    assert format_moment(datetime(2026, 6, 30, 17, 5), "en") == "2026-07-01 00:05"
    assert format_moment("2026-12-05T21:57:30+00:00", "km") == "២០២៦-១២-០៦ ០៤:៥៧"
    assert format_moment(None, "en") == ""
