"""Codes and words that every layer shares: one place, so that no layer spells them again."""

from __future__ import annotations

# Central MoSVY's entity code; the 25 capital/provinces are 01–25 (12 is Phnom Penh).
NATIONAL = "00"
PROVINCE_COUNT = 25
PROVINCE_CODES = tuple(f"{n:02d}" for n in range(1, PROVINCE_COUNT + 1))
ENTITY_CODES = (NATIONAL, *PROVINCE_CODES)

# The fiscal years the fact tables, the loaders and the API accept (the calendar year).
YEAR_MIN, YEAR_MAX = 2015, 2035

BUDGET_UNIT = "budget_unit"
MEF_REVIEWER = "mef_reviewer"
PROVINCIAL_DIRECTOR = "provincial_director"
ADMIN = "admin"
ROLES = (BUDGET_UNIT, MEF_REVIEWER, PROVINCIAL_DIRECTOR, ADMIN)
DATA_ROLES = frozenset({BUDGET_UNIT, MEF_REVIEWER, PROVINCIAL_DIRECTOR})
# The anonymous reader of /open: not in ROLES, so no account can hold it (the database's check
# refuses it too); it reads the published periods' province and national aggregates only.
PUBLIC = "public"

UNIT_LEVELS = ("national", "province", "district", "commune")
PROGRAMME_LEVELS = ("programme", "subprogramme", "activity_cluster", "activity")  # top to bottom
FUNDING_SOURCES = ("RGC", "DP")
DIRECTIONS = ("increase", "decrease")
AGGREGATIONS = ("sum", "mean", "weighted_mean", "ratio", "last")
INDICATOR_LEVELS = ("output", "outcome")
STATUSES = ("on_track", "watch", "off_track", "no_data")
LANGUAGES = ("en", "km")


def is_province(code: str) -> bool:
    """Whether ``code`` is one of the 25 province codes (``01``–``25``)."""
    return code in PROVINCE_CODES


def province_of(code: str) -> str:
    """The province of an entity, district or commune code (its first two digits)."""
    return code[:2]
