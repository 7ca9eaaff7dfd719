"""The submission's rules by hand: the five flags on worked figures, and every transition ×
every role × every state."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from domain.access import Forbidden, Scope
from domain.submission import (
    ACTIONS,
    SUBMISSION_STATUSES,
    Blocked,
    WrongState,
    actions_for,
    require_editable,
    require_line_writer,
    transition,
)
from domain.vocabulary import ROLES
from indicators import submission as flags

SCOPES = {role: Scope(1, role, role, "07" if role == "provincial_director" else None) for role in ROLES}
# (action, from) → (to, role): the life cycle as the budget unit and MEF agreed it, written out.
EXPECTED = {
    ("submit", "draft"): ("submitted", "budget_unit"),
    ("submit", "returned"): ("submitted", "budget_unit"),
    ("return", "submitted"): ("returned", "mef_reviewer"),
    ("endorse", "submitted"): ("endorsed", "mef_reviewer"),
    ("reopen", "endorsed"): ("returned", "mef_reviewer"),
}
ACTOR_OF = {"submit": "budget_unit", "return": "mef_reviewer", "endorse": "mef_reviewer", "reopen": "mef_reviewer"}


@pytest.mark.parametrize(("action", "status", "role"), list(itertools.product(ACTIONS, SUBMISSION_STATUSES, ROLES)))
def test_every_transition_for_every_role_and_state(action: str, status: str, role: str) -> None:
    scope = SCOPES[role]
    if role != ACTOR_OF[action]:
        with pytest.raises(Forbidden):
            transition(status, action, scope, comment="a comment")
    elif (action, status) not in EXPECTED:
        with pytest.raises(WrongState) as refused:
            transition(status, action, scope, comment="a comment")
        assert f"a {status} submission cannot be" in refused.value.reason
    else:
        assert transition(status, action, scope, comment="a comment") == EXPECTED[(action, status)][0]
    # The buttons a page offers are exactly the transitions that would succeed.
    assert (action in actions_for(status, scope)) == ((action, status) in EXPECTED and role == ACTOR_OF[action])


def test_return_needs_a_comment() -> None:
    with pytest.raises(Blocked) as blocked:
        transition("submitted", "return", SCOPES["mef_reviewer"], comment="   ")
    assert blocked.value.reasons[0]["code"] == "comment_required"


def test_submitted_and_endorsed_are_read_only_with_a_reason() -> None:
    require_editable("draft")
    require_editable("returned")
    for status in ("submitted", "endorsed"):
        with pytest.raises(WrongState, match=f"the submission is {status}: it is read-only"):
            require_editable(status)


@pytest.mark.parametrize(("role", "entity", "is_open", "allowed"), [
    ("budget_unit", "00", False, True), ("budget_unit", "12", False, True),
    ("provincial_director", "07", True, True), ("provincial_director", "07", False, False),
    ("provincial_director", "08", True, False), ("provincial_director", "00", True, False),
    ("mef_reviewer", "07", True, False), ("admin", "07", True, False),
])
def test_who_writes_which_line(role: str, entity: str, is_open: bool, allowed: bool) -> None:
    if allowed:
        require_line_writer(SCOPES[role], entity, is_open)
    else:
        with pytest.raises(Forbidden):
            require_line_writer(SCOPES[role], entity, is_open)


def _series(*values) -> pd.Series:
    return pd.Series(values, dtype="float64")


def test_more_while_off_track() -> None:
    # 120 asked against 100 revised while off track: flagged; asking 100 (not more) is not.
    hit = flags.more_while_off_track(_series(120, 100, 120), _series(100, 100, 100),
                                     pd.Series([True, True, False]))
    assert hit.tolist() == [True, False, False]


def test_more_while_underspending_at_sixty_per_cent_of_the_benchmark() -> None:
    # September: benchmark 9/12 = 0.75; 60 % of it = 0.45. 0.40 is below, 0.45 is not.
    hit = flags.more_while_underspending(_series(120, 120, 90, 120), _series(100, 100, 100, 100),
                                         _series(0.40, 0.45, 0.10, float("nan")), 0.75)
    assert hit.tolist() == [True, False, False, False]


def test_unit_cost_gap_either_way() -> None:
    # implied 130 vs observed 100: +30 %; 125: +25 % (not more than 25 %); 70: −30 %.
    implied, observed = _series(130, 125, 70, 130), _series(100, 100, 100, float("nan"))
    assert flags.unit_cost_gap(implied, observed).round(6).tolist()[:3] == [0.3, 0.25, -0.3]
    assert flags.has_unit_cost_gap(implied, observed).tolist() == [True, False, True, False]


def test_implied_unit_cost_and_full_year_paid() -> None:
    # 4,800,000,000 asked for 60,000 persons: 80,000 a person; 300 paid by September is 400 a year.
    assert flags.implied_unit_cost(4_800_000_000, 60_000) == 80_000
    assert flags.full_year_paid(300.0, 9) == 400.0
    assert pd.isna(flags.implied_unit_cost(1_000, 0))


def test_target_below_actual_follows_the_direction() -> None:
    below = flags.target_below_actual(_series(90, 110, 110, 90, float("nan")), _series(100, 100, 100, 100, 100),
                                      pd.Series(["increase", "increase", "decrease", "decrease", "increase"]))
    assert below.tolist() == [True, False, True, False, False]


def test_line_flags_in_their_order() -> None:
    lines = pd.DataFrame({
        "request": [120, 120, 100], "revised_last": [100, 100, 100], "execution_rate": [0.2, 0.9, 0.2],
        "benchmark": [0.75, 0.75, 0.75], "linked_off_track": [True, False, True], "cost_gap": [False, True, False],
        "target_below": [True, True, True], "incomplete": [True, False, False],
    })
    assert flags.line_flags(lines).tolist() == [
        ["more_while_off_track", "more_while_underspending", "target_below_actual", "incomplete_reports"],
        ["unit_cost_gap", "target_below_actual"],
        [],  # asks no more than last year: only flags that do not need growth could apply
    ]


def test_blocking_reasons() -> None:
    lines = pd.DataFrame({
        "id": [1, 2, 3, 4], "entity": ["00", "07", "07", "08"], "cluster": ["P1.1.1"] * 4,
        "economic_code": ["62"] * 4, "funding_source": ["RGC"] * 4,
        "flags": [["unit_cost_gap"], ["unit_cost_gap"], [], ["incomplete_reports"]],
        "justification": ["", "Too short.", "", "The caseload doubled after the 2025 floods in the province."],
    })
    reasons = flags.blocking_reasons(lines, total=1_000, ceiling=900, above_ceiling_justification="")
    assert [r.get("line") for r in reasons] == [1, 2, None]
    assert reasons[-1] == {"code": "above_ceiling_without_justification", "total": 1_000, "ceiling": 900}
    assert flags.blocking_reasons(lines.iloc[2:], total=900, ceiling=900, above_ceiling_justification="") == []
    justified = flags.blocking_reasons(lines.iloc[2:], total=1_000, ceiling=900,
                                       above_ceiling_justification="Floods: the caseload doubled this year.")
    assert justified == []
