"""Data (budget unit): upload workbooks, see the validation report, templates, load history, and
publish a period for open data (or withdraw it) after a preview of what becomes public.

Loading runs the same loader as the command line, in a background callback with a progress
bar. Every callback checks on the server that the caller may load (or publish: the write layer
``db/publications.py`` decides); the page being hidden from other roles is not what protects it.
"""

import base64
import binascii
import io
import tempfile
from pathlib import Path

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update
from flask import has_request_context
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, client_address
from components.context import caller_db_url, caller_language, caller_scope
from components.errors import on_callback_error
from components.exports import ExportColumn, download_table
from components.filters import period_label
from components.format import format_khr, format_khr_exact, format_number, format_percent
from components.grid import data_grid
from components.jobs import job_died, watched_manager
from components.page import guarded, page_frame, unavailable
from components.tables import html_table
from db import audit
from db import publications as publication_writes
from db.engine import forget_after_fork, session_scope
from db.queries import publications as publication_reads
from db.queries.batches import load_history
from db.queries.units import unit_name
from db.submissions import Actor, Invalid
from domain.access import Forbidden
from domain.periods import is_month_period
from domain.vocabulary import NATIONAL
from extensions import OPEN_PREFIX
from i18n import khmer_digits, t
from i18n.messages import MESSAGES
from open_data import tables as open_tables
from open_data.page import period_label as public_period_label

dash.register_page(__name__, path="/data", name="data", title="Data", bundles=("ag_grid",))

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
REPORT_COLUMNS = ("file", "sheet", "row", "column", "value", "expected", "message", "severity")
REPORT_EXPORT = tuple(ExportColumn(c, f"data.col.{c}", "integer" if c == "row" else "text") for c in REPORT_COLUMNS)
HISTORY_FIELDS = ("id", "loaded_at", "loaded_by", "file_name", "checksum", "kind", "scope", "rows", "status",
                  "superseded_by", "partly_replaced_by", "problems")
HISTORY_EXPORT = tuple(ExportColumn(c, f"data.hist.{c}", "integer" if c in ("id", "rows", "superseded_by", "problems")
                                    else "text") for c in HISTORY_FIELDS)


def _report_columns(lang: str) -> list[dict]:
    return [{"field": c, "header": t(f"data.col.{c}", lang), "kind": "number" if c == "row" else "text"}
            for c in REPORT_COLUMNS]


def _history_columns(lang: str) -> list[dict]:
    return [{"field": n, "header": t(f"data.hist.{n}", lang),
             "kind": "number" if n in ("id", "rows", "problems", "superseded_by") else "text"} for n in HISTORY_FIELDS]


def layout(**_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("nav.data", lang),
            html.Section([
                html.H2(t("data.upload", lang)),
                dcc.Upload(id="data-upload", multiple=True, max_size=MAX_UPLOAD_BYTES,
                           children=html.Div([t("data.drop", lang), html.A(t("data.choose", lang))]),
                           className="upload-box"),
                dcc.Checklist(id="data-dry-run", options=[{"label": t("data.dry_run", lang), "value": "dry"}],
                              value=[], className="filter"),
                html.Progress(id="data-progress", value="0", max="100", className="progress"),
                html.Div(id="data-progress-label", className="muted"),
                html.Div(id="data-summary", role="status"),
                # Shown when a file would take away more than half of what is loaded: loading it
                # needs this second, deliberate click.
                html.Div([html.P(t("data.confirm_why", lang)),
                          html.Button(t("data.confirm", lang), id="data-confirm", className="button")],
                         id="data-confirm-box", hidden=True, className="confirm-box"),
                # After a check that found nothing wrong: load the same files without choosing them again.
                html.Div([html.Button(t("data.load_now", lang), id="data-load-now", className="button")],
                         id="data-load-now-box", hidden=True),
            ], className="panel"),
            html.Section([
                html.H2(t("data.report", lang)),
                data_grid("data-report", [], _report_columns(lang), page_size=50, lang=lang),
                html.Div([html.Button(t("export.excel", lang), id="data-report-xlsx", className="button"),
                          html.Button(t("export.csv", lang), id="data-report-csv", className="button"),
                          dcc.Download(id="data-report-download")], className="downloads"),
            ], className="panel"),
            html.Section([
                html.H2(t("data.templates", lang)),
                html.Div([html.Button(t(f"data.template.{k}", lang), id=f"data-template-{k}", className="button")
                          for k in ("execution", "indicators", "reference", "submission")], className="downloads"),
                html.Div(id="data-template-note", className="muted", role="status"),
                dcc.Download(id="data-template-download"),
            ], className="panel"),
            _publication_section(lang),
            html.Section([html.H2(t("data.history", lang)),
                          data_grid("data-history", [], _history_columns(lang), page_size=25, lang=lang),
                          html.Div([html.Button(t("export.excel", lang), id="data-history-xlsx", className="button"),
                                    html.Button(t("export.csv", lang), id="data-history-csv", className="button"),
                                    dcc.Download(id="data-history-download")], className="downloads")],
                         className="panel"),
            dcc.Store(id="data-loaded", data=0),
            page_id="page-data",
        )

    return guarded("data", build)


def _publication_section(lang: str) -> html.Section:
    """Periods with data of a chosen year, which are public, and a Publish / Withdraw action for
    each; a click first shows what changes (the preview of what becomes public), then asks to confirm."""
    return html.Section([
        html.H2(t("publish.heading", lang)),
        html.P([t("publish.intro", lang), " ", html.A(t("publish.open_link", lang), href=f"{OPEN_PREFIX}?lang={lang}",
                                                       target="_blank", rel="noopener")], className="muted"),
        html.Label([t("publish.col.year", lang), dcc.Dropdown(id="publish-year", clearable=False, searchable=False)],
                   className="filter filter-narrow"),
        # The question and the outcome sit above the list, where the eye returns after a click; the
        # confirm button takes the focus when it appears, so a phone scrolls to it.
        html.Div(id="publish-question", role="status", **{"aria-live": "polite"}),
        html.Div(id="publish-message", role="status", **{"aria-live": "polite"}),
        html.Div(id="publish-list", className="table-wrap"),
        dcc.Store(id="publish-pending", data=None),
        dcc.Store(id="publish-done", data=0),
    ], id="publish-panel", className="panel")


def _refuse(scope, what: str) -> None:
    with session_scope(caller_db_url()) as session:
        audit.record(session, "forbidden", username=scope.username, user_id=scope.user_id, what=what)


def _upload_failed(error: Exception):
    """The upload's ``on_error``: a job whose process died (its memory cap, the OOM killer) gets a
    message where the summary goes; any other error is shown as every callback's is."""
    if not job_died(error):
        return on_callback_error(error)
    from etl.limits import memory_cap_mb

    megabytes = memory_cap_mb()
    message = t("data.job_died", caller_language(), limit=f" ({megabytes:,} MB)" if megabytes else "")
    dash.set_props("data-progress", {"value": "0"})
    dash.set_props("data-progress-label", {"children": ""})
    loaded = dash.ctx.states.get("data-loaded.data")  # the files loaded before it are in the history
    return ([], html.Ul([html.Li(message, className="load-failed")], id="data-summary-list"), (loaded or 0) + 1,
            True, True)


def problem_rows(problems, lang: str) -> list[dict]:
    """The validation report's rows: each problem with its words in ``lang`` (etl.problem_catalogue)."""
    return [problem.for_person(lang) for problem in problems]


def _progress_text(message: str, lang: str) -> str:
    """A loader's progress word ("checking", "writing" …) in ``lang``; an unknown one as it is."""
    key = "data.progress." + message.replace(" ", "_")
    return t(key, lang) if key in MESSAGES else message


def _history_rows(rows: list[dict], lang: str) -> list[dict]:
    """The load history with its statuses and kinds in ``lang`` (the query answers machine words)."""
    def word(group: str, value: str) -> str:
        key = f"data.{group}.{value}"
        return t(key, lang) if key in MESSAGES else value

    return [row | {"status": word("status", row["status"]), "kind": word("batch_kind", row["kind"])} for row in rows]


def _summary(report, lang: str) -> str:
    """One line per file, in the user's language (the command line prints the report's own)."""
    if report.status == "failed":
        return f"{report.file}: {t('error.unavailable', lang)}"
    if report.kind == "submission" and report.status in ("loaded", "valid"):
        return t(f"data.summary.submission_{report.status}", lang, file=report.file, year=report.year,
                 user=report.loaded_as, lines=format_number(report.lines, lang),
                 created=format_number(report.lines_created, lang), changed=format_number(report.lines_changed, lang),
                 targets=format_number(report.targets, lang),
                 targets_changed=format_number(report.targets_created + report.targets_changed, lang),
                 warnings=format_number(len(report.warnings), lang))
    kind = t(f"data.kind.{report.kind}", lang) if report.kind in ("execution", "indicators", "reference") else ""
    return t(f"data.summary.{report.status}", lang, file=report.file, kind=kind,
             rows=format_number(report.rows, lang), batch=report.batch_id or "",
             warnings=format_number(len(report.warnings), lang), errors=format_number(len(report.errors), lang))


def _replacement_items(report, lang: str) -> list:
    """Each (entity, period) the file replaced, or would replace, with its figures before → after."""
    verb = {"loaded": "replaced", "valid": "would_replace", "rejected": "would_replace"}.get(report.status)
    if verb is None:
        return []
    return [html.Li(_replacement_text(r, t(f"data.verb.{verb}", lang), lang),
                    className="replacement" + (" replacement-large" if r.halves and report.status != "loaded" else ""))
            for r in report.replacements]


def _replacement_text(r, verb: str, lang: str) -> str:
    entity, period = f"{r.entity} {unit_name(r.entity, lang)}", period_label(r.period, lang)
    rows_before, rows_after = format_number(r.rows_before, lang), format_number(r.rows_after, lang)
    if r.kind == "indicators":
        return t("data.replacement_indicators", lang, verb=verb, entity=entity, period=period,
                 rows_before=rows_before, rows_after=rows_after)
    return t("data.replacement", lang, verb=verb, entity=entity, period=period, rows_before=rows_before,
             rows_after=rows_after, revised_before=format_khr_exact(r.revised_before, lang),
             revised_after=format_khr_exact(r.revised_after, lang), paid_before=format_khr_exact(r.paid_before, lang),
             paid_after=format_khr_exact(r.paid_after, lang))


@callback(
    Output("data-report", "rowData"), Output("data-summary", "children"), Output("data-loaded", "data"),
    Output("data-confirm-box", "hidden"), Output("data-load-now-box", "hidden"),
    Input("data-upload", "contents"), Input("data-confirm", "n_clicks"), Input("data-load-now", "n_clicks"),
    State("data-upload", "filename"), State("data-loaded", "data"), State("data-dry-run", "value"),
    background=True,
    manager=watched_manager(),
    on_error=_upload_failed,
    progress=[Output("data-progress", "value"), Output("data-progress-label", "children")],
    running=[(Output("data-upload", "disabled"), True, False)],
    prevent_initial_call=True,
)
def upload(set_progress, contents, _confirmed, _load_now, filenames, loaded, dry_run):
    """Validate and load each uploaded file with the loader; report every problem found.

    It runs in a process of its own (Dash's background job), so the memory cap of a load holds
    that process alone; at most a few loads run at once on the machine, the others wait their turn.
    """
    forget_after_fork()
    scope, lang = caller_scope(), caller_language()
    if not scope.can_load:
        _refuse(scope, "load workbooks")
        return [], t("forbidden.body", lang), no_update, True, True
    from db.submissions import Actor
    from etl import submission_workbook
    from etl.limits import cap_memory, load_within_limits
    from etl.problems import Problem, msg
    from etl.process_settings import bulk_process_settings

    cap_memory()

    # The confirmation button sends the same files again, replacing whatever they replace.
    replace = dash.ctx.triggered_id == "data-confirm"
    # "Load these files" after a check: the same files, loaded this time.
    check_only = (isinstance(dry_run, list) and "dry" in dry_run and not replace
                  and dash.ctx.triggered_id != "data-load-now")
    rows, lines, needs_confirmation, all_valid = [], [], False, bool(contents)
    files = list(zip(contents or [], filenames or [], strict=False))
    for index, (content, name) in enumerate(files):
        name = Path(str(name)).name
        try:
            data = base64.b64decode(content.split(",", 1)[1], validate=True)
        except (IndexError, ValueError, binascii.Error):
            data = b""
        if len(data) > MAX_UPLOAD_BYTES:
            problem = Problem.of(name, "", 0, "", "", msg("file-too-large", megabytes=MAX_UPLOAD_BYTES // 2**20),
                                 "file-too-large")
            lines.append(html.Li(f"{name}: {problem.message_in(lang)}"))
            rows += problem_rows([problem], lang)
            continue

        def report_progress(fraction: float, message: str, i=index, n=len(files), file=name) -> None:
            set_progress((str(int(100 * (i + fraction) / n)), f"{file}: {_progress_text(message, lang)}"))

        def report_waiting(progress=report_progress) -> None:
            progress(0, "waiting")

        # A submission workbook (its sheet "Lines") changes the submission with the caller's rights;
        # every other file goes to the loader.
        sheets = submission_workbook.detect(data, name)
        if sheets is not None:
            report_progress(0.05, "checking")
            report = submission_workbook.load_within_limits(data, name=name, url=caller_db_url(),
                                                            actor=Actor(scope=scope), sheets=sheets,
                                                            dry_run=check_only, waiting=report_waiting)
        else:
            # The job's process exists for this load: the loader's process-wide speed settings are ours.
            with bulk_process_settings():
                report = load_within_limits(data, name=name, url=caller_db_url(), loaded_by=scope.username,
                                            progress=report_progress, waiting=report_waiting, dry_run=check_only,
                                            replace=replace)
        summary = _summary(report, lang)
        lines.append(html.Li([summary, html.Ul(_replacement_items(report, lang))], className=f"load-{report.status}"))
        rows += problem_rows(report.problems, lang)
        # Only a large replacement stands in the way: it can be confirmed.
        needs_confirmation |= bool(report.errors) and all(p.type == "large-replacement" for p in report.errors)
        all_valid &= report.status == "valid"
    set_progress(("100", ""))
    rows.sort(key=lambda p: (p["file"], p["row"], p["column"]))
    return (rows, html.Ul(lines, id="data-summary-list"), (loaded or 0) + 1, not needs_confirmation,
            not (check_only and all_valid))


@callback(Output("data-history", "rowData"), Input("data-loaded", "data"))
def show_history(_loaded):
    scope = caller_scope()
    if not scope.can_load:
        _refuse(scope, "load history")
        return []
    with session_scope(caller_db_url()) as session:
        return _history_rows(load_history(session, scope), caller_language())


@callback(Output("data-report-download", "data"), Input("data-report-xlsx", "n_clicks"),
          Input("data-report-csv", "n_clicks"), State("data-report", "rowData"), prevent_initial_call=True)
def download_report(_xlsx, _csv, rows):
    scope = caller_scope()
    if not scope.can_load:
        _refuse(scope, "validation report")
        return no_update
    frame = pd.DataFrame(rows or [], columns=list(REPORT_COLUMNS))
    return download_table(frame, REPORT_EXPORT, caller_language(), name="validation-report",
                          as_csv=dash.ctx.triggered_id == "data-report-csv", sheet="report")


@callback(Output("data-template-download", "data"), Output("data-template-note", "children"),
          Input("data-template-execution", "n_clicks"), Input("data-template-indicators", "n_clicks"),
          Input("data-template-reference", "n_clicks"), Input("data-template-submission", "n_clicks"),
          prevent_initial_call=True)
def download_template(*_clicks):
    scope = caller_scope()
    if not scope.can_load:
        _refuse(scope, "templates")
        return no_update, no_update
    from etl.template import write_template

    kind = str(dash.ctx.triggered_id).removeprefix("data-template-")
    options, name = {}, f"{kind}-template.xlsx"
    if kind == "submission":
        # The newest submission that can still change (draft or returned), else the newest one.
        from db.queries import submission as submission_queries
        from domain.submission import EDITABLE

        with session_scope(caller_db_url()) as session:
            found = submission_queries.listing(session, scope)
            year = next((s.fiscal_year for s in found if s.status in EDITABLE),
                        found[0].fiscal_year if found else None)
        if year is None:
            return no_update, t("data.template.no_submission", caller_language())
        options, name = {"year": year, "scope": scope}, f"submission-{year}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_template(kind, path, url=caller_db_url(), **options)
        data = path.read_bytes()
    return dcc.send_bytes(io.BytesIO(data).getvalue(), name), ""


@callback(Output("data-history-download", "data"), Input("data-history-xlsx", "n_clicks"),
          Input("data-history-csv", "n_clicks"), prevent_initial_call=True)
def download_history(_xlsx, _csv):
    scope = caller_scope()
    if not scope.can_load:
        _refuse(scope, "load history")
        return no_update
    lang = caller_language()
    with session_scope(caller_db_url()) as session:
        frame = pd.DataFrame(_history_rows(load_history(session, scope), lang))
    return download_table(frame, HISTORY_EXPORT, lang, name="load-history",
                          as_csv=dash.ctx.triggered_id == "data-history-csv", sheet="history")


# --- publication for open data --------------------------------------------------------------------


def _when(published, lang: str) -> str:
    """When a period was published, to the minute (UTC, as stored)."""
    text = published.published_at.strftime("%Y-%m-%d %H:%M") + " UTC"
    return khmer_digits(text) if lang == "km" else text


def _period_words(period: str, lang: str) -> str:
    return public_period_label(period, lang)


def _action_button(action: str, period: str, lang: str) -> html.Button:
    return html.Button(t(f"publish.{action}", lang), id={"type": "publish-action", "action": action, "period": period},
                       className="button", n_clicks=0)


def _publication_table(found: list, lang: str) -> html.Table | html.P:
    if not found:
        return html.P(t("publish.none", lang), className="muted")
    headers = [t(f"publish.col.{c}", lang) for c in ("period", "state", "action")]
    rows = [[public_period_label(period, lang),
             t("publish.published", lang, date=_when(done, lang), who=done.published_by) if done
             else t("publish.unpublished", lang),
             _action_button("withdraw" if done else "publish", period, lang)]
            for year, period, done in found]
    return html_table(headers, rows, table_id="publish-table",
                      row_ids=[f"publish-row-{period}" for _year, period, _done in found])


@callback(Output("publish-list", "children"), Output("publish-year", "options"), Output("publish-year", "value"),
          Input("data-loaded", "data"), Input("publish-done", "data"), Input("publish-year", "value"))
def show_publications(_loaded, _done, year):
    """The periods with data of the chosen year (the newest by default), newest first: published
    (when, by whom) or not, with its action."""
    scope, lang = caller_scope(), caller_language()
    if not scope.can_load:
        _refuse(scope, "publications")
        return t("forbidden.body", lang), [], None
    try:
        with session_scope(caller_db_url()) as session:
            found = publication_reads.periods_with_data(session, scope)
    except SQLAlchemyError:
        return unavailable(lang), no_update, no_update
    years = sorted({y for y, _period, _done in found}, reverse=True)
    year = year if year in years and not isinstance(year, bool) else (years[0] if years else None)
    options = [{"label": period_label(str(y), lang), "value": y} for y in years]
    return _publication_table([row for row in found if row[0] == year], lang), options, year


def _preview_rows(preview: dict, lang: str) -> list[list[str]]:
    """The preview as (what, figure) rows: counts of the rows that become public, the national totals."""
    budget, indicators = preview["budget"], preview["indicators"]["rows"]
    provinces = [r for r in budget["rows"] if r["entity"] != NATIONAL]
    national = [r for r in indicators if r["unit"] == NATIONAL]
    by_province = [r for r in indicators if r["unit"] != NATIONAL]
    on_track = sum(1 for r in national if r["status"] == "on_track")
    counted = sum(1 for r in national if r["status"] != "no_data")  # as /open counts them
    total = budget["national"]
    return [
        [t("publish.preview.budget_central", lang), format_number(len(budget["rows"]) - len(provinces), lang)],
        [t("publish.preview.budget_provinces", lang), format_number(len(provinces), lang)],
        [t("publish.preview.revised", lang), _khr(total["revised"], lang)],
        [t("publish.preview.paid", lang), _khr(total["paid"], lang)],
        [t("publish.preview.rate", lang), format_percent(total["execution_rate"], lang, 1)],
        [t("publish.preview.indicators_national", lang), format_number(len(national), lang)],
        [t("publish.preview.indicators_provinces", lang,
           provinces=format_number(len({r["unit"] for r in by_province}), lang)),
         format_number(len(by_province), lang)],
        [t("publish.preview.on_track", lang),
         t("open.on_track_count", lang, n=format_number(on_track, lang), total=format_number(counted, lang))],
    ]


def _khr(value, lang: str) -> str:
    """Riels exactly, with the short form beside them (a reader checks the riel, then the size)."""
    exact = format_khr_exact(value, lang)
    return exact if value is None else f"{exact} ({format_khr(value, lang)})"


def _publication_refusal(error: Exception, period: str, lang: str) -> html.Div:
    """A refused publication or withdrawal in the user's words (refusals of the role audited)."""
    words = _period_words(period, lang) if is_month_period(period) else period
    if isinstance(error, publication_reads.NotPublished):
        return html.Div(t("publish.not_published", lang, period=words), className="error")
    if isinstance(error, Forbidden):
        if has_request_context():
            audit_refusal(error.what)
        return html.Div(t("publish.forbidden", lang), className="error")
    if isinstance(error, publication_writes.AlreadyPublished):
        return html.Div(t("publish.already", lang, period=words, date=_when(error.current, lang),
                          who=error.current.published_by), className="error")
    if isinstance(error, publication_writes.NoData):
        return html.Div(t("publish.no_data", lang, period=words), className="error")
    if isinstance(error, Invalid):
        return html.Div(t("publish.invalid", lang, detail=str(error)), className="error")
    return unavailable(lang)


PUBLICATION_ERRORS = (Forbidden, publication_writes.AlreadyPublished, publication_writes.NoData, Invalid,
                      SQLAlchemyError)


def _asked(value: object) -> tuple[str, int, str] | None:
    """(action, year, period) of a button's id or of the pending store; None if it is not one."""
    if not isinstance(value, dict):
        return None
    action, period = value.get("action"), value.get("period")
    if action not in ("publish", "withdraw") or not isinstance(period, str) or not is_month_period(period):
        return None
    return action, int(period[:4]), period


def _buttons(label: str, lang: str) -> html.Div:
    return html.Div([html.Button(label, id="publish-confirm", className="button", n_clicks=0, autoFocus=True),
                     html.Button(t("publish.cancel", lang), id="publish-cancel", className="button", n_clicks=0)],
                    className="button-row")


@callback(
    Output("publish-question", "children"), Output("publish-pending", "data"), Output("publish-message", "children"),
    Input({"type": "publish-action", "action": ALL, "period": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def ask(clicks):
    """A click on Publish: what becomes public (the same tables /open would serve) and a confirm
    button; on Withdraw: the question. Nothing is written yet."""
    lang = caller_language()
    asked = _asked(dash.ctx.triggered_id)
    if asked is None or not isinstance(clicks, list) or not any(clicks):
        return no_update, no_update, no_update  # the list was drawn again: no click
    action, year, period = asked
    words = _period_words(period, lang)
    pending = {"action": action, "period": period}
    if action == "withdraw":
        return (html.Div([html.P(t("publish.withdraw_question", lang, period=words)),
                          _buttons(t("publish.confirm_withdraw", lang, period=words), lang)], className="confirm-box"),
                pending, [])
    scope = caller_scope()
    try:
        with session_scope(caller_db_url()) as session:
            preview = open_tables.preview(session, scope, year=year, period=period)  # the role first
            if not publication_reads.has_data(session, year, period):
                raise publication_writes.NoData(year, period)
    except PUBLICATION_ERRORS as error:
        return _publication_refusal(error, period, lang), None, []
    headers = [t("publish.preview.what", lang), t("publish.preview.figure", lang)]
    box = [html.P(t("publish.preview_title", lang, period=words), className="preview-title"),
           html.Div(html_table(headers, _preview_rows(preview, lang), table_id="publish-preview-table",
                               numeric=frozenset({1})), className="table-wrap"),
           html.P(t("publish.preview.never", lang), className="muted"),
           _buttons(t("publish.confirm_publish", lang, period=words), lang)]
    return html.Div(box, className="confirm-box"), pending, []


@callback(
    Output("publish-message", "children", allow_duplicate=True),
    Output("publish-question", "children", allow_duplicate=True),
    Output("publish-pending", "data", allow_duplicate=True), Output("publish-done", "data"),
    Input("publish-confirm", "n_clicks"), Input("publish-cancel", "n_clicks"),
    State("publish-pending", "data"), State("publish-done", "data"),
    prevent_initial_call=True,
)
def confirm(_confirmed, _cancelled, pending, done):
    """Publish or withdraw the period asked about: the write layer checks the role (the budget
    unit only), the period and its state, writes and audits; refusals are said in words."""
    scope, lang = caller_scope(), caller_language()
    count = done if isinstance(done, int) and not isinstance(done, bool) else 0
    if not any(item.get("value") for item in dash.ctx.triggered):
        return no_update, no_update, no_update, no_update  # the buttons were drawn, not clicked
    if dash.ctx.triggered_id == "publish-cancel":
        return html.Div(t("publish.cancelled", lang), className="notice"), [], None, no_update
    asked = _asked(pending)
    if asked is None:
        return no_update, [], None, no_update
    action, year, period = asked
    words = _period_words(period, lang)
    actor = Actor(scope=scope, address=client_address() if has_request_context() else "")
    try:
        with session_scope(caller_db_url()) as session:
            if action == "publish":
                publication_writes.publish(session, actor, year, period)
            else:
                publication_writes.withdraw(session, actor, year, period)
    except (*PUBLICATION_ERRORS, publication_reads.NotPublished) as error:
        # The list may be out of date (someone else published or withdrew): draw it again.
        return _publication_refusal(error, period, lang), [], None, count + 1
    key = "publish.done" if action == "publish" else "publish.withdrawn"
    message = [t(key, lang, period=words)]
    if action == "publish":
        message += [" ", html.A(t("publish.open_link", lang), href=f"{OPEN_PREFIX}?period={period}&lang={lang}",
                                target="_blank", rel="noopener")]
    return html.Div(message, className="notice"), [], None, count + 1
