"""The submission page's pieces: the grid's columns and rows, the state badge, the totals bar,
the reasons a submit was refused, the province progress, the versions and their diff.

Pure rendering: every figure comes from ``db.queries.submission`` through the page's callbacks.
"""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from components.filters import period_label
from components.format import DASH, format_khr, format_khr_exact, format_number, format_percent
from components.grid import LOCALE_TEXT_KM
from components.status import status_label
from db.queries.units import unit_name
from domain.access import Forbidden, Scope
from domain.submission import DRAFT, ENDORSED, RETURNED, SUBMITTED, require_line_writer
from i18n import t
from indicators.submission import FLAG_ICON, THRESHOLDS, flag_word

# Icon + word + colour for each state, never colour alone.
STATE_ICONS = {DRAFT: "✎", SUBMITTED: "➜", RETURNED: "↩", ENDORSED: "✔"}
REQUEST_FIELDS = ("request_y1", "request_y2", "request_y3")
EDITABLE_FIELDS = (*REQUEST_FIELDS, "justification")


def plain(value: object) -> object:
    """A value the browser can take as JSON: NaN, NaT and pandas' NA become None, numpy numbers plain."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def year_text(year: int, lang: str) -> str:
    return period_label(str(year), lang)


# --- the state badge ---------------------------------------------------------------------------------


def state_word(status: str, lang: str) -> str:
    return t(f"submission.state.{status}", lang)


def state_badge(status: str, version: int, lang: str) -> html.Span:
    """The submission's state as a badge: icon, word and version."""
    return html.Span(
        [html.Span(STATE_ICONS.get(status, "•"), className="badge-icon", **{"aria-hidden": "true"}),
         html.Span(state_word(status, lang)),
         html.Span(t("submission.version", lang, n=format_number(version, lang)), className="badge-version")],
        className=f"badge state-badge state-{status}", id="submission-state-badge",
    )


# --- the grid ----------------------------------------------------------------------------------------


def flags_text(codes: list[str], lang: str) -> str:
    """``⚑ Unit cost gap · ⚑ Incomplete reports``: each flag's icon and word."""
    return " · ".join(f"{FLAG_ICON} {flag_word(code, lang)}" for code in codes) if codes else ""


def line_label(row: dict, lang: str) -> str:
    """A line named by its keys: ``07 Kampot · P1.1.1 · 60 · RGC``."""
    return " · ".join([f"{row['entity']} {unit_name(row['entity'], lang)}", str(row["cluster"]),
                       str(row["economic_code"]), str(row["funding_source"])])


def _linked_text(linked: object, lang: str) -> str:
    if not isinstance(linked, list) or not linked:
        return ""
    parts = []
    for item in linked:
        achievement = item.get("achievement")
        parts.append(f"{item.get('indicator')} {format_percent(achievement, lang)} "
                     f"{status_label(item.get('status') or 'no_data', lang)}".replace(" %", "\u00a0%"))
    return "\n".join(parts)  # one indicator to a line (the cell keeps line breaks)


def may_write(scope: Scope, entity: str, open_to_provinces: bool) -> bool:
    """Whether the page offers ``entity``'s line for editing (the write layer decides again)."""
    try:
        require_line_writer(scope, entity, open_to_provinces)
    except Forbidden:
        return False
    return True


def line_rows(lines: pd.DataFrame, *, scope: Scope, can_edit: bool, open_to_provinces: bool, lang: str,
              names: dict[str, tuple[str, str]]) -> list[dict]:
    """The grid's rows: the line's numbers (for sorting, filters and editing) and its texts in
    ``lang``, ordered programme → sub-programme → cluster → entity → chapter → source."""
    def name(code: object, key: str | None = None) -> str:
        en, km = names.get(key or str(code), ("", ""))
        return f"{code} {km if lang == 'km' else en}".strip()

    rows = []
    for r in lines.to_dict("records"):
        rate, benchmark = plain(r.get("execution_rate")), plain(r.get("benchmark"))
        codes = list(r.get("flags") or [])
        rows.append({
            "row_id": str(int(r["id"])), "id": int(r["id"]),
            "programme": r.get("programme"), "programme_name": name(r.get("programme")),
            "subprogramme": r.get("subprogramme"), "cluster": r["cluster"], "cluster_name": name(r["cluster"]),
            "entity": r["entity"], "entity_label": f"{r['entity']} {unit_name(r['entity'], lang)}",
            "economic_code": r["economic_code"],
            "chapter_name": name(r["economic_code"], f"chapter:{r['economic_code']}"),
            "funding_source": r["funding_source"],
            **{field: int(r[field]) for field in REQUEST_FIELDS},
            "revised_last": plain(r.get("revised_last")), "paid_to_date": plain(r.get("paid_to_date")),
            "as_of": plain(r.get("as_of")), "paid_full_year": plain(r.get("paid_full_year")),
            "execution_rate": rate, "benchmark": benchmark,
            "rate_text": DASH if rate is None else t("submission.rate_text", lang, rate=format_percent(rate, lang),
                                                      benchmark=format_percent(benchmark, lang)),
            "linked_text": _linked_text(r.get("linked_indicators"), lang),
            "flags": codes, "flag_count": len(codes), "flags_text": flags_text(codes, lang),
            "justification": r.get("justification") or "", "row_version": int(r["row_version"]),
            "updated_by": r.get("updated_by") or "",
            "writable": bool(can_edit and may_write(scope, r["entity"], open_to_provinces)),
        })
    rows.sort(key=lambda row: (str(row["programme"]), str(row["subprogramme"]), row["cluster"], row["entity"],
                               row["economic_code"], row["funding_source"]))
    return rows


def _riels(field: str, header: str, lang: str, **extra) -> dict:
    return {"field": field, "headerName": header, "type": "rightAligned", "filter": "agNumberColumnFilter",
            "cellDataType": False, "minWidth": 150,
            "valueFormatter": {"function": f"typedRiels(params.value, '{lang}')"},
            "tooltipValueGetter": {"function": f"exactRiels(params.value, '{lang}')"}, **extra}


def line_columns(year: int, lang: str, *, editable: bool, pinned: bool = True) -> list[dict]:
    """The grid's columns: what the line is, the request (editable), last years' figures
    (read-only, shaded), the flags and the justification (editable). The programme and cluster
    stay at the left while the rest scrolls (``pinned``; not on a phone, where they would fill it)."""
    # On a phone the programme column goes: the cluster's code begins with it (P1.1.1 is in P1).
    pin = {"pinned": "left"} if pinned else {}
    programme_shown = {} if pinned else {"hide": True}
    mark = " ✎" if editable else ""
    writable = {"function": "params.data.writable === true"}
    last = {"cellClass": "last-year", "headerClass": "last-year-header", "editable": False}
    request_columns = [
        _riels(field, f"{year_text(year + offset, lang)}{mark}", lang, editable=writable,
               cellEditor="agTextCellEditor", cellClassRules={"cell-writable": "params.data.writable === true"})
        for offset, field in enumerate(REQUEST_FIELDS)
    ]
    return [
        {"field": "programme", "headerName": t("submission.col.programme", lang), **pin, **programme_shown,
         "width": 136, "minWidth": 130, "flex": 0, "tooltipField": "programme_name"},
        {"field": "cluster", "headerName": t("submission.col.cluster", lang), **pin,
         "width": 96, "minWidth": 90, "flex": 0, "tooltipField": "cluster_name"},
        {"field": "entity", "headerName": t("submission.col.entity", lang), "minWidth": 190,
         "filter": "agTextColumnFilter", "valueFormatter": {"function": "params.data.entity_label"},
         "tooltipField": "entity_label"},
        {"field": "economic_code", "headerName": t("submission.col.chapter", lang), "minWidth": 110,
         "tooltipField": "chapter_name"},
        {"field": "funding_source", "headerName": t("submission.col.source", lang), "minWidth": 100},
        {"headerName": t("submission.group.request", lang), "children": request_columns,
         "headerClass": "request-header"},
        {"headerName": t("submission.group.last", lang), "headerClass": "last-year-header", "children": [
            _riels("revised_last", t("submission.col.revised", lang, year=year_text(year - 1, lang)), lang,
                   **last),
            _riels("paid_to_date", t("submission.col.paid_to_date", lang, year=year_text(year - 1, lang)), lang,
                   **last),
            {"field": "execution_rate", "headerName": t("submission.col.rate", lang), "type": "rightAligned",
             "filter": "agNumberColumnFilter", "cellDataType": False, "minWidth": 170,
             "valueFormatter": {"function": "params.data.rate_text"}, **last},
            _riels("paid_full_year", t("submission.col.paid_full", lang, year=year_text(year - 2, lang)), lang,
                   **last),
            {"field": "linked_text", "headerName": t("submission.col.indicators", lang), "minWidth": 280,
             "tooltipField": "linked_text", "wrapText": True, "autoHeight": True, **last,
             "cellClass": "last-year wrapped-cell linked-cell"},
        ]},
        {"field": "flags_text", "headerName": t("submission.col.flags", lang), "minWidth": 210,
         "wrapText": True, "autoHeight": True, "cellClass": "flags-cell wrapped-cell", "editable": False},
        {"field": "justification", "headerName": t("submission.col.justification", lang) + mark,
         "minWidth": 260, "editable": writable, "cellEditor": "agLargeTextCellEditor", "cellEditorPopup": True,
         "cellEditorParams": {"maxLength": 4000, "rows": 8, "cols": 60}, "tooltipField": "justification",
         "cellClassRules": {"cell-writable": "params.data.writable === true"}},
    ]


def grid_height(rows: list[dict], *, narrow: bool) -> str:
    """Tall enough for a director's few lines without an empty box, at most a screen's worth
    (the grid scrolls within itself beyond that)."""
    def lines(row: dict) -> int:  # the wrapped cells' lines: an indicator or two flags to a line
        return max(1, row["linked_text"].count("\n") + 1, -(-len(row["flags_text"]) // 24))

    estimate = 110 + sum(24 + 20 * lines(row) for row in rows)
    return f"{max(220, min(estimate, 460 if narrow else 600))}px"


def grid_options(lang: str) -> dict:
    return {"tooltipShowDelay": 300, "animateRows": False, "stopEditingWhenCellsLoseFocus": True,
            "enterNavigatesVerticallyAfterEdit": True, "singleClickEdit": False,
            "rowClassRules": {"row-flagged": "params.data.flag_count > 0"},
            **({"localeText": LOCALE_TEXT_KM} if lang == "km" else {})}


# --- the totals bar ----------------------------------------------------------------------------------


def _difference(total: int, ceiling: int | None, lang: str) -> html.Span:
    if ceiling is None:
        return html.Span(DASH)
    gap = total - ceiling
    above = gap > 0
    word = t("submission.above" if above else "submission.within", lang)
    icon = "▲" if above else "✔"
    return html.Span([html.Span(icon, **{"aria-hidden": "true"}), f" {format_khr(abs(gap), lang)} {word}"],
                     className="over-ceiling" if above else "within-ceiling",
                     title=format_khr_exact(gap, lang))


def totals_bar(sub, totals: dict, ceiling: dict, lang: str) -> list:
    """The request against MEF's ceiling: the whole of year Y, and per programme when MEF set
    programme ceilings; the later two years beside it."""
    year = sub.fiscal_year
    request = totals["request"]
    total_ceiling = ceiling.get("total")

    def figure(label: str, value, figure_id: str, *, exact=None) -> html.Div:
        return html.Div([html.Span(label, className="totals-label"),
                         html.Span(value, className="totals-value", id=figure_id,
                                   title=exact or "")], className="totals-figure")

    items = [
        html.Div(state_badge(sub.status, sub.version, lang), className="totals-figure"),
        figure(t("submission.total_request", lang, year=year_text(year, lang)), format_khr(request[0], lang),
               "submission-total", exact=format_khr_exact(request[0], lang)),
        figure(t("submission.ceiling", lang),
               format_khr(total_ceiling, lang) if total_ceiling is not None else t("submission.no_ceiling", lang),
               "submission-ceiling",
               exact=format_khr_exact(total_ceiling, lang) if total_ceiling is not None else None),
        figure(t("submission.difference", lang), _difference(request[0], total_ceiling, lang),
               "submission-difference"),
        html.Div(" · ".join(f"{year_text(year + i, lang)}: {format_khr(request[i], lang)}" for i in (1, 2)),
                 className="totals-later muted"),
    ]
    programmes = ceiling.get("programmes") or {}
    if programmes:
        chips = []
        for code in sorted(set(programmes) | set(totals.get("programmes", {}))):
            asked, limit = totals.get("programmes", {}).get(code, 0), programmes.get(code)
            chips.append(html.Span([html.Strong(code), f" {format_khr(asked, lang)} / ",
                                    format_khr(limit, lang) if limit is not None else DASH, " ",
                                    _difference(asked, limit, lang)], className="programme-chip"))
        items.append(html.Div([html.Span(t("submission.by_programme", lang), className="totals-label"), *chips],
                              className="totals-programmes", id="submission-programme-totals"))
    return items


# --- refusals, progress, versions ----------------------------------------------------------------------


def reasons_list(reasons: list[dict], lang: str) -> html.Div:
    """The reasons a submit was refused (HTTP 422 in the API): each flagged line without a
    justification, with its flags, and the request above the ceiling without one."""
    chars = format_number(THRESHOLDS["justification_min_chars"], lang)
    lines, others = [], []
    for reason in reasons:
        code = reason.get("code")
        if code == "flagged_without_justification":
            flags = [html.Span(f"{FLAG_ICON} {flag_word(f, lang)}", className="flag") for f in reason.get("flags", [])]
            lines.append(html.Li([html.Strong(line_label(reason, lang)), ": ", *flags], className="reason"))
        elif code == "above_ceiling_without_justification":
            others.append(html.Li(t("submission.reason.ceiling", lang, total=format_khr(reason.get("total"), lang),
                                    ceiling=format_khr(reason.get("ceiling"), lang), chars=chars),
                                  className="reason reason-ceiling"))
        elif code == "unanswered_question":
            others.append(html.Li([html.Strong(line_label(reason, lang)), ": ",
                                   t("submission.reason.question", lang, who=reason.get("asked_by") or "MEF")],
                                  className="reason"))
        elif code == "comment_required":
            others.append(html.Li(t("submission.comment_required", lang), className="reason"))
        else:
            others.append(html.Li(str(reason.get("detail") or code), className="reason"))
    parts = [html.Ul(others, className="reasons", id="submission-reasons-other")] if others else []
    if lines:
        parts.append(html.P(t("submission.reason.lines", lang, n=format_number(len(lines), lang), chars=chars),
                            className="reasons-heading"))
        parts.append(html.Ul(lines, className="reasons reasons-lines", id="submission-reasons-lines"))
    return html.Div(parts, id="submission-reasons-list")


def progress_list(provinces: list[dict], lang: str) -> html.Details:
    """Which provinces have marked their part done: the count, and each province on demand."""
    done = sum(1 for p in provinces if p["done"])
    items = [html.Li([html.Span("✔" if p["done"] else "○", className="progress-icon", **{"aria-hidden": "true"}),
                      f" {p['province']} {unit_name(p['province'], lang)} — ",
                      t("submission.province_done", lang, who=p["done_by"]) if p["done"]
                      else t("submission.province_pending", lang)],
                     className="province-done" if p["done"] else "province-pending") for p in provinces]
    return html.Details([html.Summary(t("submission.progress", lang, done=format_number(done, lang),
                                        total=format_number(len(provinces), lang)), id="submission-progress-count"),
                         html.Ul(items, className="progress-list")], className="progress")


def _when(iso: str, lang: str) -> str:
    text = (iso or "").replace("T", " ")[:16]
    return period_label(text, lang)


def versions_list(versions: list[dict], lang: str) -> html.Div:
    if not versions:
        return html.P(t("submission.no_versions", lang), className="muted")
    return html.Ul([html.Li(t("submission.version_line", lang, n=format_number(v["version"], lang),
                              when=_when(v["taken_at"], lang), who=v["taken_by"])) for v in versions],
                   id="submission-versions-list")


def history_list(events: list[dict], lang: str) -> html.Div:
    if not events:
        return html.Div()
    items = []
    for event in events:
        text = t("submission.history_line", lang, when=_when(event["at"], lang),
                 event=t(f"submission.event.{event['action']}", lang), who=event["by"])
        items.append(html.Li([text, *([": ", html.Q(event["comment"], className="comment")]
                                      if event.get("comment") else [])]))
    return html.Div([html.H3(t("submission.history", lang)), html.Ul(items, id="submission-history-list")])


def return_comment(status: str, events: list[dict], lang: str) -> html.Div | list:
    """While a submission is returned, MEF's words on returning it, where the ministry acts."""
    if status != RETURNED:
        return []
    said = next((e for e in reversed(events) if e["action"] == "return" and e.get("comment")), None)
    if said is None:
        return []
    return html.Div([html.Strong(t("submission.return_comment", lang, who=said["by"])), " ",
                     html.Q(said["comment"])], className="notice return-comment", id="submission-mef-comment")


def _amounts(values: object, lang: str) -> str:
    if not isinstance(values, list):
        return str(values)
    return " / ".join(format_khr(v, lang) for v in values)


def _numbers(values: object, lang: str) -> str:
    if not isinstance(values, list):
        return str(values)
    return " / ".join(format_number(v, lang, 2 if isinstance(v, float) and not float(v).is_integer() else 0)
                      for v in values)


def _field_change(field: str, change: dict, year: int, lang: str) -> html.Li:
    before, after = change.get("before"), change.get("after")
    if field == "request":
        years = " / ".join(year_text(year + i, lang) for i in range(3))
        return html.Li([f"{t('submission.diff.request', lang)} ({years}): ", html.Span(_amounts(before, lang),
                                                                                        className="before"),
                        " → ", html.Span(_amounts(after, lang), className="after")])
    if field == "target":
        return html.Li([f"{t('submission.diff.target', lang)}: ", html.Span(_numbers(before, lang), className="before"),
                        " → ", html.Span(_numbers(after, lang), className="after")])
    label = t("submission.col.justification", lang) if field == "justification" else field
    return html.Li([f"{label}: ", html.Q(before or DASH, className="before"), " → ",
                    html.Q(after or DASH, className="after")])


def diff_view(changes: dict, version: int, year: int, lang: str) -> html.Div:
    """``db.submissions.diff`` as lists: lines and targets added, removed and changed (before → after)."""
    sections = []
    for part in ("lines", "targets"):
        found = changes.get(part, {})
        label = (lambda item: line_label(item, lang)) if part == "lines" else \
            (lambda item: f"{item['indicator']} · {item['unit']} {unit_name(item['unit'], lang)}")
        value = (lambda item: _amounts(item.get("request"), lang)) if part == "lines" else \
            (lambda item: _numbers(item.get("target"), lang))
        items = []
        for item in found.get("changed", []):
            items.append(html.Li([html.Span(t("submission.diff.changed", lang), className="diff-kind changed"), " ",
                                  html.Strong(label(item)),
                                  html.Ul([_field_change(field, change, year, lang)
                                           for field, change in item["changes"].items()])]))
        for kind in ("added", "removed"):
            for item in found.get(kind, []):
                items.append(html.Li([html.Span(t(f"submission.diff.{kind}", lang), className=f"diff-kind {kind}"),
                                      " ", html.Strong(label(item)), f": {value(item)}"]))
        if items:
            sections.append(html.Div([html.H4(t(f"submission.diff.{part}", lang)), html.Ul(items)]))
    if not sections:
        return html.P(t("submission.diff.none", lang, n=format_number(version, lang)), className="muted",
                      id="submission-diff-none")
    return html.Div(sections, id="submission-diff-list")
