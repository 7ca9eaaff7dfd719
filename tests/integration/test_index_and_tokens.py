"""What one user's pages carry for another, and API tokens."""

import subprocess
import sys


def test_index_html_holds_nothing_computed_for_another_user(app, client_as):
    first = client_as("director07")
    assert "Test director07" in first.get("/_dash-layout").get_data(as_text=True)
    first_index = first.get("/").get_data(as_text=True)

    second = client_as("budget_unit")
    index = second.get("/").get_data(as_text=True)
    layout = second.get("/_dash-layout").get_data(as_text=True)
    for leaked in ("director07", "Test director07", "Kampot"):
        assert leaked not in index
        assert leaked not in layout
    # The index is the same frame for everyone: no user's data is baked into it.
    assert "Test budget" not in index and "Test director07" not in first_index


def _cli(args, url, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "auth", *args], input=stdin, capture_output=True, text=True,
        env={"PIB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=60,
    )


def test_token_identifies_its_user_and_stops_when_revoked(app, app_db):
    made = _cli(["create-token", "director07"], app_db)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    client = app.test_client()
    answer = client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.get_json() == {
        "username": "director07", "role": "provincial_director", "province": "07",
        "provinces": ["07"], "reads_data": True,
    }
    # A token opens the API, not the pages or the callbacks.
    assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    assert client.get("/_dash-layout", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _cli(["revoke-tokens", "director07"], app_db).returncode == 0
    assert client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get("/api/v1/whoami", headers={"Authorization": "Bearer pib_forged"}).status_code == 401


def test_token_is_stored_hashed(app_db):
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import ApiToken

    token = _cli(["create-token", "budget"], app_db).stdout.strip()
    with session_scope(app_db) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_create_user_command_reads_the_password_from_stdin(app, app_db):
    made = _cli(["create-user", "director12", "--role", "provincial_director", "--province", "12"],
                app_db, stdin="phnom-penh-pass\n")
    assert made.returncode == 0, made.stderr
    assert "created director12 (provincial_director 12)" in made.stdout
    from tests.helpers.web import AuthActions

    client = app.test_client()
    assert AuthActions(client).login("director12", "phnom-penh-pass").status_code == 302
    assert client.get("/api/v1/whoami").get_json()["provinces"] == ["12"]


def test_create_user_command_refuses_bad_input(app_db):
    cases = [
        (["create-user", "d", "--role", "provincial_director"], "needs --province"),
        (["create-user", "d", "--role", "provincial_director", "--province", "99"], "unknown province"),
        (["create-user", "d", "--role", "budget_unit", "--province", "07"], "only a provincial director"),
        (["create-user", "budget", "--role", "budget_unit"], "exists already"),
        (["create-user", "short", "--role", "budget_unit"], "at least 8 characters"),
    ]
    for args, message in cases:
        result = _cli(args, app_db, stdin="x" * (3 if args[1] == "short" else 12) + "\n")
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)
    usage = _cli(["create-user", "d", "--role", "king"], app_db, stdin="long-enough-1\n")
    assert usage.returncode == 2
