"""Sessions that end when they should, sign-in throttling that holds under load and cannot be
turned against an office, and administrators whose power over data roles is visible."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from auth import users
from auth.__main__ import main as auth_cli
from db.engine import session_scope
from db.models import ApiToken, AuditLog, User, utcnow
from tests.helpers.web import PEOPLE, AuthActions, callback_payload, dash_post, find_dependency, post_with_csrf

WHOAMI = "/api/v1/whoami"


def _copy_of_cookie(app, client):
    """A second client holding the same session cookie, as a thief with a copied cookie would."""
    thief = app.test_client()
    thief.set_cookie("pib_session", client.get_cookie("pib_session").value)
    return thief


def _throttle_clock(start):
    """A clock for auth.users that the test moves forward."""
    now = {"t": start}
    return now, mock.patch("auth.users.utcnow", lambda: now["t"])


# --- the sign-in limit ------------------------------------------------------------------------


def test_thirty_simultaneous_wrong_passwords_get_exactly_the_free_password_checks(app_db):
    checks = []
    lock = threading.Lock()
    real_check = users.check_password

    def counted(stored, password):
        with lock:
            checks.append(password)
        return real_check(stored, password)

    barrier = threading.Barrier(30)
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        barrier.wait()
        with session_scope(app_db) as session:
            result = users.sign_in(session, "reviewer", f"guess-{i}", "198.51.100.4")
        with lock:
            outcomes.append(result.outcome)

    with mock.patch("auth.users.check_password", counted):
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(checks) == users.FREE_FAILURES
    assert sorted(outcomes) == sorted(["failed"] * users.FREE_FAILURES
                                      + ["throttled"] * (30 - users.FREE_FAILURES))


def test_each_failure_past_the_free_ones_doubles_the_wait_and_the_owner_then_gets_in(auth, app_db):
    person = PEOPLE["mef_reviewer"]
    now, clock = _throttle_clock(utcnow())
    with clock:
        for _ in range(users.FREE_FAILURES):
            assert b"not correct" in auth.login(person.username, "wrong-password").data
        # 15 seconds to wait: the right password is not even checked before then.
        refused = auth.login(person.username, person.password)
        assert b"Please wait 16 seconds" in refused.data or b"Please wait 15 seconds" in refused.data
        now["t"] += timedelta(seconds=16)
        assert b"not correct" in auth.login(person.username, "wrong-again").data
        now["t"] += timedelta(seconds=16)
        assert b"Too many failed" in auth.login(person.username, person.password).data  # now 30 s
        now["t"] += timedelta(seconds=15)
        assert auth.login(person.username, person.password).status_code == 302
    assert users.retry_delay(users.FREE_FAILURES) == 15
    assert users.retry_delay(users.FREE_FAILURES + 1) == 30
    assert users.retry_delay(50) == users.MAX_DELAY_SECONDS


def test_the_owner_at_another_address_is_never_slowed_by_a_guesser(auth):
    person = PEOPLE["budget_unit"]
    for _ in range(12):
        auth.login(person.username, "wrong-password", address="203.0.113.66")
    assert auth.login(person.username, person.password, address="10.1.2.3").status_code == 302


def test_forwarded_addresses_count_only_behind_configured_proxies(app, auth):
    person = PEOPLE["director17"]
    client = auth.client

    def login_from(forwarded: str, password: str):
        form = client.get("/login")
        from tests.helpers.web import csrf_from

        return client.post("/login", data={"username": person.username, "password": password,
                                           "csrf_token": csrf_from(form.data)},
                           headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https",
                                    # over HTTPS, the CSRF check also wants a same-site Referer
                                    "Referer": "https://localhost/login"})

    # Without a configured proxy, a client cannot pick a fresh address per guess.
    for i in range(users.FREE_FAILURES):
        login_from(f"192.0.2.{i}", "wrong-password")
    refused = login_from("192.0.2.200", person.password)
    assert b"Too many failed" in refused.data
    app.config["PIB_PROXY_HOPS"] = 1
    try:
        response = login_from("192.0.2.201", person.password)
        assert response.status_code == 302  # a different client behind the proxy
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("pib_session="))
        assert "Secure" in cookie  # the proxy said HTTPS, and the proxy is trusted
    finally:
        app.config["PIB_PROXY_HOPS"] = 0


# --- sessions and tokens ---------------------------------------------------------------------


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client_as, app_db):
    client = client_as("mef_reviewer")
    thief = _copy_of_cookie(app, client)
    assert thief.get(WHOAMI).status_code == 200
    assert AuthActions(client).logout().status_code == 302
    assert thief.get(WHOAMI).status_code == 401
    assert thief.get("/").status_code == 302


def test_a_new_password_ends_every_cookie_and_token(app, client_as, cli_database):
    client = client_as("director07")
    with session_scope(cli_database) as session:
        token = users.create_token(session, "director07")
    bearer = {"Authorization": f"Bearer {token}"}
    fresh = app.test_client()
    assert fresh.get(WHOAMI, headers=bearer).status_code == 200
    assert auth_cli_password("director07", "a-new-pass-456") == 0
    assert client.get(WHOAMI).status_code == 401
    assert fresh.get(WHOAMI, headers=bearer).status_code == 401
    assert AuthActions(app.test_client()).login("director07", "a-new-pass-456").status_code == 302


def auth_cli_password(name: str, password: str) -> int:
    with mock.patch("sys.stdin") as stdin:
        stdin.isatty.return_value = False
        stdin.readline.return_value = password + "\n"
        return auth_cli(["set-password", name])


@pytest.fixture
def cli_database(app_db, monkeypatch):
    monkeypatch.setenv("PIB_DATABASE_URL", app_db)
    return app_db


def test_enabling_a_user_again_does_not_revive_old_cookies(app, client_as, cli_database):
    client = client_as("budget_unit")
    assert auth_cli(["disable", "budget"]) == 0
    assert auth_cli(["enable", "budget"]) == 0
    assert client.get(WHOAMI).status_code == 401


def test_a_role_change_ends_the_users_sessions(client_as, cli_database):
    client = client_as("director17")
    assert client.get(WHOAMI).get_json()["province"] == "17"
    assert auth_cli(["set-role", "director17", "--role", "provincial_director", "--province", "07"]) == 0
    assert client.get(WHOAMI).status_code == 401
    with session_scope(cli_database) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "user_updated")
                                .order_by(AuditLog.id.desc())).first()
    assert '"before": {"role": "provincial_director", "province": "17"}' in entry.detail
    assert '"province": "07"' in entry.detail


def test_tokens_expire_after_their_lifetime(app, app_db, monkeypatch):
    monkeypatch.setenv("PIB_TOKEN_DAYS", "30")
    with session_scope(app_db) as session:
        token = users.create_token(session, "reviewer")
        made_before_expiry_existed = users.create_token(session, "budget")
        old = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
        old.expires_at = None
        old.created_at = utcnow() - timedelta(days=users.DEFAULT_TOKEN_DAYS + 1)
    client = app.test_client()
    assert client.get(WHOAMI, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    later = utcnow() + timedelta(days=31)
    with mock.patch("auth.users.utcnow", lambda: later):
        assert client.get(WHOAMI, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    legacy = {"Authorization": f"Bearer {made_before_expiry_existed}"}
    assert client.get(WHOAMI, headers=legacy).status_code == 401


def test_the_session_cookie_holds_only_an_id_and_a_version(app, client_as):
    client = client_as("director07")
    raw = client.get_cookie("pib_session").value
    content = app.session_interface.get_signing_serializer(app).loads(raw)
    assert set(content) <= {"_user_id", "_fresh", "_id", "sv", "lang", "csrf_token"}
    text = str(content)
    for secret in ("director07", "provincial_director", "Kampot", "Test director07"):
        assert secret not in text


def test_logout_and_the_language_switch_are_posts_with_the_form_token(client_as):
    client = client_as("budget_unit")
    # A GET only asks: a link or an image on another site cannot sign anybody out.
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and b'<form method="post" action="/logout"' in confirm.data
    assert client.get(WHOAMI).status_code == 200
    assert client.get("/lang/km").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: a forged sign-out fails
    assert client.get(WHOAMI).status_code == 200
    switched = post_with_csrf(client, "/lang/km", headers={"Referer": "http://localhost/programmes?x=1"})
    assert switched.headers["Location"] == "/programmes?x=1"
    away = post_with_csrf(client, "/lang/en", headers={"Referer": "https://evil.example/steal"})
    assert away.headers["Location"] == "/"


# --- administrators and data roles -----------------------------------------------------------


REVIEWER = {
    "users-create.n_clicks": 1,
    "users-new-name.value": "shadow",
    "users-new-full.value": "Shadow Reviewer",
    "users-new-role.value": "mef_reviewer",
    "users-new-province.value": None,
    "users-new-password.value": "shadow-pass-123",
}


def _usernames(url: str) -> set[str]:
    with session_scope(url) as session:
        return set(session.scalars(select(User.username)))


def test_creating_a_data_role_needs_the_administrators_own_password(client_as, app_db):
    client = client_as("admin")
    create = find_dependency(client, "users-refresh")
    for own, said in ((None, "Enter your own password to confirm this change."),
                      ("not-my-password", "Your own password, given to confirm this change, is not correct.")):
        answer = dash_post(client, callback_payload(create, {**REVIEWER, "users-own-password.value": own}))
        assert said in answer.get_data(as_text=True)
        assert "shadow" not in _usernames(app_db)
    answer = dash_post(client, callback_payload(
        create, {**REVIEWER, "users-own-password.value": PEOPLE["admin"].password}))
    assert "User shadow created." in answer.get_data(as_text=True)
    with session_scope(app_db) as session:
        shadow = session.scalar(select(User).where(User.username == "shadow"))
        assert (shadow.role, shadow.created_by) == ("mef_reviewer", "admin")
        failed = session.scalars(select(AuditLog.action).where(AuditLog.username == "admin")).all()
    assert failed.count("reauth_failed") == 1 and "user_created" in failed  # an empty field is no guess
    listing = dash_post(client, callback_payload(find_dependency(client, "users-grid"),
                                                 {"users-refresh.data": 1}))
    rows = {r["username"]: r for r in listing.get_json()["response"]["users-grid"]["rowData"]}
    assert rows["shadow"]["created_by"] == "admin" and rows["budget"]["created_by"] == "system"


def test_changing_a_role_on_the_users_page_needs_the_password_and_ends_sessions(client_as, app_db):
    director = client_as("director17")
    admin = client_as("admin")
    change = find_dependency(admin, "users-role-password")
    values = {"users-role-change.n_clicks": 1, "users-grid.selectedRows": [{"username": "director17"}],
              "users-set-role.value": "mef_reviewer", "users-set-province.value": None}
    refused = dash_post(admin, callback_payload(change, {**values, "users-role-password.value": "x"}))
    assert "is not correct" in refused.get_data(as_text=True)
    assert director.get(WHOAMI).status_code == 200
    done = dash_post(admin, callback_payload(
        change, {**values, "users-role-password.value": PEOPLE["admin"].password}))
    assert "director17" in done.get_data(as_text=True)
    with session_scope(app_db) as session:
        assert session.scalar(select(User.role).where(User.username == "director17")) == "mef_reviewer"
    assert director.get(WHOAMI).status_code == 401


def test_auth_list_shows_who_created_each_account_and_when(cli_database, capsys):
    assert auth_cli(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["user", "role", "province", "state", "created", "created by"]
    director = next(line.split("\t") for line in lines if line.startswith("director07\t"))
    assert director[2] == "07" and director[5] == "system" and director[4][:2] == "20"
