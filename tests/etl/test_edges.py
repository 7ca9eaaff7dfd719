"""Edge cases of reading, cleaning and loading, with hand-worked numbers.

The malformed files here extend the corpus of ``test_malformed_corpus.py``: each is rejected with
the sheet, row and column in the message, and leaves every fact, mart and reference table as it
was. The rejected attempt itself is recorded in ``load_batch`` and ``audit_log`` (the history),
which are therefore left out of the comparison.
"""

import pytest
from sqlalchemy import select, text

from db.engine import get_engine, session_scope
from db.models import AuditLog, IndicatorMart, LoadBatch
from etl import clean
from etl.load import load_file
from tests.helpers.database import table_counts
from tests.helpers.workbooks import EXEC_HEADER, IND_HEADER, exec_row, execution_xlsx, indicators_xlsx, xlsx

HISTORY_TABLES = {"load_batch", "audit_log"}


def _with(row, **changes):
    index = {name: i for i, name in enumerate(EXEC_HEADER)}
    row = list(row)
    for name, value in changes.items():
        row[index[name]] = value
    return row


def _csv(rows: list[list]) -> bytes:
    return "\n".join(",".join("" if v is None else str(v) for v in r) for r in rows).encode()


GOOD = exec_row()

# --- cleaning, one cell at a time -------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "number"), [
    ("១,២០០.៥", 1200.5),          # Khmer digits with a thousands separator
    ("1,234,567", 1_234_567.0),
    ("1 234 567", 1_234_567.0),   # spaces as thousands separators
    ("(1,000)", -1000.0),         # accounting negative
    (" 42 ", 42.0),
    (7, 7.0),
])
def test_numbers_written_as_text_are_read(cell, number):
    assert clean.number(cell) == number


@pytest.mark.parametrize("cell", ["1,23,4", "12abc", "", True, float("inf"), "1.2.3"])
def test_what_is_not_a_number_is_refused(cell):
    with pytest.raises(clean.CellError):
        clean.number(cell)


@pytest.mark.parametrize(("cell", "month"), [
    ("2025-06", "2025-06"), ("2025-6", "2025-06"), ("2025-Q2", "2025-06"), ("2025 q4", "2025-12"),
    ("2025", "2025-12"), (2025, "2025-12"), ("២០២៥-០៣", "2025-03"),
])
def test_the_three_forms_of_a_period_are_one_month(cell, month):
    assert clean.period(cell) == month


@pytest.mark.parametrize("cell", ["2025-13", "2025-Q5", "2014-06", "2036", "June 2025", "2025-00"])
def test_impossible_periods_are_refused(cell):
    with pytest.raises(clean.CellError):
        clean.period(cell)


def test_codes_lose_no_leading_zero_and_funding_sources_are_named_either_way():
    assert clean.admin_code(7) == "07" and clean.admin_code(701) == "0701" and clean.admin_code(70101) == "070101"
    assert clean.funding_source(" rgc ") == "RGC" and clean.funding_source("Development partner") == "DP"


# --- more malformed files ------------------------------------------------------------------------

# (case id, file name, bytes, sheet, row, column, a fragment of the message)
CASES = [
    ("infinity-as-text", "inf.xlsx", execution_xlsx([_with(GOOD, paid="inf")]), "data", 2, "paid",
     "'inf' is not a finite number"),
    ("amount-beyond-any-budget", "huge.xlsx", execution_xlsx([_with(GOOD, approved="9" * 30)]), "data", 2,
     "approved", "beyond any plausible amount"),
    ("amount-beyond-after-scaling", "huge-mn.xlsx",
     execution_xlsx([_with(GOOD, committed=5_000_000_000)],
                    header=EXEC_HEADER[:11] + ["committed (million KHR)", "paid"]),
     "data", 2, "committed", "beyond any plausible amount"),
    ("column-named-twice", "twice.xlsx", xlsx([EXEC_HEADER + ["Paid"], GOOD + [1]]), "data", 1, "paid",
     "appears more than once (columns M and N)"),
    ("every-period-wrong", "periods.xlsx", execution_xlsx([_with(GOOD, period="June")]), "data", 2, "period",
     "'June' is not a period"),
    ("indicator-actual-infinite", "indinf.xlsx",
     indicators_xlsx([[2025, "2025-06", "07", "FP_OLD", None, 10, "Infinity"]]), "data", 2, "actual",
     "not a finite number"),
    ("na-error-in-entity", "na.xlsx", execution_xlsx([GOOD], errors={"C2": "#N/A"}), "data", 2, "entity",
     "the error #N/A"),
    ("value-error-in-totals-row", "tot.xlsx",
     execution_xlsx([GOOD, ["Total", *[None] * 8, 1_000_000, 1_000_000, 600_000, 500_000]],
                    errors={"L3": "#VALUE!"}), "data", 3, "committed", "#VALUE!"),
    ("csv-unknown-province", "kampot.csv", _csv([EXEC_HEADER, _with(GOOD, entity="Kampott Province")]),
     "kampot", 2, "entity", "not a known province name"),
    ("csv-ragged-row-missing-amounts", "ragged.csv", _csv([EXEC_HEADER, GOOD[:10]]), "ragged", 2, "committed",
     "committed is empty"),
    ("indicator-period-outside-year", "indyear.xlsx",
     indicators_xlsx([[2025, "2024-Q4", "07", "FP_OLD", None, 10, 9]]), "data", 2, "period",
     "outside fiscal year 2025"),
    ("indicator-missing-unit-column", "nounit.xlsx",
     xlsx([[c for c in IND_HEADER if c != "unit"], [2025, "2025-06", "FP_OLD", None, 10, 9]]), "data", 1,
     "unit", "required column unit is missing"),
]


@pytest.mark.parametrize(("case", "name", "data", "sheet", "row", "column", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_more_malformed_files_are_rejected_precisely_and_change_nothing(ref_db, case, name, data, sheet, row,
                                                                        column, fragment):
    before = table_counts(ref_db)
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "rejected", case
    matching = [p for p in report.errors
                if p.sheet == sheet and p.row == row and p.column == column and fragment in p.message]
    assert matching, [p.render() for p in report.problems]
    assert matching[0].render().startswith(f"{name}:{sheet}:{row}:{column}: ")
    # No second, vaguer line: a failure inside the validator would add "could not be read".
    assert not [p for p in report.problems if p.type == "unreadable-file"]
    after = table_counts(ref_db)
    assert {t: n for t, n in after.items() if t not in HISTORY_TABLES} == \
           {t: n for t, n in before.items() if t not in HISTORY_TABLES}


def test_an_error_cell_is_reported_once_not_also_as_empty(ref_db):
    report = load_file(execution_xlsx([GOOD], errors={"C2": "#N/A"}), name="na.xlsx", url=ref_db)
    assert [(p.row, p.column, p.type) for p in report.errors] == [(2, "entity", "error-cell")]


# --- valid files, hand-worked -------------------------------------------------------------------


def _fact_amounts(url):
    with get_engine(url).connect() as conn:
        return conn.execute(text("SELECT approved, revised, committed, paid FROM budget_fact")).one()


def test_amounts_are_scaled_then_rounded_half_to_even_to_whole_riels(ref_db):
    header = EXEC_HEADER[:9] + ["approved (million KHR)", "revised (thousand KHR)", "committed", "paid"]
    # 1.0000025 million = 1,000,002.5 riels → 1,000,002 (2 is even);
    # 1,000.0035 thousand = 1,000,003.5 riels → 1,000,004; 2.5 → 2; 3.5 → 4.
    row = _with(GOOD, approved="1.0000025", revised=1000.0035, committed=2.5, paid=3.5)
    report = load_file(execution_xlsx([row], header=header), name="halves.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert tuple(_fact_amounts(ref_db)) == (1_000_002, 1_000_004, 2, 4)


def test_a_workbook_saved_with_a_csv_name_is_still_read_as_a_workbook(ref_db):
    report = load_file(execution_xlsx([GOOD]), name="really-a-workbook.csv", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]


def test_a_semicolon_csv_with_khmer_digits_and_headers_loads(ref_db):
    header = ["ឆ្នាំសារពើពន្ធ", "រយៈពេល", "អង្គភាព", "កម្មវិធី", "អនុកម្មវិធី", "ចង្កោមសកម្មភាព", "សកម្មភាព",
              "កូដសេដ្ឋកិច្ច", "ប្រភពថវិកា", "ឥណទានអនុម័ត", "ឥណទានកែសម្រួល", "ការសន្យាចំណាយ", "ការទូទាត់"]
    body = ["២០២៥", "២០២៥-Q1", "ខេត្តកំពត", "P1", "P1.1", "P1.1.1", "P1.1.1.1", "6211", "RGC",
            "១២៣៤៥៦៧", "១២៣៤៥៦៧", "៧០០០០០", "៦៥០០០០"]
    data = ("\ufeff" + ";".join(header) + "\n" + ";".join(body) + "\n").encode()
    report = load_file(data, name="kampot-q1.csv", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with get_engine(ref_db).connect() as conn:
        row = conn.execute(text("SELECT entity_code, period, approved, paid FROM budget_fact")).one()
    assert tuple(row) == ("07", "2025-03", 1_234_567, 650_000)


def test_an_indicator_file_for_a_quarter_replaces_the_same_month(ref_db):
    first = load_file(indicators_xlsx([[2025, "2025-06", "07", "FP_OLD", None, 10, 4]]), name="june.xlsx",
                      url=ref_db)
    second = load_file(indicators_xlsx([[2025, "2025-Q2", "07", "FP_OLD", None, 10, 9]]), name="q2.xlsx",
                       url=ref_db)
    assert second.status == "loaded" and second.superseded == [first.batch_id]
    with session_scope(ref_db) as session:
        mart = session.scalars(select(IndicatorMart).where(IndicatorMart.entity_code == "07")).one()
        assert (mart.period, mart.target, mart.actual) == ("2025-06", 10, 9)
        assert session.get(LoadBatch, first.batch_id).status == "superseded"


def test_the_nation_is_a_ratio_of_sums_over_provinces_not_a_mean_of_their_ratios(ref_db):
    rows = [
        [2025, "2025-06", "070101", "FP_PW", None, 10, 10],     # Kampot: 10 of 10 covered
        [2025, "2025-06", "070101", "FP_PW_ELIG", None, 10, 10],
        [2025, "2025-06", "12", "FP_PW", None, 100, 10],        # Phnom Penh: 10 of 990 covered
        [2025, "2025-06", "12", "FP_PW_ELIG", None, 990, 990],
    ]
    report = load_file(indicators_xlsx(rows), name="two.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with session_scope(ref_db) as session:
        cov = {m.entity_code: m.actual for m in session.scalars(
            select(IndicatorMart).where(IndicatorMart.indicator_code == "FP_PW_COV"))}
    # Provinces 100 % and about 1 %; the nation 100 × 20 ÷ 1,000 = 2 %, not (100 + 1.01) ÷ 2.
    assert cov["07"] == pytest.approx(100.0)
    assert cov["12"] == pytest.approx(100 * 10 / 990)
    assert cov["00"] == pytest.approx(2.0)


def test_a_load_from_the_loader_is_in_the_audit_log_as_the_system_user(ref_db):
    report = load_file(execution_xlsx([GOOD]), name="audited.xlsx", url=ref_db)
    with session_scope(ref_db) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "load")
                                .order_by(AuditLog.id.desc())).first()
        batch = session.get(LoadBatch, report.batch_id)
        assert entry.username == "system" and "audited.xlsx" in entry.detail
        assert (batch.loaded_by, batch.kind, batch.row_count, batch.status) == ("system", "execution", 1, "loaded")
        assert len(batch.checksum) == 64


def test_a_rejected_attempt_is_in_the_history_with_its_problems(ref_db):
    import json

    report = load_file(execution_xlsx([_with(GOOD, paid=-1)]), name="neg.xlsx", url=ref_db)
    with session_scope(ref_db) as session:
        batch = session.get(LoadBatch, report.batch_id)
        problems = json.loads(batch.problems)
    assert batch.status == "rejected" and batch.row_count == 0
    assert [(p["row"], p["column"], p["type"]) for p in problems] == [(2, "paid", "negative-amount")]


def test_a_missing_file_is_a_problem_not_an_exception(ref_db, tmp_path):
    report = load_file(tmp_path / "nowhere.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert report.problems[0].render().startswith("nowhere.xlsx::::")


def test_going_back_to_a_superseded_file_loads_it_again(ref_db):
    june_v1 = execution_xlsx([exec_row(paid=500_000)])
    first = load_file(june_v1, name="june-v1.xlsx", url=ref_db)
    second = load_file(execution_xlsx([exec_row(paid=550_000)]), name="june-v2.xlsx", url=ref_db)
    back = load_file(june_v1, name="june-v1.xlsx", url=ref_db)
    # v1's rows were no longer current: loading it again is not a duplicate, it replaces v2.
    assert back.status == "loaded" and back.superseded == [second.batch_id]
    assert _fact_amounts(ref_db)[3] == 500_000
    again = load_file(june_v1, name="june-v1.xlsx", url=ref_db)
    assert again.status == "duplicate" and again.batch_id == back.batch_id
    with session_scope(ref_db) as session:
        assert session.get(LoadBatch, first.batch_id).status == "superseded"


def test_the_mart_summed_in_memory_is_the_mart_summed_in_sql(ref_db):
    from db.marts import refresh_budget_mart

    rows = [exec_row(), exec_row(account="6061", paid=7), exec_row(activity="P1.1.1.2", committed=3),
            exec_row(entity="17", source="DP"), exec_row(activity="P3.1.1.2", account="6411")]
    header_row = _with(exec_row(account="62"), activity=None)  # a chapter at cluster level
    report = load_file(execution_xlsx([*rows, header_row]), name="mart.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    query = text("SELECT * FROM budget_mart ORDER BY entity_code, programme_code, subprogramme_code, "
                 "cluster_code, chapter_code, funding_source")
    with get_engine(ref_db).connect() as conn:
        from_memory = [dict(r) for r in conn.execute(query).mappings()]
    with get_engine(ref_db).begin() as conn:
        refresh_budget_mart(conn, [(2025, "2025-06", "07"), (2025, "2025-06", "17")])
        from_sql = [dict(r) for r in conn.execute(query).mappings()]
    assert from_memory == from_sql
    # Hand-worked: Kampot's social transfers chapter 62 of cluster P1.1.1 = 6211 (two activities)
    # + 62 itself.
    chapter_62 = [r for r in from_memory if r["entity_code"] == "07" and r["cluster_code"] == "P1.1.1"
                  and r["chapter_code"] == "62"]
    assert [(r["paid"], r["row_count"]) for r in chapter_62] == [(500_000 * 3, 3)]


def test_spaces_only_cells_are_empty_cells(ref_db):
    report = load_file(execution_xlsx([_with(GOOD, approved="   ", activity="  ")]), name="spaces.xlsx",
                       url=ref_db)
    assert [(p.row, p.column, p.type) for p in report.errors] == [(2, "approved", "missing-cell")]


def test_spaces_only_cells_are_empty_in_columns_of_few_or_many_values(ref_db):
    # fiscal_year repeats (decided per distinct value); paid differs on every row (cell by cell).
    rows = [_with(GOOD, paid=1), _with(GOOD, economic_code="6061", paid=2), _with(GOOD, funding_source="DP", paid=3),
            _with(GOOD, economic_code="6011", paid="  ", fiscal_year=" ")]
    report = load_file(execution_xlsx(rows), name="spaces2.xlsx", url=ref_db)
    assert sorted((p.row, p.column, p.type) for p in report.errors) == [
        (5, "fiscal_year", "missing-cell"), (5, "paid", "missing-cell")]


def test_calamine_reads_an_error_cell_as_an_empty_string():
    # The reader scans a sheet's XML for error cells only when a data column has empty cells;
    # that is sound only as long as calamine turns an error cell into "" (docs/architecture.md).
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(execution_xlsx([GOOD], errors={"M2": "#REF!"})))
    assert book.get_sheet_by_name("data").to_python(skip_empty_area=False)[1][12] == ""


def test_the_item_mart_kept_by_difference_is_the_item_mart_summed_again(ref_db):
    from db.marts import refresh_budget_item_mart

    loads = [
        [exec_row(paid=100), exec_row(account="6061", paid=7), exec_row(entity="17", paid=30),
         exec_row(activity="P2.1.1.1", entity="17", paid=5)],
        # Kampot's June again: P1.1.1.1 on 6061 is gone, P3.1.1.2 is new.
        [exec_row(paid=200), exec_row(activity="P3.1.1.2", paid=11)],
        # Siem Reap's June again without P2.1.1.1, which leaves the national mart; and May.
        [exec_row(entity="17", paid=40), exec_row(entity="17", period="2025-05", paid=1)],
    ]
    for number, rows in enumerate(loads):
        report = load_file(execution_xlsx(rows), name=f"load-{number}.xlsx", url=ref_db)
        assert report.status == "loaded", [p.render() for p in report.problems]
    query = text("SELECT * FROM budget_item_mart ORDER BY fiscal_year, period, item_code")
    with get_engine(ref_db).connect() as conn:
        by_difference = [tuple(r) for r in conn.execute(query)]
    with get_engine(ref_db).begin() as conn:
        refresh_budget_item_mart(conn, [(2025, "2025-05"), (2025, "2025-06")])
        summed_again = [tuple(r) for r in conn.execute(query)]
    assert by_difference == summed_again
    # Hand-worked, June: P1.1.1.1 = Kampot 200 + Siem Reap 40; P3.1.1.2 = 11; P2.1.1.1 gone.
    june = {r[2]: (r[7], r[8]) for r in by_difference if r[1] == "2025-06"}
    assert june == {"P1.1.1.1": (240, 2), "P3.1.1.2": (11, 1)}
