"""The submission as documents for MEF: the workbook of its lines (``/submission/<id>/export.xlsx``)
and a bilingual A4 summary per programme as a PDF (``/submission/<id>/summary.pdf``), of the lines
as they are now or of a version sent (``?version=n``).

Both are built from the query layer with the caller's scope, so a provincial director's document
holds his or her province's lines only. Last year's figures are read live from the marts, as on
the page and in the API; a version's flags are those its lines raise against today's figures.
Text cells are written as text: a justification that starts with ``=`` stays words.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from flask import render_template
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

import indicators as formulas
from components.exports import fill_sheet
from components.format import format_number, format_percent
from db.models import Indicator, Programme, Submission
from db.queries import submission as reads
from db.queries.units import unit_name
from domain.access import Scope
from domain.submission import EDITABLE
from i18n import t
from indicators import STATUS_ICONS
from indicators import submission as flag_rules
from reports.scorecard_sheet import ASSETS, Label, both

STATUS_ORDER = ("on_track", "watch", "off_track", "no_data")
MILLION = 1_000_000


@dataclass
class SubmissionDocument:
    """What both documents show: the submission, which lines (now, or version n) and their context."""

    submission: Submission
    version: int | None  # None: the lines as they are now
    lines: pd.DataFrame
    targets: pd.DataFrame
    scope: Scope
    names: dict[str, tuple[str, str]]  # programme structure code → (English, Khmer)
    indicator_names: dict[str, tuple[str, str]]
    ceiling: dict
    made_at: datetime

    @property
    def year(self) -> int:
        return self.submission.fiscal_year

    @property
    def label(self) -> str:
        return "current" if self.version is None else f"v{self.version}"


def _version_frames(session: Session, content: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stored version's lines and targets as frames shaped like the live ones."""
    lines = pd.DataFrame([{**{k: line[k] for k in reads.LINE_KEYS},
                           **dict(zip(reads.REQUESTS, line["request"], strict=True)),
                           "justification": line.get("justification", ""), "id": None}
                          for line in content["lines"]],
                         columns=["id", *reads.LINE_KEYS, *reads.REQUESTS, "justification"])
    parents = dict(session.execute(select(Programme.code, Programme.parent_code)).all())
    lines["subprogramme"] = lines["cluster"].map(parents)
    lines["programme"] = lines["subprogramme"].map(parents)
    targets = pd.DataFrame([{"indicator": tgt["indicator"], "unit": tgt["unit"],
                             **dict(zip(reads.TARGETS, tgt["target"], strict=True)), "id": None}
                            for tgt in content["targets"]],
                           columns=["id", "indicator", "unit", *reads.TARGETS])
    return lines, targets


def submission_document(session: Session, scope: Scope, submission_id: int,
                        version: int | None = None) -> SubmissionDocument:
    """The submission's lines (now, or as version ``version`` was sent) as ``scope`` may read them.

    ``Forbidden`` for a role that reads no figures, ``NotFound`` for no such submission or version.
    """
    sub = reads.get(session, scope, submission_id)
    if version is None:
        shown = reads.view(session, scope, submission_id)
        lines, targets = shown.lines, shown.targets
    else:
        content = reads.version_content(session, scope, submission_id, version)
        lines, targets = reads.annotate(session, sub.fiscal_year, *_version_frames(session, content))
    lines = lines.sort_values(reads.LINE_KEYS).reset_index(drop=True)
    targets = targets.sort_values(["indicator", "unit"]).reset_index(drop=True)
    names = {code: (en, km) for code, en, km in session.execute(
        select(Programme.code, Programme.name_en, Programme.name_km).where(Programme.level != "activity"))}
    indicator_names = {code: (en, km) for code, en, km in session.execute(
        select(Indicator.code, Indicator.name_en, Indicator.name_km))}
    return SubmissionDocument(sub, version, lines, targets, scope, names, indicator_names,
                              reads.ceilings(session, sub.fiscal_year), datetime.now())


# --- the workbook ---------------------------------------------------------------------------------------


def _number(value: object) -> float | int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _amount(value: object) -> int | None:
    value = _number(value)
    return None if value is None else int(round(float(value)))


def line_table(document: SubmissionDocument) -> pd.DataFrame:
    """The lines as MEF reads them: keys and names, requests Y..Y+2, last year's figures, flag
    codes, justification. Amounts in riels."""
    year = document.year
    rows = []
    for line in document.lines.to_dict("records"):
        rows.append({
            "entity": line["entity"], "entity_name": unit_name(line["entity"], "en"),
            "programme": line.get("programme"), "subprogramme": line.get("subprogramme"),
            "cluster": line["cluster"], "cluster_name": document.names.get(line["cluster"], ("", ""))[0],
            "economic_code": line["economic_code"], "funding_source": line["funding_source"],
            f"request_{year}": _amount(line["request_y1"]), f"request_{year + 1}": _amount(line["request_y2"]),
            f"request_{year + 2}": _amount(line["request_y3"]),
            f"revised_{year - 1}": _amount(line.get("revised_last")),
            f"paid_to_date_{year - 1}": _amount(line.get("paid_to_date")), "as_of": line.get("as_of"),
            "execution_rate": _number(line.get("execution_rate")),
            f"paid_{year - 2}": _amount(line.get("paid_full_year")),
            "flags": ", ".join(line.get("flags") or []), "justification": line.get("justification") or "",
        })
    columns = ["entity", "entity_name", "programme", "subprogramme", "cluster", "cluster_name", "economic_code",
               "funding_source", f"request_{year}", f"request_{year + 1}", f"request_{year + 2}",
               f"revised_{year - 1}", f"paid_to_date_{year - 1}", "as_of", "execution_rate", f"paid_{year - 2}",
               "flags", "justification"]
    return pd.DataFrame(rows, columns=columns).astype(object)


def target_table(document: SubmissionDocument) -> pd.DataFrame:
    """The targets: Y..Y+2, the baseline (latest actual), status, unit costs and flag codes."""
    year = document.year
    rows = []
    for target in document.targets.to_dict("records"):
        rows.append({
            "indicator": target["indicator"],
            "indicator_name": document.indicator_names.get(target["indicator"], ("", ""))[0],
            "unit": target["unit"], f"target_{year}": _number(target["target_y1"]),
            f"target_{year + 1}": _number(target["target_y2"]), f"target_{year + 2}": _number(target["target_y3"]),
            "baseline": _number(target.get("baseline")), "baseline_period": target.get("baseline_period"),
            "status": target.get("status") if isinstance(target.get("status"), str) else None,
            "implied_unit_cost": _number(target.get("implied_unit_cost")),
            "observed_unit_cost": _number(target.get("observed_unit_cost")),
            "flags": ", ".join(target.get("flags") or []),
        })
    columns = ["indicator", "indicator_name", "unit", f"target_{year}", f"target_{year + 1}", f"target_{year + 2}",
               "baseline", "baseline_period", "status", "implied_unit_cost", "observed_unit_cost", "flags"]
    return pd.DataFrame(rows, columns=columns).astype(object)


def workbook_bytes(document: SubmissionDocument) -> bytes:
    """The .xlsx: a sheet about the submission, one of its lines and one of its targets."""
    year, sub = document.year, document.submission
    lines, targets = line_table(document), target_table(document)
    scope = document.scope
    if document.version is not None:
        which = f"{document.version} (as sent to MEF)"
    else:
        state = " in preparation" if sub.status in EDITABLE else ""
        which = f"the lines as they are now (version {sub.version}{state})"
    totals = [(f"total_request_{y} (KHR)", int(sum(v or 0 for v in lines[f"request_{y}"])))
              for y in (year, year + 1, year + 2)]
    about = pd.DataFrame([
        ("fiscal_year", year), ("submission", sub.id), ("status", sub.status), ("version", which),
        ("lines_of", f"province {scope.province} only" if scope.provinces is not None else "every entity"),
        ("lines", len(lines)), *totals,
        ("ceiling (KHR)", document.ceiling.get("total")), ("exported_by", scope.username),
        ("exported_at", f"{document.made_at:%Y-%m-%d %H:%M}"),
        ("amounts", "riels (KHR); execution_rate is a fraction, 1 = 100 %"),
        ("flags", "codes: " + ", ".join(flag_rules.SUBMISSION_FLAGS)),
    ], columns=["field", "value"]).astype(object)
    book = Workbook()
    first = book.active
    first.title = "submission"
    fill_sheet(first, about)
    amount_columns = [c for c in lines.columns if c.startswith(("request_", "revised_", "paid_"))]
    fill_sheet(book.create_sheet("request_lines"), lines,
               number_formats={**{c: "#,##0" for c in amount_columns}, "execution_rate": "0.0%"})
    fill_sheet(book.create_sheet("request_targets"), targets,
               number_formats={c: "#,##0.##" for c in targets.columns if c.startswith("target_")
                               or c in ("baseline", "implied_unit_cost", "observed_unit_cost")})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the summary by programme --------------------------------------------------------------------------------


def _sum(series: pd.Series) -> float:
    return float(pd.to_numeric(series, errors="coerce").fillna(0).sum())


def _millions(value: float | None, lang: str = "en") -> str:
    return format_number(None if value is None else value / MILLION, lang)


def programme_rows(document: SubmissionDocument) -> list[dict]:
    """Per programme: requests Y..Y+2, last year's revised and paid to date, execution, linked
    results (the statuses of the indicators linked to its lines' clusters, per entity) and how
    many lines are flagged; the last row is the total."""
    lines = document.lines
    out = []
    groups = list(lines.groupby("programme", dropna=False, sort=True)) if not lines.empty else []
    for code, part in [*groups, ("", lines)]:
        statuses: dict[tuple, str] = {}
        for entity, linked in zip(part["entity"], part.get("linked_indicators", pd.Series(dtype=object)),
                                  strict=False):
            for item in linked or []:
                statuses[(entity, item["indicator"])] = item.get("status") or "no_data"
        counts = {s: sum(1 for v in statuses.values() if v == s) for s in STATUS_ORDER}
        revised, paid = _sum(part.get("revised_last", pd.Series(dtype=float))), \
            _sum(part.get("paid_to_date", pd.Series(dtype=float)))
        flagged = int(sum(1 for f in part.get("flags", []) if f))
        is_total = code == "" and part is lines
        names = document.names.get(code, (code or "—", code or "—")) if not is_total else None
        out.append({
            "code": "" if is_total else (code if isinstance(code, str) else "—"),
            "name": Label(t("subdoc.total", "en"), t("subdoc.total", "km")) if is_total
            else Label(f"{code} {names[0]}", f"{code} {names[1]}"),
            "requests": [_sum(part[c]) for c in reads.REQUESTS],
            "revised": revised, "paid": paid,
            "rate": float(formulas.execution_rate(paid, revised)) if revised else None,
            "statuses": counts, "linked": len(statuses),
            "indicators": sorted({i for _e, i in statuses}),
            "flagged": flagged, "lines": len(part), "total": is_total,
        })
    return out


def summary_html(document: SubmissionDocument, *, for_pdf: bool = False) -> str:
    """The summary as an HTML page, English above Khmer in every label."""
    year, sub, scope = document.year, document.submission, document.scope
    rows = programme_rows(document)
    for row in rows:
        row["requests_text"] = [_millions(v) for v in row["requests"]]
        row["revised_text"], row["paid_text"] = _millions(row["revised"]), _millions(row["paid"])
        row["rate_text"] = format_percent(row["rate"])
        row["status_text"] = [(s, STATUS_ICONS.get(s, ""), row["statuses"][s]) for s in STATUS_ORDER
                              if row["statuses"][s]]
        row["indicator_names"] = [Label(document.indicator_names.get(i, (i, i))[0],
                                        document.indicator_names.get(i, (i, i))[1]) for i in row["indicators"]]
    which = both("subdoc.version_sent", n=document.version) if document.version is not None \
        else both("subdoc.version_now", n=sub.version)
    province = scope.province if scope.provinces is not None else None
    labels = {
        "title": both("subdoc.title", year=year), "ministry": both("app.ministry"), "app": both("app.title"),
        "state": Label(t(f"subdoc.state.{sub.status}", "en"), t(f"subdoc.state.{sub.status}", "km")),
        "which": which,
        "scope": Label(t("subdoc.scope_province", "en", province=f"{province} {unit_name(province, 'en')}"),
                       t("subdoc.scope_province", "km", province=f"{province} {unit_name(province, 'km')}"))
        if province else both("subdoc.scope_all"),
        "programme": both("subdoc.programme"), "request": [both("subdoc.request", year=year + i) for i in range(3)],
        "revised": both("subdoc.revised", year=year - 1), "paid": both("subdoc.paid", year=year - 1),
        "rate": both("metric.execution_rate"), "linked": both("subdoc.linked"), "flagged": both("subdoc.flagged"),
        "unit": both("subdoc.unit"), "made": both("subdoc.made", who=scope.username,
                                                   when=f"{document.made_at:%Y-%m-%d %H:%M}"),
        "ceiling": both("subdoc.ceiling", amount=_millions(document.ceiling.get("total")))
        if document.ceiling.get("total") is not None and province is None else None,
        "statuses": {s: both(f"status.{s}") for s in STATUS_ORDER},
        "flags_of": both("subdoc.flags_of"),
    }
    return render_template("submission_summary.html", rows=rows, label=labels, for_pdf=for_pdf,
                           font_url=(ASSETS / "fonts").as_uri() if for_pdf else "/assets/fonts")


def summary_pdf(html: str) -> bytes:
    """The PDF of a rendered summary (WeasyPrint, which shapes Khmer through HarfBuzz)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=html, base_url=str(ASSETS)).write_pdf()
