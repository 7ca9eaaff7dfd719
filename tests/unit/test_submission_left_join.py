"""``db.queries.submission.left_join`` stands in for ``DataFrame.merge(how="left")`` on every view
of a submission (its lines against last year's figures, its targets against the indicator
context and the unit costs, the lines against MEF's decisions): it must give the merge's frame,
rows, columns, dtypes and index alike, whatever the keys find."""

from __future__ import annotations

import pandas as pd
import pytest

from db.queries.submission import left_join

LEFT = pd.DataFrame({"entity": ["07", "08", "09", "07"], "cluster": ["P1", "P1", "P2", "P2"], "request": [1, 2, 3, 4]})

RIGHTS = {
    "every key found": pd.DataFrame({"entity": ["09", "07", "08", "07"], "cluster": ["P2", "P1", "P1", "P2"],
                                     "paid": [1.5, 2.5, 3.5, 4.5], "count": [1, 2, 3, 4]}),
    "keys missing (integers become floats)": pd.DataFrame({"entity": ["07"], "cluster": ["P1"], "count": [7],
                                                            "flag": [True], "as_of": ["2025-09"]}),
    "object and dates": pd.DataFrame({"entity": ["08", "07"], "cluster": ["P1", "P2"],
                                      "status": pd.Series(["off_track", None], dtype=object),
                                      "links": pd.Series([["I1"], []], dtype=object),
                                      "at": pd.to_datetime(["2025-01-02", "2025-03-04"])}),
    "no rows": pd.DataFrame({"entity": pd.Series([], dtype="str"), "cluster": pd.Series([], dtype="str"),
                             "paid": pd.Series([], dtype="float64")}),
    "a key twice (the merge repeats the row)": pd.DataFrame({"entity": ["07", "07"], "cluster": ["P1", "P1"],
                                                             "paid": [1.0, 2.0]}),
    "a column of the same name": pd.DataFrame({"entity": ["07"], "cluster": ["P1"], "request": [9]}),
    "keys of another dtype": pd.DataFrame({"entity": pd.Series(["07"], dtype=object),
                                           "cluster": pd.Series(["P1"], dtype=object), "paid": [1.0]}),
}


@pytest.mark.parametrize("name", list(RIGHTS))
@pytest.mark.parametrize("left", [LEFT, LEFT.iloc[[3, 1]], LEFT.iloc[:0]], ids=["all", "a slice", "empty"])
def test_left_join_is_the_left_merge(name: str, left: pd.DataFrame) -> None:
    right = RIGHTS[name]
    expected = left.merge(right, on=["entity", "cluster"], how="left")
    pd.testing.assert_frame_equal(left_join(left, right, ["entity", "cluster"]), expected, check_exact=True)


def test_left_join_on_one_key_and_decisions_yet_to_come() -> None:
    lines = pd.DataFrame({"id": [3, 1, 2], "request_y1": [10, 20, 30]})
    decisions = pd.DataFrame({"id": [2], "decision": ["adjust"], "recommended": [25.0]})
    pd.testing.assert_frame_equal(left_join(lines, decisions, ["id"]), lines.merge(decisions, on="id", how="left"),
                                  check_exact=True)
    none = pd.DataFrame([], columns=["id", "decision", "recommended"])  # as read before MEF decides anything
    pd.testing.assert_frame_equal(left_join(lines, none, ["id"]), lines.merge(none, on="id", how="left"),
                                  check_exact=True)
