"""The data contract in docs/data-contract.md: the columns of each workbook kind and their names.

Headers are matched case-insensitively, ignoring surrounding and repeated spaces, in English or
in Khmer; the templates (``python -m etl template``) write the first English name and list the
Khmer one. An amount header may carry its unit, e.g. ``paid (million KHR)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    required: bool = True
    amount: bool = False  # scaled by a unit in the header

    @property
    def khmer(self) -> str:
        return next((a for a in self.aliases if any("\u1780" <= c <= "\u17ff" for c in a)), "")


def _col(name: str, *aliases: str, required: bool = True, amount: bool = False) -> Column:
    return Column(name, (name, name.replace("_", " "), *aliases), required, amount)


EXECUTION = (
    _col("fiscal_year", "year", "ឆ្នាំសារពើពន្ធ", "ឆ្នាំ"),
    _col("period", "រយៈពេល"),
    _col("entity", "province", "អង្គភាព", "រាជធានី-ខេត្ត"),
    _col("programme", "program", "កម្មវិធី"),
    _col("subprogramme", "sub-programme", "sub programme", "អនុកម្មវិធី"),
    _col("activity_cluster", "cluster", "ចង្កោមសកម្មភាព"),
    _col("activity", "សកម្មភាព", required=False),
    _col("economic_code", "economic classification", "ចំណាត់ថ្នាក់សេដ្ឋកិច្ច", "កូដសេដ្ឋកិច្ច"),
    _col("funding_source", "source of funds", "ប្រភពថវិកា"),
    _col("approved", "approved budget", "ឥណទានអនុម័ត", amount=True),
    _col("revised", "revised budget", "ឥណទានកែសម្រួល", required=False, amount=True),
    _col("committed", "commitments", "ការសន្យាចំណាយ", amount=True),
    _col("paid", "payments", "ការទូទាត់", amount=True),
)

INDICATOR_VALUES = (
    _col("fiscal_year", "year", "ឆ្នាំសារពើពន្ធ", "ឆ្នាំ"),
    _col("period", "រយៈពេល"),
    _col("unit", "administrative unit", "ទីតាំង"),
    _col("indicator", "indicator code", "សូចនាករ"),
    _col("baseline", "មូលដ្ឋាន", required=False),
    _col("target", "គោលដៅ"),
    _col("actual", "លទ្ធផលជាក់ស្តែង", required=False),
    _col("source", "ប្រភព", required=False),
    _col("note", "កំណត់សម្គាល់", required=False),
)

REF_PROGRAMMES = (
    _col("code", "កូដ"),
    _col("parent", "មេ", required=False),
    _col("level", "កម្រិត"),
    _col("name_en", "name", "ឈ្មោះអង់គ្លេស"),
    _col("name_km", "ឈ្មោះខ្មែរ"),
)

REF_ECONOMIC = (
    _col("code", "កូដ"),
    _col("parent", "មេ", required=False),
    _col("name_en", "name", "ឈ្មោះអង់គ្លេស"),
    _col("name_km", "ឈ្មោះខ្មែរ"),
)

REF_INDICATORS = (
    _col("code", "កូដ"),
    _col("name_en", "name", "ឈ្មោះអង់គ្លេស"),
    _col("name_km", "ឈ្មោះខ្មែរ"),
    _col("unit", "ឯកតា"),
    _col("programme", "កម្មវិធី"),
    _col("level", "កម្រិត"),
    _col("direction", "ទិសដៅ"),
    _col("aggregation", "ការបូកសរុប"),
    _col("numerator", "ភាគយក", required=False),
    _col("denominator", "ភាគបែង", required=False),
    _col("weight", "ទម្ងន់", required=False),
    _col("on_track", "តាមគោលដៅ", required=False),
    _col("watch", "ត្រូវតាមដាន", required=False),
    _col("activities", "សកម្មភាពពាក់ព័ន្ធ", required=False),
)

REF_BENEFITS = (
    _col("code", "កូដ"),
    _col("name_en", "name", "ឈ្មោះអង់គ្លេស"),
    _col("name_km", "ឈ្មោះខ្មែរ"),
    _col("amount", "amount per payment", "ចំនួនទឹកប្រាក់", amount=True),
    _col("payments_per_year", "payments a year", "ចំនួនដងបើកក្នុងមួយឆ្នាំ"),
    _col("cluster", "activity_cluster", "ចង្កោមសកម្មភាព"),
    _col("economic_code", "economic chapter", "ជំពូកសេដ្ឋកិច្ច"),
    _col("indicator", "សូចនាករ"),
    _col("eligible_key", "eligible group", "ក្រុមមានសិទ្ធិ"),
)

REF_ELIGIBLE = (
    _col("year", "fiscal_year", "ឆ្នាំ"),
    _col("unit", "province", "ទីតាំង"),
    _col("eligible_key", "eligible group", "ក្រុមមានសិទ្ធិ"),
    _col("count", "eligible", "ចំនួនអ្នកមានសិទ្ធិ"),
)

REF_MACRO = (
    _col("year", "fiscal_year", "ឆ្នាំ"),
    _col("gdp", "ផលិតផលក្នុងស្រុកសរុប", amount=True),
    _col("government_expenditure", "expenditure", "ចំណាយរដ្ឋាភិបាល", amount=True),
    _col("cpi_inflation", "inflation", "អតិផរណា"),
    _col("usd_rate", "khr per usd", "អត្រាប្តូរប្រាក់", required=False),
)

# Reference workbooks are recognised by their sheet names.
REFERENCE_SHEETS = {
    "programmes": (REF_PROGRAMMES, ("programmes", "programs", "កម្មវិធី")),
    "economic_codes": (REF_ECONOMIC, ("economic_codes", "economic codes", "ចំណាត់ថ្នាក់សេដ្ឋកិច្ច")),
    "indicators": (REF_INDICATORS, ("indicators", "indicator catalogue", "សូចនាករ")),
    "benefits": (REF_BENEFITS, ("benefits", "benefit catalogue", "អត្ថប្រយោជន៍")),
    "eligible_population": (REF_ELIGIBLE, ("eligible_population", "eligible population", "ប្រជាជនមានសិទ្ធិ")),
    "macro": (REF_MACRO, ("macro", "macroeconomic figures", "ម៉ាក្រូសេដ្ឋកិច្ច")),
}
# The key of each reference sheet: a row repeating an earlier row's key is refused.
REFERENCE_KEYS = {"programmes": ("code",), "economic_codes": ("code",), "indicators": ("code",),
                  "benefits": ("code",), "eligible_population": ("year", "unit", "eligible_key"),
                  "macro": ("year",)}

UNIT_SCALES = {
    "khr": 1, "riel": 1, "riels": 1, "រៀល": 1,
    "thousand khr": 1_000, "000 khr": 1_000, "ពាន់រៀល": 1_000,
    "million khr": 1_000_000, "mn khr": 1_000_000, "m khr": 1_000_000, "លានរៀល": 1_000_000,
    "billion khr": 1_000_000_000, "bn khr": 1_000_000_000, "ពាន់លានរៀល": 1_000_000_000,
}
TOTAL_WORDS = {"total", "grand total", "totals", "សរុប", "សរុបរួម", "សរុបទាំងអស់"}

_SPACES = re.compile(r"\s+")
_UNIT = re.compile(r"^(.*?)\s*[\(\[]\s*([^\)\]]+?)\s*[\)\]]\s*$")


def normalise_header(text: object) -> str:
    """Lower case, single spaces, no surrounding spaces, ``_`` read as a space."""
    return _SPACES.sub(" ", str(text or "").replace("_", " ").replace("\u200b", "")).strip().lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """``"paid (million khr)"`` → (``"paid"``, ``"million khr"``)."""
    match = _UNIT.match(header)
    return (match.group(1).strip(), match.group(2).strip()) if match else (header, None)


@dataclass(frozen=True)
class HeaderMatch:
    """Where each contract column is in a sheet, and the scale of its amounts."""

    positions: dict[str, int]
    scales: dict[str, int]
    unknown_units: dict[str, str]
    header_row: int  # Excel row number
    repeated: dict[str, list[int]] = field(default_factory=dict)  # column → every position named so


def match_header(cells: list[object], columns: tuple[Column, ...], excel_row: int) -> HeaderMatch:
    """Match one row of cells against the columns of a kind."""
    lookup = {normalise_header(alias): col for col in columns for alias in col.aliases}
    positions: dict[str, int] = {}
    scales: dict[str, int] = {}
    unknown: dict[str, str] = {}
    repeated: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        text = normalise_header(cell)
        if not text:
            continue
        col = lookup.get(text)
        unit = None
        if col is None:
            base, unit = split_unit(text)
            col = lookup.get(base)
        if col is None:
            continue
        if col.name in positions:
            repeated.setdefault(col.name, [positions[col.name]]).append(index)
            continue
        positions[col.name] = index
        if unit is not None:
            scale = UNIT_SCALES.get(normalise_header(unit))
            if col.amount and scale is not None:
                scales[col.name] = scale
            elif col.amount:
                unknown[col.name] = unit
    return HeaderMatch(positions, scales, unknown, excel_row, repeated)


def required_names(columns: tuple[Column, ...]) -> list[str]:
    return [c.name for c in columns if c.required]
