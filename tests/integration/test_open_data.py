"""Open data (/open) on SQLite and PostgreSQL: nothing of a period reaches the public before the
budget unit publishes it, and a withdrawn period leaves at once; the public figures are the
signed-in API's to the riel; no district, commune, draft or comment ever appears; publishing is
the budget unit's, audited; the rate limit, the cookies, the data package and the policy."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from frictionless import Package, Resource, Schema
from sqlalchemy import select

from db.engine import get_engine, session_scope
from db.models import AuditLog, Base
from domain.access import PAGE_ROLES, Forbidden, Scope
from etl.load import load_file
from open_data.routes import limiter
from tests.helpers.cycle import csrf_header, post_json
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

SIEM_REAP_PAID = 777_777_001
KAMPOT_JUNE_PAID = 550_123
DRAFT_REQUEST = 987_654_321
DRAFT_WORDS = "DRAFT-ONLY justification never to be published"
COMMUNES = ("070101", "070102", "170101")
JUNE = {"year": 2025, "period": "2025-06"}
QUERY = "year=2025&period=2025-06"


@pytest.fixture(autouse=True)
def no_rate_limit(app):
    """The limit off for these tests (one is about it and sets its own), and counts forgotten."""
    previous = app.config.get("PIB_OPEN_RATE_LIMIT")
    app.config["PIB_OPEN_RATE_LIMIT"] = 0
    limiter.reset()
    yield
    app.config["PIB_OPEN_RATE_LIMIT"] = previous
    limiter.reset()


@pytest.fixture
def open_db(app_db, tmp_path):
    """May and June 2025 for Kampot and central MoSVY, May only for Siem Reap; indicators of Q2
    from communes (rolled up to their provinces) and provinces; nothing published."""
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
            exec_row(entity="07", period="2025-06", paid=KAMPOT_JUNE_PAID),
            exec_row(entity="07", period="2025-06", activity="P1.2.1.1", account="6061", source="DP",
                     approved=200_000, revised=250_000, committed=100_000, paid=50_000),
            exec_row(entity="00", period="2025-06", activity="P2.1.1.1", account="6221", approved=50_000_000,
                     revised=50_000_000, committed=35_000_000, paid=25_000_000),
        ]),
        "indicators.xlsx": indicators_xlsx([
            [2025, "2025-Q2", "070101", "FP_PW", None, 100, 95],
            [2025, "2025-Q2", "070102", "FP_PW", None, 100, 55],
            [2025, "2025-Q2", "170101", "FP_PW", None, 5000, 4321],
            [2025, "2025-Q2", "07", "PAY_DAYS", None, 30, 40],
            [2025, "2025-Q2", "17", "PAY_DAYS", None, 30, 20],
        ]),
    }
    for name, data in files.items():
        report = load_file(data, name=name, url=app_db)
        assert report.status == "loaded", [p.render() for p in report.problems]
    return app_db


def _publish(client: FlaskClient, body: dict | None = None):
    return post_json(client, "/api/v1/publications", body or JUNE)


def _withdraw(client: FlaskClient, year: int = 2025, period: str = "2025-06"):
    return client.delete(f"/api/v1/publications/{year}/{period}", headers=csrf_header(client))


def _public_addresses(query: str = QUERY) -> list[str]:
    return [f"/open?{query}", f"/open?{query}&lang=km", f"/open?{query}&province=07", f"/open/api/budget?{query}",
            f"/open/api/indicators?{query}", f"/open/budget.csv?{query}", f"/open/indicators.csv?{query}",
            f"/open/datapackage.json?{query}"]


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_nothing_reaches_the_public_before_the_budget_unit_publishes(app, open_db):
    anonymous = app.test_client()
    home = anonymous.get("/open")
    assert home.status_code == 200 and b'id="nothing"' in home.data
    for address in [*_public_addresses(), *_public_addresses("year=2025"), "/open/api/budget",
                    "/open/datapackage.json", "/open/budget.csv?period=2025-05"]:
        answer = anonymous.get(address)
        assert answer.status_code == 404, address
        assert str(SIEM_REAP_PAID).encode() not in answer.data and b"550" not in answer.data, address


def test_a_published_period_is_public_and_a_withdrawn_one_disappears_at_once(app, open_db, client_as):
    budget = client_as("budget_unit")
    answer = _publish(budget, {"year": 2025, "period": "2025-Q2"})  # the quarter is June
    assert answer.status_code == 201, answer.json
    assert answer.json["period"] == "2025-06" and answer.json["published_by"] == "budget"
    anonymous = app.test_client()
    for address in _public_addresses():
        first = anonymous.get(address)
        assert first.status_code == 200, (address, first.data[:300])
        assert anonymous.get(address).data == first.data  # the cached answer is the same
    assert b"2025-06" in anonymous.get("/open").data  # the latest published is the default
    assert anonymous.get("/open/api/budget?year=2025").json["period"] == "2025-06"
    # May has data but is not published: refused, whatever the form of its address.
    for address in _public_addresses("year=2025&period=2025-05"):
        assert anonymous.get(address).status_code == 404, address
    listing = budget.get("/api/v1/publications").json["publications"]
    assert [(p["year"], p["period"]) for p in listing] == [(2025, "2025-06")]

    withdrawn = _withdraw(budget)
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn"]["period"] == "2025-06"
    for address in _public_addresses():
        answer = anonymous.get(address)
        assert answer.status_code == 404, address
        assert str(KAMPOT_JUNE_PAID).encode() not in answer.data
    assert b'id="nothing"' in anonymous.get("/open").data
    assert budget.get("/api/v1/publications").json["publications"] == []


def test_public_figures_equal_the_signed_in_api_to_the_riel(app, open_db, client_as):
    budget = client_as("budget_unit")
    assert _publish(budget).status_code == 201
    anonymous = app.test_client()
    public = anonymous.get(f"/open/api/budget?{QUERY}").json
    signed_in = {r["entity"]: r for r in budget.get(f"/api/v1/budget?{QUERY}&group_by=entity").json["rows"]}
    rows = {r["entity"]: r for r in public["rows"]}
    assert set(rows) == set(signed_in) == {"00", "07", "17"}
    for code, row in rows.items():
        for key in ("revised", "paid", "execution_rate", "as_of"):
            assert row[key] == signed_in[code][key], (code, key)
        assert isinstance(row["paid"], int)
    assert rows["17"]["paid"] == SIEM_REAP_PAID and rows["17"]["as_of"] == "2025-05"  # Siem Reap as of May
    total = budget.get(f"/api/v1/budget?{QUERY}").json["rows"][0]
    assert {k: public["national"][k] for k in ("revised", "paid", "execution_rate")} == {
        k: total[k] for k in ("revised", "paid", "execution_rate")}
    assert public["national"]["paid"] == KAMPOT_JUNE_PAID + 50_000 + SIEM_REAP_PAID + 25_000_000
    # The CSV holds the same figures as the JSON.
    for row in _csv_rows(anonymous.get(f"/open/budget.csv?{QUERY}").data):
        assert int(row["paid"]) == rows[row["entity"]]["paid"] and int(row["revised"]) == rows[row["entity"]]["revised"]
    # The page shows the exact riels in <data value>, the same again.
    page = anonymous.get(f"/open?{QUERY}").get_data(as_text=True)
    for code in ("00", "07", "17"):
        cells = re.search(rf'data-entity="{code}">.*?</tr>', page, re.S).group(0)
        assert re.findall(r'<data value="(\d+)">', cells) == [str(rows[code]["revised"]), str(rows[code]["paid"])]
    national = re.search(r'<tr class="total" data-entity="">.*?</tr>', page, re.S).group(0)
    assert re.findall(r'<data value="(\d+)">', national)[1] == str(public["national"]["paid"])

    indicators = {(r["unit"], r["indicator"]): r for r in anonymous.get(f"/open/api/indicators?{QUERY}").json["rows"]}
    reference = {(r["unit"], r["indicator"]): r
                 for r in budget.get(f"/api/v1/indicators?{QUERY}").json["rows"]}
    assert set(indicators) == set(reference) and ("00", "FP_PW") in indicators
    for key, row in indicators.items():
        for field in ("target", "actual", "achievement", "status"):
            assert row[field] == reference[key][field], (key, field)
        assert row["as_of"] == reference[key]["period"]
    for row in _csv_rows(anonymous.get(f"/open/indicators.csv?{QUERY}").data):
        expected = indicators[(row["unit"], row["indicator"])]
        assert row["status"] == expected["status"]
        assert (float(row["actual"]) if row["actual"] else None) == expected["actual"]


def test_no_district_commune_draft_or_comment_ever_appears(app, open_db, client_as):
    budget = client_as("budget_unit")
    draft = post_json(budget, "/api/v1/submissions", {"year": 2026})
    assert draft.status_code == 201, draft.json
    sid = draft.json["id"]
    line = budget.get(f"/api/v1/submissions/{sid}").json["lines"][0]
    key = {k: line[k] for k in ("entity", "cluster", "economic_code", "funding_source")}
    saved = budget.put(f"/api/v1/submissions/{sid}/lines", headers=csrf_header(budget), json={"lines": [
        {**key, "request": [DRAFT_REQUEST, 0, 0], "justification": DRAFT_WORDS, "row_version": line["row_version"]}]})
    assert saved.status_code == 200, saved.json
    assert _publish(budget).status_code == 201
    anonymous = app.test_client()
    for address in _public_addresses():
        body = anonymous.get(address).get_data(as_text=True)
        for secret in (*COMMUNES, str(DRAFT_REQUEST), DRAFT_WORDS, "submission", "justification"):
            assert secret not in body, (address, secret)
    units = {r["unit"] for r in anonymous.get(f"/open/api/indicators?{QUERY}").json["rows"]}
    assert units == {"00", "07", "17"}  # communes are in their provinces' roll-up, never rows
    assert all(len(r["entity"]) == 2 for r in anonymous.get(f"/open/api/budget?{QUERY}").json["rows"])
    # No parameter reaches below a province.
    assert anonymous.get(f"/open?{QUERY}&province=070101").status_code == 400
    assert anonymous.get(f"/open?{QUERY}&province=00").status_code == 400


def test_only_the_budget_unit_publishes_and_every_change_is_audited(app, open_db, client_as):
    director = client_as("director07")
    refused = _publish(director)
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert client_as("mef_reviewer").delete("/api/v1/publications/2025/2025-06").status_code in (400, 403)
    budget = client_as("budget_unit")
    assert _publish(budget, {"year": 2025, "period": "2025-03"}).status_code == 422  # nothing loaded for March
    assert _publish(budget, {"year": 2025, "period": "2024-06"}).status_code == 422  # outside the year
    assert _withdraw(budget).status_code == 404  # not published
    assert _publish(budget).status_code == 201
    again = _publish(budget)
    assert again.status_code == 409 and again.json["current"]["period"] == "2025-06"
    assert _withdraw(director).status_code == 403
    assert app.test_client().get(f"/open/api/budget?{QUERY}").status_code == 200  # still published
    assert _withdraw(budget).status_code == 200
    with session_scope(open_db) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action.in_(
            ("publish", "withdraw_publication", "forbidden"))).order_by(AuditLog.id)).all()
        log = [(r.action, r.username, json.loads(r.detail)) for r in rows]
    published = [entry for entry in log if entry[0] == "publish"]
    assert len(published) == 1 and published[0][1] == "budget"
    assert published[0][2]["before"] is None and published[0][2]["after"]["period"] == "2025-06"
    assert published[0][2]["after"]["published_at"]
    withdrawn = [entry for entry in log if entry[0] == "withdraw_publication"]
    assert len(withdrawn) == 1 and withdrawn[0][2]["before"]["published_by"] == "budget"
    assert withdrawn[0][2]["after"] is None
    assert [e[1] for e in log if e[0] == "forbidden"].count("director07") == 2


def test_the_rate_limit_answers_429_with_retry_after(app, app_db):
    app.config["PIB_OPEN_RATE_LIMIT"] = 3
    client = app.test_client()
    busy = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(3):
        assert client.get("/open", environ_base=busy).status_code == 200
    refused = client.get("/open/api/budget?year=2025", environ_base=busy)
    assert refused.status_code == 429 and refused.json["error"] == "too_many"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = client.get("/open?lang=km", environ_base=busy)
    assert page.status_code == 429 and "វិនាទី" in page.get_data(as_text=True)
    # Another address is not held back.
    assert client.get("/open", environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200


def test_no_cookie_is_ever_set_under_open(app, open_db, client_as):
    budget = client_as("budget_unit")
    assert _publish(budget).status_code == 201
    for client in (app.test_client(), budget):  # anonymous, and a signed-in visitor
        for address in [*_public_addresses(), "/open", "/open/", "/open/no-such", "/open?period=2025-05"]:
            answer = client.get(address)
            assert "Set-Cookie" not in answer.headers, address
            assert "Cookie" not in answer.headers.get("Vary", ""), address
        assert "Set-Cookie" not in client.post("/open").headers
    assert "Set-Cookie" in budget.get("/").headers  # the signed-in app still sets its cookies


def test_answers_revalidate_and_unknown_addresses_stay_inside_open(app, open_db, client_as):
    assert _publish(client_as("budget_unit")).status_code == 201
    client = app.test_client()
    first = client.get(f"/open/api/budget?{QUERY}")
    assert first.headers["Cache-Control"] == "public, no-cache" and first.headers["ETag"]
    again = client.get(f"/open/api/budget?{QUERY}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for address in ("/open/no-such", "/open/api/", "/open/api/submissions", "/open/_dash-layout"):
        answer = client.get(address)
        assert answer.status_code == 404, address
        assert b"_dash" not in answer.data and b"/login" not in answer.data, address
    assert client.post("/open", data={"x": "1"}).status_code == 405
    assert client.delete(f"/open/api/budget?{QUERY}").status_code == 405
    assert client.get("/openx").status_code == 302  # not /open: behind the gate
    assert client.get("/api/v1/publications").status_code == 401
    km = client.get(f"/open?{QUERY}&lang=km").get_data(as_text=True)
    assert '<html lang="km">' in km and "ទិន្នន័យបើកចំហ" in km and "NotoSansKhmer" in km
    assert "<script" not in km and "_dash" not in km
    assert client.get("/open?year=2025&period=2025-13").status_code == 400


def test_the_datapackage_validates_with_frictionless(app, open_db, client_as):
    assert _publish(client_as("budget_unit")).status_code == 201
    client = app.test_client()
    descriptor = client.get("/open/datapackage.json").json  # the latest published period
    assert descriptor["licenses"][0]["name"] and descriptor["sources"][0]["title"]
    assert not list(Package.metadata_validate(descriptor))
    assert {r["name"] for r in descriptor["resources"]} == {"budget", "indicators"}
    for resource in descriptor["resources"]:
        units = {f["name"]: f.get("unit") for f in resource["schema"]["fields"]}
        assert "KHR" in units.values() or "measure" in units.values()
        address = urlsplit(resource["path"])
        data = client.get(f"{address.path}?{address.query}").data
        checked = Resource(data=data, format="csv", encoding=resource["encoding"],
                           schema=Schema.from_descriptor(resource["schema"]))
        report = checked.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
        assert len(_csv_rows(data)) >= 3


def test_the_datapackage_validates_over_http(app, open_db, client_as, live_server):
    # The whole package as a stranger reads it: the descriptor and each file fetched over HTTP.
    assert _publish(client_as("budget_unit")).status_code == 201
    from frictionless import validate

    report = validate(f"{live_server}/open/datapackage.json?{QUERY}")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])[:5]


def test_the_public_scope_opens_no_page_and_reads_aggregates_only(open_db):
    from db.queries import lineage, overview, programmes, submission
    from db.queries.budget import budget
    from db.queries.indicators import indicator_values

    public = Scope.public()
    assert not any(public.can_open(page) for page in PAGE_ROLES)
    assert not public.reads_data and public.provinces is None
    with pytest.raises(Forbidden):
        Scope.for_user(type("U", (), {"id": 1, "username": "x", "role": "public", "province_code": None})())
    with session_scope(open_db) as session:
        assert not budget(session, public, year=2025, period="2025-06").empty
        for call in (lambda: submission.listing(session, public),
                     lambda: lineage.budget_lineage(session, public, year=2025, period="2025-06"),
                     lambda: overview.overview(session, public, year=2025, period="2025-06"),
                     lambda: overview.province_table(session, public, year=2025, period="2025-06"),
                     lambda: programmes.programme_tree(session, public, year=2025, period="2025-06", lang="en"),
                     lambda: indicator_values(session, public, year=2025, period="2025-06", unit="070101"),
                     lambda: indicator_values(session, public, year=2025, period="2025-06", unit="00")):
            with pytest.raises(Forbidden):
                call()


def test_the_publication_table_matches_its_migration(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with get_engine(db_url).connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert not [d for d in differences if "publication" in repr(d)], differences
