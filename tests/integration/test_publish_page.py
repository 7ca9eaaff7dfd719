"""Publishing a period from the Data page (both databases): the preview says what becomes public
(counts of the rows /open would serve and the national totals, worked out by hand below), the
confirm publishes through the write layer and /open serves the period at once; a withdrawal
removes it at once; a director or MEF calling the same callbacks is refused and nothing is stored.

The figures of June 2025 (``open_db``: May and June for Kampot 07 and central MoSVY 00, May only
for Siem Reap 17, whose June figures are therefore "as of May"):

- budget rows: 00 and the provinces 07 and 17, so 1 central row and 2 province rows;
- national revised = 00's 50,000,000 + 07's 1,000,000 + 250,000 + 17's 900,000,000 (May)
  = 951,250,000; paid = 25,000,000 + 550,123 + 50,000 + 777,777,001 = 803,377,124;
  execution rate = 803,377,124 / 951,250,000 = 84.455… % → "84.5 %";
- indicators of Q2: FP_PW (communes of 07 and 17, summed), PAY_DAYS (07 and 17) and the coverage
  FP_PW_COV (FP_PW ÷ FP_PW_ELIG, no data: no eligible count is loaded), each for 07, 17 and the
  nation: 6 province rows of 2 provinces and 3 national rows; national FP_PW = (95 + 55 + 4,321)
  / (100 + 100 + 5,000) = 86 % → watch; national PAY_DAYS = mean 30 days for a target of 30
  (fewer is better) = 100 % → on track; the row without data is not counted (as /open counts):
  "1 of 2 indicators on track".
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import AuditLog, Publication
from tests.helpers.cycle import post_json
from tests.helpers.web import callback_payload, dash_post, find_dependency, post_with_csrf
from tests.integration.test_open_data import no_rate_limit, open_db  # noqa: F401 - fixtures

JUNE = "2025-06"
QUERY = f"year=2025&period={JUNE}"


def _text(response: object) -> str:
    return json.dumps(response, ensure_ascii=False)


def _answer(client, payload: dict) -> dict:
    answer = dash_post(client, payload)
    assert answer.status_code in (200, 204), answer.data[:500]
    return answer.get_json()["response"] if answer.status_code == 200 else {}


def _click(client, action: str, period: str = JUNE) -> dict:
    """A click on the Publish… or Withdraw… button of ``period``'s row, as the renderer posts it."""
    dependency = find_dependency(client, "publish-question")
    button = {"action": action, "period": period, "type": "publish-action"}
    other = {"action": "publish", "period": "2025-05", "type": "publish-action"}
    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
               for part in dependency["output"].strip(".").split("...")]
    return _answer(client, {
        "output": dependency["output"], "outputs": outputs,
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1},
                    {"id": other, "property": "n_clicks", "value": 0}]],
        "state": [],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    })


def _confirm(client, pending: dict | None, trigger: str = "publish-confirm.n_clicks") -> dict:
    payload = callback_payload(find_dependency(client, "publish-done"), {
        "publish-confirm.n_clicks": 1, "publish-cancel.n_clicks": 1, "publish-pending.data": pending,
        "publish-done.data": 0})
    payload["changedPropIds"] = [trigger]
    return _answer(client, payload)


def _listing(client, year: int | None = None) -> str:
    return _text(_answer(client, callback_payload(find_dependency(client, "publish-list"), {
        "data-loaded.data": 0, "publish-done.data": 0, "publish-year.value": year})))


def _published(url: str) -> list[tuple[int, str]]:
    with session_scope(url) as session:
        return [(p.fiscal_year, p.period) for p in session.scalars(select(Publication))]


def _audited(url: str, action: str) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


def test_the_preview_shows_what_becomes_public_and_stores_nothing(app, open_db, client_as):  # noqa: F811
    budget = client_as("budget_unit")
    listing = _listing(budget)
    assert "publish-row-2025-06" in listing and "publish-row-2025-05" in listing
    assert "June 2025 (Q2)" in listing and "Not published" in listing and "Published on" not in listing

    asked = _click(budget, "publish")
    preview = _text(asked["publish-question"])
    assert "Publishing June 2025 (Q2) makes this public" in preview
    rows = {cells[0]: cells[1] for cells in _table_rows(asked["publish-question"])}
    assert rows == {
        "Budget rows of central MoSVY": "1",
        "Budget rows of the capital and provinces": "2",
        "National revised budget": "KHR 951,250,000 (KHR 951.2 m)",
        "National paid": "KHR 803,377,124 (KHR 803.4 m)",
        "National execution rate": "84.5 %",
        "Indicator rows, national": "3",
        "Indicator rows of the capital and provinces (2 of 25)": "6",
        "National indicators": "1 of 2 indicators on track",
    }
    assert "never published" in preview.lower() and "070101" not in preview  # no commune, ever
    assert _buttons(asked["publish-question"]) == ["Publish June 2025 (Q2)", "Cancel"]
    assert asked["publish-pending"]["data"] == {"action": "publish", "period": JUNE}
    # A preview is not a publication: nothing stored, nothing public.
    assert _published(open_db) == []
    assert app.test_client().get(f"/open/api/budget?{QUERY}").status_code == 404
    # Cancel: the question goes, nothing changes.
    cancelled = _confirm(budget, asked["publish-pending"]["data"], trigger="publish-cancel.n_clicks")
    assert cancelled["publish-question"]["children"] == [] and "Nothing was changed" in _text(cancelled)
    assert _published(open_db) == []


def _components(tree: object, kind: str) -> list[dict]:
    """Every component of type ``kind`` in a callback's answer, in order."""
    found = []
    if isinstance(tree, dict):
        if tree.get("type") == kind:
            found.append(tree)
        for value in tree.values():
            found += _components(value, kind)
    elif isinstance(tree, list):
        for value in tree:
            found += _components(value, kind)
    return found


def _table_rows(answer: dict) -> list[list[str]]:
    """The (what, figure) cells of the preview table."""
    body = _components(answer, "Tbody")[0]["props"]["children"]
    return [[cell["props"]["children"] for cell in row["props"]["children"]] for row in body]


def _buttons(answer: dict) -> list[str]:
    return [b["props"]["children"] for b in _components(answer, "Button")]


def test_publishing_through_the_page_makes_the_period_public_and_withdrawing_removes_it_at_once(
        app, open_db, client_as):  # noqa: F811
    budget, anonymous = client_as("budget_unit"), app.test_client()
    pending = _click(budget, "publish")["publish-pending"]["data"]
    done = _confirm(budget, pending)
    assert "June 2025 (Q2) is published" in _text(done["publish-message"])
    assert done["publish-question"]["children"] == [] and done["publish-done"]["data"] == 1
    assert _published(open_db) == [(2025, JUNE)] and _audited(open_db, "publish") == 1
    public = anonymous.get(f"/open/api/budget?{QUERY}")
    assert public.status_code == 200
    assert public.json["national"]["revised"] == 951_250_000 and public.json["national"]["paid"] == 803_377_124
    assert {r["entity"] for r in public.json["rows"]} == {"00", "07", "17"}
    assert anonymous.get("/open/api/budget?year=2025").json["period"] == JUNE  # the latest published
    listing = _listing(budget)
    assert "Published on" in listing and "by budget" in listing and '"action": "withdraw"' in listing
    # Published twice (a second tab, an old page): refused in words, still one publication.
    again = _confirm(budget, pending)
    assert "was published already" in _text(again["publish-message"]) and _published(open_db) == [(2025, JUNE)]

    asked = _click(budget, "withdraw")
    assert "Withdraw June 2025 (Q2)?" in _text(asked["publish-question"])
    assert _buttons(asked["publish-question"]) == ["Withdraw June 2025 (Q2)", "Cancel"]
    assert _published(open_db) == [(2025, JUNE)]  # the question alone withdraws nothing
    gone = _confirm(budget, asked["publish-pending"]["data"])
    assert "is withdrawn" in _text(gone["publish-message"])
    assert _published(open_db) == [] and _audited(open_db, "withdraw_publication") == 1
    assert anonymous.get(f"/open/api/budget?{QUERY}").status_code == 404
    assert anonymous.get("/open/api/budget?year=2025").status_code == 404
    assert "Published on" not in _listing(budget)


def test_the_preview_and_the_labels_speak_khmer(open_db, client_as):  # noqa: F811
    budget = client_as("budget_unit")
    post_with_csrf(budget, "/lang/km", {"next": "/data"})
    asked = _click(budget, "publish")
    rows = dict(tuple(cells) for cells in _table_rows(asked["publish-question"]))
    assert rows["ឥណទានកែសម្រួល ថ្នាក់ជាតិ"].startswith("៩៥១.២៥០.០០០ រៀល")
    assert rows["អត្រាអនុវត្តថវិកា ថ្នាក់ជាតិ"] == "៨៤,៥ %"
    assert _buttons(asked["publish-question"])[0] == "ផ្សព្វផ្សាយ ខែមិថុនា ឆ្នាំ២០២៥ (ត្រីមាសទី២)"


@pytest.mark.parametrize("who", ["director07", "mef_reviewer"])
def test_a_director_or_mef_calling_the_callbacks_is_refused_and_nothing_is_stored(open_db, client_as, who):  # noqa: F811
    other = client_as(who)
    # The list is the budget unit's: refused.
    assert "publish-table" not in _listing(other)
    # The preview of an unpublished period would show every province's working figures: refused.
    refused = _click(other, "publish")
    text = _text(refused)
    assert "Only the budget unit may publish or withdraw a period." in text
    assert "951,250,000" not in text and "803,377,124" not in text
    assert _buttons(refused) == []  # no confirm button
    # A confirm with a pending action the browser made up: the write layer refuses it.
    forged = _confirm(other, {"action": "publish", "period": JUNE})
    assert "Only the budget unit may publish or withdraw a period." in _text(forged["publish-message"])
    assert _published(open_db) == [] and _audited(open_db, "publish") == 0
    # Nor may they withdraw what the budget unit published.
    budget = client_as("budget_unit")
    assert post_json(budget, "/api/v1/publications", {"year": 2025, "period": JUNE}).status_code == 201
    withdrawn = _confirm(other, {"action": "withdraw", "period": JUNE})
    assert "Only the budget unit may publish or withdraw a period." in _text(withdrawn["publish-message"])
    assert _published(open_db) == [(2025, JUNE)] and _audited(open_db, "withdraw_publication") == 0
    assert _audited(open_db, "forbidden") >= 3
