"""Static files for a phone on a slow link: compressed once, and cacheable across visits."""

import gzip
import re

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
# What the overview fetches beside the files its HTML names: plotly.js and dcc's graph and
# dropdown when its charts and selectors are drawn, the Khmer label of the language switch.
FETCHED_LATER = (PLOTLY, "/_dash-component-suites/dash/dcc/async-graph.js",
                 "/_dash-component-suites/dash/dcc/async-dropdown.js", "/assets/fonts/NotoSansKhmer-Label.woff2")


def test_the_overviews_first_visit_stays_under_800_kb_without_the_grid_bundle(app, app_db):
    client = app.test_client()
    assert AuthActions(client).login(PEOPLE["budget_unit"].username, PEOPLE["budget_unit"].password).status_code == 302
    page = client.get("/", headers={"Accept-Encoding": "br"})
    html = brotli.decompress(page.data).decode() if page.headers.get("Content-Encoding") == "br" else page.text
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
    # plotly.js, which the page draws with, is fetched from the start; the grid's bundle is not.
    preloads = re.findall(r'<link rel="preload" href="([^"]+)"', html)
    assert preloads == [PLOTLY]
    stub = re.search(r'<script src="([^"]*lazy-ag-grid\.js[^"]*)" data-bundle="([^"]+dash_ag_grid[^"]+)"', html)
    assert stub and client.get(stub.group(2)).status_code == 200
    assert sizes[stub.group(1)] < 3_000
