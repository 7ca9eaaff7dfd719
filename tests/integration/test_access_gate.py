"""The gate: what an anonymous visitor can and cannot reach (docs/architecture.md)."""

import re

import pytest

from tests.helpers.web import PEOPLE

PAGES = ["/", "/provinces", "/scorecard/07", "/programmes", "/data", "/methodology", "/users",
         "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_redirect_to_login(app, app_db, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/_dash-update-component"),
        ("get", "/_dash-layout"),
        ("get", "/_dash-dependencies"),
        ("get", "/api/v1/whoami"),
        ("get", "/api/v1/budget?year=2025"),
    ],
)
def test_anonymous_json_routes_answer_401(app, app_db, method, path):
    client = app.test_client()
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json() == {"error": "authentication required"}


def test_anonymous_reaches_login_and_assets(app, app_db):
    client = app.test_client()
    login = client.get("/login")
    assert login.status_code == 200
    assert b'name="password"' in login.data
    assert client.get("/assets/pib.css").status_code == 200
    font = client.get("/assets/fonts/NotoSansKhmer-Regular.woff2")
    assert font.status_code == 200 and font.data[:4] == b"wOF2"


def test_dash_component_bundles_are_public(app, client_as):
    index = client_as("budget_unit").get("/").data.decode()
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', index).group(1)
    assert app.test_client().get(bundle).status_code == 200


def test_signed_in_user_reaches_pages_and_callbacks(client_as):
    client = client_as("budget_unit")
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200


def test_login_page_is_no_open_redirect(auth):
    person = PEOPLE["budget_unit"]
    form = auth.client.get("/login?next=https://evil.example/")
    assert b"evil.example" not in form.data
    response = auth.login(person.username, person.password)
    assert response.headers["Location"] == "/"
