"""Explanations of deviations through the pages' callbacks, on SQLite and PostgreSQL: a director
explains his province's deviations on the scorecard and never writes nor reads another's, MEF's
oversight comment shows, the budget unit explains the national ones on the programmes page, the
provinces page counts what is due, a stale edit and bad input store nothing, and a script in a
reason is text on the page and on the printed sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from db import review as writes
from db.engine import get_engine, session_scope
from db.submissions import Actor
from domain.access import Scope
from etl.load import load_file
from tests.helpers.database import table_counts
from tests.helpers.web import dash_post, post_with_csrf
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

PERIOD = "2025-09"
REASON = "Payments stopped for two months when the provider changed."
ACTION = "Arrears paid in October; monthly reconciliation with the provider."


def _load(url: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]


@pytest.fixture
def deviations_db(app_db: str, tmp_path: Path) -> str:
    """September 2025 in three provinces, with hand-worked statuses (on track from 95 % of the
    target, watch from 75 %, off track below):

    Kampot (07): FP_PW 100 of 200 (50 %, off track), FP_PWD 85 of 100 (85 %, watch), DIS_ID 100
    of 100 (on track): 2 deviations. Kep (08): FP_PW 60 of 100 (off track), FP_PWD 100 of 100:
    1 deviation. Siem Reap (17): FP_PW 98 of 100, FP_PWD 99 of 100: none. National (the sum):
    FP_PW 258 of 400 (64.5 %, off track), FP_PWD 284 of 300 (94.7 %, watch), DIS_ID 100 of 100: 2.
    """
    load_reference(app_db, tmp_path)
    _load(app_db, tmp_path, "exec.xlsx", execution_xlsx([
        exec_row(entity, PERIOD, revised=1_000_000, paid=600_000, committed=700_000) for entity in ("07", "08", "17")]))
    rows = [("07", "FP_PW", 200, 100), ("07", "FP_PWD", 100, 85), ("07", "DIS_ID", 100, 100),
            ("08", "FP_PW", 100, 60), ("08", "FP_PWD", 100, 100), ("17", "FP_PW", 100, 98), ("17", "FP_PWD", 100, 99)]
    _load(app_db, tmp_path, "ind.xlsx", indicators_xlsx([[2025, PERIOD, unit, code, None, target, actual]
                                                          for unit, code, target, actual in rows]))
    return app_db


# --- posting the callbacks as the renderer does -------------------------------------------------------


def _dependency(client, output_id: str) -> dict:
    """The callback that outputs ``output_id``: a component's id, or a card's kind (``explain-message``)."""
    for dependency in client.get("/_dash-dependencies").get_json():
        if f"{output_id}." in dependency["output"] or f'"type":"{output_id}"' in dependency["output"]:
            return dependency
    raise AssertionError(f"no callback outputs {output_id}")


def _post(client, output_id: str, inputs: list, state: list, outputs: list) -> dict:
    dependency = _dependency(client, output_id)
    body = {"output": dependency["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": inputs, "state": state,
            "changedPropIds": [f"{_key(inputs[0]['id'])}.{inputs[0]['property']}"]}
    answer = dash_post(client, body)
    assert answer.status_code == 200, answer.data[:500]
    return answer.get_json()["response"]


def _key(component_id) -> str:
    return component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True,
                                                                          separators=(",", ":"))


def _spec(component_id, prop: str, value=None) -> dict:
    return {"id": component_id, "property": prop, "value": value}


def scorecard_panel(client, code: str, period: str = PERIOD) -> object:
    """The scorecard's explanations panel for ``code`` at ``period``."""
    response = _post(client, "scorecard-explanations",
                     [_spec("scorecard-year", "value", int(period[:4])), _spec("scorecard-period", "value", period)],
                     [_spec("scorecard-code", "data", code)],
                     [{"id": "scorecard-explanations", "property": "children"}])
    return response["scorecard-explanations"]["children"]


def programmes_panel(client, period: str = PERIOD) -> object:
    response = _post(client, "programmes-explanations",
                     [_spec("programmes-year", "value", int(period[:4])), _spec("programmes-period", "value", period)],
                     [], [{"id": "programmes-explanations", "property": "children"}])
    return response["programmes-explanations"]["children"]


def save_reason(client, key: str, reason: object, action: object, version: object = 0) -> dict:
    """The director's (or budget unit's) Save on the card ``key`` (``period/unit/indicator``)."""
    ids = {f"explain-{part}": {"type": f"explain-{part}", "item": key}
           for part in ("save", "summary", "reason", "action", "version", "message", "view")}
    response = _post(client, "explain-message", [_spec(ids["explain-save"], "n_clicks", 1)],
                     [_spec(ids["explain-reason"], "value", reason), _spec(ids["explain-action"], "value", action),
                      _spec(ids["explain-version"], "data", version),
                      _spec(ids["explain-save"], "id", ids["explain-save"])],
                     [{"id": ids["explain-message"], "property": "children"},
                      {"id": ids["explain-view"], "property": "children"},
                      {"id": ids["explain-version"], "property": "data"},
                      {"id": ids["explain-summary"], "property": "children"}])
    return {"message": _text(response[_key(ids["explain-message"])]["children"]),
            "view": response.get(_key(ids["explain-view"]), {}).get("children"),
            "version": response.get(_key(ids["explain-version"]), {}).get("data"),
            "summary": response.get(_key(ids["explain-summary"]), {}).get("children")}


def save_oversight(client, key: str, comment: object, version: object = 0) -> dict:
    """MEF's Save of its oversight comment on the card ``key``."""
    ids = {f"oversight-{part}": {"type": f"oversight-{part}", "item": key}
           for part in ("save", "summary", "text", "version", "message", "view")}
    response = _post(client, "oversight-message", [_spec(ids["oversight-save"], "n_clicks", 1)],
                     [_spec(ids["oversight-text"], "value", comment), _spec(ids["oversight-version"], "data", version),
                      _spec(ids["oversight-save"], "id", ids["oversight-save"])],
                     [{"id": ids["oversight-message"], "property": "children"},
                      {"id": ids["oversight-view"], "property": "children"},
                      {"id": ids["oversight-version"], "property": "data"},
                      {"id": ids["oversight-summary"], "property": "children"}])
    return {"message": _text(response[_key(ids["oversight-message"])]["children"]),
            "view": response.get(_key(ids["oversight-view"]), {}).get("children"),
            "version": response.get(_key(ids["oversight-version"]), {}).get("data"),
            "summary": response.get(_key(ids["oversight-summary"]), {}).get("children")}


def _text(component: object) -> str:
    """Every text of a rendered component (Dash's JSON of it), in order, joined by spaces."""
    out, stack = [], [component]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict) and "props" in node:
            stack[:0] = [node["props"].get("children")]
        elif isinstance(node, str | int | float) and not isinstance(node, bool):
            out.append(str(node))
    return " ".join(out)


def _cards(panel: object) -> dict[str, dict]:
    """The panel's cards by their element id."""
    found, stack = {}, [panel]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and "props" in node:
            if node.get("type") == "Article":
                found[node["props"]["id"]] = node
            stack.append(node["props"].get("children"))
    return found


def _components(node: object, kind: str) -> list[dict]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "props" in item:
            if item.get("type") == kind:
                found.append(item)
            stack.append(item["props"].get("children"))
    return found


def _explanations(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT unit_code, indicator_code, reason, action, written_by, oversight, oversight_by, row_version "
            "FROM explanation ORDER BY unit_code, indicator_code"))]


def _stored(url: str) -> dict[str, int]:
    """Rows per table but the audit log (which records sign-ins and refused requests)."""
    return {table: rows for table, rows in table_counts(url).items() if table != "audit_log"}


def _explain_as_kep(url: str) -> None:
    """Kep's director (no account in the tests' people) explains Kep's deviation."""
    with session_scope(url) as session:
        writes.explain(session, Actor(Scope(0, "director08", "provincial_director", "08")), {
            "year": 2025, "period": PERIOD, "unit": "08", "indicator": "FP_PW",
            "reason": "Kep's secret reason", "action": "Kep's own plan"})


def provinces_view(client, period: str = PERIOD) -> tuple[dict[str, int], str]:
    """The provinces grid's explanations due per province, and the note above the grid."""
    response = _post(client, "provinces-grid",
                     [_spec("provinces-year", "value", 2025), _spec("provinces-period", "value", period),
                      _spec("provinces-metric", "value", "execution_rate")], [],
                     [{"id": "provinces-map", "property": "children"}, {"id": "provinces-grid", "property": "rowData"},
                      {"id": "provinces-message", "property": "children"},
                      {"id": "provinces-due-note", "property": "children"}])
    due = {r["code"]: r["explanations_due"] for r in response["provinces-grid"]["rowData"]}
    return due, _text(response["provinces-due-note"]["children"])


# --- the tests -------------------------------------------------------------------------------------------


def test_a_director_explains_his_provinces_deviation_and_it_shows(deviations_db, client_as):
    director = client_as("director07")
    cards = _cards(scorecard_panel(director, "07"))
    # Kampot's two deviations, each due; the indicator on track has no card.
    assert set(cards) == {"explain-card-07-FP_PW", "explain-card-07-FP_PWD"}
    assert all("Explanation due" in _text(card) for card in cards.values())
    assert "Off track" in _text(cards["explain-card-07-FP_PW"]) and "achievement 50 %" in _text(
        cards["explain-card-07-FP_PW"])
    assert len(_components(cards["explain-card-07-FP_PW"], "Textarea")) == 2  # his form: reason and action

    saved = save_reason(director, f"{PERIOD}/07/FP_PW", REASON, ACTION)
    assert saved["message"] == "Saved." and saved["version"] == 1 and saved["summary"] == "Edit the explanation"
    assert REASON in _text(saved["view"]) and ACTION in _text(saved["view"])
    assert _explanations(deviations_db) == [("07", "FP_PW", REASON, ACTION, "director07", "", "", 1)]

    # Opened again: the reason, the action, who wrote it; the other deviation still due.
    cards = _cards(scorecard_panel(director, "07"))
    shown = _text(cards["explain-card-07-FP_PW"])
    assert REASON in shown and ACTION in shown and "Written by director07" in shown
    assert "Explanation due" not in shown and "Explanation due" in _text(cards["explain-card-07-FP_PWD"])
    # He edits it with the version he read: saved as version 2.
    again = save_reason(director, f"{PERIOD}/07/FP_PW", REASON, "Reconciled every month from now on.", 1)
    assert again["message"] == "Saved." and again["version"] == 2
    # The budget unit reads it on Kampot's scorecard, without a form (it is the province's to write).
    budget_card = _cards(scorecard_panel(client_as("budget_unit"), "07"))["explain-card-07-FP_PW"]
    assert "Reconciled every month from now on." in _text(budget_card)
    assert _components(budget_card, "Textarea") == []


def test_a_director_neither_writes_nor_reads_another_provinces_explanations(deviations_db, client_as):
    _explain_as_kep(deviations_db)
    director = client_as("director07")
    before = _stored(deviations_db)
    # Kep's card key, sent by hand: the write refuses it, in words; nothing stored.
    refused = save_reason(director, f"{PERIOD}/08/FP_PW", "Not mine to write", "None")
    assert refused["message"] == "Not saved: your role may not write this explanation."
    assert refused["view"] is None
    refused = save_oversight(director, f"{PERIOD}/08/FP_PW", "Nor this")
    assert refused["message"] == "Not saved: your role may not write this explanation."
    # Nor the national ones (the budget unit's).
    assert save_reason(director, f"{PERIOD}/00/FP_PW", "National", "None")["message"] == \
        "Not saved: your role may not write this explanation."
    assert _stored(deviations_db) == before
    assert [row[:3] for row in _explanations(deviations_db)] == [("08", "FP_PW", "Kep's secret reason")]
    # Kep's scorecard is refused; his own shows nothing of Kep's.
    assert scorecard_panel(director, "08") == "Your role does not allow you to open this page."
    assert "Kep's" not in json.dumps(scorecard_panel(director, "07"))
    with get_engine(deviations_db).connect() as conn:
        refusals = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'forbidden' "
                                     "AND username = 'director07'")).scalar_one()
    assert refusals == 3  # each refused write is in the audit log


def test_mefs_oversight_comment_shows_to_the_director(deviations_db, client_as):
    director, reviewer = client_as("director07"), client_as("mef_reviewer")
    save_reason(director, f"{PERIOD}/07/FP_PW", REASON, ACTION)
    card = _cards(scorecard_panel(reviewer, "07"))["explain-card-07-FP_PW"]
    assert [t["props"]["id"]["type"] for t in _components(card, "Textarea")] == ["oversight-text"]
    saved = save_oversight(reviewer, f"{PERIOD}/07/FP_PW", "Ask for the reconciliation report.", 1)
    assert saved["message"] == "Saved." and saved["version"] == 2
    shown = _text(_cards(scorecard_panel(director, "07"))["explain-card-07-FP_PW"])
    assert "MEF oversight comment" in shown and "Ask for the reconciliation report." in shown
    assert "Written by reviewer" in shown and REASON in shown
    # MEF writes no reason: refused, nothing changed.
    before = _explanations(deviations_db)
    refused = save_reason(reviewer, f"{PERIOD}/07/FP_PWD", "MEF's reason", "MEF's action")
    assert refused["message"] == "Not saved: your role may not write this explanation."
    assert _explanations(deviations_db) == before


def test_a_stale_edit_is_refused_in_words_and_the_newer_text_shown(deviations_db, client_as):
    director, reviewer = client_as("director07"), client_as("mef_reviewer")
    # Both open the card while nothing is written (version 0); MEF saves first.
    assert save_oversight(reviewer, f"{PERIOD}/07/FP_PWD", "Why are registrations behind?", 0)["version"] == 1
    before = _explanations(deviations_db)
    stale = save_reason(director, f"{PERIOD}/07/FP_PWD", REASON, ACTION, 0)
    assert stale["message"].startswith("Not saved: reviewer changed this explanation since you opened it.")
    assert "Why are registrations behind?" in _text(stale["view"]) and stale["version"] == 1
    assert _explanations(deviations_db) == before
    # Saved again with the version now shown: it goes through.
    assert save_reason(director, f"{PERIOD}/07/FP_PWD", REASON, ACTION, stale["version"])["message"] == "Saved."


def test_the_budget_unit_explains_national_deviations_on_the_programmes_page(deviations_db, client_as):
    budget = client_as("budget_unit")
    cards = _cards(programmes_panel(budget))
    assert set(cards) == {"explain-card-00-FP_PW", "explain-card-00-FP_PWD"}
    assert save_reason(budget, f"{PERIOD}/00/FP_PW", "Kampot and Kep paid late.", "Monthly follow-up.")["message"] \
        == "Saved."
    assert _explanations(deviations_db)[0][:5] == ("00", "FP_PW", "Kampot and Kep paid late.",
                                                   "Monthly follow-up.", "budget")
    # The director reads it (every province has reported September), without a form.
    card = _cards(programmes_panel(client_as("director07")))["explain-card-00-FP_PW"]
    assert "Kampot and Kep paid late." in _text(card) and _components(card, "Textarea") == []


def test_the_provinces_page_counts_explanations_due_and_one_less_after_one_is_written(deviations_db, client_as,
                                                                                      tmp_path):
    budget = client_as("budget_unit")
    due, note = provinces_view(budget)
    assert {code: n for code, n in due.items() if n} == {"07": 2, "08": 1}
    assert due["17"] == 0
    assert "Explanations due at 2025-09: 3 in 2 province(s)." in note
    assert "National deviations to explain: 2" in note
    save_reason(client_as("director07"), f"{PERIOD}/07/FP_PWD", REASON, ACTION)
    due, note = provinces_view(budget)
    assert {code: n for code, n in due.items() if n} == {"07": 1, "08": 1}
    assert "3 in 2" not in note and "Explanations due at 2025-09: 2 in 2 province(s)." in note
    # MEF's comment alone explains nothing: the count stays.
    save_oversight(client_as("mef_reviewer"), f"{PERIOD}/08/FP_PW", "Kep: please explain.")
    assert provinces_view(budget)[0]["08"] == 1
    # Kep's corrected figures put it on track: nothing is due from it any more, at once.
    corrected = indicators_xlsx([[2025, PERIOD, "08", "FP_PW", None, 100, 97]])
    _load(deviations_db, tmp_path, "kep-corrected.xlsx", corrected)
    due, note = provinces_view(budget)
    assert {code: n for code, n in due.items() if n} == {"07": 1}
    assert "Explanations due at 2025-09: 1 in 1 province(s)." in note


def test_bad_input_is_refused_in_the_users_language_and_stores_nothing(deviations_db, client_as):
    director, reviewer = client_as("director07"), client_as("mef_reviewer")  # signed in first: sign-ins are audited
    key = f"{PERIOD}/07/FP_PW"
    before = table_counts(deviations_db)
    cases = [
        (("", ACTION), "Not saved: write the reason for the deviation."),
        (("   \n ", ACTION), "Not saved: write the reason for the deviation."),
        ((REASON, None), "Not saved: write the corrective action."),
        (("x" * 20_000, ACTION),
         "Not saved: the reason for the deviation has 20,000 characters; at most 4,000 are kept."),
        ((REASON, "a" * 4_001), "Not saved: the corrective action has 4,001 characters; at most 4,000 are kept."),
        (("Nul \x00 byte", ACTION), "Not saved: the reason for the deviation holds characters that cannot be stored."),
        ((["a list"], ACTION), "Not saved: write the reason for the deviation."),
    ]
    for (reason, action), message in cases:
        assert save_reason(director, key, reason, action)["message"] == message
    # An indicator on track has nothing to explain; a key no card has is refused.
    assert save_reason(director, f"{PERIOD}/07/DIS_ID", REASON, ACTION)["message"] == \
        "Not saved: this indicator is not on watch or off track at 2025-09."
    for crafted in ("2025-09/07/FP_PW/x", "../07/FP_PW", "2025-09/7/FP_PW", 42):
        answer = save_reason(director, crafted, REASON, ACTION)
        assert answer["message"] == "Not saved: your role may not write this explanation.", crafted
    assert save_oversight(reviewer, key, " ")["message"] == "Not saved: write the oversight comment."
    assert table_counts(deviations_db) == before
    # In Khmer, the same refusal in Khmer.
    post_with_csrf(director, "/lang/km", {"next": "/"})
    assert save_reason(director, key, "", ACTION)["message"] == "មិនបានរក្សាទុក៖ សូមសរសេរមូលហេតុនៃគម្លាត។"
    assert table_counts(deviations_db) == before


def test_a_script_in_a_reason_is_shown_as_text_on_the_page_and_the_sheet(deviations_db, client_as):
    director = client_as("director07")
    script = '<script>alert("x")</script><b>bold</b> & <img src=x onerror=alert(1)>'
    saved = save_reason(director, f"{PERIOD}/07/FP_PW", script, ACTION)
    assert saved["message"] == "Saved."
    panel = scorecard_panel(director, "07")
    # The reason is the text child of a paragraph: React writes it as text, never as markup.
    reasons = [p for p in _components(panel, "P") if "explain-reason" in p["props"].get("className", "")]
    assert [p["props"]["children"] for p in reasons] == [script]
    assert "dangerously_allow_html" not in json.dumps(panel) and "Markdown" not in json.dumps(panel)
    sheet = director.get(f"/scorecard/07/print?year=2025&period={PERIOD}").get_data(as_text=True)
    assert "<script>alert" not in sheet and "<img src=x" not in sheet
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x" in sheet


def test_the_printed_sheet_lists_explanations_and_those_due_in_both_languages(deviations_db, client_as):
    save_reason(client_as("director07"), f"{PERIOD}/07/FP_PW", REASON, ACTION)
    save_oversight(client_as("mef_reviewer"), f"{PERIOD}/07/FP_PW", "Ask for the reconciliation report.", 1)
    sheet = client_as("budget_unit").get(f"/scorecard/07/print?year=2025&period={PERIOD}").get_data(as_text=True)
    section = sheet[sheet.index('id="sheet-explanations"'):]
    for words in ("Explanations of deviations", "ការពន្យល់អំពីគម្លាត", "Reason for the deviation", "មូលហេតុនៃគម្លាត",
                  "Corrective action", "វិធានការកែតម្រូវ", "MEF oversight comment", REASON, ACTION,
                  "Ask for the reconciliation report.", "— director07,", "— reviewer,"):
        assert words in section, words
    # The deviation still due is named in one line, in both languages.
    due = section[section.index('id="sheet-explanations-due"'):]
    assert "Explanation due for 1 indicator(s):" in due and "សូចនាករ 1 ត្រូវការការពន្យល់" in due
    assert "Persons with disabilities receiving cash transfers" in due.split("</p>")[0]
    # Siem Reap has no deviation: the section says so.
    quiet = client_as("budget_unit").get(f"/scorecard/17/print?year=2025&period={PERIOD}").get_data(as_text=True)
    assert "No indicator on watch or off track at this period." in quiet
