"""What the marts and the load history need of an execution file's rows, added up part by part
as the parts are written, so that no part is kept.

Three sums by three keys: the budget mart's rows (as :func:`db.marts.refresh_budget_mart` sums
them in SQL), the national item mart's (:func:`db.marts.scope_item_sums`) and the scopes'
(:func:`etl.replacements.scope_sums`). Each is a sum (or a first value) by a key, so the parts'
sums add up to the file's.

They are taken on integer codes. Every key column of a part is factorised once, and the three
sums group those codes: grouped by their text columns, pandas hashed the same year, period,
entity and structure codes of every row again for each sum. On a 500,000-row file this runs on
the loader's main thread, which holds Python's lock that the reader thread needs too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.marts import ITEM_KEY, ITEM_PLACE, ITEM_SUMS, MART_COLUMNS
from etl.replacements import SCOPE, add_scope_sums

AMOUNTS = ["approved", "revised", "committed", "paid"]
MART_SUMS = [*AMOUNTS, "row_count"]
MART_GROUPS = [c for c in MART_COLUMNS if c not in MART_SUMS]
# Up to this many combinations of a key's values, a group is numbered by one int64 (the codes in
# mixed radix); more (never in a real file) are combined by pandas.
ONE_INTEGER_KEY_LIMIT = 2.0 ** 62
_CODED = ["fiscal_year", "period", "entity_code", "programme_code", "subprogramme_code", "cluster_code",
          "item_code", "economic_code", "funding_source"]


class CodedPart:
    """One part's key columns as integer codes (``codes``) into their distinct values (``values``),
    with the economic chapter (``chapter_code``) of each row's economic code."""

    def __init__(self, facts: pd.DataFrame, chapters: dict[str, str | None]) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, np.ndarray] = {}
        for column in _CODED:
            # A missing code is a group of its own, as GROUP BY makes it in the marts' rebuild.
            codes, uniques = pd.factorize(facts[column], use_na_sentinel=False)
            self.codes[column], self.values[column] = codes, np.asarray(uniques)
        # A chapter is its own chapter; an account's chapter is its parent (as coalesce() in SQL).
        of_code = [chapters.get(code) or code for code in self.values["economic_code"]]
        chapter_codes, chapter_values = pd.factorize(np.asarray(of_code, dtype=object), use_na_sentinel=False)
        self.codes["chapter_code"] = chapter_codes[self.codes["economic_code"]]
        self.values["chapter_code"] = np.asarray(chapter_values)

    def grouped(self, keys: list[str], sums: dict[str, np.ndarray],
                first: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
        """``sums`` (int64 columns) summed by the coded ``keys``, and the ``first`` columns' value in
        each group's first row: one row per group, in the order of the groups' first rows, the
        keys as their values."""
        ids, groups, count = self._group_ids(keys)
        out: dict[str, np.ndarray] = {}
        for key, codes in zip(keys, groups, strict=True):
            out[key] = self.values[key].take(codes)
        for name, values in sums.items():
            total = np.zeros(count, dtype="int64")
            np.add.at(total, ids, values)  # exact in int64, where bincount's float64 would round
            out[name] = total
        if first:
            at = np.empty(count, dtype="int64")
            at[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)  # of repeated indices the last assigned stays
            for name, values in first.items():
                out[name] = values.take(at)
        return pd.DataFrame(out)

    def _group_ids(self, keys: list[str]) -> tuple[np.ndarray, list[np.ndarray], int]:
        """Each row's group (numbered in order of first appearance), each group's code per key, and the
        number of groups."""
        codes = [self.codes[k] for k in keys]
        sizes = [max(len(self.values[k]), 1) for k in keys]
        if np.prod(np.asarray(sizes, dtype="float64")) < ONE_INTEGER_KEY_LIMIT:
            ids, combined = pd.factorize(np.ravel_multi_index(codes, sizes))
            return ids, list(np.unravel_index(combined, sizes)), len(combined)
        # Too many distinct values for one int64 key (never in a real file): pandas combines them.
        grouper = pd.DataFrame(dict(enumerate(codes))).groupby(list(range(len(codes))), sort=False).ngroup()
        ids = grouper.to_numpy()
        count = int(ids.max()) + 1
        at = np.empty(count, dtype="int64")
        at[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
        return ids, [c.take(at) for c in codes], count


class FileSums:
    """The three sums of a file (see the module's docstring), added up as its parts come."""

    def __init__(self, chapters: dict[str, str | None]) -> None:
        self.chapters = chapters  # economic code → its chapter (None for a chapter)
        self.rows = 0
        self._mart: dict[tuple, list[int]] = {}  # the mart's key → its sums
        self._items: list[pd.DataFrame] = []
        self._scopes: list[pd.DataFrame] = []

    def add(self, facts: pd.DataFrame) -> None:
        """Count one part's rows (as ``budget_fact`` stores them) in."""
        if facts.empty:
            return
        self.rows += len(facts)
        part = CodedPart(facts, self.chapters)
        amounts = {c: facts[c].to_numpy(dtype="int64") for c in AMOUNTS}
        ones = np.ones(len(facts), dtype="int64")
        self._add_mart(part.grouped(MART_GROUPS, amounts | {"row_count": ones}))
        # An item's place in the structure: in rows that passed the checks an item has one (an
        # activity's cluster, sub-programme and programme are its parents; a cluster-level row's
        # item is its cluster), so its first row's is the least, which the mart's rebuild takes.
        items = part.grouped(ITEM_KEY, {"revised": amounts["revised"], "paid": amounts["paid"], "row_count": ones},
                             first={c: facts[c].to_numpy() for c in ITEM_PLACE})
        self._items.append(items[ITEM_KEY + ITEM_PLACE + ITEM_SUMS])
        scopes = part.grouped(SCOPE, {"rows": ones, "revised": amounts["revised"], "paid": amounts["paid"]})
        self._scopes.append(scopes.set_index(SCOPE).sort_index())  # as groupby sorts them

    def _add_mart(self, mart: pd.DataFrame) -> None:
        for key, sums in zip(zip(*(mart[c].tolist() for c in MART_GROUPS), strict=True),
                             zip(*(mart[c].tolist() for c in MART_SUMS), strict=True), strict=True):
            found = self._mart.get(key)
            if found is None:
                self._mart[key] = list(sums)
            else:
                found[:] = [a + b for a, b in zip(found, sums, strict=True)]

    def mart_rows(self) -> list[dict]:
        """The file's budget mart rows (a dict per row, by column), in the order of their keys."""
        return [dict(zip(MART_GROUPS, key, strict=True)) | dict(zip(MART_SUMS, sums, strict=True))
                for key, sums in sorted(self._mart.items())]

    def item_sums(self) -> pd.DataFrame:
        """The file's item sums, items in the order they first appear."""
        if not self._items:
            return pd.DataFrame(columns=ITEM_KEY + ITEM_PLACE + ITEM_SUMS)
        if len(self._items) == 1:
            return self._items[0]
        return (pd.concat(self._items, ignore_index=True).groupby(ITEM_KEY, sort=False)
                .agg(**{c: (c, "first") for c in ITEM_PLACE}, **{c: (c, "sum") for c in ITEM_SUMS}).reset_index())

    def scope_sums(self) -> pd.DataFrame:
        """The file's rows, revised and paid by (year, period, entity)."""
        return add_scope_sums(self._scopes)
