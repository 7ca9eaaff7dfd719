"""Validation: from a workbook's sheets to clean rows, or to the list of everything wrong.

The whole file is checked and every problem collected (never the first only). Cleaning works
on whole columns (pandas) and on each distinct value once, so that half a million rows are
validated in seconds; only cells that the fast path cannot read go through the slow path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from domain.vocabulary import AGGREGATIONS, DIRECTIONS, INDICATOR_LEVELS, PROGRAMME_LEVELS
from etl import clean, contract
from etl.problems import WARNING, Collector, Msg, msg
from etl.read import Sheet, column_letter

MAX_PER_KIND = 50  # problems listed per (type, column); the rest are counted in one line
# A ceiling on one amount, in riels: a thousand trillion riels (about 240 billion USD) is far above
# any line of a ministry budget, and keeps sums of millions of rows inside a 64-bit integer.
MAX_AMOUNT_KHR = 10**15
HEADER_SEARCH_ROWS = 30


@dataclass
class Reference:
    """The reference data a file is checked against, read once from the database."""

    units: dict[str, str]  # code → level
    unit_province: dict[str, str]  # code → province code
    names: dict[str, tuple[str, str]]  # province code → (English, Khmer)
    programmes: dict[str, tuple[str | None, str]]  # code → (parent, level)
    economic: dict[str, str | None]  # code → parent
    indicators: set[str]

    def __post_init__(self) -> None:
        self.entity_names = clean.EntityNames(self.units, self.names)

    def chapter(self, economic_code: str) -> str:
        parent = self.economic.get(economic_code)
        return economic_code if parent is None else parent


@dataclass(frozen=True, eq=False)
class ExecutionParsed:
    """A validated execution sheet: one clean row per data row, ready to be stored.

    ``frame`` columns: ``source_row`` (the Excel row), ``fiscal_year`` (int), ``period``
    (``YYYY-MM``), ``entity_code``, ``programme``, ``subprogramme``, ``activity_cluster``,
    ``activity`` (None when blank), ``item_code`` (the activity, else the cluster),
    ``economic_code``, ``funding_source``, and the amounts ``approved``, ``revised`` (the approved
    when blank), ``committed``, ``paid`` in riels (float, scaled by the header's unit).
    """

    sheet: str
    frame: pd.DataFrame
    kind: ClassVar[str] = "execution"
    unit_column: ClassVar[str] = "entity_code"  # what a load's scope is made of, besides year and period

    @property
    def rows(self) -> int:
        """The number of clean rows."""
        return len(self.frame)


@dataclass(frozen=True, eq=False)
class IndicatorsParsed:
    """A validated indicator sheet: one clean row per (year, period, unit, indicator).

    ``frame`` columns: ``source_row``, ``fiscal_year`` (int), ``period`` (``YYYY-MM``),
    ``unit_code`` with its ``unit_level`` and ``province_code``, ``indicator_code``, the numbers
    ``baseline``, ``target``, ``actual`` (float, NaN when blank) and the texts ``source`` and
    ``note`` (None when blank).
    """

    sheet: str
    frame: pd.DataFrame
    kind: ClassVar[str] = "indicators"
    unit_column: ClassVar[str] = "unit_code"

    @property
    def rows(self) -> int:
        """The number of clean rows."""
        return len(self.frame)


@dataclass(frozen=True, eq=False)
class ReferenceParsed:
    """A validated reference workbook: each sheet it holds as a frame, None for a sheet it lacks.

    Texts are cleaned, ``""`` when blank; every frame has ``source_row``. Beyond the sheet's own
    columns (``contract.REF_*``):

    - ``programmes``: ``depth``, the level's place in ``PROGRAMME_LEVELS`` (0 for a programme),
      so that parents can be written before their children;
    - ``indicators``: ``level``, ``direction`` and ``aggregation`` in lower case; ``weight`` a
      float (1.0 when blank); ``on_track`` and ``watch`` floats, missing when blank;
      ``activities`` a sorted tuple of distinct codes;
    - ``benefits``: ``amount`` whole riels (int, scaled by the header's unit), ``payments_per_year``
      a float;
    - ``eligible_population``: ``year`` int, ``unit`` a code (``00`` or a province), ``count`` float;
    - ``macro``: ``year`` int, ``gdp`` and ``government_expenditure`` whole riels, ``cpi_inflation``
      a fraction, ``usd_rate`` a float (missing when blank).
    """

    programmes: pd.DataFrame | None = None
    economic_codes: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    benefits: pd.DataFrame | None = None
    eligible_population: pd.DataFrame | None = None
    macro: pd.DataFrame | None = None
    kind: ClassVar[str] = "reference"

    def frames(self) -> dict[str, pd.DataFrame]:
        """The sheets present, by their contract names, in the contract's order."""
        return {name: frame for name in contract.REFERENCE_SHEETS
                if (frame := getattr(self, name)) is not None}

    @property
    def sheet(self) -> str:
        """The contract names of the sheets present, comma-separated (a load batch's scope)."""
        return ",".join(self.frames())

    @property
    def rows(self) -> int:
        """The rows of every sheet present."""
        return sum(len(frame) for frame in self.frames().values())


Parsed: TypeAlias = ExecutionParsed | IndicatorsParsed | ReferenceParsed


class Problems:
    """A collector that stops listing a kind of problem after ``MAX_PER_KIND`` and counts the rest."""

    def __init__(self, collector: Collector, sheet: str) -> None:
        self.collector = collector
        self.sheet = sheet
        self.counts: dict[tuple[str, str, str], int] = {}
        self.error_cells: set[tuple[int, str]] = set()

    def add(self, row: int, column: str, value: object, said: Msg, type: str, severity: str = "error") -> None:
        if type == "error-cell":
            self.error_cells.add((row, column))
        elif type == "missing-cell" and (row, column) in self.error_cells:
            return  # an error cell is blanked after it is reported; it is not also "empty"
        key = (type, column, severity)
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.counts[key] <= MAX_PER_KIND:
            self.collector.add(self.sheet, row, column, value, said, type, severity)

    def close(self) -> None:
        for (type_, column, severity), count in self.counts.items():
            if count > MAX_PER_KIND:
                self.collector.add(self.sheet, 0, column, "", msg("more-of-kind", count=count - MAX_PER_KIND,
                                                                  kind=type_), type_, severity)


# --- finding the data --------------------------------------------------------------------------


def find_header(sheet: Sheet, columns: tuple[contract.Column, ...]) -> contract.HeaderMatch | None:
    """The first row (within the first rows) that names most of the required columns."""
    required = contract.required_names(columns)
    best = None
    for index, cells in enumerate(sheet.head(HEADER_SEARCH_ROWS)):
        match = contract.match_header(cells, columns, index + 1)
        hits = sum(1 for name in required if name in match.positions)
        if hits >= max(2, (len(required) + 1) // 2) and (best is None or hits > best[0]):
            best = (hits, match)
            if hits == len(required):
                break
    return best[1] if best else None


def detect_kind(sheets: list[Sheet]) -> tuple[str, list[tuple[Sheet, contract.HeaderMatch | None]]] | None:
    """The workbook kind from its sheet names and headers, with the sheets that hold its data.

    Hidden sheets are ignored unless no visible sheet holds the data.
    """
    names = {contract.normalise_header(s.name): s for s in sheets}
    reference = []
    for _key, (_cols, aliases) in contract.REFERENCE_SHEETS.items():
        for alias in aliases:
            if contract.normalise_header(alias) in names:
                reference.append(names[contract.normalise_header(alias)])
                break
    ordered = [s for s in sheets if s.visible] + [s for s in sheets if not s.visible]
    for kind, columns in (("execution", contract.EXECUTION), ("indicators", contract.INDICATOR_VALUES)):
        for sheet in ordered:
            header = find_header(sheet, columns)
            if header is not None and len(reference) < 2:
                return kind, [(sheet, header)]
    if reference:
        return "reference", [(s, None) for s in reference]
    return None


# --- column cleaning -------------------------------------------------------------------------------


def _values_where(series: pd.Series, test: Callable[[object], bool]) -> pd.Series:
    """Cells whose value passes ``test``, deciding once per distinct value (fast on long columns)."""
    if isinstance(series.dtype, pd.CategoricalDtype):  # numbered already (data_frame's coded columns)
        numbers = [n for n, v in enumerate(series.cat.categories) if test(v)]
        return pd.Series(np.isin(series.cat.codes.to_numpy(), numbers), index=series.index)
    hits = [v for v in pd.unique(series.dropna()) if test(v)]
    return series.isin(hits) if hits else pd.Series(False, index=series.index)


def _is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


_blank_cells = np.frompyfunc(_is_blank_cell, 1, 1)
# What pandas' infer_dtype says of a column holding numbers (or nothing) and no text, no yes/no.
AMOUNT_COLUMNS = ("approved", "revised", "committed", "paid")
_NUMBERS_ONLY = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


def _blank_cells_of(series: pd.Series) -> tuple[pd.Series, tuple[np.ndarray, np.ndarray] | None]:
    """Empty cells (missing, or text of spaces only) and, for a column of few distinct values, its
    factorisation: each cell's number (-1 where empty) and the distinct values, so that the checks
    after it need not hash the column again.

    A column of few distinct values (codes, years) is decided once per distinct value; one of
    mostly distinct values (amounts) cell by cell, which is then cheaper than hashing them all.
    """
    values = series.to_numpy(dtype=object)
    if infer_dtype(values, skipna=True) in _NUMBERS_ONLY:  # no text at all: only None and NaN are blank
        return pd.Series(pd.isna(values), index=series.index), None
    sample = series.iloc[:1000].tolist()
    if len(set(sample)) > len(sample) // 2:
        return pd.Series(_blank_cells(values).astype(bool), index=series.index), None
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    spaces = np.fromiter((isinstance(u, str) and not u.strip() for u in uniques), dtype=bool,
                         count=len(uniques))
    # Code -1 (a missing value) picks the appended True.
    blank = np.append(spaces, True)[codes]
    if spaces.any():
        codes = np.where(blank, -1, codes)
    return pd.Series(blank, index=series.index), (codes, np.asarray(uniques, dtype=object))


def _coded(codes: np.ndarray, uniques: np.ndarray, index: pd.Index) -> pd.Series:
    """A column as its distinct values and each cell's number (a categorical; -1, blank, is missing)."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object), validate=False),
                     index=index)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns :func:`_coded` made as plain values again."""
    return frame.assign(**{name: _as_objects(frame[name]) for name in frame.columns
                           if isinstance(frame[name].dtype, pd.CategoricalDtype)})


def _as_objects(series: pd.Series) -> pd.Series:
    """A column made by :func:`_coded` as plain values again, blanks as None."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series
    values = np.append(series.cat.categories.to_numpy(dtype=object), None)
    return pd.Series(values[series.cat.codes.to_numpy()], index=series.index, dtype=object)


def clean_unique(series: pd.Series, fn: Callable[[object], object], column: str, problems: Problems,
                 rows: pd.Series, blank_ok: bool = False, type_: str = "type-error",
                 coded: bool = False) -> pd.Series:
    """Apply ``fn`` once per distinct value; report each failing cell with its row.

    ``series`` comes from :func:`data_frame`, where every blank cell is already None. With
    ``coded``, the clean values come as a categorical (blank and failing cells missing), so that
    the steps after (the repeated keys, the marts' sums, the CSV for COPY) read each distinct
    value once instead of hashing the column again.
    """
    # One pass to number the distinct values (None → -1), ``fn`` once per distinct value, then
    # every cell takes its value's result by number: no hashing of the column twice. A column
    # that data_frame numbered already (a categorical) is not hashed at all.
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)  # the last slot answers code -1: blank
    failures: dict[int, clean.CellError] = {}
    for index, value in enumerate(uniques):
        try:
            results[index] = fn(value)
        except clean.CellError as exc:
            failures[index] = exc
    if coded:
        # Distinct raw values may clean to the same value ("Kampot", "07"): number the results again.
        numbers, values = pd.factorize(results[:-1], use_na_sentinel=True)
        out = _coded(np.append(numbers, -1)[codes], np.asarray(values, dtype=object), series.index)
    else:
        out = pd.Series(results[codes], index=series.index, dtype=object).infer_objects()
    row_numbers = rows.to_numpy()
    if failures:
        bad = np.isin(codes, list(failures))
        for row, code in zip(row_numbers[bad], codes[bad], strict=True):
            exc = failures[int(code)]
            problems.add(int(row), column, uniques[code], exc.at(column), type_)
    blank = codes == -1
    if not blank_ok and blank.any():
        for row in row_numbers[blank]:
            problems.add(int(row), column, "", msg("missing-value", column=column), "missing-cell")
    return out


def _marked_text(series: pd.Series) -> pd.Series:
    """Which cells are text with a dot or a comma: their reading depends on the file's style."""
    if infer_dtype(series.to_numpy(dtype=object), skipna=True) in _NUMBERS_ONLY:
        return pd.Series(False, index=series.index)
    return series.map(lambda v: isinstance(v, str) and ("." in v or "," in v))


def survey_number_style(frame: pd.DataFrame, columns, style: clean.NumberStyle) -> None:
    """Let ``style`` see the text numbers of ``columns`` before any of them is read, so that a
    value's reading never depends on which column or row came first."""
    for name in columns:
        if name in frame and style.style is None:
            series = frame[name]
            style.survey(series[_marked_text(series)])


def clean_numbers(series: pd.Series, column: str, problems: Problems, rows: pd.Series, *,
                  required: bool, non_negative: bool, scale: int = 1,
                  maximum: float | None = None, style: clean.NumberStyle | None = None) -> pd.Series:
    """Numbers by column: numeric cells at once, text cells (separators, Khmer digits) one by one.

    A value that is not a finite number (``inf`` written as text, or a number too large once
    scaled) is a problem, never stored; so is one above ``maximum`` (after scaling). ``series``
    comes from :func:`data_frame`, where every blank cell is already None. Text with a dot or a
    comma is read by the file's ``style`` (English or Khmer convention), never by pandas, which
    reads ``850.000`` as 850 whatever the file meant.
    """
    values = series.to_numpy(dtype=object)
    if infer_dtype(values, skipna=True) in _NUMBERS_ONLY:  # numeric cells and blanks only: as they are
        fast = pd.Series(values.astype("float64"), index=series.index)
        blank = fast.isna()
    else:
        blank = series.isna()
        # to_numeric reads TRUE as 1: a yes/no cell goes the slow way, to be refused there.
        fast = pd.to_numeric(series.where(~blank), errors="coerce").where(
            ~series.map(type).eq(bool) & ~_marked_text(series))
    slow = fast.isna() & ~blank
    if slow.any():
        for index in series.index[slow]:
            value = series.at[index]
            try:
                fast.at[index] = clean.number(value, style)
            except clean.CellError as exc:
                problems.add(int(rows.at[index]), column, value, exc.at(column), "type-error")
    if required and blank.any():
        for row in rows[blank]:
            problems.add(int(row), column, "", msg("missing-number", column=column), "missing-cell")
    fast = fast.astype("float64") * scale
    # pandas reads the text "inf" or "1e400" as infinity: refuse it here, where the row is known.
    infinite = np.isinf(fast)
    for row, value in zip(rows[infinite], series[infinite], strict=True):
        problems.add(int(row), column, value, msg("infinite-number", column=column, value=clean.text(value)),
                     "type-error")
    fast = fast.where(~infinite)
    if maximum is not None:
        too_large = fast.abs() > maximum
        for row, value in zip(rows[too_large], fast[too_large], strict=True):
            problems.add(int(row), column, f"{value:,.0f}",
                         msg("amount-too-large", column=column, amount=value, maximum=maximum), "out-of-range")
    if non_negative:
        negative = fast < 0
        for row, value in zip(rows[negative], fast[negative], strict=True):
            problems.add(int(row), column, f"{value:,.0f}", msg("negative-amount", column=column, amount=value),
                         "negative-amount")
    return fast


# --- the data rows of a sheet ------------------------------------------------------------------------


def data_frame(sheet: Sheet, header: contract.HeaderMatch, columns: tuple[contract.Column, ...],
               problems: Problems, start: int = 0, stop: int | None = None,
               coded: frozenset[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows ``start`` to ``stop`` below the header as a frame of contract columns (plus ``source_row``).

    Returns the data rows and, apart, the totals rows (``Total``, ``សរុប``). Blank rows are
    dropped. Error cells are reported and blanked. What lies below a totals row is decided by
    :class:`TotalsRow`, which sees every part of the sheet. The data rows' ``coded`` columns that
    hold few distinct values come as categoricals (blank cells missing), numbered once here for
    the checks after it (:func:`clean_unique`); every other cell is as read, blanks as None.
    """
    positions = header.positions
    first = header.header_row + start
    body = sheet.rows_between(first, None if stop is None else header.header_row + stop)
    width = max(positions.values()) + 1
    if body and min(map(len, body)) < width:  # ragged rows (CSV): pad them
        body = [list(r) + [None] * (width - len(r)) for r in body]
    # Rows turned into columns by zip (in C); every row is at least ``width`` long here.
    columns_of = list(zip(*body, strict=False)) if body else [()] * width
    frame = pd.DataFrame({name: pd.Series(columns_of[pos], dtype="object") for name, pos in positions.items()},
                         index=pd.RangeIndex(len(body)))
    frame["source_row"] = np.arange(first + 1, first + 1 + len(frame))
    if frame.empty:
        return frame, frame
    data_cols = [c for c in frame.columns if c != "source_row"]
    masks, numbered = {}, {}
    for name in data_cols:
        masks[name], factorised = _blank_cells_of(frame[name])
        if factorised is not None and name in coded:
            numbered[name] = factorised
    if any(mask.any() for mask in masks.values()):
        # calamine reads an error cell as "": only a column with empty cells can hide one, and
        # only then is the sheet's XML scanned. Error cells are blank here (masked below), and
        # reported as errors, not as empty cells.
        for (excel_row, col_index), error in sorted(sheet.errors.items()):
            name = next((n for n, p in positions.items() if p == col_index), None)
            if name is None or not first < excel_row <= first + len(frame):
                continue
            problems.add(excel_row, name, error, msg("error-cell", column=name, error=error), "error-cell")
            masks[name].iat[excel_row - first - 1] = True  # the frame's position
    for name, mask in masks.items():
        if name in numbered:
            codes, uniques = numbered[name]
            frame[name] = _coded(np.where(mask.to_numpy(), -1, codes), uniques, frame.index)
        elif mask.any():  # blank cells become None, so that the cleaners need only isna()
            frame[name] = frame[name].where(~mask, None)
    blank = pd.concat(list(masks.values()), axis=1).all(axis=1)
    if blank.any():
        frame = frame[~blank]
    first_cols = [c.name for c in columns if c.name in positions][:4]
    is_total = pd.Series(False, index=frame.index)
    for name in first_cols:
        is_total |= _values_where(
            frame[name], lambda v: isinstance(v, str) and v.strip().lower() in contract.TOTAL_WORDS)
    if not is_total.any():
        return frame, _plain(frame.iloc[:0])
    # Totals rows are checked value by value (check_totals): plain values, as read.
    return frame[~is_total], _plain(frame[is_total])


@dataclass
class TotalsRow:
    """The sheet's first totals row, and the data rows found below it (not loaded, but counted)."""

    rows: pd.DataFrame | None = None  # the totals rows of the part where the first one was seen
    row: int | None = None
    below: int = 0
    first_below: int = 0

    def cut(self, data: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
        """The data rows of one part of the sheet that lie above the first totals row."""
        if self.row is None and not totals.empty:
            self.rows, self.row = totals, int(totals["source_row"].min())
        if self.row is None:
            return data
        after = data[data["source_row"] > self.row]
        if not after.empty:
            self.first_below = self.first_below or int(after["source_row"].min())
            self.below += len(after)
        return data[data["source_row"] < self.row]

    def warn(self, problems: Problems) -> None:
        # Notes below a totals row are common; they are not loaded, but the user is told.
        if self.below:
            problems.add(self.first_below, "", "", msg("rows-after-total", count=self.below, total_row=self.row),
                         "rows-after-total", WARNING)


# The last parts of a sheet still being read get smaller, down to this many rows.
TAIL_PART_ROWS = 5_000


def _part_size(sheet: Sheet, header: contract.HeaderMatch, start: int, part_rows: int) -> int:
    """Rows in the part that starts at data row ``start``: ``part_rows``, but less near the end of
    a sheet still being read in parts.

    What is checked and written after the reader's last row is time the loader adds to the read.
    A part can only be checked once all its rows are read, so a last part of ``part_rows`` rows
    would be checked and written whole after the read. Halving what is left instead (to
    ``TAIL_PART_ROWS``) checks most of it while the reader is still at its last rows.
    """
    stream = sheet.stream
    if stream is None or stream.done:
        return part_rows
    left = stream.expected_rows() - header.header_row - start
    if left >= 2 * part_rows:
        return part_rows
    return min(part_rows, max(TAIL_PART_ROWS, -(-left // 2)))


def data_parts(sheet: Sheet, header: contract.HeaderMatch, columns: tuple[contract.Column, ...],
               problems: Problems, totals: TotalsRow, part_rows: int | None = None,
               coded: frozenset[str] = frozenset()) -> Iterator[pd.DataFrame]:
    """The sheet's data rows in parts of at most ``part_rows`` rows (all at once when None).

    Rows below the first totals row are left out and counted in ``totals``; call
    ``totals.warn`` after the last part.
    """
    start = 0
    while True:
        # A sheet read in parts (etl.stream) is still being read: each part waits for its rows only.
        stop = None if part_rows is None else start + _part_size(sheet, header, start, part_rows)
        data, found = data_frame(sheet, header, columns, problems, start, stop, coded)
        data = totals.cut(data, found)
        if not data.empty:
            yield data.reset_index(drop=True)
        if stop is None or not sheet.has_row(header.header_row + stop):
            return
        start = stop


def whole_data(sheet: Sheet, header: contract.HeaderMatch, columns: tuple[contract.Column, ...],
               problems: Problems) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """All data rows of a sheet in one frame, and its totals rows (None when it has none)."""
    totals = TotalsRow()
    parts = list(data_parts(sheet, header, columns, problems, totals))
    totals.warn(problems)
    frame = parts[0] if parts else pd.DataFrame(columns=[*header.positions, "source_row"])
    return frame, totals.rows


def check_totals(totals: pd.DataFrame | None, data: pd.DataFrame, columns: list[str],
                 scales: dict[str, int], problems: Problems, style: clean.NumberStyle | None = None) -> None:
    """A totals row, if present, must equal the sum of the rows (to the riel, after scaling)."""
    if totals is None or totals.empty:
        return
    row = totals.iloc[0]
    for name in columns:
        if name not in totals or clean.is_blank(row[name]):
            continue
        try:
            stated = clean.number(row[name], style) * scales.get(name, 1)
        except clean.CellError:
            problems.add(int(row["source_row"]), name, row[name], msg("total-not-a-number", column=name),
                         "type-error")
            continue
        summed = float(np.nansum(data[name].to_numpy(dtype="float64")))
        if abs(stated - summed) > max(1.0, 1e-9 * abs(summed)):
            problems.add(int(row["source_row"]), name, f"{stated:,.0f}",
                         msg("total-mismatch", column=name, stated=stated, summed=summed), "total-mismatch")


def check_columns(header: contract.HeaderMatch, columns: tuple[contract.Column, ...],
                  problems: Problems) -> bool:
    ok = True
    for col in columns:
        if col.required and col.name not in header.positions:
            problems.add(header.header_row, col.name, "", msg("missing-column", column=col.name, khmer=col.khmer),
                         "missing-column")
            ok = False
    for name, places in header.repeated.items():
        letters = [column_letter(p) for p in places]
        problems.add(header.header_row, name, ", ".join(letters),
                     msg("duplicate-column", column=name, letters=letters), "duplicate-column")
        ok = False
    for name, unit in header.unknown_units.items():
        problems.add(header.header_row, name, unit, msg("unknown-amount-unit", column=name, unit=unit),
                     "unknown-amount-unit")
        ok = False
    return ok


def check_duplicates(frame: pd.DataFrame, keys: list[str], problems: Problems, what: str) -> None:
    usable = frame.dropna(subset=keys)
    duplicated = usable.duplicated(subset=keys, keep=False)
    if not duplicated.any():
        return
    first_rows = usable[duplicated].groupby(keys, dropna=False)["source_row"].transform("min")
    for index in usable.index[duplicated]:
        row = int(usable.at[index, "source_row"])
        first = int(first_rows.at[index])
        if row != first:
            problems.add(row, keys[-1], "", msg("duplicate-row", what=what, first=first), "duplicate-row")


PACKED_KEY_BITS = 63  # a row's key numbers packed in one int64 (its sign bit left alone)


class RepeatedKeys:
    """:func:`check_duplicates` over a sheet checked in parts, without keeping the parts: each part
    is added as it is checked, and :meth:`report` adds the same problems, in the same order.

    Each key column's values are numbered as they first appear, and a row's key is its numbers
    packed into one int64 (as many bits per column as its values need so far). Only those keys
    and their row numbers are kept (16 bytes a row), and the keys seen also sorted in one array,
    so that a part is checked against them in numpy: some 500,000
    Python tuples of six texts, hashed on the loader's main thread, cost it 0.3 s. Once a key
    repeats (or the numbers need more than ``PACKED_KEY_BITS``), the check goes on key by key,
    which finds each repeated row and the first row with its key.
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self._numbers: list[dict[object, int]] = [{} for _ in keys]  # per column: value → its number
        self._bits = [0] * len(keys)  # per column, in the packed keys
        self._sorted = np.empty(0, dtype="int64")  # every packed key so far
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []  # each part's packed keys and their rows
        self._first: dict[tuple, int] | None = None  # key by key (numbers) → the first row that has it
        self._repeats: list[tuple[int, int]] = []  # (row, the first row with its key), in row order

    def add(self, frame: pd.DataFrame) -> None:
        """Look at one part's rows (after the parts before it)."""
        numbers = [self._numbered(column, frame[key]) for column, key in enumerate(self.keys)]
        usable = np.logical_and.reduce([n >= 0 for n in numbers])
        rows = frame["source_row"].to_numpy()
        if not usable.all():
            numbers, rows = [n[usable] for n in numbers], rows[usable]
        if self._first is None:
            bits = [max(len(values) - 1, 0).bit_length() for values in self._numbers]
            if sum(bits) <= PACKED_KEY_BITS:
                if bits != self._bits:
                    self._repack(bits)
                keys = self._packed(numbers, bits)
                ordered = np.sort(keys)
                at = np.searchsorted(self._sorted, ordered)
                if not self._repeated(ordered, at):
                    self._sorted = np.insert(self._sorted, at, ordered)  # the usual case: no key seen twice
                    self._parts.append((keys, rows))
                    return
            # A key repeats, or the keys no longer pack: the parts so far (none repeats a key), key by key.
            self._first = {}
            for keys, part_rows in self._parts:
                self._one_by_one(self._unpacked(keys, self._bits), part_rows)
            self._parts, self._sorted = [], np.empty(0, dtype="int64")
        self._one_by_one(numbers, rows)

    def _repeated(self, ordered: np.ndarray, at: np.ndarray) -> bool:
        """Whether sorted keys repeat one another or a key seen before (``at``: where each would go)."""
        if (ordered[1:] == ordered[:-1]).any():
            return True
        return bool(len(self._sorted)) and bool((self._sorted[np.minimum(at, len(self._sorted) - 1)] == ordered).any())

    def _numbered(self, column: int, series: pd.Series) -> np.ndarray:
        """Each cell's number among the column's values seen so far (-1 where missing)."""
        codes, uniques = pd.factorize(series, use_na_sentinel=True)  # a categorical's own numbers
        numbers = self._numbers[column]
        known = [numbers.setdefault(value, len(numbers)) for value in uniques.tolist()]
        return np.append(np.asarray(known, dtype="int64"), -1)[codes]

    def _one_by_one(self, numbers: list[np.ndarray], rows: np.ndarray) -> None:
        first, repeats = self._first, self._repeats
        for key, row in zip(zip(*(n.tolist() for n in numbers), strict=True), rows.tolist(), strict=True):
            seen = first.setdefault(key, row)
            if seen != row:
                repeats.append((row, seen))

    def _repack(self, bits: list[int]) -> None:
        """The keys so far with more bits for columns that have more values now (their order stays)."""
        self._parts = [(self._packed(self._unpacked(keys, self._bits), bits), rows) for keys, rows in self._parts]
        self._sorted = self._packed(self._unpacked(self._sorted, self._bits), bits)
        self._bits = bits

    @staticmethod
    def _packed(numbers: list[np.ndarray], bits: list[int]) -> np.ndarray:
        key = np.zeros(len(numbers[0]), dtype="int64")
        for column, width in zip(numbers, bits, strict=True):
            key = (key << width) | column
        return key

    @staticmethod
    def _unpacked(keys: np.ndarray, bits: list[int]) -> list[np.ndarray]:
        columns = []
        for width in reversed(bits):
            columns.append(keys & ((1 << width) - 1))
            keys = keys >> width
        return columns[::-1]

    def report(self, problems: Problems, what: str) -> None:
        """Report each row whose key an earlier row has."""
        for row, first in self._repeats:
            problems.add(int(row), self.keys[-1], "", msg("duplicate-row", what=what, first=int(first)),
                         "duplicate-row")


def check_period_in_year(frame: pd.DataFrame, problems: Problems) -> None:
    # Most files hold one year and one period: decide per distinct pair first, and go row by row
    # only when a pair is wrong.
    years, periods = frame["fiscal_year"], frame["period"]
    both = (years.notna() & periods.notna()).to_numpy()
    pairs = set(zip(years[both].tolist(), periods[both].tolist(), strict=True))
    if all(int(str(p)[:4]) == int(y) for y, p in pairs):
        return
    usable = frame.dropna(subset=["fiscal_year", "period"])
    if usable.empty:  # every year or period was wrong, and is reported already
        return
    period_year = {p: int(str(p)[:4]) for p in pd.unique(usable["period"])}  # per distinct period
    outside = usable["period"].map(period_year) != usable["fiscal_year"].astype(int)
    for row, per, fy in zip(usable.loc[outside, "source_row"], usable.loc[outside, "period"],
                            usable.loc[outside, "fiscal_year"], strict=True):
        problems.add(int(row), "period", per, msg("period-outside-year", period=per, year=int(fy)),
                     "period-outside-year")


# --- the three kinds ----------------------------------------------------------------------------------


def _start(sheet: Sheet, header: contract.HeaderMatch, columns: tuple[contract.Column, ...],
           collector: Collector) -> tuple[Problems, pd.DataFrame, pd.DataFrame | None, pd.DataFrame] | None:
    """What a whole data sheet goes through first: its columns, its rows, its year and period.

    Returns None (with the problems recorded) when the sheet cannot be read any further.
    """
    problems = Problems(collector, sheet.name)
    if not check_columns(header, columns, problems):
        problems.close()
        return None
    frame, totals = whole_data(sheet, header, columns, problems)
    if frame.empty:
        _no_data_rows(header, problems)
        return None
    return problems, frame, totals, _year_and_period(frame, problems)


def _no_data_rows(header: contract.HeaderMatch, problems: Problems) -> None:
    problems.add(header.header_row + 1, "", "", msg("empty-sheet"), "empty-sheet")
    problems.close()


def _year_and_period(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    rows = frame["source_row"]
    out = pd.DataFrame({"source_row": rows})
    out["fiscal_year"] = clean_unique(frame["fiscal_year"], clean.year, "fiscal_year", problems, rows)
    out["period"] = clean_unique(frame["period"], clean.period, "period", problems, rows)
    return out


EXECUTION_KEY = ["fiscal_year", "period", "entity_code", "item_code", "economic_code", "funding_source"]
# The columns that _execution_rows reads value by value (clean_unique): numbered once, in data_frame.
EXECUTION_CODED = frozenset({"fiscal_year", "period", "entity", "programme", "subprogramme", "activity_cluster",
                             "activity", "economic_code", "funding_source"})
# Rows checked (and, when loading, written) at a time: small enough that the database starts
# writing early, large enough that per-part costs (one COPY, one query per new scope) stay small.
EXECUTION_PART_ROWS = 50_000


def validate_execution(sheet: Sheet, header: contract.HeaderMatch, ref: Reference,
                       collector: Collector) -> ExecutionParsed | None:
    """An execution sheet's clean rows in one frame (see :func:`execution_parts`)."""
    parts = list(execution_parts(sheet, header, ref, collector))
    if not parts:
        return None
    # The whole sheet's codes as plain values, as the replacements and scopes of a dry run read them.
    frame = _plain(parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)).infer_objects()
    return ExecutionParsed(sheet.name, frame)


def execution_parts(sheet: Sheet, header: contract.HeaderMatch, ref: Reference, collector: Collector,
                    part_rows: int | None = None) -> Iterator[pd.DataFrame]:
    """An execution sheet's clean rows, part by part, so that a loader can write one part while
    the next is checked.

    The code columns (entity, structure, economic code, funding source, item) come as categoricals,
    numbered once for the checks, the marts' sums and the writer. Each part has had every check
    of its own rows when it is yielded; the checks across rows
    (one row per natural key, the totals row) run after the last part. The sheet is therefore
    valid only once the generator is exhausted with no error in ``collector``: a loader that
    wrote parts on the way must then roll them back.
    """
    problems = Problems(collector, sheet.name)
    if not check_columns(header, contract.EXECUTION, problems):
        problems.close()
        return
    totals = TotalsRow()
    style = clean.NumberStyle()  # one per sheet: every part is read the same way
    # The checks across rows see each part as it goes by: no part is kept.
    repeats = RepeatedKeys(EXECUTION_KEY)
    verdicts: dict[tuple, object] = {}  # structure combination → its problem (None: none), for every part
    amounts: dict[str, list[np.ndarray]] = {name: [] for name in AMOUNT_COLUMNS}
    for frame in data_parts(sheet, header, contract.EXECUTION, problems, totals, part_rows or EXECUTION_PART_ROWS,
                            EXECUTION_CODED):
        out = _execution_rows(frame, header, ref, problems, style, verdicts)
        repeats.add(out)
        for name in AMOUNT_COLUMNS:
            amounts[name].append(out[name].to_numpy(dtype="float64"))
        yield out
    totals.warn(problems)
    if not amounts["paid"]:
        _no_data_rows(header, problems)
        return
    repeats.report(problems, "year, period, entity, activity, economic code and funding source")
    if totals.rows is not None:
        # The amounts of every row in one array each, as if checked whole: the same sum to the last bit.
        summed = pd.DataFrame({name: np.concatenate(arrays) for name, arrays in amounts.items()})
        check_totals(totals.rows, summed, list(AMOUNT_COLUMNS), header.scales, problems, style)
    problems.close()


def _execution_rows(frame: pd.DataFrame, header: contract.HeaderMatch, ref: Reference,
                    problems: Problems, style: clean.NumberStyle, verdicts: dict[tuple, object]) -> pd.DataFrame:
    """The clean rows of one part of an execution sheet, with every check of a row on its own."""
    out = _year_and_period(frame, problems)
    rows = frame["source_row"]
    out["entity_code"] = clean_unique(
        frame["entity"], lambda v: ref.entity_names.resolve(v, levels=("national", "province")),
        "entity", problems, rows, type_="unknown-entity", coded=True)
    for name in ("programme", "subprogramme", "activity_cluster", "activity", "economic_code"):
        if name in frame:
            out[name] = clean_unique(frame[name], clean.code, name, problems, rows,
                                     blank_ok=name == "activity", coded=True)
        else:
            out[name] = None
    out["funding_source"] = clean_unique(frame["funding_source"], clean.funding_source,
                                         "funding_source", problems, rows, type_="unknown-funding-source",
                                         coded=True)
    survey_number_style(frame, AMOUNT_COLUMNS, style)
    for name in AMOUNT_COLUMNS:
        if name in frame:
            out[name] = clean_numbers(frame[name], name, problems, rows, required=name != "revised",
                                      non_negative=True, scale=header.scales.get(name, 1),
                                      maximum=MAX_AMOUNT_KHR, style=style)
        else:
            out[name] = np.nan
    out["revised"] = out["revised"].fillna(out["approved"])
    check_period_in_year(out, problems)
    _check_structure(out, ref, problems, verdicts)
    unknown_econ = out["economic_code"].notna() & ~out["economic_code"].isin(list(ref.economic))
    for row, value in zip(out.loc[unknown_econ, "source_row"], out.loc[unknown_econ, "economic_code"],
                          strict=True):
        problems.add(int(row), "economic_code", value, msg("unknown-economic-code", code=value), "unknown-code")
    out["item_code"] = _first_present(out["activity"], out["activity_cluster"])
    over = out["paid"] > out["revised"]
    for row, paid, revised in zip(out.loc[over, "source_row"], out.loc[over, "paid"],
                                  out.loc[over, "revised"], strict=True):
        problems.add(int(row), "paid", f"{paid:,.0f}", msg("paid-above-revised", paid=paid, revised=revised),
                     "paid-above-revised", WARNING)
    return out


def _first_present(first: pd.Series, second: pd.Series) -> pd.Series:
    """Each row's value of ``first``, or of ``second`` where ``first`` is missing (coded when both are)."""
    if not (isinstance(first.dtype, pd.CategoricalDtype) and isinstance(second.dtype, pd.CategoricalDtype)):
        return _as_objects(first).where(first.notna(), _as_objects(second))
    values = first.cat.categories.append(second.cat.categories).unique()
    # Each input's numbers in the joint values; -1 (missing) picks the appended -1.
    in_first = np.append(values.get_indexer(first.cat.categories), -1)[first.cat.codes.to_numpy()]
    in_second = np.append(values.get_indexer(second.cat.categories), -1)[second.cat.codes.to_numpy()]
    return _coded(np.where(in_first >= 0, in_first, in_second), np.asarray(values, dtype=object), first.index)


def _distinct_rows(frame: pd.DataFrame, keys: list[str]) -> set[tuple]:
    """The distinct combinations of ``keys``' values (None for a missing one), by their numbers
    where every column is coded."""
    columns = [frame[k] for k in keys]
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        return set(zip(*(c.tolist() for c in columns), strict=True))
    sizes = [len(c.cat.categories) + 1 for c in columns]  # number 0: missing
    if np.prod(np.asarray(sizes, dtype="float64")) >= 2.0 ** 62:
        return set(zip(*(c.tolist() for c in columns), strict=True))
    flat = np.unique(np.ravel_multi_index([c.cat.codes.to_numpy().astype("int64") + 1 for c in columns], sizes))
    picked = [np.append(None, c.cat.categories.to_numpy(dtype=object))[numbers].tolist()
              for c, numbers in zip(columns, np.unravel_index(flat, sizes), strict=True)]
    return set(zip(*picked, strict=True))


def _check_structure(out: pd.DataFrame, ref: Reference, problems: Problems,
                     verdicts: dict[tuple, object] | None = None) -> None:
    """Programme, sub-programme, cluster and activity must exist and nest as the structure says.

    ``verdicts`` keeps each combination's verdict for the next parts of the sheet (whose rows
    mostly repeat the combinations of the parts before)."""
    verdicts = {} if verdicts is None else verdicts
    keys = ["programme", "subprogramme", "activity_cluster", "activity"]
    # Each distinct combination once, in C; the rows of a wrong one are looked for only if there is one.
    known = _distinct_rows(out, keys)
    for combo in known.difference(verdicts):
        verdicts[combo] = None if any(pd.isna(v) for v in combo[:3]) else _structure_problem(combo, ref)
    if all(verdicts[combo] is None for combo in known):
        return
    combos = out[keys + ["source_row"]].dropna(subset=keys[:3])
    distinct = combos[keys].drop_duplicates()
    verdicts = [_structure_problem(tuple(c), ref) for c in distinct.itertuples(index=False)]
    bad = distinct[[v is not None for v in verdicts]]
    if bad.empty:
        return
    found = dict(zip(map(tuple, bad.itertuples(index=False)), (v for v in verdicts if v is not None),
                     strict=True))
    flagged = combos.merge(bad, on=keys, how="inner")
    for row in flagged.itertuples(index=False):
        column, value, said = found[(row.programme, row.subprogramme, row.activity_cluster, row.activity)]
        problems.add(int(row.source_row), column, value, said, "unknown-code")


def _structure_problem(combo: tuple, ref: Reference) -> tuple[str, str, Msg] | None:
    programme, sub, cluster, activity = combo
    levels = (("programme", programme, "programme", None),
              ("subprogramme", sub, "subprogramme", programme),
              ("activity_cluster", cluster, "activity_cluster", sub))
    if activity is not None and not pd.isna(activity):
        levels += (("activity", activity, "activity", cluster),)
    for column, value, level, parent in levels:
        found = ref.programmes.get(value)
        if found is None:
            return column, value, msg("not-in-structure", column=column, code=value)
        if found[1] != level:
            return column, value, msg("wrong-structure-level", column=column, code=value, level=found[1])
        if parent is not None and found[0] != parent:
            return column, value, msg("wrong-structure-parent", column=column, code=value, parent=found[0],
                                      expected_parent=parent)
    return None


def validate_indicators(sheet: Sheet, header: contract.HeaderMatch, ref: Reference,
                        collector: Collector) -> IndicatorsParsed | None:
    """An indicator sheet's clean rows; None when the sheet cannot be read as one."""
    started = _start(sheet, header, contract.INDICATOR_VALUES, collector)
    if started is None:
        return None
    problems, frame, totals, out = started
    rows = frame["source_row"]
    out["unit_code"] = clean_unique(
        frame["unit"], lambda v: ref.entity_names.resolve(
            v, levels=("national", "province", "district", "commune")),
        "unit", problems, rows, type_="unknown-unit")
    out["indicator_code"] = clean_unique(frame["indicator"], clean.code, "indicator", problems, rows)
    unknown = out["indicator_code"].notna() & ~out["indicator_code"].isin(list(ref.indicators))
    for row, value in zip(out.loc[unknown, "source_row"], out.loc[unknown, "indicator_code"], strict=True):
        problems.add(int(row), "indicator", value, msg("unknown-indicator", code=value), "unknown-code")
    style = clean.NumberStyle()
    survey_number_style(frame, ("baseline", "target", "actual"), style)
    for name, required in (("baseline", False), ("target", True), ("actual", False)):
        out[name] = (clean_numbers(frame[name], name, problems, rows, required=required,
                                   non_negative=False, style=style) if name in frame else np.nan)
    for name in ("source", "note"):
        out[name] = frame[name].map(clean.text).replace("", None) if name in frame else None
    check_period_in_year(out, problems)
    check_duplicates(out, ["fiscal_year", "period", "unit_code", "indicator_code"], problems,
                     "year, period, unit and indicator")
    check_totals(totals, out, ["baseline", "target", "actual"], {}, problems, style)
    out["unit_level"] = out["unit_code"].map(ref.units)
    out["province_code"] = out["unit_code"].map(ref.unit_province)
    problems.close()
    return IndicatorsParsed(sheet.name, out)


def validate_reference(sheets: list[Sheet], ref: Reference, collector: Collector) -> ReferenceParsed | None:
    """The reference workbook: programmes, economic codes, indicator catalogue (any of them)."""
    found: dict[str, pd.DataFrame] = {}
    for key, (columns, aliases) in contract.REFERENCE_SHEETS.items():
        sheet = next((s for s in sheets if contract.normalise_header(s.name) in
                      {contract.normalise_header(a) for a in aliases}), None)
        if sheet is None:
            continue
        problems = Problems(collector, sheet.name)
        header = find_header(sheet, columns)
        if header is None or not check_columns(header, columns, problems):
            if header is None:
                problems.add(1, "", "", msg("no-header-row", columns=", ".join(contract.required_names(columns))),
                             "missing-column")
            problems.close()
            continue
        frame, _totals = whole_data(sheet, header, columns, problems)
        text_frame = pd.DataFrame({"source_row": frame["source_row"]})
        for col in columns:
            text_frame[col.name] = frame[col.name].map(clean.text) if col.name in frame else ""
        text_frame.attrs["sheet"] = sheet.name
        for col in columns:
            if col.required:
                for row in text_frame.loc[text_frame[col.name] == "", "source_row"]:
                    problems.add(int(row), col.name, "", msg("missing-value", column=col.name), "missing-cell")
        if key in COSTING_SHEETS:
            found[key] = _validate_costing_sheet(key, frame, text_frame, header, found, ref, problems)
        else:
            check_duplicates(text_frame.replace("", None), ["code"], problems, "code")
            found[key] = _validate_reference_sheet(key, text_frame, found, ref, problems)
        problems.close()
    if not found and not collector.errors:
        collector.add("", 0, "", "", msg("no-reference-sheet"), "unknown-kind")
    return ReferenceParsed(**found) if found else None


def _validate_reference_sheet(key: str, frame: pd.DataFrame, found: dict[str, pd.DataFrame], ref: Reference,
                              problems: Problems) -> pd.DataFrame:
    """Check one reference sheet against the database and the sheets before it; return its typed frame
    (see :class:`ReferenceParsed`)."""
    if key == "programmes":
        levels = dict(zip(frame["code"], frame["level"], strict=True))
        known = {c: lv for c, (_p, lv) in ref.programmes.items()} | levels
        order = list(PROGRAMME_LEVELS)
        # Each level's place in the one level order: the loader writes parents first by it.
        frame = frame.assign(depth=frame["level"].map({level: depth for depth, level in enumerate(order)}))
        for row in frame.itertuples(index=False):
            if row.level not in order:
                problems.add(row.source_row, "level", row.level, msg("unknown-level", value=row.level, choices=order),
                             "unknown-code")
                continue
            expected_parent = order[order.index(row.level) - 1] if row.level != "programme" else None
            if expected_parent is None and row.parent:
                problems.add(row.source_row, "parent", row.parent, msg("programme-with-parent"), "bad-parent")
            elif expected_parent is not None and known.get(row.parent) != expected_parent:
                problems.add(row.source_row, "parent", row.parent,
                             msg("wrong-parent-level", code=row.code, level=expected_parent), "bad-parent")
    elif key == "economic_codes":
        known = set(ref.economic) | set(frame["code"])
        chapters = ({c for c, p in ref.economic.items() if p is None}
                    | set(frame.loc[frame["parent"] == "", "code"]))
        for row in frame.itertuples(index=False):
            if row.parent and (row.parent not in known or row.parent not in chapters):
                problems.add(row.source_row, "parent", row.parent, msg("parent-not-chapter", parent=row.parent),
                             "bad-parent")
    elif key == "indicators":
        programmes = set(ref.programmes) | set(found.get("programmes", pd.DataFrame({"code": []}))["code"])
        indicators = ref.indicators | set(frame["code"])
        read = [_check_indicator_row(row, programmes, indicators, problems) for row in frame.itertuples(index=False)]
        frame = frame.copy()
        for column in ("level", "direction", "aggregation"):
            frame[column] = frame[column].str.lower()
        # A number that could not be read was reported above and keeps the file from loading;
        # here it reads as blank.
        frame["weight"] = pd.Series([1.0 if r.weight is None else r.weight for r in read], index=frame.index)
        for column in ("on_track", "watch"):
            frame[column] = pd.Series([getattr(r, column) for r in read], index=frame.index)
        frame["activities"] = pd.Series([r.activities for r in read], index=frame.index, dtype=object)
    return frame


@dataclass(frozen=True)
class _IndicatorRow:
    """The values of a catalogue row read while it is checked, so that nothing reads them again."""

    weight: float | None
    on_track: float | None
    watch: float | None
    activities: tuple[str, ...]  # sorted, distinct


def _check_indicator_row(row, programmes: set[str], indicators: set[str], problems: Problems) -> _IndicatorRow:
    def bad(column: str, value: str, said: Msg, type_: str = "unknown-code") -> None:
        problems.add(row.source_row, column, value, said, type_)

    if row.programme not in programmes:
        bad("programme", row.programme, msg("unknown-indicator-programme", code=row.programme))
    choices = {"level": INDICATOR_LEVELS, "direction": DIRECTIONS, "aggregation": AGGREGATIONS}
    for column, allowed in choices.items():
        value = getattr(row, column).lower()
        if value not in allowed:
            bad(column, getattr(row, column), msg("not-one-of", column=column, value=getattr(row, column),
                                                  choices=allowed))
    if row.aggregation.lower() == "ratio":
        for column in ("numerator", "denominator"):
            value = getattr(row, column)
            if not value or value not in indicators:
                bad(column, value, msg("ratio-part-unknown", column=column),
                    "missing-cell" if not value else "unknown-code")
    numbers: dict[str, float | None] = dict.fromkeys(("weight", "on_track", "watch"))
    for column in numbers:
        value = getattr(row, column)
        if value:
            try:
                numbers[column] = number = clean.number(value)
                if number < 0:
                    bad(column, value, msg("negative-number", column=column), "negative-amount")
            except clean.CellError as exc:
                bad(column, value, exc.at(column), "type-error")
    activities = list(filter(None, (a.strip() for a in row.activities.split(","))))
    for activity in activities:
        if activity not in programmes:
            bad("activities", activity, msg("unknown-indicator-activity", code=activity))
    return _IndicatorRow(**numbers, activities=tuple(sorted(set(activities))))


# --- the costing sheets of the reference workbook ------------------------------------------------------

COSTING_SHEETS = ("benefits", "eligible_population", "macro")
INFLATION_RANGE = (-0.5, 1.0)  # a fraction: 3 % is 0.03; 3 read as 300 % is refused


def _validate_costing_sheet(key: str, raw: pd.DataFrame, frame: pd.DataFrame, header: contract.HeaderMatch,
                            found: dict[str, pd.DataFrame], ref: Reference, problems: Problems) -> pd.DataFrame:
    """Check one costing sheet (benefits, eligible population, macro figures) against the database
    and the sheets before it; numbers are read from the cells as they are (see :class:`ReferenceParsed`)."""
    frame = frame.copy()

    def numbers(column: str, *, required: bool = True, amount: bool = False, non_negative: bool = True
                ) -> pd.Series:
        if column not in raw:
            return pd.Series(np.nan, index=frame.index, dtype="float64")
        values = clean_numbers(raw[column], column, problems, raw["source_row"], required=required,
                               non_negative=non_negative and column != "count",
                               scale=header.scales.get(column, 1),
                               maximum=MAX_AMOUNT_KHR if amount else None)
        return values

    def years() -> pd.Series:
        return clean_unique(raw["year"], clean.year, "year", problems, raw["source_row"])

    if key == "benefits":
        programmes = {c: lv for c, (_p, lv) in ref.programmes.items()}
        if "programmes" in found:
            programmes |= dict(zip(found["programmes"]["code"], found["programmes"]["level"], strict=True))
        chapters = {c for c, p in ref.economic.items() if p is None}
        if "economic_codes" in found:
            chapters |= set(found["economic_codes"].loc[found["economic_codes"]["parent"] == "", "code"])
        indicators = set(ref.indicators) | (set(found["indicators"]["code"]) if "indicators" in found else set())
        for row in frame.itertuples(index=False):
            if row.cluster and programmes.get(row.cluster) != "activity_cluster":
                problems.add(row.source_row, "cluster", row.cluster, msg("benefit-unknown-cluster", code=row.cluster),
                             "unknown-code")
            if row.economic_code and row.economic_code not in chapters:
                problems.add(row.source_row, "economic_code", row.economic_code,
                             msg("benefit-not-chapter", code=row.economic_code), "unknown-code")
            if row.indicator and row.indicator not in indicators:
                problems.add(row.source_row, "indicator", row.indicator,
                             msg("benefit-unknown-indicator", code=row.indicator), "unknown-code")
        check_duplicates(frame.replace("", None), ["code"], problems, "code")
        amount = numbers("amount", amount=True)
        frame["amount"] = amount.round().fillna(0).astype("int64")
        frame["payments_per_year"] = numbers("payments_per_year")
        return frame
    if key == "eligible_population":
        frame["year"] = years()
        units = clean_unique(raw["unit"], clean.admin_code, "unit", problems, raw["source_row"])
        for row, unit in zip(raw["source_row"], units, strict=True):
            if isinstance(unit, str) and ref.units.get(unit) not in ("national", "province"):
                problems.add(int(row), "unit", unit, msg("eligible-unit-not-province", value=unit), "unknown-unit")
        frame["unit"] = units
        count = numbers("count")
        for row, value in zip(raw["source_row"][count < 0], count[count < 0], strict=True):
            problems.add(int(row), "count", f"{value:,.0f}", msg("negative-count", value=f"{value:,.0f}"),
                         "negative-amount")
        frame["count"] = count
        check_duplicates(frame.replace("", None), ["year", "unit", "eligible_key"], problems, "year, unit and key")
        return frame
    # macro
    frame["year"] = years()
    for column in ("gdp", "government_expenditure"):
        frame[column] = numbers(column, amount=True).round().fillna(0).astype("int64")
    inflation = numbers("cpi_inflation", non_negative=False)
    low, high = INFLATION_RANGE
    outside = (inflation < low) | (inflation > high)
    for row, value in zip(raw["source_row"][outside], inflation[outside], strict=True):
        problems.add(int(row), "cpi_inflation", f"{value:g}", msg("inflation-not-fraction", value=f"{value:g}"),
                     "out-of-range")
    frame["cpi_inflation"] = inflation
    frame["usd_rate"] = numbers("usd_rate", required=False)
    check_duplicates(frame.replace("", None), ["year"], problems, "year")
    return frame
