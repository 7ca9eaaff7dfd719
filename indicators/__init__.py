"""The formulas of DESIGN section 5 as pure functions over pandas objects (no database, no Dash)."""

from indicators.achievement import (
    ACHIEVEMENT_CAP,
    DEFAULT_ON_TRACK,
    DEFAULT_WATCH,
    STATUS_ICONS,
    STATUSES,
    achievement,
    capped,
    status,
)
from indicators.aggregation import roll_up
from indicators.budget import (
    commitment_rate,
    execution_gap,
    execution_rate,
    expected_execution,
    period_month,
)
from indicators.flags import (
    flag_asking_more_while_off_track,
    flag_low_completeness,
    flag_unfundable_targets,
)
from indicators.scorecard import QUADRANTS, completeness, province_score, quadrant, rank, unit_cost

__all__ = [
    "ACHIEVEMENT_CAP", "DEFAULT_ON_TRACK", "DEFAULT_WATCH", "QUADRANTS", "STATUSES", "STATUS_ICONS",
    "achievement", "capped", "commitment_rate", "completeness", "execution_gap", "execution_rate",
    "expected_execution", "flag_asking_more_while_off_track", "flag_low_completeness",
    "flag_unfundable_targets", "period_month", "province_score", "quadrant", "rank", "roll_up",
    "status", "unit_cost",
]
