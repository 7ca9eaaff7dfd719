"""Application fixtures: the app, a signed-in client per role, a live server and Chromium.

The Dash app is built once per test session (Dash keeps a process-wide registry); each test
points it at its own fresh database through ``app.config["PIB_DATABASE_URL"]``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from db.engine import get_engine
from tests.helpers.web import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PEOPLE,
    AuthActions,
    PageFactory,
    add_people,
    free_port,
)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Flask:
    """The application, built once; tests choose its database with ``app_db``."""
    from app import create_app

    path = tmp_path_factory.mktemp("app") / "idle.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return create_app({"TESTING": True, "PIB_DATABASE_URL": f"sqlite:///{path}"})






@pytest.fixture
def app_db(app: Flask, db_url: str) -> Iterator[str]:
    """Point the app at this test's database (both backends), with one user per role."""
    add_people(db_url)
    previous = app.config["PIB_DATABASE_URL"]
    app.config["PIB_DATABASE_URL"] = db_url
    yield db_url
    app.config["PIB_DATABASE_URL"] = previous


@pytest.fixture
def sqlite_app_db(app: Flask, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """Like ``app_db`` but SQLite only: for browser tests, which test pages, not backends."""
    path = tmp_path / "browser.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    add_people(url)
    previous = app.config["PIB_DATABASE_URL"]
    app.config["PIB_DATABASE_URL"] = url
    yield url
    app.config["PIB_DATABASE_URL"] = previous
    get_engine(url).dispose()








@pytest.fixture
def auth(app: Flask, app_db: str) -> AuthActions:
    return AuthActions(app.test_client())


@pytest.fixture
def client_as(app: Flask, app_db: str) -> Callable[[str], FlaskClient]:
    """``client_as("director07")``: a test client signed in as that person of ``PEOPLE``."""

    def make(key: str) -> FlaskClient:
        client = app.test_client()
        person = PEOPLE[key]
        response = AuthActions(client).login(person.username, person.password)
        assert response.status_code == 302, response.data[:500]
        return client

    return make




# --- live server and browser -----------------------------------------------------------------




@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free localhost port, in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()




@pytest.fixture
def page_factory(browser, live_server: str, sqlite_app_db: str):
    """``page_factory(width=1366)``: a fresh browser page; any console error fails the test."""
    factory = PageFactory(browser, live_server)
    yield factory
    factory.close()










# --- the demo ministry, loaded once per test session ---------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A SQLite file with the whole demo data set loaded through the loader (built once).

    Once per run, not per pytest-xdist worker: the workers share the run's temporary folder, and
    the first to get the lock builds the file (some 40 s of loading) while the other waits.
    """
    import fcntl

    from etl.demo import write_demo
    from etl.load import load_file

    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") \
        else tmp_path_factory.getbasetemp()
    path = shared / "demo-template.sqlite3"
    with (shared / "demo-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path
        folder = tmp_path_factory.mktemp("demo")
        building = folder / "demo.sqlite3"
        shutil.copyfile(sqlite_template, building)
        url = f"sqlite:///{building}"
        for file in write_demo(folder / "files", log=lambda _m: None):
            report = load_file(file, url=url)
            assert report.status == "loaded", [p.render() for p in report.problems]
        get_engine(url).dispose()
        building.replace(path)  # whole or absent: a worker that failed mid-way leaves no half file
    return path


@pytest.fixture
def demo_db(app: Flask, tmp_path: Path, demo_template: Path) -> Iterator[str]:
    """The app on a copy of the demo database, with one user per role."""
    from db.queries.cache import clear

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    add_people(url)
    previous = app.config["PIB_DATABASE_URL"]
    app.config["PIB_DATABASE_URL"] = url
    clear()
    yield url
    app.config["PIB_DATABASE_URL"] = previous
    get_engine(url).dispose()


@pytest.fixture
def demo_client_as(app: Flask, demo_db: str) -> Callable[[str], FlaskClient]:
    """Like ``client_as`` on the demo database."""

    def make(key: str) -> FlaskClient:
        client = app.test_client()
        person = PEOPLE[key]
        assert AuthActions(client).login(person.username, person.password).status_code == 302
        return client

    return make


@pytest.fixture
def demo_page_factory(browser, live_server: str, demo_db: str):
    """Browser pages on the demo database; any console error fails the test."""
    factory = PageFactory(browser, live_server)
    yield factory
    factory.close()


# --- the Data page's background upload, driven as the renderer drives it ---------------------






