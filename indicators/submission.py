"""The five flags on a line of next year's budget request, and the unit costs they compare.

Pure functions over pandas objects: the query layer (``db/queries/submission.py``) reads last
year's figures from the marts and hands them over; nothing here touches the database. Every
threshold lives in :data:`THRESHOLDS`, which the methodology page formats its words from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators._numeric import divide, to_float

MORE_WHILE_OFF_TRACK = "more_while_off_track"
MORE_WHILE_UNDERSPENDING = "more_while_underspending"
UNIT_COST_GAP = "unit_cost_gap"
TARGET_BELOW_ACTUAL = "target_below_actual"
INCOMPLETE_REPORTS = "incomplete_reports"
SUBMISSION_FLAGS = (MORE_WHILE_OFF_TRACK, MORE_WHILE_UNDERSPENDING, UNIT_COST_GAP, TARGET_BELOW_ACTUAL,
                    INCOMPLETE_REPORTS)

# The one table of thresholds (shown on the methodology page in both languages).
THRESHOLDS: dict[str, float] = {
    # flag 2: execution below this share of the pro-rata benchmark is underspending
    "underspending_share": 0.60,
    # flag 3: implied unit cost further than this fraction from the observed one, either way
    "unit_cost_gap": 0.25,
    # a justification of "at least a sentence": this many characters, not counting spaces at the ends
    "justification_min_chars": 20,
}

FLAG_WORDS = {
    MORE_WHILE_OFF_TRACK: ("More while off track", "ស្នើច្រើនជាង ខណៈមិនតាមគោលដៅ"),
    MORE_WHILE_UNDERSPENDING: ("More while underspending", "ស្នើច្រើនជាង ខណៈចំណាយតិច"),
    UNIT_COST_GAP: ("Unit cost gap", "គម្លាតថ្លៃឯកតា"),
    TARGET_BELOW_ACTUAL: ("Target below actual", "គោលដៅទាបជាងលទ្ធផលជាក់ស្តែង"),
    INCOMPLETE_REPORTS: ("Incomplete reports", "របាយការណ៍មិនពេញលេញ"),
}
FLAG_ICON = "⚑"


def flag_word(code: str, lang: str = "en") -> str:
    """The flag's name in ``lang`` (the code itself when unknown)."""
    en, km = FLAG_WORDS.get(code, (code, code))
    return km if lang == "km" else en


def asks_more(request: pd.Series, revised_last: pd.Series) -> pd.Series:
    """Whether the request for Y exceeds last year's revised budget (a missing revised is 0:
    a line that had no money last year and asks for some now asks for more)."""
    return to_float(request).fillna(0) > to_float(revised_last).fillna(0)


def more_while_off_track(request: pd.Series, revised_last: pd.Series, linked_off_track: pd.Series) -> pd.Series:
    """Flag 1: asks for more than last year's revised while a linked indicator is off track."""
    return asks_more(request, revised_last) & linked_off_track.fillna(False).astype(bool)


def more_while_underspending(request: pd.Series, revised_last: pd.Series, execution_rate: pd.Series,
                             benchmark: pd.Series | float) -> pd.Series:
    """Flag 2: asks for more while execution is below 60 % of the pro-rata benchmark.

    A line without a rate (no revised budget last year) cannot be underspending.
    """
    rate = to_float(execution_rate)
    limit = THRESHOLDS["underspending_share"] * to_float(benchmark)
    return asks_more(request, revised_last) & (rate < limit).fillna(False)


def full_year_paid(paid: float | pd.Series, month: int | pd.Series) -> float | pd.Series:
    """Paid to date scaled to twelve months: paid × 12 ÷ month (a full year stays as it is)."""
    return to_float(paid) * 12 / to_float(month)


def implied_unit_cost(request: float | pd.Series, target: float | pd.Series) -> float | pd.Series:
    """Implied unit cost = the request of the linked lines ÷ the target (0 or missing → NaN)."""
    return divide(request, target, positive=True)


def unit_cost_gap(implied: float | pd.Series, observed: float | pd.Series) -> float | pd.Series:
    """The relative gap (implied − observed) ÷ observed; positive: the request costs each unit more."""
    return divide(to_float(implied) - to_float(observed), observed, positive=True)


def has_unit_cost_gap(implied: pd.Series, observed: pd.Series) -> pd.Series:
    """Flag 3: implied and observed unit costs more than 25 % apart, either way."""
    gap = unit_cost_gap(implied, observed)
    return (gap.abs() > THRESHOLDS["unit_cost_gap"]).fillna(False)


def target_below_actual(target: pd.Series, actual: pd.Series, direction: pd.Series) -> pd.Series:
    """Whether a target asks for less than has already been achieved: below the latest actual
    for an ``increase`` indicator, above it for a ``decrease`` one. Missing values: no flag."""
    tgt, act = to_float(target), to_float(actual)
    worse = np.where(direction.to_numpy() == "decrease", tgt > act, tgt < act)
    return pd.Series(worse, index=target.index) & tgt.notna() & act.notna()


def justified(text: object) -> bool:
    """Whether a justification is at least a sentence long."""
    return isinstance(text, str) and len(text.strip()) >= THRESHOLDS["justification_min_chars"]


def line_flags(lines: pd.DataFrame) -> pd.Series:
    """The flag codes of each line, as a list per line, in the order of :data:`SUBMISSION_FLAGS`.

    ``lines`` has ``request`` (Y), ``revised_last``, ``execution_rate``, ``benchmark``,
    ``linked_off_track``, ``cost_gap`` (a linked target's unit costs are apart),
    ``target_below`` (a linked target is below its actual) and ``incomplete`` (the line's
    province has not sent every report of the year), all per line.
    """
    more = asks_more(lines["request"], lines["revised_last"])
    hits = {
        MORE_WHILE_OFF_TRACK: more_while_off_track(lines["request"], lines["revised_last"],
                                                   lines["linked_off_track"]),
        MORE_WHILE_UNDERSPENDING: more_while_underspending(lines["request"], lines["revised_last"],
                                                           lines["execution_rate"], lines["benchmark"]),
        UNIT_COST_GAP: lines["cost_gap"].fillna(False).astype(bool),
        TARGET_BELOW_ACTUAL: more & lines["target_below"].fillna(False).astype(bool),
        INCOMPLETE_REPORTS: lines["incomplete"].fillna(False).astype(bool),
    }
    if lines.empty:
        return pd.Series([], index=lines.index, dtype="object")
    # Row by row over plain booleans (a row-wise ``apply`` costs a Series per line).
    columns = [hits[code].to_numpy(dtype=bool) for code in SUBMISSION_FLAGS]
    return pd.Series([[code for code, hit in zip(SUBMISSION_FLAGS, row, strict=True) if hit]
                      for row in zip(*columns, strict=True)], index=lines.index, dtype="object")


def blocking_reasons(lines: pd.DataFrame, *, total: float, ceiling: float | None,
                     above_ceiling_justification: str) -> list[dict]:
    """What keeps a submission from being submitted, each reason a dict with a ``code``.

    ``lines`` has ``id``, ``entity``, ``cluster``, ``economic_code``, ``funding_source``,
    ``flags`` (lists of codes) and ``justification``.
    """
    reasons = []
    for row in lines.itertuples(index=False):
        if row.flags and not justified(row.justification):
            reasons.append({"code": "flagged_without_justification", "line": int(row.id),
                            "entity": row.entity, "cluster": row.cluster, "economic_code": row.economic_code,
                            "funding_source": row.funding_source, "flags": list(row.flags)})
    if ceiling is not None and total > ceiling and not justified(above_ceiling_justification):
        reasons.append({"code": "above_ceiling_without_justification", "total": total, "ceiling": ceiling})
    return reasons
