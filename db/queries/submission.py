"""Read models of next year's request: its lines and targets beside last year's figures, read
live from the marts (never stored with the line), its flags, totals and versions.

Year words: a submission is for fiscal year Y; the current year is Y−1 (figures to date at each
entity's latest period); the last full year is Y−2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

import indicators as formulas
from db.models import (
    AuditLog,
    BudgetMart,
    Ceiling,
    IndicatorActivity,
    IndicatorMart,
    Programme,
    Submission,
    SubmissionLine,
    SubmissionProvince,
    SubmissionTarget,
    SubmissionVersion,
)
from db.queries.cache import FACTS, cached_reference
from db.queries.common import as_of_condition, as_of_periods, latest_period_join
from db.queries.indicators import catalogue, with_status
from domain.access import Forbidden, Scope
from domain.submission import actions_for, can_write_any
from domain.vocabulary import ENTITY_CODES, NATIONAL, is_province
from indicators import submission as flags

LINE_KEYS = ["entity", "cluster", "economic_code", "funding_source"]
REQUESTS = ["request_y1", "request_y2", "request_y3"]
TARGETS = ["target_y1", "target_y2", "target_y3"]


MAX_ID = 2**31 - 1  # an id beyond a 32-bit integer names nothing (and would overflow the column)


class NotFound(LookupError):
    """No submission (or line) by that id."""


def find_by_year(session: Session, year: int) -> Submission | None:
    """The submission of fiscal year ``year``, if one was opened."""
    return session.scalar(select(Submission).where(Submission.fiscal_year == year))


def get(session: Session, scope: Scope, submission_id: int) -> Submission:
    """The submission ``submission_id`` (its header is readable by every data role)."""
    scope.require_data()
    found = session.get(Submission, submission_id) if 0 < submission_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"no submission {submission_id}")
    return found


def listing(session: Session, scope: Scope, year: int | None = None) -> list[Submission]:
    """Every submission (or that of ``year``), newest year first."""
    scope.require_data()
    query = select(Submission).order_by(Submission.fiscal_year.desc())
    if year is not None:
        query = query.where(Submission.fiscal_year == year)
    return list(session.scalars(query))


def latest_data_year(session: Session) -> int | None:
    """The newest fiscal year with budget execution."""
    return session.scalar(select(func.max(BudgetMart.fiscal_year)))


# --- last year's figures, per line key -----------------------------------------------------------
#
# Everything in this part reads loaded data only (the marts, the catalogue, the links of
# indicators to activities): it goes through the query cache on the facts' version, which only a
# load or a rebuild of the marts changes, never a saved line. Each read is of every entity, once
# per load on the machine; a caller's entities are then a selection of it, so that a director's
# view, the budget unit's and a save's answer share one read.


def _of_loaded_data(session: Session, fn, **kwargs):
    """``fn(session, **kwargs)`` remembered until the next load (unscoped: callers select)."""
    return cached_reference(session, fn, depends=(FACTS,), **kwargs)


def _selected(frame: pd.DataFrame, column: str, codes: list[str] | None) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is one of ``codes`` (every row when ``codes`` is None)."""
    if codes is None:
        return frame
    if frame.index.equals(pd.RangeIndex(len(frame))) and set(frame[column].tolist()) <= set(codes):
        return frame  # every row kept (MEF's and the budget unit's views): the selection would copy it as it is
    return frame[frame[column].isin(codes)].reset_index(drop=True)


def _chapter_sums(session: Session, year: int, entities: list[str] | None,
                  where: dict[str, str] | None = None) -> pd.DataFrame:
    """Revised and paid of ``year`` per line key, each entity at its newest period."""
    frame = _selected(_of_loaded_data(session, _read_chapter_sums, year=year), "entity", entities)
    for name, value in (where or {}).items():
        frame = frame[frame[name] == value].reset_index(drop=True)
    return frame


def _read_chapter_sums(session: Session, *, year: int) -> pd.DataFrame:
    mart = BudgetMart.__table__
    as_of = as_of_periods(session, year, None)
    columns = ["entity", "cluster", "economic_code", "funding_source", "period", "revised", "paid"]
    if not as_of:
        return pd.DataFrame(columns=columns)
    query = (select(mart.c.entity_code, mart.c.cluster_code, mart.c.chapter_code, mart.c.funding_source,
                    mart.c.period, func.sum(mart.c.revised), func.sum(mart.c.paid))
             .where(mart.c.fiscal_year == year, as_of_condition(mart, as_of))
             .group_by(mart.c.entity_code, mart.c.cluster_code, mart.c.chapter_code, mart.c.funding_source,
                       mart.c.period))
    frame = pd.DataFrame(session.execute(query).all(), columns=columns)
    return frame.astype({"revised": "float64", "paid": "float64"})


def last_year_figures(session: Session, year: int, entities: list[str] | None = None,
                      where: dict[str, str] | None = None) -> pd.DataFrame:
    """Per line key of a submission for ``year``: the current year's revised and paid to date,
    their execution rate and pro-rata benchmark at the entity's latest period, and the last
    full year's paid."""
    frame = _selected(_of_loaded_data(session, _read_last_year_figures, year=year), "entity", entities)
    for name, value in (where or {}).items():
        frame = frame[frame[name] == value].reset_index(drop=True)
    return frame


def _read_last_year_figures(session: Session, *, year: int) -> pd.DataFrame:
    current = _chapter_sums(session, year - 1, None)
    full = _chapter_sums(session, year - 2, None)
    current = current.rename(columns={"revised": "revised_last", "paid": "paid_to_date", "period": "as_of"})
    full = full.rename(columns={"paid": "paid_full_year"})[[*LINE_KEYS, "paid_full_year"]]
    frame = current.merge(full, on=LINE_KEYS, how="outer")
    frame["execution_rate"] = formulas.execution_rate(frame["paid_to_date"], frame["revised_last"])
    months = frame["as_of"].map(lambda p: formulas.period_month(p) if isinstance(p, str) else None)
    frame["benchmark"] = formulas.expected_execution(months)
    return frame


# --- indicators linked to clusters -------------------------------------------------------------------


def cluster_indicators(session: Session) -> pd.DataFrame:
    """(cluster, indicator, activity): each indicator's linked activities and their clusters."""
    return _of_loaded_data(session, _read_cluster_indicators)


def _read_cluster_indicators(session: Session) -> pd.DataFrame:
    links = session.execute(
        select(Programme.parent_code, IndicatorActivity.indicator_code, IndicatorActivity.programme_code)
        .join(Programme, Programme.code == IndicatorActivity.programme_code)
    ).all()
    return pd.DataFrame(links, columns=["cluster", "indicator", "activity"])


def _latest_values(session: Session, year: int, units: list[str] | None) -> pd.DataFrame:
    return _selected(_of_loaded_data(session, _read_latest_values, year=year), "unit", units)


def _read_latest_values(session: Session, *, year: int) -> pd.DataFrame:
    table = IndicatorMart.__table__
    query = select(table.c.entity_code.label("unit"), table.c.indicator_code.label("indicator"),
                   table.c.period, table.c.baseline, table.c.target, table.c.actual).where(table.c.fiscal_year == year)
    query = latest_period_join(query, table, year, keys=("indicator_code",))
    return pd.DataFrame(session.execute(query).all(),
                        columns=["unit", "indicator", "period", "baseline", "target", "actual"])


def indicator_context(session: Session, year: int, units: list[str] | None) -> pd.DataFrame:
    """Per (unit, indicator): the current year's latest actual, target, achievement and status."""
    return _selected(_of_loaded_data(session, _read_indicator_context, year=year), "unit", units)


def _read_indicator_context(session: Session, *, year: int) -> pd.DataFrame:
    values = with_status(_latest_values(session, year - 1, None), catalogue(session))
    return values[["unit", "indicator", "period", "actual", "target", "achievement", "status", "direction"]]


def observed_unit_costs(session: Session, year: int, units: list[str]) -> pd.DataFrame:
    """Per (unit, indicator): the observed unit cost on a full-year basis.

    On the footing of the request it is held against: what the indicator's clusters paid (every
    chapter and source of the unit; every entity for the national ``00``) ÷ the actual output.
    The last full year (Y−2) where the unit's books reach December; otherwise the current
    year's paid to date scaled to twelve months.
    """
    return _selected(_of_loaded_data(session, _read_observed_unit_costs, year=year), "unit", units)


def _read_observed_unit_costs(session: Session, *, year: int) -> pd.DataFrame:
    columns = ["unit", "indicator", "observed_unit_cost", "cost_basis"]
    links = cluster_indicators(session)
    if links.empty:
        return pd.DataFrame(columns=columns)
    pairs = links[["cluster", "indicator"]].drop_duplicates()
    found = []
    for basis, fiscal in (("full_year", year - 2), ("scaled", year - 1)):
        # Every entity's spending: a province's cost is its own, the national ``00``'s the sum of all.
        paid = _chapter_sums(session, fiscal, None)
        if paid.empty:
            continue
        months = paid["period"].map(formulas.period_month)
        if basis == "full_year":
            paid = paid[months == 12]
        else:
            paid = paid.assign(paid=flags.full_year_paid(paid["paid"], months))
        spent = paid.merge(pairs, on="cluster")
        by_unit = spent.groupby(["entity", "indicator"], as_index=False)["paid"].sum() \
            .rename(columns={"entity": "unit", "paid": "money"})
        national = spent.groupby("indicator", as_index=False)["paid"].sum().rename(columns={"paid": "money"})
        values = _latest_values(session, fiscal, None)[["unit", "indicator", "actual"]]
        money = pd.concat([values[values["unit"] != NATIONAL].merge(by_unit, on=["unit", "indicator"]),
                           values[values["unit"] == NATIONAL].merge(national, on="indicator")], ignore_index=True)
        money = money[money["money"].notna()]
        cost = formulas.unit_cost(money["money"].astype("float64"), money["actual"])
        found.append(pd.DataFrame({"unit": money["unit"], "indicator": money["indicator"],
                                   "observed_unit_cost": cost, "cost_basis": basis})
                     .loc[lambda f: f["observed_unit_cost"].notna()])
    if not found:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(found, ignore_index=True).astype({"observed_unit_cost": "float64"})
    # The full year wins over a scaled part-year where both exist.
    return frame.drop_duplicates(["unit", "indicator"], keep="first").reset_index(drop=True)


# --- the whole view ----------------------------------------------------------------------------------


@dataclass
class SubmissionView:
    """A submission as one user may see it: header, lines and targets with their context."""

    submission: Submission
    lines: pd.DataFrame
    targets: pd.DataFrame
    totals: dict
    ceiling: dict
    provinces: list[dict]
    versions: list[dict]
    actions: list[str]
    can_edit: bool


def _line_frame(session: Session, submission_id: int, entities: list[str] | None,
                line_ids: list[int] | None = None) -> pd.DataFrame:
    table = SubmissionLine.__table__
    sub = aliased(Programme)
    query = select(table.c.id, table.c.entity_code, table.c.cluster_code, table.c.economic_code,
                   table.c.funding_source, *(table.c[c] for c in REQUESTS), table.c.justification,
                   table.c.row_version, table.c.updated_by, table.c.updated_at, Programme.parent_code,
                   sub.parent_code) \
        .join(Programme, Programme.code == table.c.cluster_code) \
        .join(sub, sub.code == Programme.parent_code) \
        .where(table.c.submission_id == submission_id).order_by(table.c.id)
    if entities is not None:
        query = query.where(table.c.entity_code.in_(entities))
    if line_ids is not None:
        query = query.where(table.c.id.in_(line_ids))
    return rows_frame(session.execute(query).all(),
                      ["id", *LINE_KEYS, *REQUESTS, "justification", "row_version", "updated_by", "updated_at",
                       "subprogramme", "programme"])


def rows_frame(rows: Sequence[Sequence[object]], columns: list[str]) -> pd.DataFrame:
    """``pd.DataFrame(rows, columns=columns)`` for rows read from the database, built column by
    column: pandas infers each column's dtype from its values alike either way (ints, floats and
    None, strings, datetimes), and the columns cost about half the rows' time on every view of a
    submission (its lines, targets and decisions). No rows: the rows' frame (object columns)."""
    if not rows:
        return pd.DataFrame(rows, columns=columns)
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))


def _request_sums(session: Session, submission_id: int) -> pd.DataFrame:
    """The request for Y per (entity, cluster): what implied unit costs divide by the targets."""
    table = SubmissionLine.__table__
    rows = session.execute(select(table.c.entity_code, table.c.cluster_code, func.sum(table.c.request_y1))
                           .where(table.c.submission_id == submission_id)
                           .group_by(table.c.entity_code, table.c.cluster_code)).all()
    return pd.DataFrame(rows, columns=["entity", "cluster", "request_y1"]).astype({"request_y1": "float64"})


def _target_frame(session: Session, submission_id: int, units: list[str] | None) -> pd.DataFrame:
    table = SubmissionTarget.__table__
    query = select(table.c.id, table.c.indicator_code.label("indicator"), table.c.unit_code.label("unit"),
                   *(table.c[c] for c in TARGETS), table.c.row_version, table.c.updated_by) \
        .where(table.c.submission_id == submission_id).order_by(table.c.indicator_code, table.c.unit_code)
    if units is not None:
        query = query.where(table.c.unit_code.in_(units))
    return rows_frame(session.execute(query).all(), ["id", "indicator", "unit", *TARGETS, "row_version", "updated_by"])


def _incomplete(session: Session, year: int, entities: list[str]) -> set[str]:
    """Provinces whose reports of the current year stop before the newest period anyone reported."""
    return set(entities) & _of_loaded_data(session, _read_incomplete, year=year)


def _read_incomplete(session: Session, *, year: int) -> set[str]:
    budget = as_of_periods(session, year - 1, None)
    newest_budget = max(budget.values(), default=None)
    table = IndicatorMart.__table__
    indicator_periods = dict(session.execute(
        select(table.c.entity_code, func.max(table.c.period)).where(table.c.fiscal_year == year - 1)
        .group_by(table.c.entity_code)).all())
    newest_indicator = max(indicator_periods.values(), default=None)
    out = set()
    for entity in ENTITY_CODES:
        if not is_province(entity):
            continue
        if newest_budget and budget.get(entity, "") < newest_budget:
            out.add(entity)
        if newest_indicator and indicator_periods.get(entity, "") < newest_indicator:
            out.add(entity)
    return out


def annotate(session: Session, year: int, lines: pd.DataFrame, targets: pd.DataFrame,
             all_lines: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``lines`` and ``targets`` with last year's figures, indicator context, unit costs and flags.

    ``all_lines`` holds the requests that implied unit costs sum (``entity``, ``cluster``,
    ``request_y1``: every line of the submission for national targets); ``lines`` when not given.
    The loaded figures come from the query cache, so the request's own lines are what remains to
    compute: a few hundred lines and targets, joined by dict lookups in one pass each
    (:func:`left_join`) rather than by pandas merges, whose fixed cost per call was most of
    the time at this size (every view of the submission, every save's answer, the hearing).
    """
    all_lines = lines if all_lines is None else all_lines
    entities = sorted(set(lines["entity"].tolist()) | set(targets["unit"].tolist()))
    links = cluster_indicators(session)
    # Each indicator's clusters, in the order of the links, each pair once.
    pairs = list(dict.fromkeys(zip(links["cluster"].tolist(), links["indicator"].tolist(), strict=True)))
    clusters_of: dict[str, list[str]] = {}
    for cluster, indicator in pairs:
        clusters_of.setdefault(indicator, []).append(cluster)
    figures = last_year_figures(session, year, entities if entities else None)
    lines = left_join(lines, figures, LINE_KEYS)
    context = indicator_context(session, year, entities or None)

    # Targets: baseline (the latest actual), implied and observed unit costs, their gap.
    targets = left_join(targets, context.rename(columns={"period": "baseline_period", "actual": "baseline",
                                                          "target": "current_target"}), ["unit", "indicator"])
    targets["linked_request"] = _linked_requests(targets, all_lines, clusters_of)
    targets["implied_unit_cost"] = flags.implied_unit_cost(targets["linked_request"], targets["target_y1"]) \
        if not targets.empty else pd.Series(dtype="float64")
    costs = observed_unit_costs(session, year, entities)
    targets = left_join(targets, costs, ["unit", "indicator"])
    if targets.empty:
        for column in ("cost_gap", "unit_cost_gap", "below_actual"):
            targets[column] = pd.Series(dtype="object")
    else:
        targets["unit_cost_gap"] = flags.unit_cost_gap(targets["implied_unit_cost"], targets["observed_unit_cost"])
        targets["cost_gap"] = flags.has_unit_cost_gap(targets["implied_unit_cost"], targets["observed_unit_cost"])
        targets["below_actual"] = flags.target_below_actual(targets["target_y1"], targets["baseline"],
                                                            targets["direction"].fillna("increase"))
    gaps, belows = targets["cost_gap"].tolist(), targets["below_actual"].tolist()
    targets["flags"] = [[*([flags.UNIT_COST_GAP] if gap else []), *([flags.TARGET_BELOW_ACTUAL] if below else [])]
                        for gap, below in zip(gaps, belows, strict=True)]

    # Lines: the statuses of the indicators linked to their cluster, for their entity (each
    # indicator of the context once per cluster it is linked to, in the context's order).
    off: set[tuple[str, str]] = set()
    linked: dict[tuple, list[dict]] = {}
    for unit, indicator, achievement, state in zip(
            context["unit"].tolist(), context["indicator"].tolist(), context["achievement"].tolist(),
            context["status"].tolist(), strict=True):
        for cluster in clusters_of.get(indicator, ()):
            linked.setdefault((unit, cluster), []).append(
                {"indicator": indicator, "achievement": _number(achievement), "status": state})
            if state == "off_track":
                off.add((unit, cluster))
    # The (unit, cluster) pairs a target with a unit-cost gap, or below its actual, is linked to.
    gap_pairs: set[tuple[str, str]] = set()
    below_pairs: set[tuple[str, str]] = set()
    for unit, indicator, gap, below in zip(targets["unit"].tolist(), targets["indicator"].tolist(), gaps, belows,
                                           strict=True):
        for cluster in clusters_of.get(indicator, ()):
            if bool(gap):  # as ``astype(bool)``: a missing value counts
                gap_pairs.add((unit, cluster))
            if bool(below):
                below_pairs.add((unit, cluster))
    keys = list(zip(lines["entity"].tolist(), lines["cluster"].tolist(), strict=True))
    incomplete = _incomplete(session, year, sorted({entity for entity, _cluster in keys}))
    lines["linked_indicators"] = [linked.get(p, []) for p in keys]
    lines["request"] = lines["request_y1"]
    lines["linked_off_track"] = pd.Series([p in off for p in keys], index=lines.index, dtype=bool)
    lines["cost_gap"] = pd.Series([p in gap_pairs for p in keys], index=lines.index, dtype=bool)
    lines["target_below"] = pd.Series([p in below_pairs for p in keys], index=lines.index, dtype=bool)
    lines["incomplete"] = pd.Series([entity in incomplete for entity, _cluster in keys], index=lines.index,
                                    dtype=bool)
    lines["flags"] = flags.line_flags(lines) if not lines.empty else pd.Series(dtype="object")
    return lines, targets


def left_join(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """``left.merge(right, on=on, how="left")``: the same rows, columns, dtypes and index, with
    ``right``'s rows found through a dict of its keys. A key ``right`` lacks gives a row of
    missing values, which turns an integer column to floats, as the merge does. About half the
    merge's cost on a view's few hundred rows, where pandas' fixed cost per operation is the
    time. A ``right`` whose keys repeat, that shares a column with ``left`` besides the keys, or
    whose keys are of another dtype goes through the merge itself (its rows or names would
    multiply; the merge would change the keys' dtype)."""
    where: dict[tuple, int] = {}
    for position, key in enumerate(zip(*(right[c].tolist() for c in on), strict=True)):
        where.setdefault(key, position)
    values = [c for c in right.columns if c not in on]
    if len(where) != len(right) or any(c in left.columns for c in values) \
            or any(left[c].dtype != right[c].dtype for c in on):
        return left.merge(right, on=on, how="left")
    positions = [where.get(key, -1) for key in zip(*(left[c].tolist() for c in on), strict=True)]
    out = left.reset_index(drop=True)
    # -1 is no label of the positions' index: reindex gives that row missing values.
    found = right[values].reset_index(drop=True).reindex(positions)
    found.index = out.index
    return pd.concat([out, found], axis=1)


def _linked_requests(targets: pd.DataFrame, all_lines: pd.DataFrame,
                     clusters_of: dict[str, list[str]]) -> list[float]:
    """Per target: the request for Y of the lines of its indicator's clusters (its unit's lines;
    every entity's for a national target), NaN for an indicator linked to no cluster
    (``clusters_of``: each linked indicator's clusters).

    Summed in one pass over the lines rather than by pandas' groupby and merge: a few hundred
    lines and links, where pandas' fixed cost per operation was most of the time (every view of
    the submission, every save's answer)."""
    if targets.empty:
        return []
    indicators_of: dict[str, list[str]] = {}
    for indicator, clusters in clusters_of.items():
        for cluster in clusters:
            indicators_of.setdefault(cluster, []).append(indicator)
    by_unit: dict[tuple[str, str], float] = {}
    national: dict[str, float] = {}
    for entity, cluster, request in zip(all_lines["entity"].tolist(), all_lines["cluster"].tolist(),
                                        all_lines["request_y1"].tolist(), strict=True):
        if request is None or pd.isna(request):  # as a sum skips a missing amount
            continue
        for indicator in indicators_of.get(cluster, ()):
            by_unit[(entity, indicator)] = by_unit.get((entity, indicator), 0.0) + float(request)
            national[indicator] = national.get(indicator, 0.0) + float(request)
    return [float("nan") if indicator not in clusters_of
            else float(national.get(indicator, 0.0) if unit == NATIONAL else by_unit.get((unit, indicator), 0.0))
            for unit, indicator in zip(targets["unit"].tolist(), targets["indicator"].tolist(), strict=True)]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def ceilings(session: Session, year: int) -> dict:
    """MEF's ceiling of ``year``: ``{"total": amount or None, "programmes": {code: amount}}``."""
    rows = session.execute(select(Ceiling.programme_code, Ceiling.amount).where(Ceiling.fiscal_year == year)).all()
    programmes = {code: int(amount) for code, amount in rows if code}
    total = next((int(amount) for code, amount in rows if not code), None)
    return {"total": total, "programmes": programmes}


def totals(session: Session, submission_id: int) -> dict:
    """The whole request (every line, whoever asks: national totals are shown to directors too),
    per year and per programme."""
    table = SubmissionLine.__table__
    sums = session.execute(select(*(func.coalesce(func.sum(table.c[c]), 0) for c in REQUESTS))
                           .where(table.c.submission_id == submission_id)).one()
    sub = select(Programme.code, Programme.parent_code).subquery()
    by_programme = session.execute(
        select(sub.c.parent_code, func.sum(table.c.request_y1))
        .join(Programme, Programme.code == table.c.cluster_code)
        .join(sub, sub.c.code == Programme.parent_code)
        .where(table.c.submission_id == submission_id).group_by(sub.c.parent_code)).all()
    return {"request": [int(v) for v in sums], "programmes": {p: int(v) for p, v in by_programme}}


def province_progress(session: Session, scope: Scope, submission_id: int) -> list[dict]:
    """Which provinces have marked their part finished (the budget unit sees all, a director his own)."""
    query = select(SubmissionProvince).where(SubmissionProvince.submission_id == submission_id)
    if scope.provinces is not None:
        query = query.where(SubmissionProvince.province_code.in_(sorted(scope.provinces)))
    return [{"province": p.province_code, "done": bool(p.done), "done_by": p.done_by,
             "done_at": p.done_at.isoformat(timespec="seconds") if p.done_at else None}
            for p in session.scalars(query.order_by(SubmissionProvince.province_code))]


def versions(session: Session, submission_id: int) -> list[dict]:
    """The versions sent to MEF, oldest first (without their content)."""
    return [{"version": v.version, "taken_at": v.taken_at.isoformat(timespec="seconds"), "taken_by": v.taken_by}
            for v in session.scalars(select(SubmissionVersion).where(SubmissionVersion.submission_id == submission_id)
                                     .order_by(SubmissionVersion.version))]


def version_content(session: Session, scope: Scope, submission_id: int, version: int) -> dict:
    """A stored version's lines and targets, limited to what ``scope`` may read."""
    scope.require_data()
    if not 0 < version <= MAX_ID:
        raise NotFound(f"no version {version} of submission {submission_id}")
    stored = session.scalar(select(SubmissionVersion).where(SubmissionVersion.submission_id == submission_id,
                                                            SubmissionVersion.version == version))
    if stored is None:
        raise NotFound(f"no version {version} of submission {submission_id}")
    content = json.loads(stored.content)
    return {"lines": [line for line in content["lines"] if can_read_line(scope, line["entity"])],
            "targets": [t for t in content["targets"] if can_read_line(scope, t["unit"])]}


def can_read_line(scope: Scope, entity: str) -> bool:
    """Whether ``scope`` reads the lines and targets of ``entity`` (a director: his province only)."""
    return scope.provinces is None or (entity != NATIONAL and scope.can_read_province(entity))


def line_entities(scope: Scope) -> list[str] | None:
    """The entities whose lines ``scope`` reads: all, or a director's own province only."""
    scope.require_data()
    return None if scope.provinces is None else sorted(scope.provinces)


def view(session: Session, scope: Scope, submission_id: int) -> SubmissionView:
    """The submission as ``scope`` may see it: a director sees the header, national totals and
    his or her province's lines and targets only."""
    sub = get(session, scope, submission_id)
    entities = line_entities(scope)
    lines = _line_frame(session, sub.id, entities)
    targets = _target_frame(session, sub.id, entities)
    # Implied unit costs of the visible targets sum the visible lines (a director's targets are
    # his province's, which only his lines fund); national targets are the budget unit's and MEF's.
    lines, targets = annotate(session, sub.fiscal_year, lines, targets)
    from db.queries.review import with_decisions  # the review's reads import this module

    lines = with_decisions(session, sub.id, lines)
    return SubmissionView(
        submission=sub, lines=lines, targets=targets, totals=totals(session, sub.id),
        ceiling=ceilings(session, sub.fiscal_year), provinces=province_progress(session, scope, sub.id),
        versions=versions(session, sub.id), actions=actions_for(sub.status, scope),
        can_edit=can_write_any(scope, sub.open_to_provinces) and sub.status in ("draft", "returned"),
    )


def lines_with_flags(session: Session, submission: Submission, line_ids: list[int] | None = None) -> pd.DataFrame:
    """Every line of ``submission`` (or those of ``line_ids``) with its flags, unscoped: for the
    write layer's checks (submit's blocking reasons, a saved line's answer), never for display."""
    lines = _line_frame(session, submission.id, None, line_ids)
    units = sorted(set(lines["entity"])) if line_ids is not None else None
    targets = _target_frame(session, submission.id, units)
    annotated, _ = annotate(session, submission.fiscal_year, lines, targets,
                            all_lines=_request_sums(session, submission.id))
    return annotated


def require_line_reader(scope: Scope, entity: str) -> None:
    """Raise ``Forbidden`` unless ``scope`` may read the lines of ``entity``."""
    if not can_read_line(scope, entity):
        raise Forbidden(f"submission lines of {entity}")


def mentions_submission(submission_id: int):
    """A condition that keeps the audit entries whose detail may name ``submission_id`` (those
    naming it, and a few naming e.g. a longer id, which the caller's exact check drops): the log
    holds every submission's entries and every explanation's, and grows with each write."""
    # audit.record writes the detail with json.dumps' default separators: '"submission": 12'.
    return AuditLog.detail.like(f'%"submission": {int(submission_id)}%')


def history(session: Session, submission_id: int, scope: Scope | None = None) -> list[dict]:
    """The submission's transitions and header changes from the audit log, oldest first. A
    director sees no comment: MEF's words on a return speak of every province."""
    rows = session.scalars(select(AuditLog).where(AuditLog.action.like("submission.%"),
                                                  AuditLog.action.notin_(["submission.line", "submission.target"]),
                                                  mentions_submission(submission_id))
                           .order_by(AuditLog.id))
    out = []
    for row in rows:
        detail = json.loads(row.detail or "{}")
        if detail.get("submission") != submission_id:
            continue
        hidden = scope is not None and scope.provinces is not None
        if hidden and row.action == "submission.province_done" and detail.get("province") != scope.province:
            continue  # another province's progress is not a director's to follow
        out.append({"action": row.action.removeprefix("submission."), "by": row.username,
                    "at": row.at.isoformat(timespec="seconds"), "comment": "" if hidden else detail.get("comment", ""),
                    "status": (detail.get("after") or {}).get("status")})
    return out


# --- for the submission page (pages/submission.py) ---------------------------------------------------


def line_for_edit(session: Session, scope: Scope, submission_id: int, line_id: int) -> dict:
    """The line ``line_id`` of the submission as a writer reads it before changing one cell:
    its keys, amounts, justification and version. ``NotFound`` when the submission has no such
    line, ``Forbidden`` when ``scope`` does not read it; whether ``scope`` may change it is the
    write layer's decision."""
    sub = get(session, scope, submission_id)
    line = session.get(SubmissionLine, line_id)
    if line is None or line.submission_id != sub.id:
        raise NotFound(f"no line {line_id} in submission {submission_id}")
    require_line_reader(scope, line.entity_code)
    return {"id": line.id, "entity": line.entity_code, "cluster": line.cluster_code,
            "economic_code": line.economic_code, "funding_source": line.funding_source,
            "request": [line.request_y1, line.request_y2, line.request_y3],
            "justification": line.justification, "row_version": line.row_version, "updated_by": line.updated_by}


def entity_lines(session: Session, scope: Scope, submission_id: int, entity: str) -> pd.DataFrame:
    """The lines of ``entity`` as :func:`view` shows them to ``scope`` (last year's figures,
    flags). After a save: a line's unit-cost flag follows the requests of the other lines of
    its entity, so the page refreshes them all."""
    sub = get(session, scope, submission_id)
    require_line_reader(scope, entity)
    visible = _line_frame(session, sub.id, line_entities(scope))
    targets = _target_frame(session, sub.id, [entity])
    lines, _ = annotate(session, sub.fiscal_year, visible[visible["entity"] == entity].reset_index(drop=True),
                        targets, all_lines=visible)
    return lines


def diff_since(session: Session, scope: Scope, submission_id: int, version: int) -> dict:
    """What changed in the lines and targets ``scope`` reads since ``version`` was sent
    (``db.submissions.diff`` of that version and the submission as it is now)."""
    from db.submissions import diff, snapshot  # the write module imports this one

    sub = get(session, scope, submission_id)
    before = version_content(session, scope, submission_id, version)
    now = snapshot(session, sub)
    after = {"lines": [line for line in now["lines"] if can_read_line(scope, line["entity"])],
             "targets": [t for t in now["targets"] if can_read_line(scope, t["unit"])]}
    return diff(before, after)


def structure_names(session: Session) -> dict[str, tuple[str, str]]:
    """English and Khmer names of the programme structure's nodes and of the economic chapters
    (reference data every data role reads), for labels. Remembered until the next load, like
    the indicator catalogue: only a load writes them (``etl.reference_upsert``, in its batch),
    and every hearing and submission answer reads them (two queries, ~0.6 ms)."""
    return _of_loaded_data(session, _read_structure_names)


def _read_structure_names(session: Session) -> dict[str, tuple[str, str]]:
    from db.models import EconomicCode

    names = {code: (en, km) for code, en, km in session.execute(
        select(Programme.code, Programme.name_en, Programme.name_km).where(Programme.level != "activity"))}
    chapters = session.execute(select(EconomicCode.code, EconomicCode.name_en, EconomicCode.name_km)
                               .where(EconomicCode.parent_code.is_(None)))
    return {**names, **{f"chapter:{code}": (en, km) for code, en, km in chapters}}
