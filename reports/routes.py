"""Routes of the printed scorecard: ``/scorecard/<code>/print`` (HTML) and ``/scorecard/<code>/pdf``.

Both sit behind the sign-in gate like every page, build the caller's scope on the server and
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
    try:
        pdf = sheet_pdf(render_sheet_html(sheet, for_pdf=True))
    except OSError:  # WeasyPrint could not load Pango: say what to do instead of a 500
        return _plain(503, "sheet.no_pdf")
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="scorecard-{code}-{sheet["period"]}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
