"""The programme grid opens a large structure cluster by cluster (both databases)."""

from tests.helpers.web import callback_payload, dash_post, find_dependency
from tests.helpers.workbooks import load_scaled_reference, write_execution_month


def _grid(client, opened: list[str]) -> tuple[list[dict], str]:
    dependency = find_dependency(client, "programmes-grid")
    answer = dash_post(client, callback_payload(dependency, {
        "programmes-year.value": 2024, "programmes-period.value": "2024-06", "programmes-open.data": opened}))
    assert answer.status_code == 200, answer.data[:300]
    response = answer.get_json()["response"]
    return response["programmes-grid"]["rowData"], response["programmes-tree-note"]["children"]


def test_a_structure_of_hundreds_of_activities_opens_cluster_by_cluster(client_as, app_db, tmp_path):
    load_scaled_reference(app_db, tmp_path)
    from etl.load import load_file

    assert load_file(write_execution_month(tmp_path), url=app_db).status == "loaded"
    budget = client_as("budget_unit")
    folded, note = _grid(budget, [])
    levels = [r["level"] for r in folded]
    # The demo structure: 3 programmes, 4 sub-programmes, 6 clusters; 9 activities, each 40 times.
    assert "activity" not in levels and levels.count("activity_cluster") == 6 and len(levels) == 13
    assert note == "360 activities are folded: click a cluster's name (▸) to show its activities."
    assert next(r for r in folded if r["code"] == "P1.1.1")["label"].startswith("▸ P1.1.1 ")
    opened, note = _grid(budget, ["P1.1.1"])
    family = [r for r in opened if r["level"] == "activity"]
    assert len(family) == 3 * 40 and {r["parent"] for r in family} == {"P1.1.1"}
    assert note == "240 activities are folded: click a cluster's name (▸) to show its activities."
    # Opened or not, the clusters' sums are the same.
    assert {r["code"]: r["paid"] for r in opened if r["level"] != "activity"} == \
        {r["code"]: r["paid"] for r in folded}
    assert sum(r["paid"] for r in family) == next(r for r in opened if r["code"] == "P1.1.1")["paid"]
    # What the browser sends is not trusted: unknown codes and other values open nothing.
    tampered, note = _grid(budget, ["P9.9.9", {"code": "P1.1.1"}, 7, "P1.1.1.1"])
    assert [r["code"] for r in tampered] == [r["code"] for r in folded]
    assert note.startswith("360 activities are folded")
