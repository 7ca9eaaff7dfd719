"""The users page's callbacks refuse every role but the administrator, whatever is posted."""

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditLog, User
from tests.helpers.web import callback_payload, dash_post, find_dependency

NEW_USER = {
    "users-create.n_clicks": 1,
    "users-new-name.value": "planted",
    "users-new-full.value": "Planted Admin",
    "users-new-role.value": "admin",
    "users-new-province.value": None,
    "users-new-password.value": "planted-pass-1",
}


def _users(url: str) -> set[str]:
    with session_scope(url) as session:
        return set(session.scalars(select(User.username)))


@pytest.mark.parametrize("key", ["budget_unit", "mef_reviewer", "director07"])
def test_other_roles_cannot_create_users_or_read_the_list(client_as, app_db, key):
    client = client_as(key)
    before = _users(app_db)
    create = find_dependency(client, "users-refresh")
    answer = dash_post(client, callback_payload(create, NEW_USER))
    assert answer.status_code == 200
    message = answer.get_json()["response"]["users-message"]["children"]
    assert message == "Your role does not allow you to open this page."
    assert _users(app_db) == before
    listing = dash_post(client, callback_payload(find_dependency(client, "users-grid"),
                                                 {"users-refresh.data": 1}))
    assert listing.get_json()["response"]["users-grid"]["rowData"] == []
    with session_scope(app_db) as session:
        refusals = session.scalars(select(AuditLog.detail).where(AuditLog.action == "forbidden")).all()
    assert any('"users"' in detail for detail in refusals)


def test_administrator_creates_a_user_through_the_callback(client_as, app_db):
    client = client_as("admin")
    answer = dash_post(client, callback_payload(find_dependency(client, "users-refresh"), NEW_USER))
    assert answer.status_code == 200
    assert "User planted created." in answer.get_data(as_text=True)
    assert "planted" in _users(app_db)
    listing = dash_post(client, callback_payload(find_dependency(client, "users-grid"),
                                                 {"users-refresh.data": 1}))
    rows = listing.get_json()["response"]["users-grid"]["rowData"]
    assert {r["username"] for r in rows} == {"admin", "budget", "reviewer", "director07",
                                              "director17", "planted"}
    assert all("password" not in str(r) for r in rows)


def test_administrator_downloads_the_user_list_without_password_hashes(client_as):
    import base64

    client = client_as("admin")
    payload = callback_payload(find_dependency(client, "users-download"), {"users-csv.n_clicks": 1})
    payload["changedPropIds"] = ["users-csv.n_clicks"]  # the CSV button was the one clicked
    answer = dash_post(client, payload)
    download = answer.get_json()["response"]["users-download"]["data"]
    text = base64.b64decode(download["content"]).decode("utf-8-sig")
    assert download["filename"] == "users.csv"
    assert "director07" in text and "argon2" not in text and "password" not in text
    refused = dash_post(client_as("budget_unit"), payload)
    assert "director07" not in refused.get_data(as_text=True), refused.get_data(as_text=True)[:300]


def test_a_refused_user_change_is_explained_in_the_administrators_language(client_as, app_db):
    from tests.helpers.web import post_with_csrf

    client = client_as("admin")
    post_with_csrf(client, "/lang/km", {"next": "/users"})
    create = find_dependency(client, "users-refresh")
    for changes, khmer in (({"users-new-password.value": "short"}, "ពាក្យសម្ងាត់ត្រូវមានយ៉ាងហោចណាស់ 8 តួអក្សរ"),
                           ({"users-new-name.value": "budget"}, "មានអ្នកប្រើឈ្មោះ 'budget' រួចហើយ"),
                           ({"users-new-name.value": "two words"},
                            "ឈ្មោះអ្នកប្រើត្រូវមានពី 1 ដល់ 80 តួអក្សរ ដោយគ្មានដកឃ្លា")):
        answer = dash_post(client, callback_payload(create, NEW_USER | changes))
        assert answer.get_json()["response"]["users-message"]["children"] == khmer
    assert "planted" not in _users(app_db)


def test_every_refusal_of_a_user_change_has_a_label():
    # A refusal without an i18n key is shown as its English sentence, whatever the language.
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "auth" / "users.py").read_text(encoding="utf-8")
    calls = re.findall(r"raise UserError\((.*?)\)\n", source, flags=re.S)
    unlabelled = [call for call in calls if not re.search(r"""["']users\.[a-z_]+["']|problem\[0\]""", call)]
    # set_language is handed a language the switch has already checked: no person sees it.
    assert unlabelled == ["f\"unknown language {language!r}\""]
