"""The hearing page's pieces (/review): the header against the ceiling, the ceiling form, the
lines programme by programme (flagged first) with their context and MEF's decision, the comment
threads, the explanations of deviations, the reasons an endorsement waits, the history.

Pure rendering: every figure comes from ``db.queries`` through the page's callbacks. Text people
typed (comments, explanations, justifications) is always a plain string child, which React
writes as text: markup in it is shown, never run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from dash import dcc, html

from components.format import DASH, format_khr, format_khr_exact, format_moment, format_number, format_percent
from components.submission import STATE_ICONS, plain, state_word, year_text
from db.queries.units import unit_name
from domain.submission import ADJUST, AGREE, QUESTION
from etl.clean import KHMER_DIGITS, CellError, typed_amount
from i18n import t
from indicators import STATUS_ICONS
from indicators.submission import FLAG_ICON, flag_word

DECISION_ICONS = {AGREE: "✔", ADJUST: "✎", QUESTION: "?"}
MAX_AMOUNT = 10**15  # as the write layer: beyond any budget
HISTORY_SHOWN = 100  # the newest events on the page (each ~4 components of the answer); the Excel download has them all
QUOTE_CHARS = 300  # of a comment quoted in the history


class AmountRefused(ValueError):
    """A typed amount the page cannot take; ``key`` is the message's label."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_amount(value: object, lang: str) -> int:
    """An amount a person typed (``1,200,000``, ``1.2 bn``, ``850k``, Khmer digits and grouping)
    as whole riels. Raises ``AmountRefused`` with the key of the message that says why not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AmountRefused("review.amount_missing")
    if isinstance(value, bool):
        raise AmountRefused("review.amount_unreadable")
    try:
        number = float(value) if isinstance(value, int | float) else \
            typed_amount(str(value).translate(KHMER_DIGITS), lang)
    except (CellError, ValueError, OverflowError):
        raise AmountRefused("review.amount_unreadable") from None
    if not math.isfinite(number):
        raise AmountRefused("review.amount_unreadable")
    if number < 0:
        raise AmountRefused("review.amount_negative")
    if number > MAX_AMOUNT:
        raise AmountRefused("review.amount_too_large")
    nearest = round(number)
    if abs(number - nearest) > 1e-6 * max(1.0, abs(number)):
        raise AmountRefused("review.amount_not_whole")
    return int(nearest)


def amount_text(value: object, lang: str) -> str:
    """Every riel, grouped as the person's language groups it, for a form field to read back."""
    value = plain(value)
    return "" if value is None else format_number(value, lang)


def line_label(row: dict, lang: str) -> str:
    """A line by its keys: ``07 Kampot · P1.1.1 · 62 · RGC``."""
    return " · ".join([f"{row['entity']} {unit_name(row['entity'], lang)}", str(row["cluster"]),
                       str(row["economic_code"]), str(row["funding_source"])])


def _name(names: dict, code: object, lang: str, key: str | None = None) -> str:
    en, km = names.get(key or str(code), ("", ""))
    return f"{code} {km if lang == 'km' else en}".strip()


# --- the header: state, version, request against the ceiling, endorsed -------------------------------


def state_badge(status: str, version: int, lang: str) -> html.Span:
    """The submission's state as a badge: icon, word and version."""
    return html.Span(
        [html.Span(STATE_ICONS.get(status, "•"), className="badge-icon", **{"aria-hidden": "true"}),
         html.Span(state_word(status, lang)),
         html.Span(t("submission.version", lang, n=format_number(version, lang)), className="badge-version")],
        className=f"badge state-badge state-{status}", id="review-state-badge")


def _gap(asked: float, limit: float | None, lang: str) -> html.Span:
    if limit is None:
        return html.Span(DASH)
    gap = asked - limit
    above = gap > 0
    return html.Span([html.Span("▲" if above else "✔", **{"aria-hidden": "true"}),
                      f" {format_khr(abs(gap), lang)} {t('submission.above' if above else 'submission.within', lang)}"],
                     className="over-ceiling" if above else "within-ceiling", title=format_khr_exact(gap, lang))


def _figure(label: str, value, figure_id: str, exact: str | None = None) -> html.Div:
    return html.Div([html.Span(label, className="totals-label"),
                     html.Span(value, className="totals-value", id=figure_id, title=exact or "")],
                    className="totals-figure")


def header_bar(sub, totals: dict, ceiling: dict, endorsed: dict, lang: str, *, whole: bool) -> list:
    """State, version, the request of year Y against MEF's ceiling (in total and per programme)
    and the endorsed amounts. ``whole``: ``endorsed`` sums every line (MEF, the budget unit); a
    director's sums his or her province's lines, and says so."""
    year = sub.fiscal_year
    request = totals["request"][0]
    limit = ceiling.get("total")
    endorsed_label = t("review.endorsed_total" if whole else "review.endorsed_mine", lang,
                       year=year_text(year, lang))
    items = [
        html.Div(state_badge(sub.status, sub.version, lang), className="totals-figure"),
        _figure(t("submission.total_request", lang, year=year_text(year, lang)), format_khr(request, lang),
                "review-total", format_khr_exact(request, lang)),
        _figure(t("submission.ceiling", lang),
                format_khr(limit, lang) if limit is not None else t("submission.no_ceiling", lang),
                "review-ceiling", format_khr_exact(limit, lang) if limit is not None else None),
        _figure(t("submission.difference", lang), _gap(request, limit, lang), "review-difference"),
        _figure(endorsed_label, format_khr(endorsed["total"], lang), "review-endorsed",
                format_khr_exact(endorsed["total"], lang)),
    ]
    programmes = ceiling.get("programmes") or {}
    codes = sorted(set(programmes) | set(totals.get("programmes", {})))
    if codes:
        chips = []
        for code in codes:
            asked, cap = totals.get("programmes", {}).get(code, 0), programmes.get(code)
            parts = [html.Strong(code), f" {format_khr(asked, lang)}"]
            if cap is not None:
                parts += [f" / {format_khr(cap, lang)} ", _gap(asked, cap, lang)]
            if whole and code in endorsed["programmes"]:
                parts += [" · ", t("review.endorsed_short", lang), " ", format_khr(endorsed["programmes"][code], lang)]
            chips.append(html.Span(parts, className="programme-chip", id=f"review-programme-chip-{code}"))
        items.append(html.Div([html.Span(t("submission.by_programme", lang), className="totals-label"), *chips],
                              className="totals-programmes", id="review-programme-totals"))
    return items


def endorsed_sums(lines: pd.DataFrame) -> dict:
    """The endorsed amounts of ``lines`` (recommended where MEF adjusted, the request elsewhere):
    ``{"total": riels, "programmes": {code: riels}}``."""
    if lines.empty:
        return {"total": 0, "programmes": {}}
    amounts = lines["endorsed_amount"].astype("float64")
    by_programme = amounts.groupby(lines["programme"]).sum()
    return {"total": int(round(amounts.sum())), "programmes": {p: int(round(v)) for p, v in by_programme.items()}}


# --- the ceiling ---------------------------------------------------------------------------------


def ceiling_inputs(codes: Iterable[str], ceiling: dict, names: dict, lang: str) -> list:
    """A field per programme (empty: no programme ceiling), filled with MEF's ceiling."""
    fields = []
    for code in codes:
        value = (ceiling.get("programmes") or {}).get(code)
        fields.append(html.Label([_name(names, code, lang),
                                  dcc.Input(id={"type": "review-ceiling-programme", "code": code}, type="text",
                                            value=amount_text(value, lang), inputMode="decimal",
                                            className="amount-input", debounce=False)],
                                 className="filter"))
    return fields


def ceiling_readonly(ceiling: dict, names: dict, lang: str) -> html.Div:
    """MEF's ceiling as the ministry and the provinces read it."""
    total = ceiling.get("total")
    if total is None:
        return html.P(t("review.ceiling_not_set", lang), className="muted", id="review-ceiling-readonly-text")
    items = [html.Li([t("review.ceiling_total", lang), ": ", html.Strong(format_khr_exact(total, lang))])]
    for code, value in sorted((ceiling.get("programmes") or {}).items()):
        items.append(html.Li([_name(names, code, lang), ": ", html.Strong(format_khr_exact(value, lang))]))
    return html.Ul(items, id="review-ceiling-readonly-text", className="plain-list")


# --- the lines, programme by programme -----------------------------------------------------------


def _unit_costs(targets: pd.DataFrame) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """(unit, indicator) → (implied, observed) unit cost."""
    if targets.empty:
        return {}
    # Four columns as lists, not ``itertuples`` over all twenty: a tuple per target costs more.
    return {(unit, indicator): (plain(implied), plain(observed)) for unit, indicator, implied, observed in zip(
        *(targets[c].tolist() for c in ("unit", "indicator", "implied_unit_cost", "observed_unit_cost")),
        strict=True)}


_HTML = "dash_html_components"


def _el(tag: str, children: object = None, **props: object) -> dict:
    """``html.<tag>(children, **props)`` as the JSON Dash sends it, without building the
    component. The 30 cards of a page are ~1,300 elements: building Dash components (their
    checks) and turning them back into JSON cost the hearing more than its reads. Props set to
    None are left out, as Dash leaves out props never set. The renderer reads the same JSON
    either way; ``tests/unit/test_review_cards.py`` checks each element's tag and props are html's."""
    if None in props.values():  # rare: most elements have no prop left unset (``props`` is our own dict)
        props = {k: v for k, v in props.items() if v is not None}
    if children is not None:
        props["children"] = children
    return {"props": props, "type": tag, "namespace": _HTML}


def _status_badge(status: object, lang: str, *, word_span: bool = False) -> dict:
    """``components.status.status_badge`` as an element, its word as text (the badge is an inline
    flex box: the same look, one element less per indicator of a card), or in a span of its own
    as there (``word_span``)."""
    status = status if status in STATUS_ICONS else "no_data"
    word = t(f"status.{status}", lang)
    return _el("Span", [_el("Span", STATUS_ICONS[status], className="badge-icon", **{"aria-hidden": "true"}),
                        _el("Span", word) if word_span else word], className=f"badge badge-{status}")


def _indicator_rows(linked: object, entity: str, costs: dict, indicator_names: dict, lang: str) -> list:
    if not isinstance(linked, list) or not linked:
        return [_el("Span", t("review.no_indicators", lang), className="muted")]
    rows = []
    for item in linked:
        code = item.get("indicator")
        implied, observed = costs.get((entity, code), (None, None))
        name = indicator_names.get(code, ("", ""))
        # The achievement as text, not a span of its own: the row is a flex box, so it lays out
        # the same, and every element less is one less for Dash to send (30 cards a page).
        rows.append(_el("Div", [
            _el("Span", code, className="indicator-code", title=name[1] if lang == "km" else name[0]),
            f" {format_percent(item.get('achievement'), lang)} ", _status_badge(item.get("status"), lang),
            _el("Span", t("review.unit_costs", lang, implied=format_khr(implied, lang),
                          observed=format_khr(observed, lang)), className="unit-costs"),
        ], className="indicator-row"))
    return rows


def decision_badge(decision: object, lang: str) -> dict:
    """MEF's decision on a line: icon and word (or "not decided yet")."""
    if decision not in DECISION_ICONS:
        return _el("Span", t("review.undecided", lang), className="badge decision-badge decision-none")
    return _el("Span", [_el("Span", DECISION_ICONS[decision], **{"aria-hidden": "true"}),
                        f" {t(f'review.decision.{decision}', lang)}"],
               className=f"badge decision-badge decision-{decision}")


def _dl(label: str, value, **extra) -> dict:
    return _el("Div", [_el("Dt", label), _el("Dd", value, **extra)], className="figure")


def line_card(row: dict, *, year: int, costs: dict, names: dict, indicator_names: dict, comments: int,
              waiting: bool, explained: int, selected: bool, lang: str) -> dict:
    """One line of the hearing: what it is, its flags and MEF's decision, the request beside last
    year's figures and results, and the way to its decision and thread."""
    line_id = int(row["id"])
    codes = list(row.get("flags") or [])
    rate, benchmark = plain(row.get("execution_rate")), plain(row.get("benchmark"))
    recommended = plain(row.get("recommended"))
    decision = row.get("decision") if isinstance(row.get("decision"), str) else None
    chapter = _name(names, row["economic_code"], lang, f"chapter:{row['economic_code']}")
    head = [
        _el("Span", [_el("Strong", f"{row['entity']} {unit_name(row['entity'], lang)}"), " · ",
                     _el("Span", _name(names, row["cluster"], lang), className="cluster-name"),
                     f" · {chapter} · {row['funding_source']}"], className="line-label"),
        _el("Span", [decision_badge(decision, lang),
                     *([_el("Span", t("review.awaiting_answer", lang), className="badge waiting-badge")]
                       if waiting else [])], className="line-badges"),
    ]
    flags = _el("Ul", [_el("Li", f"{FLAG_ICON} {flag_word(code, lang)}", className="flag") for code in codes],
                className="line-flags", **{"aria-label": t("submission.col.flags", lang)}) if codes else None
    as_of = plain(row.get("as_of"))
    figures = _el("Dl", [
        _dl(t("submission.total_request", lang, year=year_text(year, lang)),
            format_khr(row["request_y1"], lang), className="request", title=format_khr_exact(row["request_y1"], lang)),
        _dl(t("submission.col.revised", lang, year=year_text(year - 1, lang)), format_khr(plain(row.get(
            "revised_last")), lang)),
        _dl(t("submission.col.paid_to_date", lang, year=year_text(year - 1, lang)),
            [format_khr(plain(row.get("paid_to_date")), lang),
             *([_el("Span", t("review.as_of", lang, period=year_text(as_of, lang)), className="muted as-of")]
               if as_of else [])]),
        _dl(t("review.execution", lang),
            DASH if rate is None else t("review.execution_text", lang, rate=format_percent(rate, lang),
                                        benchmark=format_percent(benchmark, lang)),
            className="under-benchmark" if rate is not None and benchmark and rate < 0.6 * benchmark else None),
        _dl(t("submission.col.paid_full", lang, year=year_text(year - 2, lang)),
            format_khr(plain(row.get("paid_full_year")), lang)),
        _dl(t("review.recommended", lang), format_khr(recommended, lang) if decision == ADJUST else DASH),
        _dl(t("review.endorsed_amount", lang), format_khr(plain(row.get("endorsed_amount")), lang),
            className="endorsed"),
    ], className="line-figures")
    indicators = _el("Div", [_el("Span", t("submission.col.indicators", lang), className="figure-label"),
                             *_indicator_rows(row.get("linked_indicators"), row["entity"], costs, indicator_names,
                                              lang)], className="line-indicators")
    counts = [" ", _el("Span", t("review.comment_count_one" if comments == 1 else "review.comment_count", lang,
                                 n=format_number(comments, lang)), className="muted")]
    if explained:
        counts += [" ", _el("Span", t("review.explained_count_one" if explained == 1 else "review.explained_count",
                                      lang, n=format_number(explained, lang)), className="muted")]
    opener = _el("Button", [t("review.open_line", lang), *counts],
                 id={"type": "review-open", "line": line_id}, n_clicks=0, className="button button-light line-open",
                 **{"aria-controls": "review-detail", "aria-expanded": "true" if selected else "false"})
    classes = "review-line" + (" flagged" if codes else "") + (" selected" if selected else "") \
        + (" waiting" if waiting else "")
    return _el("Li", [_el("Div", head, className="line-head"), flags, figures, indicators, opener],
               className=classes, id=f"review-line-{line_id}", **{"data-line": str(line_id)})


def hearing_order(lines: pd.DataFrame) -> pd.DataFrame:
    """Programme by programme; within one, flagged lines first, then by entity and keys."""
    if lines.empty:
        return lines
    keys = [lines[c].tolist() for c in ("programme", "entity", "cluster", "economic_code", "funding_source")]
    if any(not isinstance(value, str) for column in keys for value in column):
        # A missing key: pandas' sort puts it last, which plain comparison would not.
        ordered = lines.assign(_clear=lines["flags"].map(lambda f: 0 if f else 1))
        return ordered.sort_values(["programme", "_clear", "entity", "cluster", "economic_code", "funding_source"]) \
            .drop(columns="_clear")
    # Sorted in Python (stable, as pandas' sort on several columns): the same order as
    # ``sort_values`` without a frame built, sorted and dropped again on every hearing answer.
    programme, entity, cluster, chapter, source = keys
    clear = [0 if f else 1 for f in lines["flags"].tolist()]
    order = sorted(range(len(lines)),
                   key=lambda i: (programme[i], clear[i], entity[i], cluster[i], chapter[i], source[i]))
    return lines.iloc[order]


SHOW = ("all", "flagged", "waiting", "undecided")
PAGE_SIZE = 30  # cards on one page: a request of 3,000 lines is read a page at a time


def chosen_lines(lines: pd.DataFrame, *, programme: object, entity: object, show: object,
                 waiting: set[int]) -> pd.DataFrame:
    """The lines the filters keep, in hearing order (a filter that names nothing keeps all)."""
    if lines.empty:
        return lines
    masks = []
    if isinstance(programme, str) and programme:
        masks.append(lines["programme"] == programme)
    if isinstance(entity, str) and entity:
        masks.append(lines["entity"] == entity)
    if show == "flagged":
        masks.append(lines["flags"].map(bool))
    elif show == "waiting":
        masks.append(lines["id"].isin(waiting))
    elif show == "undecided":
        masks.append(lines["decision"].isna())
    if not masks:  # the hearing's first answer: no selection to copy every line through
        return hearing_order(lines)
    keep = masks[0]
    for mask in masks[1:]:
        keep = keep & mask
    return hearing_order(lines[keep])


def page_count(rows: int) -> int:
    return max(1, -(-rows // PAGE_SIZE))


def pager_text(page: int, rows: int, lang: str) -> str:
    """``Lines 31–60 of 130``."""
    if not rows:
        return t("review.pager_none", lang)
    first, last = page * PAGE_SIZE + 1, min(rows, (page + 1) * PAGE_SIZE)
    return t("review.pager", lang, first=format_number(first, lang), last=format_number(last, lang),
             total=format_number(rows, lang))


def programme_sections(shown: pd.DataFrame, every: pd.DataFrame, *, year: int, targets: pd.DataFrame, names: dict,
                       indicator_names: dict, comment_counts: dict[int, int], waiting: set[int],
                       explanations_by_line: dict[int, list[dict]], ceiling: dict, selected: int | None,
                       lang: str) -> list:
    """A section per programme that has lines on this page (``shown``, in hearing order): the
    programme's lines, flagged lines, request, endorsed amount and ceiling (over ``every`` line
    the caller reads), the explanations of its provinces' deviations, and the page's cards."""
    if shown.empty:
        return [html.P(t("review.no_lines", lang), className="muted", id="review-no-lines")]
    costs = _unit_costs(targets)
    # The page's rows as dicts and every line's programme, id and flags as lists, read once:
    # selecting a frame per programme and ``to_dict`` cost more than the cards themselves.
    columns = list(shown.columns)
    page = [dict(zip(columns, values, strict=True)) for values in zip(*(shown[c].tolist() for c in columns),
                                                                    strict=True)]
    every_programmes, every_ids, every_flags = (every[c].tolist() for c in ("programme", "id", "flags"))
    requests, endorsed_amounts = every["request_y1"], every["endorsed_amount"].astype("float64")
    sections = []
    for programme in dict.fromkeys(row["programme"] for row in page):
        records = [row for row in page if row["programme"] == programme]
        inside = [i for i, code in enumerate(every_programmes) if code == programme]
        flagged = sum(1 for i in inside if every_flags[i])
        # pandas' sums over the programme's lines, as before: the same figures to the last digit.
        asked = float(requests.iloc[inside].sum())
        endorsed = float(endorsed_amounts.iloc[inside].sum())
        cap = (ceiling.get("programmes") or {}).get(programme)
        summary = [t("review.programme_summary", lang, lines=format_number(len(inside), lang),
                     flagged=format_number(flagged, lang), request=format_khr(asked, lang),
                     endorsed=format_khr(endorsed, lang))]
        if cap is not None:
            summary += [" · ", t("review.programme_ceiling", lang, ceiling=format_khr(cap, lang)), " ",
                        _gap(asked, cap, lang)]
        told: dict[tuple, dict] = {}
        for i in inside:
            for item in explanations_by_line.get(int(every_ids[i]), []):
                told[(item["unit"], item["indicator"])] = item
        cards = [line_card(r, year=year, costs=costs, names=names, indicator_names=indicator_names,
                           comments=comment_counts.get(int(r["id"]), 0), waiting=int(r["id"]) in waiting,
                           explained=len(explanations_by_line.get(int(r["id"]), [])),
                           selected=selected == int(r["id"]), lang=lang) for r in records]
        parts = [_el("H3", _name(names, programme, lang)), _el("P", summary, className="programme-summary")]
        if told:
            parts.append(_el("Details", [
                _el("Summary", t("review.programme_explanations", lang, n=format_number(len(told), lang))),
                explanation_list(sorted(told.values(), key=lambda e: (e["unit"], e["indicator"])),
                                 indicator_names, lang)], className="programme-explanations"))
        parts.append(_el("Ol", cards, className="review-lines"))
        sections.append(_el("Section", parts, className="review-programme", id=f"review-programme-{programme}"))
    return sections


# --- explanations of deviations --------------------------------------------------------------------


def latest_explanations(items: list[dict]) -> dict[tuple[str, str], dict]:
    """Per (unit, indicator), the explanation of the latest period."""
    out: dict[tuple[str, str], dict] = {}
    for item in sorted(items, key=lambda e: e["period"]):
        if item.get("reason") or item.get("oversight"):
            out[(item["unit"], item["indicator"])] = item
    return out


def explanation_list(items: list[dict], indicator_names: dict, lang: str) -> dict:
    """Each explanation: whose, which indicator and period, the reason, the corrective action
    and MEF's oversight comment. Written as Dash's JSON (``_el``), as the cards are: a programme
    of the hearing lists the explanations of all its provinces, and every write of one adds to
    them."""
    entries = []
    for item in items:
        name = indicator_names.get(item["indicator"], ("", ""))
        parts = [_el("Div", [_el("Strong", f"{item['unit']} {unit_name(item['unit'], lang)}"), " · ",
                             _el("Span", item["indicator"], title=name[1] if lang == "km" else name[0]), " · ",
                             year_text(item["period"], lang), " ",
                             _status_badge(item.get("status") or "no_data", lang, word_span=True)],
                     className="explanation-head")]
        if item.get("reason"):
            parts += [_el("Div", [_el("Span", t("review.reason", lang), className="figure-label"), " ",
                                  _el("Span", item["reason"], className="typed")]),
                      _el("Div", [_el("Span", t("review.action", lang), className="figure-label"), " ",
                                  _el("Span", item.get("action") or "", className="typed")]),
                      _el("Div", t("review.written_by", lang, who=item.get("written_by") or DASH,
                                   when=format_moment(item.get("written_at"), lang)), className="muted small")]
        if item.get("oversight"):
            parts.append(_el("Div", [_el("Span", t("review.oversight", lang, who=item.get("oversight_by") or DASH),
                                         className="figure-label"), " ",
                                     _el("Span", item["oversight"], className="typed")], className="oversight"))
        entries.append(_el("Li", parts, className="explanation"))
    return _el("Ul", entries, className="explanations")


# --- threads -----------------------------------------------------------------------------------------


def thread(comments: list[dict], lang: str, *, thread_id: str) -> dict:
    """A comment thread, oldest first: who (and in which role), when, and the text as typed.
    Written as Dash's JSON (``_el``), as the cards are: the whole submission's thread is in every
    hearing answer and grows with each comment."""
    if not comments:
        return _el("Div", _el("P", t("review.no_comments", lang), className="muted"), id=thread_id, className="thread")
    items = []
    for comment in comments:
        role = comment.get("role") or ""
        items.append(_el("Li", [
            _el("Div", [_el("Strong", comment.get("author") or DASH), " · ",
                        _el("Span", t(f"role.{role}", lang), className="comment-role"), " · ",
                        _el("Time", format_moment(comment.get("at"), lang), dateTime=str(comment.get("at") or ""))],
                className="comment-head"),
            # A string child is text to React: "<script>" shows as typed and never runs.
            _el("P", str(comment.get("text") or ""), className="comment-text typed"),
        ], className=f"comment comment-{role}"))
    return _el("Div", _el("Ol", items, className="comments"), id=thread_id, className="thread")


def decision_summary(row: dict, lang: str) -> html.Div:
    """What MEF decided on the line, by whom and when, and the amounts it leads to."""
    decision = row.get("decision") if isinstance(row.get("decision"), str) else None
    parts = [decision_badge(decision, lang)]
    if decision:
        parts += [" ", html.Span(t("review.decided_by", lang, who=row.get("decided_by") or DASH,
                                   when=format_moment(plain(row.get("decided_at")), lang)), className="muted")]
    amounts = [t("review.request_short", lang), " ", html.Strong(format_khr_exact(row.get("request_y1"), lang))]
    if decision == ADJUST:
        amounts += [" → ", t("review.recommended", lang), " ",
                    html.Strong(format_khr_exact(plain(row.get("recommended")), lang))]
    amounts += [" · ", t("review.endorsed_amount", lang), " ",
                html.Strong(format_khr_exact(plain(row.get("endorsed_amount")), lang), id="review-detail-endorsed")]
    return html.Div([html.Div(parts), html.Div(amounts, className="decision-amounts")],
                    className="decision-summary", id="review-detail-decision")


# --- refusals, downloads, history --------------------------------------------------------------------


def waiting_list(reasons: list[dict], lang: str) -> html.Div:
    """The questions that keep MEF from endorsing: each line, and a way to open its thread."""
    items = [html.Li([html.Span(line_label(r, lang)), " ",
                      html.Span(t("submission.reason.question", lang, who=r.get("asked_by") or DASH),
                                className="muted"), " ",
                      html.Button(t("review.open_line", lang),
                                  id={"type": "review-open-reason", "line": int(r["line"])}, n_clicks=0,
                                  className="link-button")])
             for r in reasons if r.get("code") == "unanswered_question" and isinstance(r.get("line"), int)]
    return html.Div([html.P(t("review.waiting_heading", lang, n=format_number(len(items), lang)),
                            className="reasons-heading"), html.Ul(items, className="reasons")],
                    id="review-waiting-list")


def downloads(submission_id: int, lang: str) -> list:
    """Links to the hearing brief (Excel, PDF) and the history (Excel), served by the reports."""
    links = (("hearing-brief.xlsx", "review.download.brief_xlsx"), ("hearing-brief.pdf", "review.download.brief_pdf"),
             ("history.xlsx", "review.download.history_xlsx"))
    return [html.A(t(key, lang), href=f"/submission/{int(submission_id)}/{name}", className="button button-light",
                   id=f"review-download-{name.replace('.', '-')}") for name, key in links]


def _requests(values: object, lang: str) -> str:
    if isinstance(values, list):
        return " / ".join(format_khr(v, lang) for v in values)
    return DASH


def _event_detail(event: dict, labels: dict[int, str], lang: str) -> list:
    action, before, after = event["action"], event.get("before") or {}, event.get("after") or {}
    if action == "submission.line":
        label = line_label(after, lang) if {"entity", "cluster", "economic_code", "funding_source"} <= set(after) \
            else DASH
        if not before:
            return [label, ": ", _requests(after.get("request"), lang)]
        changes = [label]
        if before.get("request") != after.get("request"):
            changes += [": ", html.Span(_requests(before.get("request"), lang), className="before"), " → ",
                        html.Span(_requests(after.get("request"), lang), className="after")]
        if before.get("justification") != after.get("justification"):
            changes += [" · ", t("submission.col.justification", lang)]
        return changes
    if action == "submission.target":
        values = " / ".join(format_number(v, lang, 2 if isinstance(v, float) and not float(v).is_integer() else 0)
                            for v in (after.get("target") or []))
        return [f"{after.get('indicator', '')} · {after.get('unit', '')}: ", values]
    if action == "review.decision":
        decision = after.get("decision")
        label = labels.get(after.get("line"), DASH)
        word = t(f"review.decision.{decision}", lang) if decision in DECISION_ICONS else DASH
        extra = [" ", format_khr_exact(after.get("recommended"), lang)] if decision == ADJUST else []
        return [label, ": ", word, *extra]
    if action == "review.comment":
        where = f"{event['entity']} {unit_name(event['entity'], lang)}" if event.get("entity") \
            else t("review.whole_submission", lang)
        said = str(after.get("text") or "")
        quoted = said if len(said) <= QUOTE_CHARS else said[:QUOTE_CHARS] + "…"
        return [where, *([": ", html.Q(quoted, className="typed")] if said else [])]
    if action.startswith("submission.") and event.get("comment"):
        return [html.Q(event["comment"], className="typed")]
    return []


def history_list(events: list[dict], labels: dict[int, str], lang: str) -> html.Div:
    """The submission's history, newest first, each event in the reader's language."""
    if not events:
        return html.P(t("review.history_empty", lang), className="muted")
    shown = list(reversed(events))[:HISTORY_SHOWN]
    items = []
    for event in shown:
        key = f"review.event.{event['action']}"
        word = t(key, lang) if key in _EVENT_KEYS else t("review.event.other", lang)
        detail = _event_detail(event, labels, lang)
        items.append(html.Li([html.Span(format_moment(event.get("at"), lang), className="muted"), " · ",
                              html.Strong(word), " · ", event.get("by") or DASH,
                              *([html.Div(detail, className="event-detail")] if detail else [])]))
    note = [html.P(t("review.history_more", lang, shown=format_number(len(shown), lang),
                     total=format_number(len(events), lang)), className="muted")] if len(events) > len(shown) else []
    return html.Div([html.Ol(items, className="history", id="review-history-list"), *note])


_EVENT_KEYS = {f"review.event.{a}" for a in (
    "submission.open", "submission.line", "submission.target", "submission.submit", "submission.return",
    "submission.endorse", "submission.reopen", "submission.open_to_provinces",
    "submission.above_ceiling_justification", "submission.province_done", "submission.load", "review.decision",
    "review.comment")}
