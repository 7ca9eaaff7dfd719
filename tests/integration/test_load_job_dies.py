"""The Data page when its load job's process dies (its memory cap, the OOM killer): a message,
not a progress bar left as it was."""

import os
import signal

from etl.limits import memory_cap_mb
from tests.helpers.web import run_background, upload_payload
from tests.helpers.workbooks import exec_row, execution_xlsx


def test_the_data_page_says_so_when_the_load_job_dies(client_as, monkeypatch):
    def killed(*_args, **_kwargs):
        # The job runs in a process forked from this one, which sees this stand-in for the load.
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr("etl.limits.load_within_limits", killed)
    budget = client_as("budget_unit")
    response = run_background(budget, upload_payload(budget, execution_xlsx([exec_row()]), "june.xlsx"))
    summary = str(response["data-summary"]["children"])
    assert "The load stopped before it finished" in summary
    assert f"more memory than a load may use ({memory_cap_mb():,} MB)" in summary
    assert response["data-report"]["rowData"] == []
