"""Application fixtures: the app, a signed-in client per role, a live server and Chromium.

The Dash app is built once per test session (Dash keeps a process-wide registry); each test
points it at its own fresh database through ``app.config["PIB_DATABASE_URL"]``.
"""

from __future__ import annotations

import base64
import functools
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from auth.users import create_user
from db.engine import get_engine, session_scope

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    role: str
    province: str | None = None


PEOPLE = {
    "budget_unit": Person("budget", "budget-pass-123", "budget_unit"),
    "mef_reviewer": Person("reviewer", "reviewer-pass-123", "mef_reviewer"),
    "director07": Person("director07", "kampot-pass-123", "provincial_director", "07"),
    "director17": Person("director17", "siemreap-pass-123", "provincial_director", "17"),
    "admin": Person("admin", "admin-pass-123", "admin"),
}


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Flask:
    """The application, built once; tests choose its database with ``app_db``."""
    from app import create_app

    path = tmp_path_factory.mktemp("app") / "idle.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return create_app({"TESTING": True, "PIB_DATABASE_URL": f"sqlite:///{path}"})


@functools.cache
def _cached_hash(password: str) -> str:
    from auth.passwords import hash_password

    return hash_password(password)


def _add_people(url: str) -> None:
    # scrypt is slow by design; hashing each test person's password once per session keeps the
    # suite fast while every stored value is still a real scrypt hash.
    with mock.patch("auth.users.hash_password", _cached_hash), session_scope(url) as session:
        for person in PEOPLE.values():
            create_user(session, person.username, person.password, person.role,
                        province=person.province, full_name=f"Test {person.username}")


@pytest.fixture
def app_db(app: Flask, db_url: str) -> Iterator[str]:
    """Point the app at this test's database (both backends), with one user per role."""
    _add_people(db_url)
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
    _add_people(url)
    previous = app.config["PIB_DATABASE_URL"]
    app.config["PIB_DATABASE_URL"] = url
    yield url
    app.config["PIB_DATABASE_URL"] = previous
    get_engine(url).dispose()


def csrf_from(html: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', html)
    assert match, "the login form has no CSRF field"
    return match.group(1).decode()


class AuthActions:
    """Signs a test client in and out through the real login form (Flask tutorial style)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str, address: str = "127.0.0.1"):
        form = self.client.get("/login")
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_from(form.data)},
            environ_base={"REMOTE_ADDR": address},
        )

    def logout(self):
        return post_with_csrf(self.client, "/logout")


def post_with_csrf(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """A form POST as the app's own forms send it, with the CSRF token from the cookie."""
    cookie = client.get_cookie("_csrf_token")
    return client.post(path, data={**(data or {}), "csrf_token": cookie.value if cookie else ""},
                       **kwargs)


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


def dash_post(client: FlaskClient, payload: dict) -> object:
    """POST a Dash callback as the browser does, with the CSRF header from the cookie."""
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=payload, headers=headers)


# --- live server and browser -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free localhost port, in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    port = _free_port()
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


class PageFactory:
    """Makes browser pages on the live server and collects every console error they log."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list = []
        self.errors: list[str] = []

    def __call__(self, width: int = 1366, height: int = 900):
        context = self.browser.new_context(viewport={"width": width, "height": height}, base_url=self.base_url,
                                           accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.set_default_timeout(20_000)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert not self.errors, f"console errors in the browser: {self.errors}"


@pytest.fixture
def page_factory(browser, live_server: str, sqlite_app_db: str):
    """``page_factory(width=1366)``: a fresh browser page; any console error fails the test."""
    factory = PageFactory(browser, live_server)
    yield factory
    factory.close()


def browser_login(page, person: Person) -> None:
    """Sign in through the login page as a person would."""
    page.goto("/login")
    page.fill("#username", person.username)
    page.fill("#password", person.password)
    page.click("#login-submit")
    page.wait_for_selector("#shell .app-header")


def browser_switch_language(page, lang: str, path: str) -> None:
    """Open ``path`` and switch the language with the header's button, as a person would."""
    page.goto(path)
    page.wait_for_selector("#shell .app-header")
    if page.locator(f"#shell.lang-{lang}").count() == 0:
        page.click(f"#lang-{lang}")
    page.wait_for_selector(f"#shell.lang-{lang}")
    # Not wait_for_function: its repeated checks use eval, which the pages' CSP refuses.
    page.wait_for_url(lambda url: urlsplit(url).path == path.split("?")[0])


def callback_payload(dependency: dict, values: dict[str, object] | None = None) -> dict:
    """A ``/_dash-update-component`` body for one entry of ``/_dash-dependencies``.

    ``values`` maps ``"component-id.property"`` to the value to send; others are sent as None.
    The first input is marked as the one that changed, as a click or selection would.
    """
    values = values or {}

    def item(spec: dict) -> dict:
        key = f"{spec['id']}.{spec['property']}"
        return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}

    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
        for part in dependency["output"].strip(".").split("...")
    ]
    inputs = [item(spec) for spec in dependency["inputs"]]
    return {
        "output": dependency["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": [item(spec) for spec in dependency["state"]],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
    }


def find_dependency(client: FlaskClient, output_id: str) -> dict:
    """The callback whose outputs include component ``output_id``."""
    for dependency in client.get("/_dash-dependencies").get_json():
        if f"{output_id}." in dependency["output"]:
            return dependency
    raise AssertionError(f"no callback outputs {output_id}")


# --- the demo ministry, loaded once per test session ---------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A SQLite file with the whole demo data set loaded through the loader (built once)."""
    from etl.demo import write_demo
    from etl.load import load_file

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    for file in write_demo(folder / "files", log=lambda _m: None):
        report = load_file(file, url=url)
        assert report.status == "loaded", [p.render() for p in report.problems]
    get_engine(url).dispose()
    return path


@pytest.fixture
def demo_db(app: Flask, tmp_path: Path, demo_template: Path) -> Iterator[str]:
    """The app on a copy of the demo database, with one user per role."""
    from db.queries.cache import clear

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    _add_people(url)
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


def is_upload(dependency: dict) -> bool:
    return any(i["id"] == "data-upload" and i["property"] == "contents" for i in dependency["inputs"])


def run_background(client, payload, limit=60):
    """Start a background callback and poll it as the renderer does, until it answers."""
    first = dash_post(client, payload)
    assert first.status_code == 200, first.data[:300]
    handles = first.get_json()
    query = f"?cacheKey={handles['cacheKey']}&job={handles['job']}"
    cookie = client.get_cookie("_csrf_token")
    for _ in range(limit):
        time.sleep(0.25)
        answer = client.post("/_dash-update-component" + query, json=payload,
                             headers={"X-CSRFToken": cookie.value})
        if answer.status_code == 200 and "response" in (answer.get_json() or {}):
            return answer.get_json()["response"]
    raise AssertionError("the background callback did not answer")


def upload_payload(client, data: bytes, name: str) -> dict:
    dependency = next(d for d in client.get("/_dash-dependencies").get_json() if is_upload(d))
    content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    return callback_payload(dependency, {"data-upload.contents": [content], "data-upload.filename": [name],
                                         "data-loaded.data": 0})
