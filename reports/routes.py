"""Routes of the printed scorecard: ``/scorecard/<code>/print`` (HTML) and ``/scorecard/<code>/pdf``;
of the submission's documents for MEF: ``/submission/<id>/export.xlsx`` and ``/submission/<id>/summary.pdf``;
and of MEF's hearing brief and the submission's history: ``/submission/<id>/hearing-brief.xlsx``,
``/submission/<id>/hearing-brief.pdf`` and ``/submission/<id>/history.xlsx``.

All sit behind the sign-in gate like every page, build the caller's scope on the server and
ask the query layer, so a director asking for another province gets 403 and an audit line.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, make_response, request
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, current_scope, db_url
from db.engine import session_scope
from db.queries import overview as overview_queries
from domain.access import Forbidden
from domain.periods import is_month_period
from i18n import t
from reports.scorecard_sheet import render_sheet_html, scorecard_sheet, sheet_pdf

bp = Blueprint("reports", __name__, template_folder="templates", static_folder="static",
               static_url_path="/reports/static")
YEAR = re.compile(r"^[0-9]{4}$")


def _plain(status: int, key: str) -> Response:
    # Both languages: the sheet is bilingual, and so is what stands in for it.
    body = f"{t(key, 'en')}\n{t(key, 'km')}\n"
    return Response(body, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _sheet(code: str) -> dict | Response:
    if not (len(code) == 2 and code.isascii() and code.isdigit() and "01" <= code <= "25"):
        abort(404)
    scope = current_scope()
    try:
        with session_scope(db_url()) as session:
            scope.require_province(code)
            year, period = request.args.get("year", ""), request.args.get("period", "")
            if not period:
                periods, preferred = overview_queries.selector_data(session, scope, national=False)
                if not periods:
                    return _plain(404, "overview.empty")
                if year and not (YEAR.fullmatch(year) and int(year) in periods):
                    return _plain(400, "sheet.bad_year")  # a year asked for is never swapped silently
                year = year or str(max(periods))
                period = preferred.get(int(year)) or periods[int(year)][0]
            if not is_month_period(period) or (year and year != period[:4]):
                return _plain(400, "sheet.bad_period")
            return scorecard_sheet(session, scope, code=code, year=int(period[:4]), period=period)
    except Forbidden as refusal:
        audit_refusal(refusal.what)
        return _plain(403, "forbidden.body")
    except SQLAlchemyError:
        return _plain(503, "error.unavailable")


@bp.get("/scorecard/<code>/print")
def scorecard_print(code: str):
    """The scorecard on one A4 sheet, English and Khmer, to print from the browser."""
    sheet = _sheet(code)
    if isinstance(sheet, Response):
        return sheet
    response = make_response(render_sheet_html(sheet))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/scorecard/<code>/pdf")
def scorecard_pdf(code: str):
    """The same sheet as a PDF download."""
    sheet = _sheet(code)
    if isinstance(sheet, Response):
        return sheet
    return _pdf_download(sheet_pdf, render_sheet_html(sheet, for_pdf=True), f"scorecard-{code}-{sheet['period']}.pdf")


# --- the submission's documents for MEF (reports/submission.py) ---------------------------------------

VERSION = re.compile(r"^[0-9]{1,4}$")


def _submission_document(submission_id: int):
    """The submission's lines (``?version=n``: as that version was sent) as the caller may read them."""
    from reports.submission import submission_document

    raw = request.args.get("version", "")
    if raw and not (VERSION.fullmatch(raw) and int(raw) >= 1):
        return _plain(400, "subdoc.bad_version")
    return _scoped(lambda session, scope: submission_document(session, scope, submission_id,
                                                              int(raw) if raw else None))


def _scoped(build):
    """``build(session, scope)`` under the caller's scope; refusals as plain answers in both languages."""
    from db.queries.submission import NotFound

    scope = current_scope()
    try:
        with session_scope(db_url()) as session:
            return build(session, scope)
    except Forbidden as refusal:
        audit_refusal(refusal.what)
        return _plain(403, "forbidden.body")
    except NotFound:
        return _plain(404, "subdoc.not_found")
    except SQLAlchemyError:
        return _plain(503, "error.unavailable")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf_download(to_pdf, html: str, filename: str) -> Response:
    """``to_pdf(html)`` as a download, or, when WeasyPrint cannot load Pango, a 503 saying what to
    do instead of a 500."""
    try:
        pdf = to_pdf(html)
    except OSError:
        return _plain(503, "sheet.no_pdf")
    return _download(pdf, "application/pdf", filename)


@bp.get("/submission/<int:submission_id>/export.xlsx")
def submission_export(submission_id: int):
    """The submission's lines and targets as the workbook MEF reads (the caller's scope applies)."""
    from reports.submission import workbook_bytes

    document = _submission_document(submission_id)
    if isinstance(document, Response):
        return document
    return _download(workbook_bytes(document),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"submission-{document.year}-{document.label}.xlsx")


@bp.get("/submission/<int:submission_id>/summary.pdf")
def submission_summary(submission_id: int):
    """The bilingual summary by programme, as a PDF."""
    from reports.submission import summary_html, summary_pdf

    document = _submission_document(submission_id)
    if isinstance(document, Response):
        return document
    return _pdf_download(summary_pdf, summary_html(document, for_pdf=True),
                         f"submission-{document.year}-{document.label}-summary.pdf")


# --- MEF's hearing brief and the submission's history (reports/review.py) ----------------------------


def _brief(submission_id: int):
    from reports.review import hearing_brief

    return _scoped(lambda session, scope: hearing_brief(session, scope, submission_id))


@bp.get("/submission/<int:submission_id>/hearing-brief.xlsx")
def hearing_brief_xlsx(submission_id: int):
    """MEF's hearing brief as a workbook: totals against the ceiling, lines with decisions, open questions."""
    from reports.review import XLSX, brief_workbook

    brief = _brief(submission_id)
    if isinstance(brief, Response):
        return brief
    return _download(brief_workbook(brief), XLSX, f"submission-{brief.year}-hearing-brief.xlsx")


@bp.get("/submission/<int:submission_id>/hearing-brief.pdf")
def hearing_brief_pdf(submission_id: int):
    """The same brief on A4, English and Khmer."""
    from reports.review import brief_html, brief_pdf

    brief = _brief(submission_id)
    if isinstance(brief, Response):
        return brief
    return _pdf_download(brief_pdf, brief_html(brief, for_pdf=True), f"submission-{brief.year}-hearing-brief.pdf")


@bp.get("/submission/<int:submission_id>/history.xlsx")
def history_xlsx(submission_id: int):
    """Every change of the submission the caller may read: who, when, what, before and after."""
    from reports.review import XLSX, history_workbook

    made = _scoped(lambda session, scope: history_workbook(session, scope, submission_id))
    if isinstance(made, Response):
        return made
    year, data = made
    return _download(data, XLSX, f"submission-{year}-history.xlsx")
