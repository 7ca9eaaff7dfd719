"""An indicator file replaces everything loaded for each province and period it holds.

A corrected file that leaves an indicator out must take that indicator's old figures away, at
every level of the province (its own row, its districts', its communes'), and nothing of another
province or another period.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.engine import get_engine
from db.marts import rebuild_marts
from etl.load import LoadReport, load_file
from tests.helpers.workbooks import indicators_xlsx

# Kampot (07) in June, CARE_SAT reported at every level: the province, a district, a commune.
KAMPOT_JUNE = [
    [2025, "2025-06", "07", "FP_OLD", 100, 120, 110],
    [2025, "2025-06", "07", "CARE_SAT", 70, 80, 75],
    [2025, "2025-06", "0701", "CARE_SAT", 60, 80, 65],
    [2025, "2025-06", "070101", "CARE_SAT", 65, 80, 70],
    [2025, "2025-06", "070101", "FP_PW", 40, 50, 45],
    [2025, "2025-06", "070101", "FP_PW_ELIG", 90, 100, 100],
]
SIEM_REAP_JUNE = [
    [2025, "2025-06", "17", "FP_OLD", 200, 220, 210],
    [2025, "2025-06", "17", "CARE_SAT", 75, 80, 85],
    [2025, "2025-06", "170101", "FP_PW", 30, 40, 35],
]
KAMPOT_MARCH = [
    [2025, "2025-03", "07", "CARE_SAT", 70, 80, 72],
    [2025, "2025-03", "070101", "FP_PW", 20, 25, 22],
]
# The correction: new figures for FP_OLD and the commune's transfers, CARE_SAT left out.
KAMPOT_JUNE_CORRECTED = [
    [2025, "2025-06", "07", "FP_OLD", 100, 120, 118],
    [2025, "2025-06", "070101", "FP_PW", 40, 50, 48],
    [2025, "2025-06", "070101", "FP_PW_ELIG", 90, 100, 100],
]


def _load(url: str, rows: list[list], name: str, *, replace: bool = False) -> LoadReport:
    report = load_file(indicators_xlsx(rows), name=name, url=url, replace=replace)
    assert report.status == "loaded", [p.render() for p in report.problems]
    return report


def _values(url: str, where: str = "1 = 1") -> set[tuple]:
    """(period, unit, indicator, baseline, target, actual, batch) of the stored indicator rows."""
    with get_engine(url).connect() as conn:
        return {tuple(r) for r in conn.execute(text(
            "SELECT period, unit_code, indicator_code, baseline, target, actual, batch_id "
            f"FROM indicator_value WHERE {where}"))}


def _mart(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT fiscal_year, period, entity_code, indicator_code, baseline, target, actual, unit_count, "
            "reported_count FROM indicator_mart ORDER BY fiscal_year, period, entity_code, indicator_code"))]


def _batch(url: str, batch_id: int) -> tuple:
    with get_engine(url).connect() as conn:
        row = conn.execute(text("SELECT status, superseded_by, partly_replaced_by FROM load_batch WHERE id = :id"),
                           {"id": batch_id}).one()
    return tuple(row)


def test_a_corrected_file_that_leaves_an_indicator_out_takes_its_old_rows_away(ref_db):
    june = _load(ref_db, KAMPOT_JUNE + SIEM_REAP_JUNE, "june.xlsx")
    march = _load(ref_db, KAMPOT_MARCH, "march.xlsx")
    siem_reap_before = _values(ref_db, "province_code = '17'")
    march_before = _values(ref_db, "period = '2025-03'")
    march_mart = [r for r in _mart(ref_db) if r[1] == "2025-03"]
    siem_reap_mart = [r for r in _mart(ref_db) if r[1] == "2025-06" and r[2] == "17"]

    corrected = _load(ref_db, KAMPOT_JUNE_CORRECTED, "june-kampot-v2.xlsx")

    # Kampot's June is exactly the corrected file: CARE_SAT is gone from the province, the
    # district and the commune, though the file named none of those rows.
    kampot = _values(ref_db, "province_code = '07' AND period = '2025-06'")
    assert kampot == {(r[1], r[2], r[3], r[4], r[5], r[6], corrected.batch_id) for r in KAMPOT_JUNE_CORRECTED}
    # Siem Reap's June and Kampot's March are untouched, down to the batch they came from.
    assert _values(ref_db, "province_code = '17'") == siem_reap_before
    assert {r[-1] for r in siem_reap_before} == {june.batch_id}
    assert _values(ref_db, "period = '2025-03'") == march_before
    assert {r[-1] for r in march_before} == {march.batch_id}

    # The June file keeps its Siem Reap rows: partly replaced, not superseded.
    assert corrected.superseded == []
    assert _batch(ref_db, june.batch_id) == ("loaded", None, str(corrected.batch_id))
    status, superseded_by, partly = _batch(ref_db, march.batch_id)
    assert (status, superseded_by, partly or None) == ("loaded", None, None)

    # The mart agrees: no CARE_SAT for Kampot in June, the nation's CARE_SAT is Siem Reap's
    # alone, the new FP_OLD counts; Siem Reap's June and Kampot's March rows are as they were.
    mart = _mart(ref_db)
    kampot_june = {r[3]: r[4:] for r in mart if r[1] == "2025-06" and r[2] == "07"}
    assert set(kampot_june) == {"FP_OLD", "FP_PW", "FP_PW_ELIG", "FP_PW_COV"}
    assert kampot_june["FP_OLD"] == (100, 120, 118, 1, 1)
    nation = {r[3]: r[4:] for r in mart if r[1] == "2025-06" and r[2] == "00"}
    assert nation["CARE_SAT"] == (75, 80, 85, 1, 1)
    assert nation["FP_OLD"] == (300, 340, 328, 2, 2)
    assert [r for r in mart if r[1] == "2025-06" and r[2] == "17"] == siem_reap_mart
    assert [r for r in mart if r[1] == "2025-03"] == march_mart
    # And it is what a rebuild from the facts gives.
    with get_engine(ref_db).begin() as conn:
        rebuild_marts(conn)
    assert _mart(ref_db) == mart

    # Siem Reap corrected in turn: the June file has no row left, and is superseded.
    # Three rows to one: more than half go, so the replacement is confirmed.
    siem_reap = _load(ref_db, SIEM_REAP_JUNE[:1], "june-siem-reap-v2.xlsx", replace=True)
    assert siem_reap.superseded == [june.batch_id]
    assert _batch(ref_db, june.batch_id)[:2] == ("superseded", siem_reap.batch_id)
    assert _values(ref_db, f"batch_id = {june.batch_id}") == set()
    assert "CARE_SAT" not in {r[3] for r in _mart(ref_db) if r[1] == "2025-06"}


def test_a_national_file_replaces_central_mosvy_alone(ref_db):
    # Central MoSVY (00) is a province of its own: its file does not touch Kampot's rows.
    _load(ref_db, [[2025, "2025-06", "00", "PENS_PAID", 900, 1000, 950],
                   [2025, "2025-06", "00", "STAFF_TRAINED", 30, 40, 35]] + KAMPOT_JUNE, "national.xlsx")
    kampot = _values(ref_db, "province_code = '07'")
    corrected = _load(ref_db, [[2025, "2025-06", "00", "PENS_PAID", 900, 1000, 990]], "national-v2.xlsx")
    assert _values(ref_db, "province_code = '00'") == {
        ("2025-06", "00", "PENS_PAID", 900, 1000, 990, corrected.batch_id)}
    assert _values(ref_db, "province_code = '07'") == kampot
    with get_engine(ref_db).connect() as conn:
        central = {r[0]: r[1] for r in conn.execute(text(
            "SELECT indicator_code, actual FROM indicator_mart WHERE entity_code = '00' AND period = '2025-06'"))}
    # STAFF_TRAINED was central MoSVY's own: gone. CARE_SAT is rolled up from Kampot.
    assert central["PENS_PAID"] == 990 and "STAFF_TRAINED" not in central and central["CARE_SAT"] == 75


def test_the_whole_replacement_is_rolled_back_with_a_failed_load(ref_db, monkeypatch):
    _load(ref_db, KAMPOT_JUNE, "june.xlsx")
    values, mart = _values(ref_db), _mart(ref_db)
    with get_engine(ref_db).connect() as conn:
        batches = conn.execute(text("SELECT COUNT(*) FROM load_batch")).scalar_one()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the machine was switched off")

    monkeypatch.setattr("etl.load.refresh_indicator_mart", broken)
    with pytest.raises(RuntimeError):
        load_file(indicators_xlsx(KAMPOT_JUNE_CORRECTED), name="v2.xlsx", url=ref_db)
    # The deletions went with the rest of the transaction: the old rows, mart and history stay.
    assert _values(ref_db) == values and _mart(ref_db) == mart
    with get_engine(ref_db).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM load_batch")).scalar_one() == batches


def test_an_indicator_file_that_would_take_away_more_than_half_is_listed_and_needs_confirming(ref_db):
    _load(ref_db, KAMPOT_JUNE, "kampot-june.xlsx")
    two_rows = indicators_xlsx(KAMPOT_JUNE_CORRECTED[:2])
    checked = load_file(two_rows, name="kampot-two.xlsx", url=ref_db, dry_run=True)
    assert checked.status == "valid"
    assert checked.replacement_lines() == ["  would replace province 07, 2025-06: 6 indicator rows → 2"]
    assert [p.severity for p in checked.problems] == ["warning"]
    refused = load_file(two_rows, name="kampot-two.xlsx", url=ref_db)
    assert refused.status == "rejected" and [p.type for p in refused.errors] == ["large-replacement"]
    with get_engine(ref_db).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM indicator_value WHERE province_code = '07'")).scalar_one() == 6
    confirmed = load_file(two_rows, name="kampot-two.xlsx", url=ref_db, replace=True)
    assert confirmed.status == "loaded" and confirmed.errors == []
    assert confirmed.replacement_lines() == ["  replaced province 07, 2025-06: 6 indicator rows → 2"]
    with get_engine(ref_db).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM indicator_value WHERE province_code = '07'")).scalar_one() == 2
