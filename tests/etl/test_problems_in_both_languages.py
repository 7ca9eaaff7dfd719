"""Every problem the loader finds in the corpora of broken files is said through the catalogue:
its English is the catalogue's English (the command line's contract), and its Khmer is Khmer,
with no English sentence left in it."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from etl.load import load_file
from etl.problem_catalogue import MESSAGES
from tests.etl.test_edges import CASES as EDGE_CASES
from tests.etl.test_malformed_corpus import CASES as CORPUS_CASES
from tests.helpers.words import assert_said_in_both_languages
from tests.helpers.workbooks import EXEC_HEADER, exec_row, execution_xlsx, indicators_xlsx


def _row(**changes: object) -> list:
    """A good execution row with some cells changed, by column name."""
    row = exec_row()
    for name, value in changes.items():
        row[EXEC_HEADER.index(name)] = value
    return row


# More files than the corpora hold: what they leave unsaid, and the warnings of a valid file.
MORE = [
    ("ambiguous.xlsx", execution_xlsx([_row(paid="850.000")])),
    ("styles.xlsx", execution_xlsx([_row(paid="1.200.000"), _row(economic_code="6061", committed="1,234.5")])),
    ("year.xlsx", execution_xlsx([_row(fiscal_year="soon")])),
    ("level.xlsx", execution_xlsx([_row(subprogramme="P1.1.1")])),
    ("many.xlsx", execution_xlsx([_row(economic_code=str(6000 + i), paid=-1) for i in range(52)])),
    ("totals.xlsx", execution_xlsx([_row(), ["Total", *[None] * 11, "lots"]])),
    ("warnings.xlsx", execution_xlsx([_row(paid=2_000_000), ["Total", *[None] * 8, 1_000_000, 1_000_000,
                                                             600_000, 2_000_000], _row(economic_code="6061")])),
    ("unit.xlsx", indicators_xlsx([[2025, "2025-06", "Atlantis", "FP_OLD", None, 10, 9]])),
    ("blank.csv", b",,\n,,\n"),
    ("nul.csv", b"a,b\x00\n"),
    ("utf16.csv", b"\xff\xfe\x00"),
]


def _reference_workbook() -> bytes:
    """A reference workbook with one of each mistake its sheets can hold."""
    book = Workbook()
    programmes = book.active
    programmes.title = "programmes"
    for row in (["code", "parent", "level", "name_en", "name_km"],
                ["PX", "P1", "programme", "X", "X"],  # a programme with a parent
                ["PX.1", "P1.1.1", "subprogramme", "X", "X"],  # the parent is a cluster
                ["PX.2", "", "branch", "X", "X"],  # no such level
                ["PX.3", "", "programme", "", "X"]):  # no English name
        programmes.append(row)
    economic = book.create_sheet("economic_codes")
    for row in (["code", "parent", "name_en", "name_km"], ["9999", "6211", "X", "X"]):  # not a chapter
        economic.append(row)
    indicators = book.create_sheet("indicators")
    indicators.append(["code", "name_en", "name_km", "unit", "programme", "level", "direction", "aggregation",
                       "numerator", "denominator", "weight", "on_track", "watch", "activities"])
    indicators.append(["IX", "X", "X", "%", "P9", "impact", "up", "ratio", "", "NOPE", "-1", "lots", "", "P7.7"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _two_data_sheets() -> bytes:
    book = Workbook()
    for index, title in enumerate(("kampot", "takeo")):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.title = title
        sheet.append(EXEC_HEADER)
        sheet.append(_row())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_problem_of_the_corpora_is_said_in_english_and_in_khmer(ref_db):
    files = [(name, data) for _case, name, data, *_rest in CORPUS_CASES + EDGE_CASES]
    files += [*MORE, ("reference.xlsx", _reference_workbook()), ("two-sheets.xlsx", _two_data_sheets())]
    seen: set[str] = set()
    for name, data in files:
        report = load_file(data, name=name, url=ref_db, dry_run=True)
        assert report.problems, name
        for problem in report.problems:
            seen.add(problem.code)
            # The English stored (and printed by the command line) is the catalogue's English.
            assert_said_in_both_languages(problem)
            assert re.sub(r"\s", "", problem.render("km")).startswith(f"{name}:")
    # The corpora say most of what the loader can say (the rest: database, memory, page limits).
    assert len(seen) >= 60, sorted(set(MESSAGES) - seen)
