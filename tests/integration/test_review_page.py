"""The review page's callbacks, posted as the renderer posts them (both databases).

Each decision, comment, transition and ceiling is a write that checks role, province and state
itself: a director's hand-made request can neither decide nor speak in another province's
thread, and never receives another province's lines, comments or explanations. Bad input is
answered in words and stores nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from db import submissions as writes
from db.engine import get_engine, session_scope
from tests.helpers.database import table_counts
from tests.helpers.review import EXPLANATIONS, YEAR, budget, hearing, post
from tests.helpers.web import callback_payload, dash_post, post_with_csrf


@pytest.fixture
def review_db(app_db: str, tmp_path: Path) -> dict:
    return {"url": app_db, **hearing(app_db, tmp_path)}


def _stored(url: str) -> dict[str, int]:
    """Rows per table but the audit log (which records sign-ins and refusals)."""
    return {table: rows for table, rows in table_counts(url).items() if table != "audit_log"}


def _decisions(url: str) -> dict[int, tuple]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(text("SELECT line_id, decision, recommended FROM line_decision")).all()
    return {line: (decision, None if recommended is None else int(recommended)) for line, decision, recommended in rows}


def _comments(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT line_id, author, role, text FROM submission_comment ORDER BY id")).all()]


def _status(url: str) -> tuple:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(text("SELECT status, version FROM submission WHERE fiscal_year = :y"),
                                  {"y": YEAR}).one())


def view(client, year: int = YEAR, selected: int | None = None, changed: str | None = None, **values) -> dict:
    return post(client, "review-hearing.children", {
        "review-year.value": year, "review-line-written.data": 0, "review-header-written.data": 0,
        "review-ceiling-written.data": 0, "review-selected.data": selected, "review-filter-show.value": "all",
        **{f"{key.replace('_', '-')}": value for key, value in values.items()}}, changed=changed)


def history(client, year: int = YEAR) -> str:
    """The history as the page shows it once its panel is opened (its own callback, out of the
    hearing's answer)."""
    answer = post(client, "review-history.children", {"review-history-summary.n_clicks": 1,
                                                      "review-header.data": {}, "review-year.value": year},
                  changed="review-history-summary.n_clicks")
    return str(answer["review-history"]["children"])


def _cards(response: dict) -> list[str]:
    """The lines' entities on the page shown, in order."""
    return [node["props"]["id"] for node in _walk(response["review-hearing"]["children"])
            if str(node["props"].get("id", "")).startswith("review-line-")]


def detail(client, line: object, year: int = YEAR) -> dict:
    return post(client, "review-detail-body.children", {"review-selected.data": line, "review-line-written.data": 0,
                                                        "review-year.value": year})


def decide(client, line: object, decision: object, recommended: object = None, year: int = YEAR,
           state: dict | None = None) -> str:
    answer = post(client, "review-line-written.data", {
        "review-decide.n_clicks": 1, "review-selected.data": line, "review-decision.value": decision,
        "review-recommended.value": recommended, "review-year.value": year,
        "review-line-state.data": state or {}, "review-line-written.data": 0}, changed="review-decide.n_clicks")
    assert "review-comment-message" not in answer  # the words go beside the decision's form
    return str(answer.get("review-line-message", {}).get("children"))


def comment(client, line: object, said: object, year: int = YEAR) -> str:
    answer = post(client, "review-line-written.data", {
        "review-line-send.n_clicks": 1, "review-selected.data": line, "review-line-text.value": said,
        "review-year.value": year, "review-line-written.data": 0}, changed="review-line-send.n_clicks")
    assert "review-line-message" not in answer  # the words go beside the thread's form
    return str(answer.get("review-comment-message", {}).get("children"))


def act(client, button: str, *, comment_text: object = "", whole_text: object = "", header: dict | None = None,
        year: int = YEAR) -> dict:
    return post(client, "review-header-written.data", {
        f"{button}.n_clicks": 1, "review-year.value": year, "review-header.data": header or {},
        "review-act-comment.value": comment_text, "review-whole-text.value": whole_text,
        "review-header-written.data": 0}, changed=f"{button}.n_clicks")


def save_ceiling(client, total: object, programmes: dict[str, object], year: int = YEAR) -> str:
    ids = [({"type": "review-ceiling-programme", "code": code}, value) for code, value in programmes.items()]
    answer = post(client, "review-ceiling-written.data", {
        "review-ceiling-save.n_clicks": 1, "review-year.value": year, "review-ceiling-total.value": total,
        "review-ceiling-written.data": 0}, changed="review-ceiling-save.n_clicks",
        patterns={("review-ceiling-programme", "value"): ids,
                  ("review-ceiling-programme", "id"): [(i, i) for i, _v in ids]})
    return str(answer["review-ceiling-message"]["children"])


def test_mef_decides_each_kind_and_an_adjustment_changes_the_endorsed_total(review_db, client_as):
    url, lines = review_db["url"], review_db["lines"]
    reviewer = client_as("mef_reviewer")
    shown = view(reviewer)
    # Request 1,500,000 + 1,000,000; nothing decided yet: the endorsed amounts are the requests.
    assert _figure(shown, "review-total") == _figure(shown, "review-endorsed") == "KHR 2.50 m"
    assert shown["review-agree-unflagged"]["hidden"] is False and shown["review-endorse"]["hidden"] is False
    sid = review_db["submission"]
    assert [link["props"]["href"] for link in shown["review-downloads"]["children"]] == [
        f"/submission/{sid}/hearing-brief.xlsx", f"/submission/{sid}/hearing-brief.pdf",
        f"/submission/{sid}/history.xlsx"]
    # Programme P1, the flagged line (Kampot's, asking more while off track) before Kandal's.
    hearing_text = str(shown["review-hearing"]["children"])
    assert hearing_text.index(f"review-line-{lines['07']}") < hearing_text.index(f"review-line-{lines['08']}")
    assert "More while off track" in hearing_text
    # Kampot's line: 25 % spent against 75 % expected; its indicator at 50 %, off track; the
    # implied unit cost 1,500,000 / 200 = 7,500 against the observed 1,000,000 / 100 = 10,000.
    assert "25 % (75 %)" in hearing_text and "50 %" in hearing_text
    assert "unit cost KHR 7,500 requested / KHR 10,000 observed" in hearing_text
    assert EXPLANATIONS["07"][0] in hearing_text and EXPLANATIONS["08"][1] in hearing_text

    opened = detail(reviewer, lines["08"])
    assert opened["review-decision-box"]["hidden"] is False and opened["review-line-compose"]["hidden"] is False
    # Agree to every unflagged line still undecided: Kandal's; then Kampot's, line by line.
    answer = act(reviewer, "review-agree-unflagged")
    assert "Agreed to 1 unflagged line(s)." in str(answer["review-act-message"]["children"])
    assert _decisions(url) == {lines["08"]: ("agree", None)}
    assert "Saved: you agree" in decide(reviewer, lines["07"], "agree")
    assert _decisions(url)[lines["07"]] == ("agree", None)
    assert "adjusted" in decide(reviewer, lines["07"], "adjust", "1.2 m")
    assert _decisions(url) == {lines["08"]: ("agree", None), lines["07"]: ("adjust", 1_200_000)}
    # Endorsed: Kampot's recommended 1,200,000 plus Kandal's request 1,000,000; both shown on the line.
    assert _figure(view(reviewer), "review-endorsed") == "KHR 2.20 m"
    body = str(detail(reviewer, lines["07"])["review-detail-summary"]["children"])
    assert "KHR 1,500,000" in body and "KHR 1,200,000" in body
    # The form reads the decision back: "adjust" and the amount as the person's language writes it.
    state = detail(reviewer, lines["07"])
    assert (state["review-decision"]["value"], state["review-recommended"]["value"]) == ("adjust", "1,200,000")
    assert "questioned" in decide(reviewer, lines["07"], "question", state=state["review-line-state"]["data"])
    assert _decisions(url)[lines["07"]] == ("question", None)
    assert _figure(view(reviewer), "review-endorsed") == "KHR 2.50 m"
    # Agree to every unflagged line not yet decided: none is left (Kandal's is agreed).
    answer = act(reviewer, "review-agree-unflagged")
    assert "No unflagged line is waiting" in str(answer["review-act-message"]["children"])
    # Two reviewers on one line: the one who read the older decision is refused, and told who.
    read = detail(reviewer, lines["08"])["review-line-state"]["data"]
    assert "adjusted" in decide(client_as("mef_reviewer"), lines["08"], "adjust", "900k", state=read)
    stale = decide(reviewer, lines["08"], "question", state=read)
    assert "Not saved: reviewer changed this decision since you read it" in stale
    assert _decisions(url)[lines["08"]] == ("adjust", 900_000)


def _figure(response: dict, figure_id: str) -> str:
    """The value of a figure of the header bar."""
    for item in response["review-totals"]["children"]:
        props = item["props"]
        children = props.get("children")
        if isinstance(children, list) and len(children) == 2 and children[1]["props"].get("id") == figure_id:
            return children[1]["props"]["children"]
    raise AssertionError(f"no figure {figure_id}")


def test_a_question_answered_in_its_thread_by_the_budget_unit_and_the_director_lets_mef_endorse(review_db,
                                                                                                 client_as):
    url, lines = review_db["url"], review_db["lines"]
    reviewer, unit, director = client_as("mef_reviewer"), client_as("budget_unit"), client_as("director07")
    decide(reviewer, lines["07"], "question")
    decide(reviewer, lines["08"], "question")
    assert "added" in comment(reviewer, lines["07"], "Why does Kampot ask for more with 25 % spent?")
    header = {"row_version": 2}
    refused = act(reviewer, "review-endorse", header=header)
    assert "Not endorsed: 2 question(s) below have no answer yet." in str(refused["review-act-message"]["children"])
    waiting = str(refused["review-reasons"]["children"])
    assert "07 Kampot · P1.1.1 · 62 · RGC" in waiting and "08 Kandal · P1.1.1 · 62 · RGC" in waiting
    assert _status(url) == ("submitted", 1)
    # The waiting lines say so on the page, to MEF and to the people who answer.
    assert "awaiting an answer" in str(view(unit)["review-hearing"]["children"])
    assert "waiting for an answer" in str(detail(director, lines["07"])["review-detail-summary"]["children"])

    assert "added" in comment(unit, lines["08"], "Kandal's caseload doubled after the ID Poor round.")
    refused = act(reviewer, "review-endorse", header=header)
    assert "1 question(s)" in str(refused["review-act-message"]["children"])
    assert "08 Kandal" not in str(refused["review-reasons"]["children"])
    assert "added" in comment(director, lines["07"], "Payments resume in October after the provider change.")
    thread = str(detail(reviewer, lines["07"])["review-detail-body"]["children"])
    assert thread.index("Why does Kampot") < thread.index("Payments resume") and "Provincial director" in thread
    endorsed = act(reviewer, "review-endorse", header=header)
    assert "Endorsed." in str(endorsed["review-act-message"]["children"])
    assert _status(url) == ("endorsed", 1)
    assert [(c[1], c[2]) for c in _comments(url)] == [("reviewer", "mef_reviewer"), ("budget", "budget_unit"),
                                                      ("director07", "provincial_director")]
    # The history tells it in order, in words.
    assert "review-history" not in view(reviewer)  # not in the hearing's answer: read when opened
    history_text = history(reviewer)
    for said in ("endorsed by MEF", "MEF's decision", "comment", "submitted to MEF"):
        assert said in history_text
    # Newest first, each with who did it.
    assert history_text.index("endorsed by MEF") < history_text.index("submitted to MEF")
    assert "reviewer" in history_text and "director07" in history_text
    # Endorsed: no more decisions (the decision form is gone, a hand-made one refused in words).
    assert detail(reviewer, lines["08"])["review-decision-box"]["hidden"] is True
    before = _stored(url)
    assert "Not possible now: the submission is “Endorsed by MEF”." in decide(reviewer, lines["08"], "agree")
    assert _stored(url) == before


def test_return_needs_a_comment(review_db, client_as):
    url = review_db["url"]
    reviewer = client_as("mef_reviewer")
    before = table_counts(url)
    for said in ("", "   ", None):
        answer = act(reviewer, "review-return", comment_text=said)
        assert str(answer["review-act-message"]["children"]).count("Returning the submission needs a comment.") == 1
    assert table_counts(url) == before and _status(url) == ("submitted", 1)
    answer = act(reviewer, "review-return", comment_text="Kampot: last year's level until spending catches up.")
    assert "Returned to the ministry with your comment." in str(answer["review-act-message"]["children"])
    assert answer["review-act-comment"]["value"] == ""
    assert _status(url) == ("returned", 1)
    shown = view(client_as("budget_unit"))
    assert "Kampot: last year's level until spending catches up." in history(client_as("budget_unit"))
    assert "MEF decides on lines only while it is submitted" in shown["review-hearing-note"]["children"]


def test_the_history_is_read_when_opened_newest_first_and_points_at_the_download(review_db, client_as,
                                                                                  monkeypatch):
    reviewer = client_as("mef_reviewer")
    comment(reviewer, review_db["lines"]["07"], "Kampot: why more while off track?")
    for clicks in (0, 2):  # closed (never opened, or opened and closed again): nothing read
        assert post(reviewer, "review-history.children", {"review-history-summary.n_clicks": clicks,
                                                          "review-year.value": YEAR}) == {}
    shown = history(reviewer)
    assert shown.index("Kampot: why more while off track?") < shown.index("submitted to MEF")
    assert "reviewer" in shown and "the Excel download" not in shown
    # More events than the page shows: the newest, and a note saying where the rest are.
    monkeypatch.setattr("components.review.HISTORY_SHOWN", 1)
    shown = history(reviewer)
    assert "Kampot: why more while off track?" in shown and "submitted to MEF" not in shown
    assert "The newest 1 of" in shown and "the Excel download holds them all" in shown


def test_a_director_neither_decides_nor_speaks_for_another_province_and_reads_only_his_own(review_db, client_as):
    url, lines = review_db["url"], review_db["lines"]
    reviewer = client_as("mef_reviewer")
    comment(reviewer, lines["08"], "Kandal: how many households does the doubled caseload count?")
    act(reviewer, "review-whole-send", whole_text="Overall, the ministry stays within last year's growth.")
    director = client_as("director07")

    shown = view(director)
    everything = str(shown) + history(director)
    assert "07 Kampot" in everything and EXPLANATIONS["07"][0] in everything
    for secret in ("Kandal", f"review-line-{lines['08']}", EXPLANATIONS["08"][0], EXPLANATIONS["08"][1],
                   "how many households", "Overall, the ministry"):
        assert secret not in everything, secret
    assert shown["review-whole-panel"]["hidden"] is True and shown["review-endorse"]["hidden"] is True
    # The national figures stay national: the whole request; the endorsed sum of his own lines, said so.
    assert _figure(shown, "review-total") == "KHR 2.50 m"
    assert _figure(shown, "review-endorsed") == "KHR 1.50 m"

    # Another province's line, asked for by hand: nothing of it comes back.
    other = detail(director, lines["08"])
    assert "This line is not yours to read." in str(other["review-detail-body"]["children"])
    assert "Kandal" not in str(other) and "how many households" not in str(other)
    own = detail(director, lines["07"])
    assert own["review-decision-box"]["hidden"] is True and own["review-line-compose"]["hidden"] is False

    before = _stored(url)
    assert "Your role does not allow this." in decide(director, lines["07"], "agree")
    assert "Your role does not allow this." in decide(director, lines["08"], "adjust", "1 m")
    assert "Your role does not allow this." in comment(director, lines["08"], "Kandal is fine.")
    assert "Your role does not allow this." in str(
        act(director, "review-whole-send", whole_text="All fine.")["review-whole-message"]["children"])
    for button in ("review-endorse", "review-agree-unflagged"):
        assert "Your role does not allow this." in str(act(director, button)["review-act-message"]["children"])
    assert "Your role does not allow this." in save_ceiling(director, "1", {})
    assert _stored(url) == before
    with get_engine(url).connect() as conn:
        refused = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'forbidden' "
                                    "AND username = 'director07'")).scalar_one()
    assert refused == 8  # the line he may not read, and each refused write
    assert "added" in comment(director, lines["07"], "Kampot answers: arrears fall due in January.")
    assert _comments(url)[-1][:3] == (lines["07"], "director07", "provincial_director")


def test_bad_input_is_refused_in_words_and_changes_nothing(review_db, client_as, tmp_path):
    url, lines = review_db["url"], review_db["lines"]
    reviewer = client_as("mef_reviewer")
    before = table_counts(url)
    for said, expected in (("", "a comment cannot be empty"), ("   \n ", "a comment cannot be empty"),
                           (None, "a comment cannot be empty"),
                           ("x" * 20_000, "a comment has at most 4,000 characters, this one 20,000"),
                           ("nul \x00 inside", "characters that cannot be stored")):
        assert expected in comment(reviewer, lines["07"], said), said
        whole = act(reviewer, "review-whole-send", whole_text=said)["review-whole-message"]["children"]
        assert expected in str(whole), said
    for typed, expected in (("-5", "cannot be negative"), ("a lot", "cannot be read as an amount"),
                            ("", "Type an amount"), ("12.5", "whole riels"),
                            ("5,000,000,000,000,000", "beyond any budget")):
        assert expected in decide(reviewer, lines["07"], "adjust", typed), typed
    assert "Choose Agree, Adjust or Question" in decide(reviewer, lines["07"], "maybe")
    assert "Choose a line" in decide(reviewer, "07", "agree")
    for total, expected in (("-1", "cannot be negative"), ("lots", "cannot be read"), ("", "Type an amount")):
        assert expected in save_ceiling(reviewer, total, {}), total
    assert "ceiling of P1: An amount cannot be negative." in save_ceiling(reviewer, "3 m", {"P1": "-2"})
    assert "is not a programme" in save_ceiling(reviewer, "3 m", {"P9": "1 m"})
    # A line of the 2026 submission, decided and discussed within the 2027 one.
    with session_scope(url) as session:
        other = writes.open_submission(session, budget(url), 2027).id
        writes.act(session, budget(url), other, "submit")
    before = table_counts(url)
    assert "not a line of this submission" in decide(reviewer, lines["07"], "agree", year=2027)
    assert "not a line of this submission" in comment(reviewer, lines["07"], "Wrong year.", year=2027)
    assert "no longer exists" in str(detail(reviewer, lines["07"], year=2027)["review-detail-body"]["children"])
    assert table_counts(url) == before

    # Markup is kept as typed and shown as text: a string child, never markup the browser runs.
    script = '<script>alert("x")</script><img src=x onerror=alert(1)><b>bold</b>'
    assert "added" in comment(reviewer, lines["07"], script)
    shown = detail(reviewer, lines["07"])["review-detail-body"]["children"]
    texts = [node["props"]["children"] for node in _walk(shown) if "comment-text" in node["props"].get("className", "")]
    assert texts == [script]
    assert "dangerously" not in str(shown)

    # In Khmer, the same refusals in Khmer.
    assert post_with_csrf(reviewer, "/lang/km").status_code in (302, 303)
    assert "ចំនួនទឹកប្រាក់មិនអាចអវិជ្ជមានបានទេ" in decide(reviewer, lines["07"], "adjust", "-5")
    assert "មតិយោបល់មិនអាចទទេបានទេ" in comment(reviewer, lines["07"], " ")
    # Khmer digits and grouping read as the Khmer user writes them.
    assert "បានរក្សាទុក" in decide(reviewer, lines["07"], "adjust", "១.២០០.០០០")
    assert _decisions(url)[lines["07"]] == ("adjust", 1_200_000)


def _walk(node):
    """Every component of a rendered tree (Dash's JSON of it)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "props" in item:
            yield item
            stack.append(item["props"].get("children"))


def test_mef_sets_the_ceiling_and_the_ministry_reads_it_against_the_request(review_db, client_as):
    url = review_db["url"]
    reviewer = client_as("mef_reviewer")
    shown = view(reviewer)
    assert shown["review-ceiling-form"]["hidden"] is False and shown["review-ceiling-total"]["value"] == ""
    assert "The ceiling for 2026 is saved." in save_ceiling(reviewer, "2 m", {"P1": "1,800,000", "P2": ""})
    with get_engine(url).connect() as conn:
        assert dict(conn.execute(text("SELECT programme_code, amount FROM ceiling WHERE fiscal_year = 2026")).all()) \
            == {"": 2_000_000, "P1": 1_800_000}
    again = view(reviewer)
    assert again["review-ceiling-total"]["value"] == "2,000,000"
    unit = view(client_as("budget_unit"))
    assert unit["review-ceiling-form"]["hidden"] is True
    readonly = str(unit["review-ceiling-readonly"]["children"])
    assert "KHR 2,000,000" in readonly and "KHR 1,800,000" in readonly
    # 2,500,000 asked against 2,000,000: KHR 500,000 above, and P1 700,000 above its own.
    assert "KHR 500,000 above the ceiling" in str(_figure(unit, "review-difference"))
    assert "KHR 700,000 above the ceiling" in str(unit["review-totals"]["children"][-1])
    before = table_counts(url)
    assert "Your role does not allow this." in save_ceiling(client_as("budget_unit"), "9 m", {})
    assert _stored(url) == {k: v for k, v in before.items() if k != "audit_log"}
    # The chooser takes the address's year when there is a submission for it, else the latest.
    for asked, chosen in (("2026", 2026), ("1999", 2026), ("<b>", 2026), (None, 2026)):
        years = post(reviewer, "review-year.options", {"review-asked.data": {"year": asked}})
        assert years["review-year"]["value"] == chosen
    assert [o["value"] for o in years["review-year"]["options"]] == [2026]


def test_the_lines_come_a_page_at_a_time_and_the_filters_keep_to_what_the_caller_reads(review_db, client_as,
                                                                                      monkeypatch):
    import sys

    import components.review

    # Dash imports the page modules itself; the page is the module that registered the callback.
    page = next(m for m in list(sys.modules.values()) if getattr(m, "show_review", None) is not None)
    lines = review_db["lines"]
    first, second = f"review-line-{lines['07']}", f"review-line-{lines['08']}"
    for module in (components.review, page):
        monkeypatch.setattr(module, "PAGE_SIZE", 1)
    reviewer = client_as("mef_reviewer")
    shown = view(reviewer)
    assert _cards(shown) == [first]  # flagged first
    assert shown["review-pager-top"]["children"] == "Lines 1–1 of 2"
    assert (shown["review-prev-top"]["disabled"], shown["review-next-bottom"]["disabled"]) == (True, False)
    turned = post(reviewer, "review-page.data", {"review-next-bottom.n_clicks": 1, "review-page-shown.data": 0},
                  changed="review-next-bottom.n_clicks")
    assert turned["review-page"]["data"] == 1
    shown = view(reviewer, changed="review-page.data", **{"review-page.data": 1})
    assert _cards(shown) == [second] and shown["review-page-shown"]["data"] == 1
    # A write keeps the page shown; a filter starts again at the first page; a page past the end
    # shows the last one.
    assert _cards(view(reviewer, changed="review-line-written.data", **{"review-page-shown.data": 1})) == [second]
    assert _cards(view(reviewer, changed="review-filter-show.value",
                       **{"review-page-shown.data": 1, "review-filter-show.value": "flagged"})) == [first]
    assert _cards(view(reviewer, changed="review-page.data", **{"review-page.data": 99})) == [second]
    assert _cards(view(reviewer, **{"review-filter-entity.value": "08"})) == [second]
    assert _cards(view(reviewer, **{"review-filter-programme.value": "P2"})) == []
    decide(reviewer, lines["07"], "question")
    assert _cards(view(reviewer, **{"review-filter-show.value": "waiting"})) == [first]
    assert _cards(view(reviewer, **{"review-filter-show.value": "undecided"})) == [second]
    # A director who asks for another province's lines by hand gets none.
    director = view(client_as("director07"), **{"review-filter-entity.value": "08"})
    assert _cards(director) == [] and director["review-pager-top"]["children"] == "No line matches the filters."
    assert [o["value"] for o in director["review-filter-entity"]["options"]] == ["07"]


ODD = [None, "x", 10**20, -1, True, [1], {"line": 1}, "2026", 2026, "<script>", 1.5]


def test_every_callback_of_the_page_takes_odd_values_without_failing(review_db, client_as, caplog):
    # A callback is a public endpoint: whatever a hand-made request sends, the page answers (in
    # words where it must) and nothing fails on the server.
    caplog.set_level("ERROR")
    for who in ("mef_reviewer", "director07"):
        client = client_as(who)
        found = [d for d in client.get("/_dash-dependencies").get_json()
                 if d["output"].strip(".").startswith("review-") and not d.get("clientside_function")]
        assert len(found) == 9
        for spec in found:
            keys = [f"{i['id']}.{i['property']}" for i in spec["inputs"] + spec["state"] if not i["id"].startswith("{")]
            for odd in ODD:
                payload = callback_payload(spec, dict.fromkeys(keys, odd))
                for part in ("inputs", "state"):
                    for index, item in enumerate(spec[part]):
                        if item["id"].startswith("{"):  # pattern-matching: one of them, with whatever came
                            ident = {k: odd if v == ["ALL"] else v for k, v in json.loads(item["id"]).items()}
                            payload[part][index] = [{"id": ident, "property": item["property"], "value": odd}]
                answer = dash_post(client, payload)
                assert answer.status_code in (200, 204), (spec["output"], odd, answer.get_data(as_text=True)[:300])
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]
