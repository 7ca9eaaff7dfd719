"""The code columns of an execution file, numbered once by the checks and read by their numbers
after: the repeated-key check of a file in parts, the CSV for PostgreSQL's COPY and the
structure check must say what they said of plain values."""

import numpy as np
import pandas as pd
import pytest

import etl.validate
from etl.problems import Collector
from etl.validate import Problems, RepeatedKeys, check_duplicates
from etl.writer import csv_text
from tests.helpers.workbooks import exec_row, execution_xlsx

KEYS = ["year", "entity", "item", "source"]


def _problems(check) -> list[tuple[int, str]]:
    collector = Collector("f.xlsx")
    problems = Problems(collector, "data")
    check(problems)
    return [(p.row, p.render()) for p in collector.items]


def _frame(seed: int, rows: int) -> pd.DataFrame:
    """Rows whose keys repeat now and then, some with a missing key value; later rows bring values
    not seen before (so the numbers of a column need more bits as the parts go by)."""
    rng = np.random.default_rng(seed)
    growing = rng.integers(0, np.arange(rows) // 3 + 2)  # up to rows/3 distinct items, more towards the end
    frame = pd.DataFrame({
        "year": rng.choice([2024, 2025], rows),
        "entity": rng.choice(["00", "07", "17"], rows).astype(object),
        "item": np.array([f"P1.{n}" for n in growing], dtype=object),
        "source": rng.choice(["RGC", "DP"], rows).astype(object),
        "source_row": np.arange(rows) + 3,
    })
    frame.loc[rng.random(rows) < 0.05, "entity"] = None
    return frame


def _in_parts(frame: pd.DataFrame, size: int, coded: bool) -> list[pd.DataFrame]:
    parts = [frame.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(frame), size)]
    if coded:  # as the checks hand them on: the text columns as categoricals of their own values
        parts = [p.assign(**{c: p[c].astype("category") for c in ("entity", "item", "source")}) for p in parts]
    return parts


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("coded", [False, True])
def test_repeated_keys_found_part_by_part_are_the_repeats_the_whole_file_has(seed, coded):
    frame = _frame(seed, 400)
    whole = _problems(lambda p: check_duplicates(frame, KEYS, p, "the key"))
    assert len(whole) > 5  # the file does repeat keys, within parts and across them

    def in_parts(problems):
        repeats = RepeatedKeys(KEYS)
        for part in _in_parts(frame, 37, coded):
            repeats.add(part)
        repeats.report(problems, "the key")

    assert _problems(in_parts) == whole


def test_keys_too_wide_to_pack_in_one_integer_are_compared_as_they_are(monkeypatch):
    # Past the packed width (here 10 bits, not 63) the check goes on key by key and still finds a
    # repeat of a row seen while the keys were packed: the first part's numbers need 2 + 6 bits
    # (3 entities, 50 items), the sixth part's 2 + 9 (300 items).
    monkeypatch.setattr(etl.validate, "PACKED_KEY_BITS", 10)
    frame = pd.DataFrame({"year": 2025, "entity": [["00", "07", "17"][i % 3] for i in range(300)],
                          "item": [f"P{i}" for i in range(300)], "source": "RGC", "source_row": range(3, 303)})
    frame.loc[299, ["entity", "item"]] = ["07", "P4"]  # row 302 repeats row 7
    repeats = RepeatedKeys(KEYS)
    parts = _in_parts(frame, 50, coded=True)
    repeats.add(parts[0])
    assert repeats._first is None  # packed
    for part in parts[1:]:
        repeats.add(part)
    assert repeats._first is not None
    collector = Collector("f.xlsx")
    repeats.report(Problems(collector, "data"), "key")
    assert [(p.row, p.message) for p in collector.items] == [(302, "the same key as row 7 (duplicate natural key)")]


def test_a_row_repeating_the_first_parts_key_is_reported_with_that_row():
    first = pd.DataFrame({"year": [2025, 2025], "entity": ["07", "07"], "item": ["P1", "P2"],
                          "source": ["RGC", "RGC"], "source_row": [3, 4]})
    # The second part brings new values (more bits per column): the first part's keys are repacked.
    second = pd.DataFrame({"year": [2026, 2025, 2025], "entity": ["17", "07", "00"], "item": ["P3", "P2", "P2"],
                           "source": ["DP", "RGC", "RGC"], "source_row": [5, 6, 7]})
    repeats = RepeatedKeys(KEYS)
    repeats.add(first)
    repeats.add(second)
    collector = Collector("f.xlsx")
    repeats.report(Problems(collector, "data"), "key")
    assert [(p.row, p.message) for p in collector.items] == [(6, "the same key as row 4 (duplicate natural key)")]


def test_csv_of_coded_columns_is_the_csv_of_their_values():
    plain = pd.DataFrame({
        "batch": [7, 7, 7, 7], "entity": ["07", "07", "07", "07"],
        "code": ["P1", 'a "b"', "x,y", ""], "activity": [None, "A1", None, "A2"], "paid": [1, 20, 300, 4_000]})
    coded = plain.assign(entity=plain["entity"].astype("category"), code=plain["code"].astype("category"),
                         activity=pd.Categorical(plain["activity"], categories=["A2", "A1", "unused"]))
    columns = ["batch", "entity", "code", "activity", "paid"]
    assert csv_text(coded, columns) == csv_text(plain, columns) == (
        '7,07,P1,,1\n7,07,"a ""b""",A1,20\n7,07,"x,y",,300\n7,07,"",A2,4000\n')
    # A coded column of one value after a varying one is written in every line.
    assert csv_text(coded, ["paid", "entity"]) == "1,07\n20,07\n300,07\n4000,07\n"


@pytest.fixture
def parts_of_two(monkeypatch):
    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", 2)


def test_a_cluster_row_in_the_wrong_sub_programme_is_reported_at_its_row_in_a_later_part(ref_db, parts_of_two):
    from etl.load import load_file

    # A row of a cluster (no activity) that belongs to another sub-programme, in the second part.
    wrong = exec_row(account="6011")
    wrong[5:7] = ["P1.2.1", None]
    rows = [exec_row(), exec_row(account="6061"), exec_row(account="6061", source="DP"), wrong]
    report = load_file(execution_xlsx(rows), name="cluster.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [(p.row, p.column, p.message) for p in report.problems if p.severity == "error"] == [
        (5, "activity_cluster", "activity_cluster 'P1.2.1' belongs to 'P1.2', not to 'P1.1'")]
