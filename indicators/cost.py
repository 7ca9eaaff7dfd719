"""Unit cost of an indicator's output."""

from __future__ import annotations

from indicators._numeric import Values, divide


def unit_cost(paid_on_activities: Values, actual_output: Values) -> Values:
    """Unit cost = paid on the activities that produce an indicator ÷ its actual output.

    For example riels per beneficiary. An output of 0, below 0 or missing gives NaN: a cost
    per nothing is not a number to show or to budget with.
    """
    return divide(paid_on_activities, actual_output, positive=True)
