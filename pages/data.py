"""Data (budget unit): upload workbooks, see the validation report, templates, load history.

Loading runs the same loader as the command line, in a background callback with a progress
bar. Every callback checks on the server that the caller may load; the page being hidden from
other roles is not what protects it.
"""

import base64
import binascii
import io
import tempfile
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components.context import caller_db_url, caller_language, caller_scope
from components.errors import on_callback_error
from components.exports import ExportColumn, download_table
from components.filters import period_label
from components.format import format_khr_exact, format_number
from components.grid import data_grid
from components.jobs import job_died, watched_manager
from components.page import guarded, page_frame
from db import audit
from db.engine import forget_after_fork, session_scope
from db.queries.batches import load_history
from db.queries.units import unit_name
from i18n import t

dash.register_page(__name__, path="/data", name="data", title="Data")

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
    from etl.problems import Problem

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
            problems = [Problem(name, "", 0, "", "", f"at most {MAX_UPLOAD_BYTES // 2**20} MB",
                                t("data.too_large", lang), "file-too-large")]
            lines.append(html.Li(f"{name}: {t('data.too_large', lang)}"))
            rows += [p.as_dict() for p in problems]
            continue

        def report_progress(fraction: float, message: str, i=index, n=len(files), file=name) -> None:
            set_progress((str(int(100 * (i + fraction) / n)), f"{file}: {message}"))

        def report_waiting(progress=report_progress) -> None:
            progress(0, "waiting for another load to finish")

        # A submission workbook (its sheet "Lines") changes the submission with the caller's rights;
        # every other file goes to the loader.
        sheets = submission_workbook.detect(data, name)
        if sheets is not None:
            report_progress(0.05, "checking")
            report = submission_workbook.load_within_limits(data, name=name, url=caller_db_url(),
                                                            actor=Actor(scope=scope), sheets=sheets,
                                                            dry_run=check_only, waiting=report_waiting)
        else:
            report = load_within_limits(data, name=name, url=caller_db_url(), loaded_by=scope.username,
                                        progress=report_progress, waiting=report_waiting, dry_run=check_only,
                                        replace=replace)
        summary = _summary(report, lang)
        lines.append(html.Li([summary, html.Ul(_replacement_items(report, lang))], className=f"load-{report.status}"))
        rows += [p.as_dict() for p in report.problems]
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
        return load_history(session, scope)


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
    with session_scope(caller_db_url()) as session:
        frame = pd.DataFrame(load_history(session, scope))
    return download_table(frame, HISTORY_EXPORT, caller_language(), name="load-history",
                          as_csv=dash.ctx.triggered_id == "data-history-csv", sheet="history")
