"""The Scope object of the access policy (docs/architecture.md)."""

from dataclasses import dataclass

import pytest

from domain.access import Forbidden, Scope

PROVINCES = [f"{n:02d}" for n in range(1, 26)]


@dataclass
class FakeUser:
    id: int
    username: str
    role: str
    province_code: str | None = None


def test_director_scope_allows_exactly_his_province():
    scope = Scope.for_user(FakeUser(1, "d07", "provincial_director", "07"))
    assert [p for p in PROVINCES if scope.can_read_province(p)] == ["07"]
    assert scope.can_read_province("0701") and scope.can_read_province("070101")  # district, commune
    assert not scope.can_read_province("1701") and not scope.can_read_province("170101")
    assert scope.can_read_national()
    scope.require_entity("00")
    scope.require_entity("07")
    with pytest.raises(Forbidden, match="province 17"):
        scope.require_entity("17")
    with pytest.raises(Forbidden):
        scope.require_province("00")  # national is not a province to name
    assert scope.provinces == frozenset({"07"})


def test_budget_unit_and_reviewer_read_every_province():
    for role in ("budget_unit", "mef_reviewer"):
        scope = Scope.for_user(FakeUser(2, role, role))
        assert all(scope.can_read_province(p) for p in PROVINCES)
        assert scope.provinces is None


def test_admin_reads_no_figures():
    scope = Scope.for_user(FakeUser(3, "admin", "admin"))
    assert not any(scope.can_read_province(p) for p in PROVINCES)
    assert not scope.can_read_national()
    with pytest.raises(Forbidden):
        scope.require_entity("00")
    assert scope.can_manage_users and not scope.can_load


def test_only_the_director_role_is_bound_to_its_province():
    # A province stored on a non-director user does not narrow (or widen) anything.
    scope = Scope.for_user(FakeUser(4, "b", "budget_unit", "07"))
    assert scope.province is None and scope.provinces is None
    with pytest.raises(Forbidden):
        Scope.for_user(FakeUser(5, "d", "provincial_director", None))
    with pytest.raises(Forbidden):
        Scope.for_user(FakeUser(6, "x", "king"))


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("budget_unit",
         {"overview", "provinces", "scorecard", "programmes", "data", "methodology", "submission", "review",
          "costing"}),
        ("mef_reviewer", {"overview", "provinces", "scorecard", "programmes", "methodology", "review", "submission",
                          "costing"}),
        ("provincial_director", {"overview", "scorecard", "programmes", "methodology", "submission", "review",
                                 "costing"}),
        ("admin", {"methodology", "users"}),
    ],
)
def test_pages_each_role_may_open(role, pages):
    scope = Scope.for_user(FakeUser(7, "u", role, "07" if role == "provincial_director" else None))
    from domain.access import PAGE_ROLES

    assert {p for p in PAGE_ROLES if scope.can_open(p)} == pages
