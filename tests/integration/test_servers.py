"""The same application served by ``gunicorn app:server`` and by ``python app.py``."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, limit: float = 60) -> bytes:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost
                return response.read()
        # A server still starting on a loaded machine may accept and then answer late.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.parametrize("how", ["gunicorn", "python"])
def test_served_app_shows_the_login_page_and_guards_callbacks(tmp_path, sqlite_template, how):
    db = tmp_path / "served.sqlite3"
    shutil.copyfile(sqlite_template, db)
    port = _free_port()
    env = {**os.environ, "PIB_DATABASE_URL": f"sqlite:///{db}", "PIB_PORT": str(port),
           "PIB_INSTANCE_DIR": str(tmp_path / "instance")}
    if how == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                   "app:server"]
    else:
        command = [sys.executable, "app.py"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/login", process)
        assert b'name="password"' in body
        request = urllib.request.Request(f"http://127.0.0.1:{port}/_dash-update-component",
                                         data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)  # noqa: S310 - localhost
        assert refused.value.code == 401
        # The secret key is made once and kept, so a restart keeps everyone signed in.
        assert (tmp_path / "instance" / "secret_key").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_new_process_knows_its_bundles_before_its_first_visitor(tmp_path, sqlite_template):
    # Without this, two first requests in two threads of a fresh gunicorn worker raced and one
    # answered a bundle with 500 ('"dash" is not a registered library'): a blank page.
    db = tmp_path / "fresh.sqlite3"
    shutil.copyfile(sqlite_template, db)
    env = {**os.environ, "PIB_DATABASE_URL": f"sqlite:///{db}", "PIB_INSTANCE_DIR": str(tmp_path / "instance")}
    script = ("import app; server = app.create_app(); from db.queries.units import _names; "
              "print(_names.cache_info().currsize); print(sorted(app._DASH_APP.registered_paths))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    lines = out.strip().splitlines()
    assert {"dash", "dash_ag_grid", "plotly"} <= set(eval(lines[-1]))  # noqa: S307 - our print
    # Province names are read at start too (0.85 s that the first visitor of a worker paid).
    assert lines[-2] == "1"


def test_a_serving_process_leaves_its_start_up_objects_out_of_garbage_collections(tmp_path, sqlite_template):
    # A full collection walked the ~276,000 objects of the app's start (~135 ms with every thread
    # of the worker stopped); once they are frozen it walks only what requests made since.
    db = tmp_path / "served.sqlite3"
    shutil.copyfile(sqlite_template, db)
    env = {**os.environ, "PIB_DATABASE_URL": f"sqlite:///{db}", "PIB_INSTANCE_DIR": str(tmp_path / "instance")}
    script = "import gc, app; app.server; gc.collect(); print(gc.get_freeze_count(), len(gc.get_objects()))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    frozen, tracked = map(int, out.split())
    assert frozen > 100_000
    assert tracked < frozen // 20
