"""The scope applied in SQL, on a sample query (both databases)."""

from db.engine import session_scope
from db.queries.units import readable_provinces
from domain.access import Scope


def test_sample_query_returns_only_what_the_scope_allows(db_url):
    with session_scope(db_url) as session:
        director = Scope(user_id=1, username="d07", role="provincial_director", province="07")
        assert [u.code for u in readable_provinces(session, director)] == ["07"]
        budget = Scope(user_id=2, username="b", role="budget_unit")
        codes = [u.code for u in readable_provinces(session, budget)]
        assert codes == [f"{n:02d}" for n in range(1, 26)]
        admin = Scope(user_id=3, username="a", role="admin")
        assert readable_provinces(session, admin) == []
