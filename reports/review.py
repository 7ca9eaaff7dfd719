"""MEF's hearing brief of a submission, as a workbook (``/submission/<id>/hearing-brief.xlsx``)
and a bilingual A4 PDF (``/submission/<id>/hearing-brief.pdf``); and the submission's full
history as a workbook (``/submission/<id>/history.xlsx``).

The brief sets, per line, the request for the fiscal year beside MEF's decision, the amount MEF
recommended where it adjusted, and the endorsed amount (the recommended amount where MEF
adjusted, the request elsewhere); the line's flags; the questions still waiting for an answer,
with the words MEF wrote in the line's thread; and the totals against MEF's ceiling.

Everything is read through the query layer with the caller's scope: a provincial director's
brief holds his or her province's lines and questions only, and no ceiling (the ceiling is the
whole ministry's, which a province's lines are not to be measured against). Text from users is
written as text: a spreadsheet cell never becomes a formula, the PDF shows markup as characters.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from flask import render_template
from openpyxl import Workbook
from sqlalchemy.orm import Session

from components.exports import fill_sheet
from components.format import format_number
from db.models import Submission
from db.queries import review as review_reads
from db.queries import submission as reads
from db.queries.units import unit_name
from domain.access import Scope
from domain.submission import ADJUST, DECISIONS, EDITABLE, QUESTION
from domain.vocabulary import MEF_REVIEWER
from i18n import t
from indicators.submission import FLAG_WORDS, SUBMISSION_FLAGS
from reports.scorecard_sheet import ASSETS, Label, both

MILLION = 1_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class HearingBrief:
    """What the brief shows: the submission, its lines with MEF's decisions, the open questions
    and the totals against the ceiling, as ``scope`` may read them."""

    submission: Submission
    scope: Scope
    lines: list[dict]
    questions: list[dict]
    totals: list[dict]
    names: dict[str, tuple[str, str]]
    made_at: datetime

    @property
    def year(self) -> int:
        return self.submission.fiscal_year

    @property
    def scoped(self) -> bool:
        """Whether the brief is one province's (a director's): then it shows no ceiling."""
        return self.scope.provinces is not None


def _amount(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(round(float(value)))


def _when(iso: str | None) -> str:
    """``2026-07-14T09:05:31`` → ``2026-07-14 09:05`` (times are UTC, as stored)."""
    return (iso or "").replace("T", " ")[:16]


def question_texts(thread: list[dict], line_id: int) -> list[dict]:
    """What MEF wrote in a questioned line's thread since the thread's last answer (a comment of
    the budget unit or the line's director), oldest first: the open question in MEF's words.

    Comments are ordered by id, which follows the order they were written in."""
    on_line = [c for c in thread if c["line"] == line_id]
    answered = [c["id"] for c in on_line if c["role"] in review_reads.ANSWERING_ROLES]
    since = max(answered, default=0)
    return [c for c in on_line if c["role"] == MEF_REVIEWER and c["id"] > since]


def _line_rows(shown: pd.DataFrame, open_lines: set[int]) -> list[dict]:
    rows = []
    for line in shown.to_dict("records"):
        request = _amount(line["request_y1"])
        decision = line.get("decision") if isinstance(line.get("decision"), str) else None
        recommended = _amount(line.get("recommended")) if decision == ADJUST else None
        endorsed = _amount(line.get("endorsed_amount"))
        rows.append({
            "id": int(line["id"]), "entity": line["entity"], "programme": line["programme"],
            "subprogramme": line["subprogramme"], "cluster": line["cluster"],
            "economic_code": line["economic_code"], "funding_source": line["funding_source"],
            "request": request, "decision": decision, "recommended": recommended, "endorsed": endorsed,
            "change": None if endorsed is None or request is None else endorsed - request,
            "flags": list(line.get("flags") or []), "open_question": int(line["id"]) in open_lines,
            "decided_by": line.get("decided_by") if isinstance(line.get("decided_by"), str) else None,
        })
    return rows


def _totals(lines: list[dict], ceiling: dict, scoped: bool) -> list[dict]:
    """Per programme and in all: request, endorsed, change and, for the whole ministry, the
    ceiling and how far the endorsed amount stands above (+) or below (−) it."""
    programmes = sorted({line["programme"] for line in lines} | (set() if scoped else set(ceiling["programmes"])))
    out = []
    for code in [*programmes, None]:
        part = [line for line in lines if code is None or line["programme"] == code]
        request = sum(line["request"] or 0 for line in part)
        endorsed = sum(line["endorsed"] or 0 for line in part)
        limit = None if scoped else (ceiling["total"] if code is None else ceiling["programmes"].get(code))
        out.append({"programme": code, "lines": len(part), "request": request, "endorsed": endorsed,
                    "change": endorsed - request, "ceiling": limit,
                    "over_ceiling": None if limit is None else endorsed - limit, "total": code is None})
    return out


def hearing_brief(session: Session, scope: Scope, submission_id: int) -> HearingBrief:
    """The brief of submission ``submission_id`` as ``scope`` may read it.

    ``Forbidden`` for a role that reads no figures, ``NotFound`` for no such submission.
    """
    shown = reads.view(session, scope, submission_id)
    sub = shown.submission
    lines = shown.lines.sort_values(["programme", *reads.LINE_KEYS]).reset_index(drop=True)
    questions = review_reads.open_questions(session, sub.id, reads.line_entities(scope))
    thread = review_reads.comments(session, scope, sub.id)
    for question in questions:
        question["texts"] = question_texts(thread, question["line"])
    rows = _line_rows(lines, {q["line"] for q in questions})
    by_id = {row["id"]: row for row in rows}
    for question in questions:
        question["request"] = by_id.get(question["line"], {}).get("request")
        question["programme"] = by_id.get(question["line"], {}).get("programme")
    scoped = scope.provinces is not None
    return HearingBrief(sub, scope, rows, questions, _totals(rows, shown.ceiling, scoped),
                        reads.structure_names(session), datetime.now())


# --- the workbook ---------------------------------------------------------------------------------


def _name(brief: HearingBrief, code: str | None, lang: str = "en") -> str:
    en, km = brief.names.get(code or "", ("", ""))
    return km if lang == "km" else en


def brief_tables(brief: HearingBrief) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as frames: ``totals``, ``lines``, ``open_questions``."""
    year = brief.year
    totals = pd.DataFrame([{
        "programme": row["programme"] or "total", "programme_name": _name(brief, row["programme"]),
        "lines": row["lines"], f"request_{year}": row["request"], f"endorsed_{year}": row["endorsed"],
        "change": row["change"], "ceiling": row["ceiling"], "endorsed_minus_ceiling": row["over_ceiling"],
    } for row in brief.totals], columns=["programme", "programme_name", "lines", f"request_{year}",
                                         f"endorsed_{year}", "change", "ceiling", "endorsed_minus_ceiling"])
    lines = pd.DataFrame([{
        "line": row["id"], "entity": row["entity"], "entity_name": unit_name(row["entity"], "en"),
        "programme": row["programme"], "cluster": row["cluster"], "cluster_name": _name(brief, row["cluster"]),
        "economic_code": row["economic_code"], "funding_source": row["funding_source"],
        f"request_{year}": row["request"], "decision": row["decision"] or "",
        f"recommended_{year}": row["recommended"], f"endorsed_{year}": row["endorsed"], "change": row["change"],
        "flags": ", ".join(row["flags"]), "open_question": "yes" if row["open_question"] else "",
        "decided_by": row["decided_by"] or "",
    } for row in brief.lines], columns=["line", "entity", "entity_name", "programme", "cluster", "cluster_name",
                                        "economic_code", "funding_source", f"request_{year}", "decision",
                                        f"recommended_{year}", f"endorsed_{year}", "change", "flags",
                                        "open_question", "decided_by"])
    questions = pd.DataFrame([{
        "line": q["line"], "entity": q["entity"], "entity_name": unit_name(q["entity"], "en"),
        "cluster": q["cluster"], "cluster_name": _name(brief, q["cluster"]), "economic_code": q["economic_code"],
        "funding_source": q["funding_source"], f"request_{year}": q["request"], "asked_by": q["asked_by"],
        "question": "\n\n".join(c["text"] for c in q["texts"]),
        "written_by": ", ".join(dict.fromkeys(c["author"] for c in q["texts"])),
        "written_at": _when(q["texts"][-1]["at"]) if q["texts"] else "",
    } for q in brief.questions], columns=["line", "entity", "entity_name", "cluster", "cluster_name",
                                          "economic_code", "funding_source", f"request_{year}", "asked_by",
                                          "question", "written_by", "written_at"])
    return {"totals": totals.astype(object), "lines": lines.astype(object),
            "open_questions": questions.astype(object)}


def _about(brief: HearingBrief, rows: list[tuple[str, object]]) -> pd.DataFrame:
    sub, scope = brief.submission, brief.scope
    state = " in preparation" if sub.status in EDITABLE else ""
    return pd.DataFrame([
        ("fiscal_year", brief.year), ("submission", sub.id), ("status", sub.status),
        ("version", f"{sub.version}{state}"),
        ("lines_of", f"province {scope.province} only" if brief.scoped else "every entity"),
        *rows, ("exported_by", scope.username), ("exported_at", f"{brief.made_at:%Y-%m-%d %H:%M}"),
    ], columns=["field", "value"]).astype(object)


def brief_workbook(brief: HearingBrief) -> bytes:
    """The brief as an .xlsx: what it is, the totals against the ceiling, the lines, the open questions."""
    tables = brief_tables(brief)
    about = _about(brief, [
        ("lines", len(brief.lines)), ("open_questions", len(brief.questions)),
        ("amounts", "riels (KHR); endorsed = recommended where MEF adjusted, requested elsewhere"),
        ("decisions", "codes: " + ", ".join(DECISIONS) + "; empty: not decided yet"),
        ("flags", "codes: " + ", ".join(SUBMISSION_FLAGS)),
        ("ceiling", "not shown on one province's lines" if brief.scoped else "MEF's ceiling of the fiscal year"),
        ("times", "UTC"),
    ])
    book = Workbook()
    first = book.active
    first.title = "hearing_brief"
    fill_sheet(first, about)
    amounts = {c: "#,##0" for frame in tables.values() for c in frame.columns
               if c.startswith(("request_", "recommended_", "endorsed_")) or c in ("change", "ceiling",
                                                                                  "endorsed_minus_ceiling")}
    for name, frame in tables.items():
        fill_sheet(book.create_sheet(name), frame, number_formats=amounts)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the history ------------------------------------------------------------------------------------


def _json(value: object) -> str:
    if value in (None, {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def history_table(rows: list[dict]) -> pd.DataFrame:
    """``full_history`` rows as a sheet: when, who, action, entity, before, after, comment.

    ``before`` and ``after`` are the stored values as JSON; the comment is the words written (a
    transition's comment, or the text of a comment in a thread)."""
    out = []
    for row in rows:
        after = row.get("after") if isinstance(row.get("after"), dict) else {}
        comment = row.get("comment") or (after.get("text", "") if row["action"] == "review.comment" else "")
        out.append({"when": _when(row["at"]), "who": row["by"], "action": row["action"],
                    "entity": row.get("entity") or "", "before": _json(row.get("before")),
                    "after": _json(row.get("after")), "comment": comment or ""})
    return pd.DataFrame(out, columns=["when", "who", "action", "entity", "before", "after", "comment"]).astype(object)


def history_workbook(session: Session, scope: Scope, submission_id: int) -> tuple[int, bytes]:
    """The submission's fiscal year and its full history (as ``scope`` may read it) as an .xlsx.

    ``Forbidden`` for a role that reads no figures, ``NotFound`` for no such submission."""
    sub = reads.get(session, scope, submission_id)
    rows = review_reads.full_history(session, scope, submission_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "history"
    fill_sheet(sheet, history_table(rows))
    about = book.create_sheet("about")
    lines_of = f"province {scope.province} only" if scope.provinces is not None else "every entity"
    fill_sheet(about, pd.DataFrame([
        ("fiscal_year", sub.fiscal_year), ("submission", sub.id), ("status", sub.status),
        ("changes_of", lines_of), ("rows", len(rows)), ("times", "UTC"), ("exported_by", scope.username),
        ("exported_at", f"{datetime.now():%Y-%m-%d %H:%M}"),
    ], columns=["field", "value"]).astype(object))
    buffer = io.BytesIO()
    book.save(buffer)
    return sub.fiscal_year, buffer.getvalue()


# --- the PDF --------------------------------------------------------------------------------------------


def _millions(value: float | None) -> str:
    return format_number(None if value is None else value / MILLION, "en", digits=1)


def _signed(value: float | None) -> str:
    """A change in million riels with its sign; a dash for none (so that changes stand out)."""
    if value is None or value == 0:
        return "–"
    if round(value / MILLION, 1) == 0:
        return "±0.0"
    return ("+" if value > 0 else "−") + _millions(abs(value))


def _label(brief: HearingBrief, code: str | None, with_code: bool = True) -> Label:
    en, km = brief.names.get(code or "", (code or "", code or ""))
    prefix = f"{code} " if with_code and code else ""
    return Label(f"{prefix}{en}", f"{prefix}{km}")


def _entity(code: str) -> Label:
    return Label(f"{code} {unit_name(code, 'en')}", f"{code} {unit_name(code, 'km')}")


def _decision(code: str | None, is_open: bool) -> Label:
    label = both(f"brief.decision.{code or 'none'}")
    if code == QUESTION:
        state = both("brief.question_open" if is_open else "brief.question_answered")
        label = Label(f"{label.en} ({state.en})", f"{label.km} ({state.km})")
    return label


def brief_html(brief: HearingBrief, *, for_pdf: bool = False) -> str:
    """The brief as an HTML page: totals against the ceiling, open questions, lines by programme;
    English above Khmer in every label."""
    year, sub, scope = brief.year, brief.submission, brief.scope
    totals = [{**row, "name": both("subdoc.total") if row["total"] else _label(brief, row["programme"]),
               "request_text": _millions(row["request"]), "endorsed_text": _millions(row["endorsed"]),
               "change_text": _signed(row["change"]), "ceiling_text": _millions(row["ceiling"]),
               "over_text": _signed(row["over_ceiling"])} for row in brief.totals]
    questions = [{**q, "line_label": _entity(q["entity"]), "cluster_label": _label(brief, q["cluster"]),
                  "chapter_label": _label(brief, f"chapter:{q['economic_code']}", with_code=False),
                  "request_text": _millions(q["request"]),
                  "texts": [{**c, "when": _when(c["at"])} for c in q["texts"]]} for q in brief.questions]
    programmes = []
    for row in totals:
        if row["total"] or not row["lines"]:
            continue
        part = [line for line in brief.lines if line["programme"] == row["programme"]]
        programmes.append({"name": row["name"], "total": row,
                           "lines": [{
                               **line, "entity_label": _entity(line["entity"]),
                               "cluster_label": _label(brief, line["cluster"]),
                               "request_text": _millions(line["request"]),
                               "recommended_text": _millions(line["recommended"]),
                               "endorsed_text": _millions(line["endorsed"]), "change_text": _signed(line["change"]),
                               "decision_label": _decision(line["decision"], line["open_question"]),
                               "flag_labels": [Label(*FLAG_WORDS.get(f, (f, f))) for f in line["flags"]],
                           } for line in part]})
    province = scope.province if brief.scoped else None
    label = {
        "title": both("brief.title", year=year), "ministry": both("app.ministry"), "app": both("app.title"),
        "state": both(f"subdoc.state.{sub.status}"), "version": both("brief.version", n=sub.version),
        "scope": Label(t("subdoc.scope_province", "en", province=f"{province} {unit_name(province, 'en')}"),
                       t("subdoc.scope_province", "km", province=f"{province} {unit_name(province, 'km')}"))
        if province else both("subdoc.scope_all"),
        "made": both("subdoc.made", who=scope.username, when=f"{brief.made_at:%Y-%m-%d %H:%M}"),
        "totals": both("brief.totals") if not province else both("brief.totals_province"),
        "programme": both("subdoc.programme"), "lines_count": both("brief.lines_count"),
        "request": both("subdoc.request", year=year), "endorsed": both("brief.endorsed", year=year),
        "change": both("brief.change"), "ceiling": both("submission.ceiling"),
        "over": both("brief.over_ceiling"), "no_ceiling": both("submission.no_ceiling"),
        "questions": both("brief.questions", n=len(questions)), "no_questions": both("brief.no_questions"),
        "line": both("brief.line"), "asked_by": both("brief.asked_by"), "question": both("brief.question"),
        "no_text": both("brief.no_text"), "lines": both("brief.lines"),
        "entity": both("submission.col.entity"), "cluster": both("submission.col.cluster"),
        "chapter": both("brief.chapter_source"), "decision": both("brief.decision"),
        "recommended": both("brief.recommended"), "flags": both("submission.col.flags"),
        "subtotal": both("brief.subtotal"), "unit": both("subdoc.unit"), "rule": both("brief.rule"),
    }
    return render_template("hearing_brief.html", label=label, totals=totals, questions=questions,
                           programmes=programmes, scoped=bool(province), for_pdf=for_pdf,
                           font_url=(ASSETS / "fonts").as_uri() if for_pdf else "/assets/fonts")


def brief_pdf(html: str) -> bytes:
    """The PDF of a rendered brief (WeasyPrint, which shapes Khmer through HarfBuzz)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=html, base_url=str(ASSETS)).write_pdf()
