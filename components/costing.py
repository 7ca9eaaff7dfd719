"""The costing page's pieces: the benefits grid of the editor, its rows read back as a scenario's
body, the charts (cost by benefit per year with the ±10 % take-up band, the comparison) and the
tables. Pure functions of what the query layer answered; no database here."""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from components.charts import BLUE, ORANGE, base_layout
from components.exports import ExportColumn
from components.format import format_khr, format_khr_exact, format_number, format_percent
from components.submission import year_text
from db.queries.units import unit_name
from i18n import t

MAX_YEARS = 10
DEFAULT_YEARS = 3
DEFAULT_TAKE_UP = 60  # per cent, a new scenario's take-up every year
PALETTE = ["#0b4f8a", "#e69f00", "#1a7f37", "#8250df", "#cf222e", "#56b4e9", "#b08800", "#6e7781"]
# A field per year of take-up, in per cent: take-up of the scenario's first year is ``take_up_0``.
TAKE_UP_FIELDS = [f"take_up_{i}" for i in range(MAX_YEARS)]

EXPORT_COLUMNS = (
    ExportColumn("year", "costing.col.year", "integer"),
    ExportColumn("unit", "costing.col.unit_code", "code"),
    ExportColumn("unit_name", "costing.col.unit"),
    ExportColumn("benefit", "costing.col.benefit_code", "code"),
    ExportColumn("benefit_name", "costing.col.benefit"),
    ExportColumn("beneficiaries", "costing.col.beneficiaries", "number"),
    ExportColumn("cost", "costing.col.cost", "amount"),
)


def benefit_name(benefit: dict, lang: str) -> str:
    return benefit["name_km"] if lang == "km" and benefit.get("name_km") else benefit["name_en"]


def grid_rows(catalogue: list[dict], lang: str, scenario: dict | None = None) -> list[dict]:
    """One row per benefit of the catalogue: a new scenario's defaults, or the saved one's options
    (a benefit it leaves out is shown, not included)."""
    chosen = {b["code"]: b for b in (scenario or {}).get("benefits", [])}
    rows = []
    for benefit in catalogue:
        item = chosen.get(benefit["code"])
        row = {"code": benefit["code"], "name": benefit_name(benefit, lang),
               "include": item is not None or not scenario,
               "amount": benefit["amount"], "indexed": False, "admin": 0.0, "multiplier": 1.0,
               **dict.fromkeys(TAKE_UP_FIELDS, DEFAULT_TAKE_UP)}
        if item is not None:
            row.update(amount=benefit["amount"] if item.get("amount") is None else item["amount"],
                       indexed=bool(item.get("indexed")), admin=round(100 * (item.get("admin_rate") or 0), 6),
                       multiplier=1.0 if item.get("multiplier") is None else item["multiplier"])
            for index, value in enumerate(item["take_up"][:MAX_YEARS]):
                row[TAKE_UP_FIELDS[index]] = round(100 * value, 6)
        rows.append(row)
    return rows


def grid_columns(first_year: int | None, years: int | None, lang: str, *, editable: bool) -> list[dict]:
    """The editor's columns: include, benefit, amount, indexed, take-up per year, admin rate, multiplier."""
    first_year = first_year if isinstance(first_year, int) else 2026
    years = years if isinstance(years, int) and 1 <= years <= MAX_YEARS else DEFAULT_YEARS
    number = {"editable": editable, "type": "numericColumn", "cellDataType": "number", "width": 110}
    columns = [
        {"field": "include", "headerName": t("costing.col.include", lang), "editable": editable,
         "cellDataType": "boolean", "width": 100, "pinned": "left"},
        {"field": "name", "headerName": t("costing.col.benefit", lang), "editable": False, "minWidth": 220,
         "flex": 2, "wrapText": True, "autoHeight": True},
        {**number, "field": "amount", "headerName": t("costing.col.amount", lang), "width": 140,
         "valueFormatter": {"function": f"shortRiels(params.value, '{lang}')"},
         "tooltipValueGetter": {"function": f"exactRiels(params.value, '{lang}')"}},
        {"field": "indexed", "headerName": t("costing.col.indexed", lang), "editable": editable,
         "cellDataType": "boolean", "width": 100},
    ]
    columns += [{**number, "field": TAKE_UP_FIELDS[i],
                 "headerName": t("costing.col.take_up_year", lang, year=year_text(first_year + i, lang))}
                for i in range(years)]
    columns += [{**number, "field": "admin", "headerName": t("costing.col.admin", lang)},
                {**number, "field": "multiplier", "headerName": t("costing.col.multiplier", lang)}]
    return columns


class RowProblem(ValueError):
    """A grid cell that is not a number; ``benefit`` and ``column`` say which (message keys)."""

    def __init__(self, benefit: str, column: str) -> None:
        super().__init__(f"{benefit}: {column}")
        self.benefit, self.column = benefit, column


def _number(value: object, benefit: str, column: str, default: float | None = None) -> float | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise RowProblem(benefit, column)
    try:
        number = float(str(value).replace(",", "").replace("%", "").strip()) if isinstance(value, str) \
            else float(value)
    except (TypeError, ValueError):
        raise RowProblem(benefit, column) from None
    if not math.isfinite(number):
        raise RowProblem(benefit, column)
    return number


def body_from_rows(rows: object, years: int) -> list[dict]:
    """The included benefits of the grid as ``db.costing`` takes them (per cent typed, fractions
    stored); the write layer checks ranges and codes."""
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not row.get("include") or not isinstance(row.get("code"), str):
            continue
        code = row["code"]
        # A refusal names the benefit as the grid shows it, not by its code.
        shown = row["name"] if isinstance(row.get("name"), str) and row["name"].strip() else code
        take_up, last = [], DEFAULT_TAKE_UP
        for field in TAKE_UP_FIELDS[:years]:
            last = _number(row.get(field), shown, "costing.col.take_up", last)
            take_up.append(last / 100)
        out.append({"code": code, "amount": _number(row.get("amount"), shown, "costing.col.amount"),
                    "indexed": row.get("indexed") is True, "take_up": take_up,
                    "admin_rate": _number(row.get("admin"), shown, "costing.col.admin", 0.0) / 100,
                    "multiplier": _number(row.get("multiplier"), shown, "costing.col.multiplier", 1.0)})
    return out


def _plain(values) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


def cost_figure(rows: pd.DataFrame, years: pd.DataFrame, low: pd.DataFrame, high: pd.DataFrame,
                names: dict[str, str], lang: str) -> dict:
    """Cost per year stacked by benefit, the total with the ±10 % take-up band as error bars."""
    labels = [year_text(int(y), lang) for y in years["year"]]
    by = rows.groupby(["benefit", "year"])["cost"].sum() if len(rows) else pd.Series(dtype=float)
    data = []
    for index, code in enumerate(sorted({b for b, _ in by.index})):
        values = [float(by.get((code, int(y)), 0.0)) for y in years["year"]]
        data.append({"type": "bar", "x": labels, "y": values, "name": names.get(code, code),
                     "marker": {"color": PALETTE[index % len(PALETTE)]}, "hoverinfo": "text",
                     "hovertext": [f"{names.get(code, code)}, {label}: {format_khr_exact(v, lang)}"
                                   for label, v in zip(labels, values, strict=True)]})
    total = _plain(years["cost"])
    up = [None if h is None or c is None else h - c for h, c in zip(_plain(high["cost"]), total, strict=True)]
    down = [None if lo is None or c is None else c - lo for lo, c in zip(_plain(low["cost"]), total, strict=True)]
    data.append({"type": "scatter", "mode": "markers", "x": labels, "y": total, "name": t("costing.band", lang),
                 "marker": {"color": "#1f2933", "symbol": "line-ew-open", "size": 18, "line": {"width": 2}},
                 "error_y": {"type": "data", "array": up, "arrayminus": down, "visible": True, "color": "#1f2933",
                             "thickness": 2, "width": 8},
                 "hoverinfo": "text",
                 "hovertext": [t("costing.band_hover", lang, cost=format_khr(c, lang), low=format_khr(lo, lang),
                                 high=format_khr(hi, lang))
                               for c, lo, hi in zip(total, _plain(low["cost"]), _plain(high["cost"]), strict=True)]})
    layout = {**base_layout(lang, height=380), "barmode": "stack",
              "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
              "yaxis": {"title": {"text": t("chart.amount_khr", lang)}, "automargin": True},
              "xaxis": {"type": "category", "automargin": True}}
    return {"data": data, "layout": layout}


def years_table(years: pd.DataFrame, low: pd.DataFrame, high: pd.DataFrame, lang: str) -> html.Div:
    """Cost, the band, beneficiaries and the shares of GDP and expenditure, a row per year."""
    head = [t(f"costing.col.{key}", lang) for key in ("year", "cost", "band", "beneficiaries", "pct_gdp",
                                                       "pct_expenditure")]
    body = []
    for row, lo, hi in zip(years.to_dict("records"), low.to_dict("records"), high.to_dict("records"), strict=True):
        body.append(html.Tr([
            html.Td(year_text(int(row["year"]), lang)),
            html.Td(format_khr(row["cost"], lang), title=format_khr_exact(row["cost"], lang), className="num"),
            html.Td(f"{format_khr(lo['cost'], lang)} – {format_khr(hi['cost'], lang)}", className="num"),
            html.Td(format_number(row["beneficiaries"], lang), className="num"),
            html.Td(format_percent(row["pct_gdp"], lang, 3), className="num"),
            html.Td(format_percent(row["pct_expenditure"], lang, 2), className="num")]))
    return _table(head, body, "costing-years-table")


def _table(head: list[str], body: list, table_id: str) -> html.Div:
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                               className="table", id=table_id), className="table-wrap")


def compare_figure(results: list[tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]], lang: str) -> dict:
    """Total cost per year, a bar per scenario, each with its ±10 % take-up band."""
    data = []
    for index, (name, years, low, high) in enumerate(results):
        total = _plain(years["cost"])
        data.append({"type": "bar", "name": name, "x": [year_text(int(y), lang) for y in years["year"]],
                     "y": total, "marker": {"color": [BLUE, ORANGE, "#1a7f37", "#8250df"][index % 4]},
                     "error_y": {"type": "data", "visible": True, "color": "#1f2933",
                                 "array": [h - c for h, c in zip(_plain(high["cost"]), total, strict=True)],
                                 "arrayminus": [c - lo for lo, c in zip(_plain(low["cost"]), total, strict=True)]},
                     "hovertext": [f"{name}: {format_khr_exact(c, lang)}" for c in total], "hoverinfo": "text"})
    layout = {**base_layout(lang, height=360), "barmode": "group",
              "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
              "yaxis": {"title": {"text": t("chart.amount_khr", lang)}, "automargin": True},
              "xaxis": {"type": "category", "automargin": True}}
    return {"data": data, "layout": layout}


def compare_table(results: list[tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]], lang: str) -> html.Div:
    """A row per scenario: its cost each year (years of any of them) and in all."""
    span = sorted({int(y) for _, years, _, _ in results for y in years["year"]})
    head = [t("costing.col.scenario", lang), *[year_text(y, lang) for y in span], t("costing.col.total", lang)]
    body = []
    for name, years, _low, _high in results:
        cost = dict(zip(years["year"].astype(int), years["cost"], strict=True))
        body.append(html.Tr([html.Td(name), *[html.Td(format_khr(cost.get(y), lang), className="num") for y in span],
                             html.Td(format_khr(sum(float(v) for v in cost.values() if not pd.isna(v)), lang),
                                     className="num")]))
    return _table(head, body, "costing-compare-table")


def _three(values: list | None, lang: str, money: bool) -> list[str]:
    if values is None:
        return [t("costing.none", lang)] * 3
    return [format_khr(v, lang) if money else format_number(v, lang) for v in values]


def preview_table(plan: dict, names: dict[str, str], lang: str) -> html.Div:
    """Every line and target the scenario would change: old → new for Y, Y+1 and Y+2."""
    head = [t("costing.col.what", lang), t("costing.col.unit", lang), t("costing.col.item", lang),
            *[year_text(y, lang) for y in plan["years"]]]
    body = []
    for line in plan["lines"]:
        old, new = _three(line["old"], lang, True), _three(line["new"], lang, True)
        body.append(html.Tr([html.Td(t("costing.kind.line", lang)),
                             html.Td(f"{line['entity']} {unit_name(line['entity'], lang)}"),
                             html.Td(f"{line['cluster']} · {line['economic_code']} · {line['funding_source']}"),
                             *[html.Td(f"{o} → {n}", className="num") for o, n in zip(old, new, strict=True)]],
                            className="costing-change"))
    for target in plan["targets"]:
        old, new = _three(target["old"], lang, False), _three(target["new"], lang, False)
        body.append(html.Tr([html.Td(t("costing.kind.target", lang)),
                             html.Td(f"{target['unit']} {unit_name(target['unit'], lang)}"),
                             html.Td(names.get(target["indicator"], target["indicator"])),
                             *[html.Td(f"{o} → {n}", className="num") for o, n in zip(old, new, strict=True)]],
                            className="costing-change"))
    return _table(head, body, "costing-preview-table")


def export_rows(rows: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The results per year, unit and benefit, with the names in ``lang``, for the downloads."""
    frame = rows[["year", "unit", "benefit", "beneficiaries", "cost"]].copy()
    frame["unit_name"] = [unit_name(u, lang) for u in frame["unit"]]
    frame["benefit_name"] = [names.get(b, b) for b in frame["benefit"]]
    return frame.sort_values(["year", "unit", "benefit"]).reset_index(drop=True)
