"""What the tests do as people and browsers do: the test people, signing in through the real
form, posting Dash callbacks as the renderer does, driving the Data page's background upload, and
Chromium pages that collect console errors."""

from __future__ import annotations

import base64
import functools
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from auth.users import create_user
from db.engine import session_scope

SCREENSHOTS = Path(__file__).resolve().parent.parent / "browser" / "screenshots"


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


@functools.cache
def cached_hash(password: str) -> str:
    from auth.passwords import hash_password

    return hash_password(password)


def add_people(url: str) -> None:
    # Password hashes are slow by design; hashing each test person's password once per session
    # keeps the suite fast while every stored value is still a real hash.
    with mock.patch("auth.users.hash_password", cached_hash), session_scope(url) as session:
        for person in PEOPLE.values():
            create_user(session, person.username, person.password, person.role,
                        province=person.province, full_name=f"Test {person.username}")


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


def dash_post(client: FlaskClient, payload: dict) -> object:
    """POST a Dash callback as the browser does, with the CSRF header from the cookie."""
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=payload, headers=headers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def download_data(client: FlaskClient, output: str, button: str, values: dict | None = None) -> dict:
    """Click a download button through its callback: the ``dcc.Download`` data it answers."""
    payload = callback_payload(find_dependency(client, output), {f"{button}.n_clicks": 1, **(values or {})})
    payload["changedPropIds"] = [f"{button}.n_clicks"]  # the button that was clicked
    answer = dash_post(client, payload)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()["response"][output]["data"]
