"""What a load may take: the used area of a sheet, the size of its parts, its memory, its turn.

Every crafted file here is a few kilobytes and would make an unguarded reader ask for gigabytes;
none is ever read unguarded. Loads under a memory cap run in a subprocess, whose cap is a few
tens of megabytes.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from contextlib import ExitStack
from pathlib import Path

import pytest

import etl.read
from etl import limits
from etl.load import load_file
from etl.read import UnreadableFile, read_file
from tests.etl.crafted import one_sheet, shared_strings
from tests.helpers.database import table_counts
from tests.helpers.workbooks import EXEC_HEADER, exec_row

ROOT = Path(__file__).resolve().parents[2]
HISTORY_TABLES = {"load_batch", "audit_log"}


def _refusal(data: bytes, name: str = "crafted.xlsx") -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_file(data, name)
    return str(refused.value)


def _unchanged_but_history(before: dict, after: dict) -> bool:
    return ({t: n for t, n in after.items() if t not in HISTORY_TABLES}
            == {t: n for t, n in before.items() if t not in HISTORY_TABLES})


# --- the used area of a sheet ---------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    '<c s="1" r="XFD8000"><v>1</v></c>',  # r not first
    "<c r='XFD8000'><v>1</v></c>",  # single quotes
    '<c r = "XFD8000" t="n"><v>1</v></c>',  # spaces around =
    '<c\nr="XFD8000"><v>1</v></c>',  # a newline before r
    '<x:c r="XFD8000"><x:v>1</x:v></x:c>',  # a namespace prefix
    '<c r="xfd8000"><v>1</v></c>',  # lower case, which calamine reads too
])
def test_a_far_cell_is_found_however_it_is_written(cell):
    data = one_sheet({"A1": "fiscal_year"}, "A1", extra_cells=cell)
    assert _refusal(data) == "sheet 'data' spans A1:XFD8000; at most 100 columns are read"


def test_the_refused_sheet_is_named_on_the_exception():
    with pytest.raises(UnreadableFile) as refused:
        read_file(one_sheet({"A1": 1, "XFD8000": 1}), "wide.xlsx")
    assert refused.value.sheet == "data"


def test_formatted_blank_cells_far_away_do_not_count():
    # calamine skips a cell without a value, so such a cell costs nothing to read.
    data = one_sheet({"A1": "fiscal_year", "B1": "period"}, "A1:XFD8000", extra_cells='<c r="XFD8000" s="3"/>')
    sheets = read_file(data, "styled.xlsx")
    assert sheets[0].rows == [["fiscal_year", "period"]]


def test_a_small_sheet_is_judged_by_its_cells_not_by_a_dimension_that_overstates():
    sheets = read_file(one_sheet({"A1": 1, "M3": 2}, "A1:XFD8000"), "overstated.xlsx")
    assert len(sheets[0].rows) == 3 and len(sheets[0].rows[0]) == 13


def test_a_large_sheet_is_judged_by_its_dimension(monkeypatch):
    monkeypatch.setattr(etl.read, "EXTENT_SCAN_BYTES", 0)  # as if the sheet's XML were larger
    assert _refusal(one_sheet({"A1": 1}, "A1:XFD8000")) == \
        "sheet 'data' spans A1:XFD8000; at most 100 columns are read"
    assert _refusal(one_sheet({"A1": 1}, "$B$2:$CW$10")) == \
        "sheet 'data' spans A1:CW10; at most 100 columns are read"
    assert read_file(one_sheet({"A1": 1, "M3": 2}, "A1:M3"), "fine.xlsx")[0].rows[2][12] == 2


def test_the_limits_themselves_are_accepted():
    # The widest and longest sheet allowed (the corner cells only: the read is the cheap part).
    for corner in ("CV2", "A1048576", "Y1000000"):
        data = one_sheet({"A1": 1, corner: 1})
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            etl.read.check_extent(archive, "xl/worksheets/sheet1.xml", "data")


def test_a_sheet_the_workbook_does_not_list_is_checked_too():
    # calamine finds the workbook through _rels/.rels: a decoy xl/workbook.xml must hide nothing.
    hidden = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="XFD8000"><v>1</v></c></row></sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(one_sheet({"A1": 1}))) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr("hidden/sheet9.xml", hidden)
    assert _refusal(buffer.getvalue()) == "sheet 'hidden/sheet9.xml' spans A1:XFD8000; at most 100 columns are read"


# --- the parts of a workbook ------------------------------------------------------------------

def test_a_shared_strings_part_over_its_cap_is_refused_before_it_is_read(ref_db, monkeypatch):
    # The cap is 256 MB; a 1 MB cap lets a 2 MB part stand for the 935 MB one of the report.
    monkeypatch.setattr(etl.read, "MAX_SHARED_STRINGS_BYTES", 2**20)
    strings = shared_strings([f"s{i}" for i in range(100_000)])
    data = one_sheet({"A1": 1}, shared_strings=strings)
    assert len(data) < 400_000 and len(strings) > 2**21
    before = table_counts(ref_db)
    report = load_file(data, name="strings.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [p.render() for p in report.errors] == [
        "strings.xlsx:::: the shared strings part xl/sharedStrings.xml unpacks to 2 MB; at most 1 MB is accepted"]
    assert _unchanged_but_history(before, table_counts(ref_db))


def test_a_real_shared_strings_count_is_accepted():
    data = one_sheet({"A1": 1}, shared_strings=shared_strings(["fiscal_year", "period"]))
    assert read_file(data, "fine.xlsx")[0].rows == [[1.0]]


# --- CSV files ---------------------------------------------------------------------------------

def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_file_is_held_to_the_same_rows_and_cells(monkeypatch):
    header = ",".join(EXEC_HEADER)
    row = ",".join(map(str, exec_row()))
    monkeypatch.setattr(etl.read, "MAX_ROWS", 3)
    assert _refusal(_csv([header, row, row, row]), "long.csv") == \
        "the file has more than 3 rows; at most 3 rows are read"
    monkeypatch.setattr(etl.read, "MAX_ROWS", 1_048_576)
    monkeypatch.setattr(etl.read, "MAX_CELLS", 30)
    assert _refusal(_csv([header, row, row]), "many.csv") == \
        "the file has more than 30 cells; at most 30 cells are read"
    assert len(read_file(_csv([header, row]), "fine.csv")[0].rows) == 2


# --- the memory of a load ----------------------------------------------------------------------

def _run(args: list[str], url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PIB_DATABASE_URL": url, "PIB_INSTANCE_DIR": str(tmp_path / "instance"), **env}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environment, cwd=ROOT,
                          timeout=600)


def test_a_load_past_the_memory_cap_is_a_clear_rejection_not_a_crash(ref_db, tmp_path):
    # 4 MB of CSV take some 60 MB to read: under a 32 MB cap the command line refuses the file.
    row = ",".join(map(str, exec_row()))
    path = tmp_path / "big.csv"
    path.write_text(",".join(EXEC_HEADER) + "\n" + (row + "\n") * (4 * 2**20 // len(row)))
    before = table_counts(ref_db)
    result = _run(["-m", "etl", "load", str(path)], ref_db, tmp_path, PIB_LOAD_MEMORY_MB="32")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr == "big.csv:::: the file needs more memory than a load may use (32 MB); nothing was loaded\n"
    assert result.stdout == "big.csv: rejected with 1 problem(s); nothing loaded\n"
    after = table_counts(ref_db)
    assert _unchanged_but_history(before, after)
    assert after["load_batch"] == before["load_batch"] + 1  # the attempt is in the history


def test_a_memory_error_outside_the_reader_is_a_rejection_too(ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr("settings.INSTANCE_DIR", tmp_path)

    def out_of_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr("etl.load.load_file", out_of_memory)
    monkeypatch.setattr(limits, "_applied_mb", 512)
    report = limits.load_within_limits(b"anything", name="big.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [p.type for p in report.errors] == ["out-of-memory"]
    assert [p.render() for p in report.errors] == [
        "big.xlsx:::: the workbook needs more memory than a load may use (512 MB); nothing was loaded"]


CAP_PROBE = """
import json, resource, sys
from etl import limits
granted = limits.cap_memory()
soft, _ = resource.getrlimit(resource.RLIMIT_AS)
try:
    block = bytearray(200 * 2**20)
    outcome = "allocated"
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"granted": granted, "capped": soft != resource.RLIM_INFINITY, "outcome": outcome}))
"""


@pytest.mark.parametrize(("setting", "expected"), [
    ("64", {"granted": 64, "capped": True, "outcome": "MemoryError"}),
    ("0", {"granted": None, "capped": False, "outcome": "allocated"}),
])
def test_the_cap_is_what_pib_load_memory_mb_says(tmp_path, setting, expected):
    result = _run(["-c", CAP_PROBE], "sqlite://", tmp_path, PIB_LOAD_MEMORY_MB=setting)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == expected


# --- loads at once -------------------------------------------------------------------------------

def test_the_number_of_loads_at_once_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PIB_MAX_CONCURRENT_LOADS", "3")
    assert limits.max_concurrent_loads() == 3
    monkeypatch.setenv("PIB_MAX_CONCURRENT_LOADS", "0")
    assert limits.max_concurrent_loads() == 1
    monkeypatch.delenv("PIB_MAX_CONCURRENT_LOADS")
    assert limits.max_concurrent_loads() == 2


def test_a_load_over_the_limit_waits_for_a_slot(tmp_path):
    with ExitStack() as first, ExitStack() as second:
        held = {first.enter_context(limits.load_slot(limit=2, directory=tmp_path)),
                second.enter_context(limits.load_slot(limit=2, directory=tmp_path))}
        assert held == {0, 1}
        with pytest.raises(limits.LoadsBusy), limits.load_slot(limit=2, directory=tmp_path, timeout=0):
            pass
        told = []

        def waiting():
            told.append("waiting")
            first.close()  # the first load ends while the third waits

        with limits.load_slot(waiting, limit=2, directory=tmp_path, timeout=60) as slot:
            assert slot == 0
        assert told == ["waiting"]


HOLDER = """
import sys
from pathlib import Path
from etl.limits import load_slot
with load_slot(limit=2, directory=Path(sys.argv[1])), load_slot(limit=2, directory=Path(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_slots_are_shared_by_processes_and_freed_when_one_ends(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(limits.LoadsBusy), limits.load_slot(limit=2, directory=tmp_path, timeout=0):
            pass
        with limits.load_slot(holder.stdin.close, limit=2, directory=tmp_path, timeout=60) as slot:
            assert slot in (0, 1)
    finally:
        holder.kill()
        holder.wait()


def test_a_load_waits_its_turn_then_loads(ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr("settings.INSTANCE_DIR", tmp_path)
    monkeypatch.setenv("PIB_MAX_CONCURRENT_LOADS", "1")
    from tests.helpers.workbooks import execution_xlsx

    with ExitStack() as other_load:
        other_load.enter_context(limits.load_slot())
        report = limits.load_within_limits(execution_xlsx([exec_row()]), name="june.xlsx", url=ref_db,
                                           waiting=other_load.close)
    assert report.status == "loaded", [p.render() for p in report.problems]
