"""The access policy in docs/architecture.md, as data and one ``Scope`` object.

A ``Scope`` is built on the server from the signed-in user (never from anything the browser
sends) and every query that returns data takes one. Asking a scope for a province it may not
read raises ``Forbidden``; callers turn that into a 403 or a "not permitted" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.vocabulary import (
    ADMIN,
    BUDGET_UNIT,
    DATA_ROLES,
    MEF_REVIEWER,
    NATIONAL,
    PROVINCIAL_DIRECTOR,
    PUBLIC,
    ROLES,
)

# Which role may open which page (keys are the page names registered in pages/). ``PUBLIC`` is in
# none of them: the anonymous reader of /open opens no signed-in page.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": DATA_ROLES,
    "provinces": frozenset({BUDGET_UNIT, MEF_REVIEWER}),
    "scorecard": DATA_ROLES,
    "programmes": DATA_ROLES,
    "data": frozenset({BUDGET_UNIT}),
    "methodology": frozenset(ROLES),
    # The budget unit prepares it; a director writes his or her province's lines while the draft
    # is open to provinces (read-only otherwise); MEF reads it and takes its transitions.
    "submission": DATA_ROLES,
    # MEF decides lines, asks, returns and endorses; the budget unit and a director (his or her
    # province's lines only) read the hearing and answer MEF's questions in the threads.
    "review": DATA_ROLES,
    # The budget unit creates, changes and applies scenarios; MEF creates and reads them (never
    # applies); a director reads his or her province's share only.
    "costing": DATA_ROLES,
    "users": frozenset({ADMIN}),
}

# Navigation order; a page appears only if it is registered and the role may open it.
NAV_ORDER = ("overview", "provinces", "scorecard", "programmes", "submission", "review", "costing", "data",
             "methodology", "users")


class Forbidden(Exception):
    """The scope does not allow what was asked; ``what`` says what, for the audit log."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class UserLike(Protocol):
    id: int
    username: str
    role: str
    province_code: str | None


@dataclass(frozen=True)
class Scope:
    """What one signed-in user may read and do."""

    user_id: int
    username: str
    role: str
    province: str | None = None

    @classmethod
    def for_user(cls, user: UserLike) -> Scope:
        """The scope of ``user``, as stored in the database."""
        if user.role not in ROLES:
            raise Forbidden(f"unknown role {user.role!r}")
        if user.role == PROVINCIAL_DIRECTOR and not user.province_code:
            raise Forbidden("a provincial director without a province")
        province = user.province_code if user.role == PROVINCIAL_DIRECTOR else None
        return cls(user_id=user.id, username=user.username, role=user.role, province=province)

    @classmethod
    def public(cls) -> Scope:
        """The anonymous reader of /open: every province's aggregates of the published periods.

        Never built from a user (``for_user`` refuses a role outside ``ROLES``), so no session or
        token carries it: it opens no page and no ``/api/v1`` route. It passes
        ``require_aggregates`` (the budget and indicator read models /open uses) but not
        ``require_data``, so every other read model refuses it; and it reads no district or
        commune. Which periods it may see is the open routes' check (``require_published``).
        """
        return cls(user_id=0, username=PUBLIC, role=PUBLIC)

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC

    @property
    def reads_data(self) -> bool:
        """Whether this role reads budget and indicator figures at all (admin does not)."""
        return self.role in DATA_ROLES

    @property
    def reads_aggregates(self) -> bool:
        """Whether this scope reads national and province aggregates: the data roles, and the
        public scope (published periods only, checked before the query layer is asked)."""
        return self.reads_data or self.is_public

    @property
    def provinces(self) -> frozenset[str] | None:
        """The province codes whose named figures this scope may read; None means all 25."""
        if self.is_public:
            return None
        if not self.reads_data:
            return frozenset()
        if self.role == PROVINCIAL_DIRECTOR:
            return frozenset({self.province}) if self.province else frozenset()
        return None

    def can_read_province(self, code: str) -> bool:
        """Whether figures named for province (or district/commune) ``code`` may be shown."""
        if self.is_public:  # provinces' aggregates, never a district's or a commune's
            return len(code) == 2 and code != NATIONAL
        allowed = self.provinces
        if allowed is None:
            return True
        return code[:2] in allowed and code[:2] != NATIONAL

    def can_read_national(self) -> bool:
        """National totals and averages: every data role."""
        return self.reads_data

    def require_data(self) -> None:
        """Raise ``Forbidden`` unless this role reads figures."""
        if not self.reads_data:
            raise Forbidden("figures")

    def require_aggregates(self) -> None:
        """Raise ``Forbidden`` unless this scope reads national and province aggregates."""
        if not self.reads_aggregates:
            raise Forbidden("figures")

    def require_province(self, code: str) -> None:
        """Raise ``Forbidden`` unless ``code`` (a province, district or commune) may be read."""
        if not self.can_read_province(code):
            raise Forbidden(f"province {code[:2]}")

    def require_entity(self, code: str) -> None:
        """Entities are ``00`` (national, readable by every data role) or a province."""
        if code == NATIONAL:
            self.require_data()
        else:
            self.require_province(code)

    def can_open(self, page: str) -> bool:
        """Whether this role may open ``page`` (a key of ``PAGE_ROLES``)."""
        return self.role in PAGE_ROLES.get(page, frozenset())

    @property
    def can_load(self) -> bool:
        return self.role == BUDGET_UNIT

    @property
    def can_prepare_submission(self) -> bool:
        return self.role == BUDGET_UNIT

    @property
    def can_review(self) -> bool:
        return self.role == MEF_REVIEWER

    @property
    def can_manage_users(self) -> bool:
        return self.role == ADMIN
