"""Static files for a phone on a slow link: compressed once, and cacheable across visits."""

import fcntl
import gzip
import re
import threading
from pathlib import Path

import brotli

from tests.helpers.web import PEOPLE, AuthActions

PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def test_static_files_carry_nothing_of_the_user_so_browsers_can_keep_them(app, app_db):
    client = app.test_client()
    assert AuthActions(client).login(PEOPLE["budget_unit"].username, PEOPLE["budget_unit"].password).status_code == 302
    page = client.get("/")
    bundle = next(src for src in page.get_data(as_text=True).split('src="')[1:] if "dash_renderer" in src)
    bundle = bundle.split('"')[0]
    answer = client.get(bundle)
    assert answer.status_code == 200
    assert "Cookie" not in answer.headers.get("Vary", "")
    assert "Set-Cookie" not in answer.headers
    assert "max-age=31536000" in answer.headers["Cache-Control"]
    # Pages and callbacks still carry the session and the CSRF cookie.
    assert "Cookie" in client.get("/methodology").headers.get("Vary", "")


def test_a_static_file_is_compressed_once_and_the_same_bytes_served_again(app, app_db):
    client = app.test_client()
    first = client.get(PLOTLY, headers={"Accept-Encoding": "br"})
    second = client.get(PLOTLY, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == second.headers["Content-Encoding"] == "br"
    assert first.data == second.data
    plain = client.get(PLOTLY, headers={"Accept-Encoding": "identity"}).data
    assert brotli.decompress(second.data) == plain and len(second.data) < len(plain) / 2
    # A callback's answer is never taken from that cache (its key is empty).
    from extensions import StaticCompressionCache

    cache = StaticCompressionCache()
    cache.set("br;", b"answer")
    assert cache.get("br;") is None


def test_plotly_js_is_the_cartesian_bundle_revalidated_by_its_version(app, app_db):
    from components.charts import PLOTLY_CARTESIAN

    client = app.test_client()
    answer = client.get(PLOTLY, headers={"Accept-Encoding": "br"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert brotli.decompress(answer.data) == PLOTLY_CARTESIAN.read_bytes()
    assert len(answer.data) < 400_000  # the full plotly.js is 1.4 MB compressed, the cartesian one 0.5 MB
    assert "no-cache" in answer.headers["Cache-Control"] and "Cookie" not in answer.headers.get("Vary", "")
    again = client.get(PLOTLY, headers={"Accept-Encoding": "br", "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    # A browser without brotli gets the gzip copy, built with it too.
    gzipped = client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in gzipped.headers["Vary"]
    assert gzip.decompress(gzipped.data) == PLOTLY_CARTESIAN.read_bytes()
    # The favicon Dash asks for twice per page is kept for a day.
    icon = client.get("/_favicon.ico?v=4.4.1")
    assert icon.status_code == 200 and "max-age=86400" in icon.headers["Cache-Control"]


# The bar of a first visit over a slow link: the overview's own files, compressed as sent.
FIRST_VISIT_BAR = 800_000
# What the overview fetches beside the files its HTML names: dcc's dropdown when its selectors
# are drawn, the Khmer label of the language switch. Its charts are HTML: no plotly.js, no graph.
FETCHED_LATER = ("/_dash-component-suites/dash/dcc/async-dropdown.js", "/assets/fonts/NotoSansKhmer-Label.woff2")


def _overview(client):
    assert AuthActions(client).login(PEOPLE["budget_unit"].username, PEOPLE["budget_unit"].password).status_code == 302
    page = client.get("/", headers={"Accept-Encoding": "br"})
    html = brotli.decompress(page.data).decode() if page.headers.get("Content-Encoding") == "br" else page.text
    return page, html


def test_the_overviews_first_visit_stays_under_800_kb_without_the_grid_bundle(app, app_db):
    client = app.test_client()
    page, html = _overview(client)
    named = [*re.findall(r'<script src="([^"]+)"', html),
             *re.findall(r'<link rel="(?:stylesheet|icon)"[^>]* href="([^"]+)"', html)]
    sizes = {}
    for url in [*named, *FETCHED_LATER]:
        answer = client.get(url, headers={"Accept-Encoding": "br"})
        assert answer.status_code == 200, url
        sizes[url] = len(answer.data)
    total = len(page.data) + sum(sizes.values())
    assert total < FIRST_VISIT_BAR, sorted(sizes.items(), key=lambda item: -item[1])[:5]
    # AG Grid comes with the first grid, not with every page: its bundle is only the stand-in's
    # data, and the stand-in (a few KB) is what the page runs.
    grid = [url for url in named if "dash_ag_grid" in url]
    assert grid == []
    # The page draws with neither plotly.js nor a grid: nothing to preload.
    preloads = re.findall(r'<link rel="preload" href="([^"]+)"', html)
    assert preloads == []
    stub = re.search(r'<script src="([^"]*lazy-ag-grid\.js[^"]*)" data-bundle="([^"]+dash_ag_grid[^"]+)"', html)
    assert stub and client.get(stub.group(2)).status_code == 200
    assert sizes[stub.group(1)] < 3_000


def test_dash_bundles_are_sent_at_brotli_11_and_gzip_9_once_their_copies_are_made(app, app_db):
    client = app.test_client()
    _, html = _overview(client)
    react_dom = re.search(r'<script src="([^"]*/react-dom@[^"]+)"', html).group(1)
    raw = client.get(react_dom, headers={"Accept-Encoding": "identity"}).data
    # The copies are made in the background when the app starts; this waits for them (or makes them).
    app.extensions["pib_compressed_copies"].make(raw)
    answer = client.get(react_dom, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})  # as Chromium asks
    assert answer.headers["Content-Encoding"] == "br" and brotli.decompress(answer.data) == raw
    assert len(answer.data) == len(brotli.compress(raw, quality=11)) < 0.9 * len(brotli.compress(raw, quality=4))
    assert "max-age=31536000" in answer.headers["Cache-Control"] and "Accept-Encoding" in answer.headers["Vary"]
    gzipped = client.get(react_dom, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(gzipped.data) == raw
    assert len(gzipped.data) == len(gzip.compress(raw, compresslevel=9))
    assert client.get(react_dom, headers={"Accept-Encoding": "identity"}).data == raw


def test_until_a_copy_is_made_the_quick_compression_serves_and_the_file_is_queued(app, app_db, tmp_path, monkeypatch):
    from extensions import CompressedCopies

    copies = CompressedCopies(tmp_path / "copies")
    monkeypatch.setitem(app.extensions, "pib_compressed_copies", copies)
    client = app.test_client()
    _, html = _overview(client)
    renderer = re.search(r'<script src="([^"]*dash_renderer[^"]+)"', html).group(1)
    raw = client.get(renderer, headers={"Accept-Encoding": "identity"}).data
    (tmp_path / "copies").mkdir()
    with open(tmp_path / "copies" / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker is busy compressing: this one cannot start
        quick = client.get(renderer, headers={"Accept-Encoding": "br"})
        assert quick.status_code == 200 and quick.headers["Content-Encoding"] == "br"
        assert brotli.decompress(quick.data) == raw and len(quick.data) == len(brotli.compress(raw, quality=4))
        assert list((tmp_path / "copies").glob("*.br")) == []
    copies.wait()  # the lock released, the queued renderer is compressed
    made = client.get(renderer, headers={"Accept-Encoding": "br"})
    assert made.data == (tmp_path / "copies" / f"{_sha256(raw)}.br").read_bytes()
    assert brotli.decompress(made.data) == raw and len(made.data) < 0.9 * len(quick.data)


def test_the_files_every_page_names_are_queued_when_the_app_starts(app, app_db):
    import app as assembly

    client = app.test_client()
    _, html = _overview(client)
    queued = assembly._index_files(app, assembly._DASH_APP)
    named = [*re.findall(r'<script src="([^"]+)"', html), *re.findall(r'<link rel="stylesheet" href="([^"]+)"', html),
             re.search(r'data-bundle="([^"]+)"', html).group(1)]
    assert sorted(queued) == sorted(client.get(url, headers={"Accept-Encoding": "identity"}).data for url in named)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_two_workers_compress_each_file_once_and_later_ones_reuse_the_copies(tmp_path, monkeypatch):
    import extensions
    from extensions import CompressedCopies

    calls = []
    real = extensions.brotli.compress
    body = Path(extensions.__file__).read_bytes() * 20
    # Only this body's compressions count: the session's app compresses its own files meanwhile.
    monkeypatch.setattr(extensions.brotli, "compress",
                        lambda data, **options: (data.startswith(body) and calls.append(1)) or real(data, **options))
    first, second = CompressedCopies(tmp_path), CompressedCopies(tmp_path)  # two workers, one folder
    made = []
    workers = [threading.Thread(target=lambda c=c: made.append(c.make(body))) for c in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(made) == [0, 2] and len(calls) == 1
    # A worker started later (or after a restart) serves the copies without compressing.
    later = CompressedCopies(tmp_path)
    assert brotli.decompress(later.copy(body, "br")) == body and gzip.decompress(later.copy(body, "gzip")) == body
    assert later.make(body) == 0 and len(calls) == 1
    # A new content (an upgraded file) is queued once however often it is asked for, then served.
    changed = body + b"// upgraded"
    assert later.copy(changed, "br") is None and later.copy(changed, "gzip") is None
    later.wait()
    assert brotli.decompress(later.copy(changed, "br")) == changed and len(calls) == 2


def test_the_index_sends_a_regenerator_runtime_in_place_of_babel_polyfill_and_no_dash_table(app, app_db):
    client = app.test_client()
    _, html = _overview(client)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert not [s for s in scripts if "polyfill" in s or "dash_table" in s]
    runtime = next(i for i, s in enumerate(scripts) if "regenerator-runtime" in s)
    # Before every script that calls regeneratorRuntime, as the polyfill was.
    assert runtime < min(i for i, s in enumerate(scripts) if "dash_renderer" in s or "dash_core_components" in s)
    answer = client.get(scripts[runtime], headers={"Accept-Encoding": "identity"})
    assert answer.status_code == 200 and b"window.regeneratorRuntime=" in answer.data and len(answer.data) < 10_000
    # Left out because no page shows a DataTable: a page that does needs dash_table back in the index.
    root = Path(__file__).resolve().parents[2]
    users = [path for folder in ("pages", "components") for path in (root / folder).rglob("*.py")
             if re.search(r"dash_table|DataTable", path.read_text(encoding="utf-8"))]
    assert users == [root / "components" / "bundles.py"]
