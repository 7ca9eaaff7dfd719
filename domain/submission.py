"""The submission's life cycle as data: its states, the transitions between them and who may
take each one (docs/budget-cycle.md).

Pure: the write layer (``db/submissions.py``) asks :func:`transition` inside the write, so a
transition is checked on the server every time, whatever the page showed.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.access import Forbidden, Scope
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, NATIONAL, PROVINCIAL_DIRECTOR

DRAFT, SUBMITTED, RETURNED, ENDORSED = "draft", "submitted", "returned", "endorsed"
SUBMISSION_STATUSES = (DRAFT, SUBMITTED, RETURNED, ENDORSED)
EDITABLE = frozenset({DRAFT, RETURNED})

AGREE, ADJUST, QUESTION = "agree", "adjust", "question"
DECISIONS = (AGREE, ADJUST, QUESTION)

SUBMIT, RETURN, ENDORSE, REOPEN = "submit", "return", "endorse", "reopen"
ACTIONS = (SUBMIT, RETURN, ENDORSE, REOPEN)


@dataclass(frozen=True)
class Transition:
    """One arrow of the life cycle: from which states, to which, by which role."""

    action: str
    sources: frozenset[str]
    target: str
    role: str
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {
    SUBMIT: Transition(SUBMIT, frozenset({DRAFT, RETURNED}), SUBMITTED, BUDGET_UNIT),
    RETURN: Transition(RETURN, frozenset({SUBMITTED}), RETURNED, MEF_REVIEWER, needs_comment=True),
    ENDORSE: Transition(ENDORSE, frozenset({SUBMITTED}), ENDORSED, MEF_REVIEWER),
    REOPEN: Transition(REOPEN, frozenset({ENDORSED}), RETURNED, MEF_REVIEWER),
}


class WrongState(Exception):
    """The submission's state does not allow what was asked (HTTP 409); ``reason`` says why."""

    def __init__(self, reason: str, status: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Blocked(Exception):
    """A transition refused for reasons the user can fix (HTTP 422), each one listed."""

    def __init__(self, reasons: list[dict]) -> None:
        super().__init__(f"{len(reasons)} reason(s)")
        self.reasons = reasons


def transition(status: str, action: str, scope: Scope, comment: str = "") -> str:
    """The state ``action`` leads to from ``status``, for ``scope``.

    Raises ``Forbidden`` for the wrong role (checked first: a director learns nothing of the
    state), ``WrongState`` from the wrong state, ``Blocked`` when a comment is required and
    missing. ``ValueError`` for an action that does not exist.
    """
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if scope.role != rule.role:
        raise Forbidden(f"submission action {action}")
    if status not in rule.sources:
        raise WrongState(f"a {status} submission cannot be {_past(action)}; "
                         f"only a {' or '.join(sorted(rule.sources))} one can", status)
    if rule.needs_comment and not comment.strip():
        raise Blocked([{"code": "comment_required", "detail": f"{action} needs a comment"}])
    return rule.target


def _past(action: str) -> str:
    return {SUBMIT: "submitted", RETURN: "returned", ENDORSE: "endorsed", REOPEN: "reopened"}[action]


def actions_for(status: str, scope: Scope) -> list[str]:
    """The actions ``scope`` may take on a submission in ``status`` (for the page's buttons)."""
    return [a for a, rule in TRANSITIONS.items() if rule.role == scope.role and status in rule.sources]


def require_editable(status: str) -> None:
    """Raise ``WrongState`` unless lines and targets may change in ``status``."""
    if status not in EDITABLE:
        raise WrongState(f"the submission is {status}: it is read-only until MEF returns it"
                         if status == SUBMITTED else
                         f"the submission is {status}: it is read-only unless MEF reopens it", status)


def require_line_writer(scope: Scope, entity: str, open_to_provinces: bool) -> None:
    """Raise ``Forbidden`` unless ``scope`` may write a line or target of ``entity``.

    The budget unit writes every entity's lines. A provincial director writes his or her own
    province's lines, and only while the budget unit has opened the draft to provinces. MEF
    and administrators write none.
    """
    if scope.role == BUDGET_UNIT:
        return
    if scope.role == PROVINCIAL_DIRECTOR and open_to_provinces and entity != NATIONAL \
            and entity[:2] == scope.province:
        return
    raise Forbidden(f"submission lines of {entity}")


def can_write_any(scope: Scope, open_to_provinces: bool) -> bool:
    """Whether ``scope`` may write some line at all (the page's editable switch)."""
    return scope.role == BUDGET_UNIT or (scope.role == PROVINCIAL_DIRECTOR and open_to_provinces)


def default_submission_year(latest_data_year: int | None, this_year: int) -> int:
    """The year a new submission is for: the year after the latest year with data."""
    return (latest_data_year or this_year) + 1
