"""The submission page's callbacks, posted as the renderer posts them (both databases).

A cell edit is a write: the callback builds the caller's scope on the server and the write
layer decides. A director cannot change another province's line through it (nor his own while
the draft is closed to provinces), a stale save is refused and the newer value sent back, an
amount that cannot be read changes nothing, and a submit refused for its reasons lists them.
"""

from __future__ import annotations

from sqlalchemy import text

from db import submissions as writes
from db.engine import get_engine, session_scope
from db.queries import submission as reads
from domain.access import Scope
from tests.helpers.web import callback_payload, dash_post
from tests.helpers.workbooks import exec_row, execution_xlsx, load_reference

YEAR = 2026  # the submission's year: the budget executed in 2025 is "this year"


def _budget_scope(url: str) -> Scope:
    with get_engine(url).connect() as conn:
        user_id = conn.execute(text("SELECT id FROM app_user WHERE username = 'budget'")).scalar_one()
    return Scope(user_id, "budget", "budget_unit")


def _prepare(url: str, tmp_path) -> int:
    """Reference data, 2025's execution for central MoSVY, Kampot (07) and Siem Reap (17), and
    the draft of 2026 opened by the budget unit."""
    from etl.load import load_file

    load_reference(url, tmp_path)
    rows = [exec_row(entity=entity, period="2025-06", activity=activity, revised=revised, paid=revised // 3)
            for entity, revised in (("00", 9_000_000), ("07", 4_000_000), ("17", 7_000_000))
            for activity in ("P1.1.1.1", "P2.1.1.1")]
    path = tmp_path / "execution-2025-06.xlsx"
    path.write_bytes(execution_xlsx(rows))
    assert load_file(path, url=url).status == "loaded"
    with session_scope(url) as session:
        return writes.open_submission(session, writes.Actor(_budget_scope(url)), YEAR).id


def _line(url: str, entity: str) -> dict:
    with get_engine(url).connect() as conn:
        row = conn.execute(text("SELECT id, request_y1, justification, row_version, updated_by FROM submission_line "
                                "WHERE entity_code = :e ORDER BY id LIMIT 1"), {"e": entity}).one()
    return dict(row._mapping)


def _dependency(client, output: str) -> dict:
    for dependency in client.get("/_dash-dependencies").get_json():
        if output in dependency["output"].strip(".").split("..."):
            return dependency
    raise AssertionError(f"no callback outputs {output}")


def _edit(client, line_id: int, row_version: object, value: object, column: str = "request_y1") -> dict:
    """A cell edited in the grid, as dash-ag-grid reports it (the row's data as the browser holds it)."""
    dependency = _dependency(client, "submission-grid.rowTransaction")
    change = {"rowIndex": 0, "rowId": str(line_id), "colId": column, "oldValue": 1, "newValue": value,
              "data": {"id": line_id, "row_version": row_version, column: value}, "timestamp": 1}
    answer = dash_post(client, callback_payload(dependency, {
        "submission-grid.cellValueChanged": [change], "submission-year.value": YEAR, "submission-saved.data": 0}))
    assert answer.status_code == 200, answer.data[:500]
    return answer.get_json()["response"]


def _items(component: object) -> list[dict]:
    """The list items of a rendered component (Dash's JSON of it), in order."""
    found, stack = [], [component]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict) and "props" in node:
            if node.get("type") == "Li":
                found.append(node)
            stack[:0] = [node["props"].get("children")]
    return found


def _message(response: dict) -> str:
    return str(response["submission-grid-message"]["children"])


def test_a_director_cannot_write_another_provinces_line_through_the_grid(client_as, app_db, tmp_path):
    submission_id = _prepare(app_db, tmp_path)
    director = client_as("director07")
    siem_reap, kampot = _line(app_db, "17"), _line(app_db, "07")

    # The director reads only Kampot's lines.
    view = dash_post(director, callback_payload(_dependency(director, "submission-grid.rowData"), {
        "submission-year.value": YEAR, "submission-changed.data": 0, "submission-viewport.data": 1366}))
    rows = view.get_json()["response"]["submission-grid"]["rowData"]
    assert rows and {r["entity"] for r in rows} == {"07"}
    assert not any(r["writable"] for r in rows)  # the draft is not open to provinces

    # Another province's line: refused, nothing changed, nothing of it sent back.
    answer = _edit(director, siem_reap["id"], siem_reap["row_version"], "5 m")
    assert "Not saved: your role may not change this line now." in _message(answer)
    assert "submission-grid" not in answer  # no row of Siem Reap comes back
    assert _line(app_db, "17") == siem_reap

    # His own line while the draft is closed to provinces: the write layer refuses it.
    answer = _edit(director, kampot["id"], kampot["row_version"], "5 m")
    assert "Not saved: your role may not change this line now." in _message(answer)
    assert _line(app_db, "07") == kampot

    with session_scope(app_db) as session:
        writes.set_open_to_provinces(session, writes.Actor(_budget_scope(app_db)), submission_id, True)
    answer = _edit(director, kampot["id"], kampot["row_version"], "5 m")
    assert "Saved: 07 Kampot · P1.1.1 · " in _message(answer), _message(answer)
    saved = _line(app_db, "07")
    assert (saved["request_y1"], saved["row_version"], saved["updated_by"]) == (5_000_000, 2, "director07")
    updated = answer["submission-grid"]["rowTransaction"]["update"]
    assert {r["entity"] for r in updated} == {"07"}
    assert next(r for r in updated if r["id"] == kampot["id"])["request_y1"] == 5_000_000
    # Open to provinces or not, Siem Reap's line stays out of his reach.
    answer = _edit(director, siem_reap["id"], siem_reap["row_version"], "5 m")
    assert "your role may not change this line" in _message(answer)
    assert _line(app_db, "17") == siem_reap

    with get_engine(app_db).connect() as conn:
        refused = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'forbidden' "
                                    "AND username = 'director07'")).scalars().all()
    assert sum("submission lines of 17" in d for d in refused) == 2
    assert sum("submission lines of 07" in d for d in refused) == 1


def test_a_stale_save_is_refused_and_the_newer_value_shown(client_as, app_db, tmp_path):
    _prepare(app_db, tmp_path)
    budget = client_as("budget_unit")
    line = _line(app_db, "00")

    first = _edit(budget, line["id"], line["row_version"], "1.2 bn")
    assert "Saved: 00 " in _message(first) and "= KHR 1.20 bn" in _message(first)
    assert _line(app_db, "00")["request_y1"] == 1_200_000_000

    # A second writer who read version 1 too: refused, told who changed it, shown the newer value.
    stale = _edit(budget, line["id"], line["row_version"], "7 m")
    assert "Not saved: changed by budget since you read it; the newer value is shown." in _message(stale)
    shown = next(r for r in stale["submission-grid"]["rowTransaction"]["update"] if r["id"] == line["id"])
    assert (shown["request_y1"], shown["row_version"]) == (1_200_000_000, 2)
    assert _line(app_db, "00")["request_y1"] == 1_200_000_000

    # With the version it now holds, the same writer saves; the justification is a cell too.
    again = _edit(budget, line["id"], 2, "Kept at last year's level while the registry is rebuilt.",
                  column="justification")
    assert "Saved: " in _message(again)
    assert _line(app_db, "00")["justification"] == "Kept at last year's level while the registry is rebuilt."


def test_an_amount_that_cannot_be_read_changes_nothing_and_says_so_in_the_users_language(client_as, app_db,
                                                                                          tmp_path):
    _prepare(app_db, tmp_path)
    budget = client_as("budget_unit")
    line = _line(app_db, "00")
    for typed, expected in (("abc", "“abc” cannot be read as an amount"), ("-5", "cannot be negative"),
                            ("1234.5", "whole riels")):
        answer = _edit(budget, line["id"], line["row_version"], typed)
        assert expected in _message(answer), _message(answer)
        restored = next(r for r in answer["submission-grid"]["rowTransaction"]["update"] if r["id"] == line["id"])
        assert restored["request_y1"] == line["request_y1"]
    assert _line(app_db, "00") == line
    # In Khmer, with Khmer digits and the Khmer way of grouping.
    post_with_lang = budget.post("/lang/km", data={"csrf_token": budget.get_cookie("_csrf_token").value})
    assert post_with_lang.status_code in (302, 303)
    answer = _edit(budget, line["id"], line["row_version"], "១.២០០.០០០")
    assert "បានរក្សាទុក" in _message(answer), _message(answer)
    assert _line(app_db, "00")["request_y1"] == 1_200_000
    answer = _edit(budget, line["id"], 2, "xyz")
    assert "មិនអាចអានជាចំនួនទឹកប្រាក់បានទេ" in _message(answer)


def test_a_refused_submit_lists_its_reasons_and_the_reviewer_cannot_submit(client_as, app_db, tmp_path):
    submission_id = _prepare(app_db, tmp_path)
    with get_engine(app_db).connect() as conn:
        reviewer_id = conn.execute(text("SELECT id FROM app_user WHERE username = 'reviewer'")).scalar_one()
    with session_scope(app_db) as session:  # MEF's ceiling, below what the draft asks
        writes.set_ceiling(session, writes.Actor(Scope(reviewer_id, "reviewer", "mef_reviewer")), YEAR, 1_000, {})
    budget = client_as("budget_unit")
    dependency = _dependency(budget, "submission-reasons.children")

    def click(client, button: str, **values):
        payload = callback_payload(dependency, {f"{button}.n_clicks": 1, "submission-year.value": YEAR,
                                                "submission-changed.data": 0, **values})
        payload["changedPropIds"] = [f"{button}.n_clicks"]
        answer = dash_post(client, payload)
        assert answer.status_code == 200, answer.data[:500]
        return answer.get_json()["response"]

    reviewer = click(client_as("mef_reviewer"), "submission-action-submit")
    assert "Your role does not allow this." in str(reviewer["submission-act-message"]["children"])

    answer = click(budget, "submission-action-submit")
    with session_scope(app_db) as session:
        expected = writes.blocking_reasons(session, reads.get(session, _budget_scope(app_db), submission_id))
    assert expected[-1]["code"] == "above_ceiling_without_justification"
    assert f"Not sent: {len(expected)} reason(s) below must be resolved first." in \
        str(answer["submission-act-message"]["children"])
    items = _items(answer["submission-reasons"]["children"])
    assert len(items) == len(expected)
    assert "is above MEF's ceiling (KHR 1,000) without a justification" in str(items[0])

    # The justification, then the submit again: version 1 goes to MEF.
    click(budget, "submission-ceiling-save",
          **{"submission-ceiling-text.value": "Social land concessions add 4,000 households this year."})
    answer = click(budget, "submission-action-submit")
    assert "Sent to MEF as version 1." in str(answer["submission-act-message"]["children"]), answer
    with get_engine(app_db).connect() as conn:
        assert conn.execute(text("SELECT status, version FROM submission")).one() == ("submitted", 1)
    # Submitted, nothing may change: a cell edit says why.
    line = _line(app_db, "00")
    assert "Not possible now: the submission is “Submitted to MEF”." in _message(
        _edit(budget, line["id"], line["row_version"], "2 m"))

    # MEF returns it: not without a comment.
    reviewer = client_as("mef_reviewer")
    answer = click(reviewer, "submission-action-return", **{"submission-comment.value": "  "})
    assert "Returning the submission needs a comment." in str(answer["submission-act-message"]["children"])
    answer = click(reviewer, "submission-action-return",
                   **{"submission-comment.value": "Central MoSVY's wages: last year's level, please."})
    assert "Returned to the ministry with your comment." in str(answer["submission-act-message"]["children"])
    assert answer["submission-comment"]["value"] == ""

    # The budget unit reads MEF's words and, after a change, what changed since version 1.
    view = dash_post(budget, callback_payload(_dependency(budget, "submission-grid.rowData"), {
        "submission-year.value": YEAR, "submission-changed.data": 1, "submission-viewport.data": 1366}))
    response = view.get_json()["response"]
    assert "Central MoSVY's wages: last year's level, please." in str(response["submission-return-comment"])
    assert response["submission-diff-version"]["value"] == 1
    assert "Saved: " in _message(_edit(budget, line["id"], line["row_version"], "2 m"))
    diff = dash_post(budget, callback_payload(_dependency(budget, "submission-diff.children"), {
        "submission-diff-version.value": 1, "submission-year.value": YEAR}))
    shown = str(diff.get_json()["response"]["submission-diff"]["children"])
    assert "00 Central MoSVY · P1.1.1 · " in shown and "KHR 2.00 m" in shown
    assert "KHR 9.00 m" in shown  # before → after
