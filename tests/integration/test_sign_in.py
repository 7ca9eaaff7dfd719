"""Sign-in: passwords, throttling, sessions, the audit log, and the stored user."""

import json

import pytest
from sqlalchemy import select

from auth.passwords import check_password
from auth.users import FREE_FAILURES
from db.engine import session_scope
from db.models import AuditLog, User
from tests.helpers.web import PEOPLE, AuthActions, post_with_csrf


def audit_actions(url: str) -> list[tuple[str, str]]:
    with session_scope(url) as session:
        return [(a.action, a.username) for a in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_good_password_signs_in(auth, app_db):
    person = PEOPLE["budget_unit"]
    response = auth.login(person.username, person.password)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert auth.client.get("/").status_code == 200
    assert ("login_ok", "budget") in audit_actions(app_db)


def test_wrong_password_is_refused_with_a_message(auth, app_db):
    response = auth.login("budget", "not-the-password")
    assert response.status_code == 200
    assert b"The user name or password is not correct." in response.data
    assert auth.client.get("/").status_code == 302
    assert ("login_failed", "budget") in audit_actions(app_db)


def test_unknown_user_gets_the_same_message(auth):
    response = auth.login("nobody", "whatever-123")
    assert response.status_code == 200
    assert b"The user name or password is not correct." in response.data


def test_sixth_quick_failure_is_refused_without_checking_the_password(auth, app_db):
    person = PEOPLE["director07"]
    for _ in range(FREE_FAILURES):
        assert b"not correct" in auth.login(person.username, "wrong-password").data
    # The right password now: refused all the same, so it was never checked.
    response = auth.login(person.username, person.password)
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.data
    assert auth.client.get("/").status_code == 302
    assert ("login_throttled", "director07") in audit_actions(app_db)
    # Another account from another address is not affected.
    other = PEOPLE["director17"]
    assert auth.login(other.username, other.password, address="10.0.0.9").status_code == 302


def test_guesses_behind_a_shared_office_address_do_not_lock_out_colleagues(auth):
    # Forty wrong passwords for other accounts from the office's one address, and a colleague
    # behind the same address still signs in: nobody can lock a whole office out.
    for i in range(40):
        auth.login(f"guess{i % 4}", "wrong-password", address="192.0.2.7")
    person = PEOPLE["mef_reviewer"]
    assert auth.login(person.username, person.password, address="192.0.2.7").status_code == 302


def test_password_is_stored_as_a_salted_slow_hash(app_db):
    with session_scope(app_db) as session:
        users = {u.username: u.password_hash for u in session.scalars(select(User))}
    for person in PEOPLE.values():
        stored = users[person.username]
        assert person.password not in stored
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP's minimum
        assert check_password(stored, person.password)
        assert not check_password(stored, person.password + "x")
    # Salted: the same password stored twice gives two different hashes.
    from auth.passwords import hash_password

    assert hash_password("same-password") != hash_password("same-password")


def test_an_earlier_scrypt_hash_still_signs_in_and_is_replaced_by_argon2id(auth, app_db):
    from werkzeug.security import generate_password_hash

    person = PEOPLE["director17"]
    legacy = generate_password_hash(person.password, method="scrypt")
    with session_scope(app_db) as session:
        session.scalars(select(User).filter_by(username=person.username)).one().password_hash = legacy
    # A wrong password leaves the old hash as it is.
    assert auth.login(person.username, "wrong-password").status_code == 200
    with session_scope(app_db) as session:
        assert session.scalars(select(User).filter_by(username=person.username)).one().password_hash == legacy
    assert auth.login(person.username, person.password).status_code == 302
    with session_scope(app_db) as session:
        stored = session.scalars(select(User).filter_by(username=person.username)).one().password_hash
        entry = session.scalars(select(AuditLog).filter_by(action="password_rehashed")).one()
        assert entry.username == person.username
        assert json.loads(entry.detail)["before"] == {"scheme": "scrypt"}
        assert json.loads(entry.detail)["after"] == {"scheme": "argon2id"}
    assert stored.startswith("$argon2id$") and check_password(stored, person.password)
    # Signed out and in again: the new hash works, and is not replaced a second time.
    auth.logout()
    assert auth.login(person.username, person.password).status_code == 302
    with session_scope(app_db) as session:
        assert session.scalars(select(User).filter_by(username=person.username)).one().password_hash == stored
        assert len(session.scalars(select(AuditLog).filter_by(action="password_rehashed")).all()) == 1


def test_a_new_password_set_during_a_sign_in_is_not_overwritten_by_the_rehash(app_db, monkeypatch):
    from werkzeug.security import generate_password_hash

    from auth import users

    person = PEOPLE["director07"]
    with session_scope(app_db) as session:
        session.scalars(select(User).filter_by(username=person.username)).one().password_hash = \
            generate_password_hash(person.password, method="scrypt")
    real_check = users.check_password

    def check_while_the_administrator_changes_it(stored, password):
        # The administrator's change commits between the check of the old hash and its rehash.
        with session_scope(app_db) as other:
            users.set_password(other, person.username, "new-password-99", by="admin")
        return real_check(stored, password)

    monkeypatch.setattr(users, "check_password", check_while_the_administrator_changes_it)
    with session_scope(app_db) as session:
        assert users.sign_in(session, person.username, person.password, "127.0.0.1").outcome == "ok"
    monkeypatch.undo()
    with session_scope(app_db) as session:
        stored = session.scalars(select(User).filter_by(username=person.username)).one().password_hash
        assert not session.scalars(select(AuditLog).filter_by(action="password_rehashed")).all()
    assert check_password(stored, "new-password-99")
    assert not check_password(stored, person.password)


def test_session_cookie_is_httponly_and_samesite(auth):
    person = PEOPLE["budget_unit"]
    response = auth.login(person.username, person.password)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("pib_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost


def test_session_cookie_is_secure_over_https(app, app_db):
    client = app.test_client()
    form = client.get("/login", base_url="https://localhost")
    from tests.helpers.web import csrf_from

    person = PEOPLE["budget_unit"]
    response = client.post(
        "/login", base_url="https://localhost",
        data={"username": person.username, "password": person.password, "csrf_token": csrf_from(form.data)},
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("pib_session="))
    assert "Secure" in cookie


def test_session_is_rotated_on_sign_in(app, app_db):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    AuthActions(client).login(PEOPLE["budget_unit"].username, PEOPLE["budget_unit"].password)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


@pytest.mark.parametrize("icon", ["/favicon.ico", "/_favicon.ico?v=4.4.1"])
def test_a_late_answer_for_the_sign_in_pages_icon_does_not_sign_the_person_out(app, app_db, icon):
    """The browser fetches the sign-in page's icon by itself, with the cookie of that moment; its
    answer may arrive after the sign-in's (seen in the browser tests: the next page met a 401)."""
    person = PEOPLE["mef_reviewer"]
    browser = app.test_client()
    browser.get("/login")
    before_sign_in = browser.get_cookie("pib_session").value
    assert AuthActions(browser).login(person.username, person.password).status_code == 302
    # The icon's request, sent before the sign-in with the cookie of then, answered now.
    late = app.test_client()
    late.set_cookie("pib_session", before_sign_in)
    answer = late.get(icon)
    assert answer.status_code == 200
    for header in answer.headers.getlist("Set-Cookie"):  # what the browser's cookie jar would do
        name, value = header.split(";", 1)[0].split("=", 1)
        browser.set_cookie(name, value)
    assert browser.get("/_dash-layout").status_code == 200
    assert browser.get("/api/v1/whoami").get_json()["username"] == person.username


def test_login_form_requires_its_csrf_token(app, app_db):
    client = app.test_client()
    client.get("/login")
    person = PEOPLE["budget_unit"]
    response = client.post("/login", data={"username": person.username, "password": person.password})
    assert response.status_code == 400
    assert b"The form expired" in response.data
    assert client.get("/").status_code == 302


def test_user_is_reloaded_from_the_database_on_every_request(client_as, app_db):
    client = client_as("mef_reviewer")
    assert client.get("/api/v1/whoami").get_json()["role"] == "mef_reviewer"
    with session_scope(app_db) as session:
        user = session.scalar(select(User).where(User.username == "reviewer"))
        user.role = "admin"
    assert client.get("/api/v1/whoami").get_json()["role"] == "admin"
    with session_scope(app_db) as session:
        session.scalar(select(User).where(User.username == "reviewer")).active = False
    assert client.get("/").status_code == 302  # a disabled user is signed out at once


def test_logout_ends_the_session_and_is_audited(client_as, app_db):
    client = client_as("director17")
    response = post_with_csrf(client, "/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert ("logout", "director17") in audit_actions(app_db)


def test_user_changes_are_audited(app_db):
    with session_scope(app_db) as session:
        entries = session.scalars(select(AuditLog).where(AuditLog.action == "user_created")).all()
        targets = {json.loads(e.detail)["target"] for e in entries}
    assert targets == {p.username for p in PEOPLE.values()}


def test_language_choice_is_kept_per_user(app, client_as, app_db):
    client = client_as("director07")
    response = post_with_csrf(client, "/lang/km", {"next": "/methodology"})
    assert response.headers["Location"] == "/methodology"
    with session_scope(app_db) as session:
        assert session.scalar(select(User.language).where(User.username == "director07")) == "km"
    # A new sign-in elsewhere comes back in Khmer.
    other = app.test_client()
    AuthActions(other).login(PEOPLE["director07"].username, PEOPLE["director07"].password)
    layout = other.get("/_dash-layout").get_data(as_text=True)
    assert "ទិដ្ឋភាពទូទៅ" in layout  # "Overview" in Khmer in the navigation
