"""A database with the reference data loaded, for the loader tests."""

import pytest

from tests.helpers.workbooks import load_reference


@pytest.fixture
def ref_db(db_url, tmp_path):
    load_reference(db_url, tmp_path)
    return db_url
