"""The formulas in indicators/methodology.py as pure functions over pandas objects (no database, no Dash).

Functions take pandas Series (aligned on their index) or plain numbers; a Series in gives a
Series out, numbers in give a number out. Missing or undefined values are NaN, never infinity.
"""

from indicators.achievement import (
    ACHIEVEMENT_CAP,
    DEFAULT_ON_TRACK,
    DEFAULT_WATCH,
    DIRECTIONS,
    STATUS_ICONS,
    STATUSES,
    achievement,
    capped,
    status,
    trend,
)
from indicators.aggregation import AGGREGATIONS, RATIO_SCALE, aggregate_values, roll_up
from indicators.budget import commitment_rate, execution_gap, execution_rate, expected_execution, period_month
from indicators.completeness import LOW_COMPLETENESS, completeness
from indicators.cost import unit_cost
from indicators.methodology import ENTRIES, Entry
from indicators.quadrant import QUADRANTS, SPENDING_PACE, quadrant
from indicators.scorecard import province_score, rank

__all__ = [
    "trend",
    "ACHIEVEMENT_CAP",
    "AGGREGATIONS",
    "DEFAULT_ON_TRACK",
    "DEFAULT_WATCH",
    "DIRECTIONS",
    "ENTRIES",
    "LOW_COMPLETENESS",
    "QUADRANTS",
    "RATIO_SCALE",
    "SPENDING_PACE",
    "STATUSES",
    "STATUS_ICONS",
    "Entry",
    "achievement",
    "aggregate_values",
    "capped",
    "commitment_rate",
    "completeness",
    "execution_gap",
    "execution_rate",
    "expected_execution",
    "period_month",
    "province_score",
    "quadrant",
    "rank",
    "roll_up",
    "status",
    "unit_cost",
]
