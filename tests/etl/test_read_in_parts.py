"""A long sheet read in parts (etl.stream) gives the rows of the sheet read whole, or is read whole.

The parts here are a few hundred bytes of XML, so that sheets of a few rows are cut into many of
them; in production a sheet is cut only past 16 MB of XML.
"""

import threading

import pytest

from etl.load import load_file
from etl.read import UnreadableFile, read_file
from etl.stream import StreamFallback
from tests.etl.crafted import shared_strings, sheet_xml, workbook
from tests.helpers.workbooks import exec_row, execution_xlsx, xlsx

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def in_parts(monkeypatch):
    """Every sheet read in parts of about 300 bytes of XML."""
    monkeypatch.setattr("etl.read.STREAM_MIN_BYTES", 0)
    monkeypatch.setattr("etl.stream.CHUNK_BYTES", 300)
    monkeypatch.setattr("etl.stream.BASE_SHARE", 0)


def _padded(rows: list[list]) -> list[list]:
    # calamine pads every row to the widest; a row read in parts may lack its trailing blanks.
    width = max((len(r) for r in rows), default=0)
    return [list(r) + [""] * (width - len(r)) for r in rows]


def _read_both(data: bytes) -> tuple[list[list], list[list], int]:
    """The first sheet's rows read whole, read in parts (padded), and the number of parts."""
    whole = read_file(data, "book.xlsx")[0].rows
    sheet = read_file(data, "book.xlsx", stream=True)[0]
    try:
        assert sheet.stream is not None
        streamed = sheet.rows
        return whole, _padded(streamed), sheet.stream.parts
    finally:
        sheet.close()


def test_rows_read_in_parts_are_the_rows_read_whole(in_parts):
    # Title rows, blank rows inside the data, a row that starts in column C, rows of varying
    # length, numbers, text, dates and yes/no cells, and a totals row.
    import datetime as dt

    rows = [["Budget execution, June"], [], [*["fiscal_year", "period"], "entity"],
            *[[2025, "2025-06", f"{n:02d}", 1_000.5 * n, True, dt.date(2025, 6, n)] for n in range(1, 21)],
            [], [], [None, None, "stray note in C"], *[[2025, "2025-06", "17", n] for n in range(30)],
            ["Total", None, None, 123_456]]
    whole, streamed, parts = _read_both(xlsx(rows))
    assert parts > 10
    assert streamed == whole
    assert len(whole) == len(rows)


def test_a_sheet_whose_cells_start_in_a_later_column_keeps_their_columns(in_parts):
    cells = {f"C{r}": r for r in range(1, 60)} | {f"E{r}": f"text {r}" for r in range(30, 60)}
    whole, streamed, parts = _read_both(workbook({"data": sheet_xml(cells)}))
    assert parts > 5
    assert streamed == whole
    assert whole[0][:3] == ["", "", 1]


def test_a_sheet_with_a_namespace_prefix_and_shared_strings_is_read_alike(in_parts):
    rows = "".join(f'<x:row r="{r}"><x:c r="A{r}" t="s"><x:v>{r % 2}</x:v></x:c><x:c r="B{r}"><x:v>{r}</x:v>'
                   f"</x:c></x:row>" for r in range(1, 80))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{_MAIN}"><x:sheetData>{rows}'
           "</x:sheetData></x:worksheet>")
    strings = shared_strings(["even", "odd"])
    whole, streamed, parts = _read_both(workbook({"data": xml}, shared_strings=strings))
    assert parts > 5
    assert streamed == whole
    assert whole[0] == ["odd", 1]


def test_rows_without_their_number_are_never_cut_apart(in_parts):
    # A row without r= takes its number from the row before it: such a row cannot start a part.
    rows = "".join(f'<row><c t="inlineStr"><is><t>row {r}</t></is></c><c><v>{r}</v></c></row>' for r in range(1, 60))
    xml = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    whole, streamed, parts = _read_both(workbook({"data": xml}))
    assert parts == 1
    assert streamed == whole
    assert whole[58] == ["row 59", 59]


def test_rows_written_out_of_order_make_the_sheet_be_read_whole(in_parts):
    order = [*range(1, 40), 5_000, *range(40, 80)]
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in reversed(order))
    xml = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    data = workbook({"data": xml})
    sheet = read_file(data, "book.xlsx", stream=True)[0]
    try:
        with pytest.raises(StreamFallback):
            sheet.rows  # noqa: B018 - the property waits for the read, which fails
    finally:
        sheet.close()
    assert read_file(data, "book.xlsx")[0].rows[4_999] == [5_000]


@pytest.mark.parametrize("tail", [
    '<mergeCells count="1"><mergeCell ref="nonsense"/></mergeCells>',  # calamine refuses the reference
    '<mergeCells count="1"><mergeCell ref="A1:B2"/>',  # the XML ends inside an element
])
def test_a_sheet_broken_after_its_rows_fails_in_parts_as_it_fails_whole(in_parts, tail):
    cells = {f"A{r}": r for r in range(1, 60)}
    data = workbook({"data": sheet_xml(cells).replace("</sheetData>", "</sheetData>" + tail)})
    with pytest.raises(UnreadableFile):
        read_file(data, "book.xlsx")
    sheet = read_file(data, "book.xlsx", stream=True)[0]
    try:
        with pytest.raises(StreamFallback):
            sheet.rows  # noqa: B018
    finally:
        sheet.close()


def test_a_comment_that_looks_like_rows_is_read_as_a_comment_or_read_whole(in_parts):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 30))
    rows += '<!-- </row><row r="900"><c r="A900"><v>900</v></c></row> -->'
    rows += "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(30, 60))
    xml = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    data = workbook({"data": xml})
    whole = read_file(data, "book.xlsx")[0].rows
    sheet = read_file(data, "book.xlsx", stream=True)[0]
    try:
        streamed = _padded(sheet.rows)
    except StreamFallback:
        streamed = whole  # a part cut inside the comment is refused by calamine: read whole
    finally:
        sheet.close()
    assert streamed == whole
    assert len(whole) == 59


# --- whole loads ---------------------------------------------------------------------------------------


def _rendered(report) -> list[str]:
    return [p.render() for p in report.problems]


def test_a_file_with_problems_in_many_parts_gets_the_report_it_gets_read_whole(ref_db, monkeypatch):
    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", 3)
    rows = [exec_row(account="6211"), exec_row(account="6061", paid=-5), exec_row(activity="P1.1.1.2"),
            exec_row(entity="17"), exec_row(entity="Atlantis"), exec_row(account="6211", paid=7),
            *[exec_row(entity=f"{n:02d}") for n in range(1, 20)],
            ["Total", None, None, None, None, None, None, None, None, 1, 1, 1, 1]]
    data = execution_xlsx(rows, before=[["Kampot, June"], []])
    whole = load_file(data, name="many.xlsx", url=ref_db, dry_run=True)
    monkeypatch.setattr("etl.read.STREAM_MIN_BYTES", 0)
    monkeypatch.setattr("etl.stream.CHUNK_BYTES", 300)
    monkeypatch.setattr("etl.stream.BASE_SHARE", 0)
    for dry_run in (True, False):
        streamed = load_file(data, name="many.xlsx", url=ref_db, dry_run=dry_run)
        assert streamed.status == whole.status == "rejected"
        assert _rendered(streamed) == _rendered(whole)
        assert len(streamed.errors) >= 5


def test_a_file_read_in_parts_loads_as_read_whole_and_leaves_no_reader(ref_db, in_parts, monkeypatch, caplog):
    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", 4)
    rows = [exec_row(entity=f"{n:02d}", paid=n) for n in range(1, 26)]
    report = load_file(execution_xlsx(rows), name="june.xlsx", url=ref_db)
    assert report.status == "loaded", _rendered(report)
    assert report.rows == 25
    assert "whole" not in caplog.text  # read in parts, not again whole
    assert not [t for t in threading.enumerate() if t.name == "pib-load-reader"]


def test_a_file_that_cannot_be_read_in_parts_is_loaded_read_whole(ref_db, in_parts, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="etl.load")
    header = ["fiscal_year", "period", "entity", "programme", "subprogramme", "activity_cluster", "activity",
              "economic_code", "funding_source", "approved", "revised", "committed", "paid"]

    def row(number: int, values: list) -> str:
        cells = "".join(f'<c r="{chr(65 + i)}{number}"><v>{v}</v></c>' if isinstance(v, int) else
                        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                        for i, v in enumerate(values))
        return f'<row r="{number}">{cells}</row>'

    data_rows = [row(n + 2, exec_row(entity=f"{n:02d}", paid=n)) for n in range(1, 26)]
    # The last data row is written first: a part's rows then lie above the rows of the part before.
    body = row(1, header) + data_rows[-1] + "".join(data_rows[:-1])
    xml = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'
    report = load_file(workbook({"data": xml}), name="shuffled.xlsx", url=ref_db)
    assert report.status == "loaded", _rendered(report)
    assert report.rows == 25
    assert "reading shuffled.xlsx whole" in caplog.text
    assert not [t for t in threading.enumerate() if t.name == "pib-load-reader"]


def test_a_file_rejected_on_its_first_rows_stops_its_reader(ref_db, in_parts):
    rows = [["no header here", n] for n in range(200)]
    report = load_file(xlsx(rows), name="unknown.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [p.type for p in report.errors] == ["unknown-kind"]
    assert not [t for t in threading.enumerate() if t.name == "pib-load-reader"]


def test_the_last_parts_of_a_sheet_still_being_read_get_smaller():
    # 500,000 data rows below a header in row 2, read in parts and not read to the end yet:
    # parts of 50,000 until 100,000 rows are left, then half of what is left, down to 5,000.
    from types import SimpleNamespace

    from etl.validate import _part_size

    sheet = SimpleNamespace(stream=SimpleNamespace(done=False, expected_rows=lambda: 500_002))
    header = SimpleNamespace(header_row=2)
    sizes, start = [], 0
    while start < 500_000:
        sizes.append(_part_size(sheet, header, start, 50_000))
        start += sizes[-1]
    assert sizes == [50_000] * 9 + [25_000, 12_500, 6_250, 5_000, 5_000]
    # Read to its end, or read whole: the rest in parts of the full size.
    sheet.stream.done = True
    assert _part_size(sheet, header, 480_000, 50_000) == 50_000
    assert _part_size(SimpleNamespace(stream=None), header, 480_000, 50_000) == 50_000


def test_a_file_whose_last_parts_get_smaller_loads_and_reports_as_read_whole(ref_db, monkeypatch):
    import time

    from sqlalchemy import create_engine, text

    import etl.stream
    import etl.validate

    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", 16)
    monkeypatch.setattr("etl.validate.TAIL_PART_ROWS", 1)
    # 100 rows: more than the header search reads before the data is checked.
    rows = [exec_row(entity=f"{n:02d}", account=account, source=source, paid=n)
            for n in range(1, 26) for account in ("6211", "6061") for source in ("RGC", "DP")]
    # Problems in the last rows, and a key repeated from the first part.
    bad = [*rows[:-3], exec_row(entity="Atlantis"), exec_row(entity="05", paid=-1), rows[-1], rows[4]]
    whole_bad = load_file(execution_xlsx(bad), name="bad.xlsx", url=ref_db, dry_run=True)
    monkeypatch.setattr("etl.read.STREAM_MIN_BYTES", 0)
    monkeypatch.setattr("etl.stream.CHUNK_BYTES", 300)
    monkeypatch.setattr("etl.stream.BASE_SHARE", 0)
    sizes: list[int] = []
    part_size = etl.validate._part_size

    def recorded(*args):
        sizes.append(part_size(*args))
        return sizes[-1]

    monkeypatch.setattr("etl.validate._part_size", recorded)
    # A reader slower than the checks, as calamine is on a long sheet: the tail is still being read.
    parse = etl.stream.RowStream._parse

    def slow_parse(self, *args):
        time.sleep(0.01)
        return parse(self, *args)

    monkeypatch.setattr("etl.stream.RowStream._parse", slow_parse)
    streamed_bad = load_file(execution_xlsx(bad), name="bad.xlsx", url=ref_db)
    assert streamed_bad.status == whole_bad.status == "rejected"
    assert _rendered(streamed_bad) == _rendered(whole_bad)
    assert {p.type for p in streamed_bad.errors} >= {"unknown-entity", "duplicate-row"}
    assert min(sizes) < 16  # the tail was checked in smaller parts
    report = load_file(execution_xlsx(rows), name="june.xlsx", url=ref_db)
    assert report.status == "loaded", _rendered(report)
    assert report.rows == 100
    engine = create_engine(ref_db)
    with engine.connect() as conn:
        paid = conn.execute(text("SELECT SUM(paid), COUNT(*) FROM budget_fact WHERE batch_id = :b"),
                            {"b": report.batch_id}).one()
    engine.dispose()
    assert tuple(paid) == (4 * sum(range(1, 26)), 100)  # 4 × (1 + 2 + … + 25) riels
