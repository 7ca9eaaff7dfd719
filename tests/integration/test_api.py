"""The read API for each role, against data loaded through the real loader (both databases)."""

import random

import pytest
from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

SIEM_REAP_PAID = 777_777_001
SIEM_REAP_ACTUAL = 4_321


@pytest.fixture
def api_data(app_db, tmp_path):
    """Kampot, Siem Reap and central MoSVY: May and June for Kampot, May only for Siem Reap."""
    load_reference(app_db, tmp_path)
    files = {
        "may.xlsx": execution_xlsx([
            exec_row(entity="07", period="2025-05", paid=400_000),
            exec_row(entity="17", period="2025-05", paid=SIEM_REAP_PAID, approved=900_000_000,
                     revised=900_000_000, committed=800_000_000),
            exec_row(entity="00", period="2025-05", activity="P2.1.1.1", account="6221", approved=50_000_000,
                     revised=50_000_000, committed=30_000_000, paid=20_000_000),
        ]),
        "june.xlsx": execution_xlsx([
            exec_row(entity="07", period="2025-06", paid=550_000),
            exec_row(entity="07", period="2025-06", activity="P1.2.1.1", account="6061", source="DP",
                     approved=200_000, revised=250_000, committed=100_000, paid=50_000),
            exec_row(entity="00", period="2025-06", activity="P2.1.1.1", account="6221", approved=50_000_000,
                     revised=50_000_000, committed=35_000_000, paid=25_000_000),
        ]),
        "indicators.xlsx": indicators_xlsx([
            [2025, "2025-Q2", "070101", "FP_PW", None, 100, 95],
            [2025, "2025-Q2", "070102", "FP_PW", None, 100, 55],
            [2025, "2025-Q2", "170101", "FP_PW", None, 5000, SIEM_REAP_ACTUAL],
            [2025, "2025-Q2", "07", "PAY_DAYS", None, 30, 40],
            [2025, "2025-Q2", "17", "PAY_DAYS", None, 30, 20],
        ]),
    }
    for name, data in files.items():
        report = load_file(data, name=name, url=app_db)
        assert report.status == "loaded", [p.render() for p in report.problems]
    return app_db


def rows_by(answer, key):
    return {r[key]: r for r in answer.get_json()["rows"]}


def test_budget_unit_sees_every_province_with_latest_period_per_entity(client_as, api_data):
    answer = client_as("budget_unit").get("/api/v1/budget?year=2025&group_by=entity")
    assert answer.status_code == 200
    rows = rows_by(answer, "entity")
    # Year without period: Kampot's June, Siem Reap's May (its latest), central June.
    assert rows["07"]["paid"] == 550_000 + 50_000 and rows["07"]["revised"] == 1_000_000 + 250_000
    assert rows["17"]["paid"] == SIEM_REAP_PAID
    assert rows["00"]["paid"] == 25_000_000
    assert rows["07"]["execution_rate"] == pytest.approx(600_000 / 1_250_000)
    assert isinstance(rows["07"]["paid"], int)
    total = client_as("mef_reviewer").get("/api/v1/budget?year=2025").get_json()["rows"]
    assert total[0]["paid"] == 600_000 + SIEM_REAP_PAID + 25_000_000


def test_period_forms_are_the_same_period(client_as, api_data):
    client = client_as("budget_unit")
    june = client.get("/api/v1/budget?year=2025&period=2025-06&group_by=entity").get_json()["rows"]
    quarter = client.get("/api/v1/budget?year=2025&period=2025-Q2&group_by=entity").get_json()["rows"]
    assert june == quarter and {r["entity"] for r in june} == {"00", "07", "17"}
    # Siem Reap has not reported June: its May report, marked as of May, never a later one.
    assert {r["entity"]: r["as_of"] for r in june} == {"00": "2025-06", "07": "2025-06", "17": "2025-05"}


def test_director_gets_his_province_and_national_aggregates_only(client_as, api_data):
    client = client_as("director07")
    by_entity = rows_by(client.get("/api/v1/budget?year=2025&group_by=entity"), "entity")
    assert set(by_entity) == {"00", "07"}
    national = client.get("/api/v1/budget?year=2025").get_json()["rows"][0]
    # A national total is allowed, of the newest period every entity has reported: May, as Siem
    # Reap has not reported June (June's total less May's would otherwise give Siem Reap's May).
    assert national["paid"] == 400_000 + SIEM_REAP_PAID + 20_000_000
    indicators = client.get("/api/v1/indicators?year=2025").get_json()["rows"]
    assert {r["unit"] for r in indicators} == {"00", "07"}
    card = client.get("/api/v1/scorecard?year=2025&province=07").get_json()
    assert card["province"] == "07" and card["ranked"] == 2


@pytest.mark.parametrize("query", [
    "/api/v1/budget?year=2025&entity=17",
    "/api/v1/budget?year=2025&entity=17&group_by=programme",
    "/api/v1/indicators?year=2025&unit=17",
    "/api/v1/indicators?year=2025&unit=1701",
    "/api/v1/indicators?year=2025&unit=170101",
    "/api/v1/scorecard?year=2025&province=17",
    "/api/v1/lineage?year=2025&period=2025-05&entity=17",
    "/api/v1/lineage?kind=indicator&year=2025&period=2025-06&unit=170101&indicator=FP_PW",
    "/api/v1/lineage?kind=indicator&year=2025&period=2025-06&unit=17&indicator=FP_PW",
])
def test_director_is_refused_siem_reap_with_403_and_it_is_audited(client_as, api_data, query):
    answer = client_as("director07").get(query)
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "forbidden"
    with get_engine(api_data).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'forbidden' "
                                 "AND username = 'director07'")).scalar_one() >= 1


def test_no_siem_reap_figure_in_any_answer_to_the_kampot_director(client_as, api_data):
    client = client_as("director07")
    queries = [
        "/api/v1/budget?year=2025&group_by=entity,programme,subprogramme,economic_code,funding_source",
        "/api/v1/budget?year=2025&period=2025-05&group_by=entity",
        "/api/v1/indicators?year=2025", "/api/v1/indicators?year=2025&period=2025-06",
        "/api/v1/scorecard?year=2025&province=07",
        "/api/v1/lineage?year=2025&period=2025-05", "/api/v1/lineage?year=2025&period=2025-06",
    ]
    for query in queries:
        body = client.get(query).get_data(as_text=True)
        assert str(SIEM_REAP_PAID) not in body, query
        assert '"17"' not in body and "170101" not in body, query
        assert f"{SIEM_REAP_ACTUAL}" not in body, query
    lineage = client.get("/api/v1/lineage?year=2025&period=2025-05").get_json()["sources"]
    assert all(s["file_name"] == "may.xlsx" for s in lineage)
    # Siem Reap's row 3 of may.xlsx is never listed to Kampot.
    assert all(3 not in s["rows"] for s in lineage)


def test_an_activity_figure_s_sources_are_its_own_rows(client_as, api_data):
    client = client_as("budget_unit")
    answer = client.get("/api/v1/lineage?year=2025&period=2025-06&activity=P1.2.1.1").get_json()["sources"]
    # june.xlsx: row 2 is Kampot's P1.1.1.1, row 3 its P1.2.1.1, row 4 central P2.1.1.1.
    assert [(s["file_name"], s["rows"]) for s in answer] == [("june.xlsx", [3])]
    cluster = client.get("/api/v1/lineage?year=2025&period=2025-06&cluster=P1.1.1").get_json()["sources"]
    assert [(s["file_name"], s["rows"]) for s in cluster] == [("june.xlsx", [2])]


def test_anonymous_gets_401_and_a_revoked_token_too(app, client_as, api_data):
    assert app.test_client().get("/api/v1/budget?year=2025").status_code == 401
    from auth.users import create_token, revoke_tokens
    from db.engine import session_scope

    with session_scope(api_data) as session:
        token = create_token(session, "reviewer")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/budget?year=2025", headers=headers).status_code == 200
    with session_scope(api_data) as session:
        revoke_tokens(session, "reviewer")
    assert app.test_client().get("/api/v1/budget?year=2025", headers=headers).status_code == 401


def test_admin_reads_no_figures(client_as, api_data):
    assert client_as("admin").get("/api/v1/budget?year=2025").status_code == 403


@pytest.mark.parametrize(("query", "parameter"), [
    ("/api/v1/budget", "year"),
    ("/api/v1/budget?year=1999", "year"),
    ("/api/v1/budget?year=2025&period=2025-13", "period"),
    ("/api/v1/budget?year=2025&period=2024-06", "period"),
    ("/api/v1/budget?year=2025&group_by=colour", "group_by"),
    ("/api/v1/budget?year=2025&entity=7x", "entity"),
    ("/api/v1/indicators?year=2025&unit=12345678", "unit"),
    ("/api/v1/scorecard?year=2025", "province"),
    ("/api/v1/lineage?year=2025", "period"),
    ("/api/v1/lineage?year=2025&period=2025-06&kind=other", "kind"),
])
def test_invalid_parameters_answer_400_naming_the_parameter(client_as, api_data, query, parameter):
    answer = client_as("budget_unit").get(query)
    assert answer.status_code == 400
    assert answer.get_json()["parameter"] == parameter


def test_indicator_rows_carry_achievement_and_status(client_as, api_data):
    rows = client_as("budget_unit").get("/api/v1/indicators?year=2025&period=2025-06").get_json()["rows"]
    by_key = {(r["unit"], r["indicator"]): r for r in rows}
    kampot = by_key[("07", "FP_PW")]
    assert (kampot["target"], kampot["actual"]) == (200, 150)
    assert kampot["achievement"] == pytest.approx(0.75) and kampot["status"] == "watch"
    # PAY_DAYS is lower-is-better with its own thresholds (90 % / 70 %): 30 ÷ 40 = 0.75 → watch.
    days = by_key[("07", "PAY_DAYS")]
    assert days["achievement"] == pytest.approx(0.75) and days["status"] == "watch"
    commune = client_as("budget_unit").get("/api/v1/indicators?year=2025&unit=070102").get_json()["rows"]
    assert commune == [{"unit": "070102", "indicator": "FP_PW", "period": "2025-06", "baseline": None,
                        "target": 100.0, "actual": 55.0, "achievement": 0.55, "status": "off_track"}]


def test_scorecard_score_and_rank(client_as, api_data):
    card = client_as("budget_unit").get("/api/v1/scorecard?year=2025&province=17").get_json()
    # Siem Reap: FP_PW 4,321 ÷ 5,000 = 0.8642 (weight 3); PAY_DAYS 30 ÷ 20 = 1.5 (weight 1).
    # Score = (0.8642·3 + 1.5·1) ÷ 4 = 1.02315. Kampot: (0.75·3 + 0.75·1) ÷ 4 = 0.75 → Siem Reap first.
    assert card["score"] == pytest.approx(1.02315)
    assert card["rank"] == 1 and card["ranked"] == 2
    # Coverage (FP_PW ÷ eligible) has a numerator but no denominator reported: no data, and no
    # weight in the score.
    assert {r["indicator"]: r["status"] for r in card["rows"]} == {
        "FP_PW": "watch", "PAY_DAYS": "on_track", "FP_PW_COV": "no_data"}


def test_api_agrees_with_the_raw_facts_for_random_groupings(client_as, api_data):
    client = client_as("budget_unit")
    names = {"entity": "f.entity_code", "programme": "f.programme_code", "subprogramme": "f.subprogramme_code",
             "economic_code": "COALESCE(e.parent_code, e.code)", "funding_source": "f.funding_source"}
    rng = random.Random(7)
    for _ in range(8):
        group = rng.sample(sorted(names), rng.randint(1, 3))
        period = rng.choice(["2025-05", "2025-06"])
        answer = client.get(f"/api/v1/budget?year=2025&period={period}&group_by={','.join(group)}")
        got = {tuple(r[g] for g in group): (r["revised"], r["paid"]) for r in answer.get_json()["rows"]}
        select_keys = ", ".join(names[g] for g in group)
        sql = (f"SELECT {select_keys}, SUM(f.revised), SUM(f.paid) FROM budget_fact f "
               f"JOIN economic_code e ON e.code = f.economic_code WHERE f.fiscal_year = 2025 "
               # each entity's report of the period, or its latest before it ("as of")
               f"AND f.period = (SELECT MAX(g.period) FROM budget_fact g WHERE g.fiscal_year = 2025 "
               f"AND g.entity_code = f.entity_code AND g.period <= :period) GROUP BY {select_keys}")
        with get_engine(api_data).connect() as conn:
            expected = {tuple(r[:-2]): (int(r[-2]), int(r[-1])) for r in conn.execute(text(sql), {"period": period})}
        assert got == expected, (group, period)


def test_openapi_document_lists_the_endpoints(client_as, api_data):
    spec = client_as("mef_reviewer").get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/budget", "/api/v1/indicators", "/api/v1/scorecard", "/api/v1/lineage"} <= set(spec["paths"])
