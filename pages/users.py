"""Users (administrators): the list of users, creating one, and enabling or disabling one.

Every callback checks on the server that the signed-in user manages users: the page being
hidden from other roles is not what protects it.
"""

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from auth import users as user_service
from auth.web import audit_refusal, client_address
from components.context import caller_db_url, caller_language, caller_scope
from components.exports import ExportColumn, download_table
from components.grid import LOCALE_TEXT_KM
from components.page import guarded, page_frame
from db.engine import session_scope
from db.queries.units import unit_name
from db.queries.users import list_users
from domain.access import ROLES, Forbidden
from domain.vocabulary import PROVINCE_CODES
from i18n import t

dash.register_page(__name__, path="/users", name="users", title="Users", bundles=("ag_grid",))

EXPORT_COLUMNS = (
    ExportColumn("username", "login.username", "code"), ExportColumn("full_name", "users.full_name"),
    ExportColumn("role", "users.role", "code"), ExportColumn("province", "users.province", "code"),
    ExportColumn("language", "users.language", "code"), ExportColumn("active", "users.active", "code"),
    ExportColumn("created", "users.created", "code"), ExportColumn("created_by", "users.created_by", "code"),
)


def _columns(lang: str) -> list[dict]:
    return [
        {"field": "username", "headerName": t("login.username", lang), "checkboxSelection": True},
        {"field": "full_name", "headerName": t("users.full_name", lang)},
        {"field": "role_label", "headerName": t("users.role", lang)},
        {"field": "province", "headerName": t("users.province", lang)},
        {"field": "active_label", "headerName": t("users.active", lang)},
        {"field": "created", "headerName": t("users.created", lang)},
        {"field": "created_by", "headerName": t("users.created_by", lang)},
    ]


def _rows(lang: str) -> list[dict]:
    with session_scope(caller_db_url()) as session:
        rows = list_users(session, caller_scope())
    for row in rows:
        row["role_label"] = t(f"role.{row['role']}", lang)
        row["active_label"] = t("yes" if row["active"] else "no", lang)
        if row["province"]:
            row["province"] = f"{row['province']} {unit_name(row['province'], lang)}"
    return rows


def layout(**_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        field = "users-field"
        return page_frame(
            t("users.title", lang),
            dag.AgGrid(
                id="users-grid",
                columnDefs=_columns(lang),
                rowData=[],
                defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1,
                               "minWidth": 120},
                dashGridOptions={"rowSelection": "single", "domLayout": "autoHeight",
                                 **({"localeText": LOCALE_TEXT_KM} if lang == "km" else {})},
                className="ag-theme-alpine",
            ),
            html.Div(
                [
                    html.Button(t("users.disable", lang), id="users-disable", className="button"),
                    html.Button(t("users.enable", lang), id="users-enable", className="button"),
                    html.Button(t("export.excel", lang), id="users-xlsx", className="button"),
                    html.Button(t("export.csv", lang), id="users-csv", className="button"),
                    dcc.Download(id="users-download"),
                ],
                className="button-row",
            ),
            html.H2(t("users.create", lang)),
            html.Div(
                [
                    dcc.Input(id="users-new-name", placeholder=t("login.username", lang), className=field),
                    dcc.Input(id="users-new-full", placeholder=t("users.full_name", lang), className=field),
                    dcc.Dropdown(id="users-new-role", options=[
                        {"label": t(f"role.{r}", lang), "value": r} for r in ROLES
                    ], placeholder=t("users.role", lang), className=field),
                    dcc.Dropdown(id="users-new-province", options=[
                        {"label": f"{c} {unit_name(c, lang)}", "value": c} for c in PROVINCE_CODES
                    ], placeholder=t("users.province", lang), className=field),
                    dcc.Input(id="users-new-password", type="password",
                              placeholder=t("login.password", lang), className=field),
                    dcc.Input(id="users-own-password", type="password", autoComplete="current-password",
                              placeholder=t("users.own_password", lang), className=field),
                    html.Button(t("users.create", lang), id="users-create", className="button"),
                ],
                className="form-grid",
            ),
            html.P(t("users.own_password_why", lang), className="muted"),
            html.H2(t("users.change_role", lang)),
            html.Div(
                [
                    dcc.Dropdown(id="users-set-role", options=[
                        {"label": t(f"role.{r}", lang), "value": r} for r in ROLES
                    ], placeholder=t("users.role", lang), className=field),
                    dcc.Dropdown(id="users-set-province", options=[
                        {"label": f"{c} {unit_name(c, lang)}", "value": c} for c in PROVINCE_CODES
                    ], placeholder=t("users.province", lang), className=field),
                    dcc.Input(id="users-role-password", type="password", autoComplete="current-password",
                              placeholder=t("users.own_password", lang), className=field),
                    html.Button(t("users.change_role", lang), id="users-role-change", className="button"),
                ],
                className="form-grid",
            ),
            html.P(id="users-message", role="status", className="form-message"),
            dcc.Store(id="users-refresh", data=0),
            page_id="page-users",
        )

    return guarded("users", build)


def _require_admin():
    scope = caller_scope()
    if not scope.can_manage_users:
        audit_refusal("users")
        raise Forbidden("users")
    return scope


@callback(Output("users-grid", "rowData"), Input("users-refresh", "data"))
def show_users(_refresh):
    try:
        _require_admin()
    except Forbidden:
        return []
    return _rows(caller_language())


@callback(
    Output("users-message", "children"),
    Output("users-refresh", "data"),
    Output("users-new-password", "value"),
    Output("users-own-password", "value"),
    Input("users-create", "n_clicks"),
    State("users-new-name", "value"),
    State("users-new-full", "value"),
    State("users-new-role", "value"),
    State("users-new-province", "value"),
    State("users-new-password", "value"),
    State("users-own-password", "value"),
    State("users-refresh", "data"),
    prevent_initial_call=True,
)
def create_user(_clicks, name, full_name, role, province, password, own_password, refresh):
    lang = caller_language()
    try:
        scope = _require_admin()
        with session_scope(caller_db_url()) as session:
            if user_service.is_data_role(role or ""):
                user_service.reauthenticate(session, scope.username, own_password or "",
                                            client_address())
            user_service.create_user(session, name or "", password or "", role or "",
                                     province=province or None, full_name=full_name or "",
                                     by=scope.username)
    except Forbidden:
        return t("forbidden.body", lang), no_update, no_update, ""
    except user_service.UserError as problem:
        return problem.text(lang), no_update, no_update, ""
    # The password fields are emptied once used, so they are not left on screen.
    return t("users.created_ok", lang, name=name), (refresh or 0) + 1, "", ""


@callback(
    Output("users-message", "children", allow_duplicate=True),
    Output("users-refresh", "data", allow_duplicate=True),
    Output("users-role-password", "value"),
    Input("users-role-change", "n_clicks"),
    State("users-grid", "selectedRows"),
    State("users-set-role", "value"),
    State("users-set-province", "value"),
    State("users-role-password", "value"),
    State("users-refresh", "data"),
    prevent_initial_call=True,
)
def change_role(_clicks, selected, role, province, own_password, refresh):
    lang = caller_language()
    try:
        scope = _require_admin()
    except Forbidden:
        return t("forbidden.body", lang), no_update, ""
    if not selected or not isinstance(selected, list) or not isinstance(selected[0], dict):
        return t("users.select_first", lang), no_update, ""
    name = str(selected[0].get("username", ""))
    try:
        with session_scope(caller_db_url()) as session:
            # Any role change of an account is grave: it may grant figures, or take them away
            # from a colleague; both need the administrator's own password.
            user_service.reauthenticate(session, scope.username, own_password or "", client_address())
            user_service.set_role(session, name, role or "", province=province or None,
                                  by=scope.username)
    except user_service.UserError as problem:
        return problem.text(lang), no_update, ""
    return (t("users.changed_ok", lang, name=name, state=t(f"role.{role}", lang)),
            (refresh or 0) + 1, "")


@callback(
    Output("users-message", "children", allow_duplicate=True),
    Output("users-refresh", "data", allow_duplicate=True),
    Input("users-disable", "n_clicks"),
    Input("users-enable", "n_clicks"),
    State("users-grid", "selectedRows"),
    State("users-refresh", "data"),
    prevent_initial_call=True,
)
def set_active(_disable, _enable, selected, refresh):
    lang = caller_language()
    try:
        scope = _require_admin()
    except Forbidden:
        return t("forbidden.body", lang), no_update
    if not selected:
        return t("users.select_first", lang), no_update
    name = selected[0]["username"]
    active = dash.ctx.triggered_id == "users-enable"
    if not active and name == scope.username:
        return t("users.not_self", lang), no_update
    try:
        with session_scope(caller_db_url()) as session:
            user_service.set_active(session, name, active, by=scope.username)
    except user_service.UserError as problem:
        return problem.text(lang), no_update
    state = t("users.enable" if active else "users.disable", lang)
    return t("users.changed_ok", lang, name=name, state=state), (refresh or 0) + 1


@callback(Output("users-download", "data"), Input("users-xlsx", "n_clicks"), Input("users-csv", "n_clicks"),
          prevent_initial_call=True)
def download_users(_xlsx, _csv):
    try:
        _require_admin()
    except Forbidden:
        return no_update
    with session_scope(caller_db_url()) as session:
        frame = pd.DataFrame(list_users(session, caller_scope()))
    return download_table(frame, EXPORT_COLUMNS, caller_language(), name="users",
                          as_csv=dash.ctx.triggered_id == "users-csv", sheet="users")
