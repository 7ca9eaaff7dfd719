"""Static files for a phone on a slow link: compressed once, and cacheable across visits."""

import brotli

from tests.app_fixtures import PEOPLE, AuthActions

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


def test_the_page_loads_the_cartesian_plotly_js_and_browsers_keep_it_for_a_year(app, app_db):
    client = app.test_client()
    assert AuthActions(client).login(PEOPLE["budget_unit"].username, PEOPLE["budget_unit"].password).status_code == 302
    scripts = [src.split('"')[0] for src in client.get("/").get_data(as_text=True).split('src="')[1:]]
    vendored = [src for src in scripts if src.startswith("/assets/vendor/")]
    assert vendored == ["/assets/vendor/plotly-cartesian-4.1.1.min.js"]
    answer = client.get(vendored[0], headers={"Accept-Encoding": "br"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert len(answer.data) < 600_000  # the full plotly.js is 1.4 MB compressed
    directives = {part.strip() for part in answer.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= directives
    assert "Set-Cookie" not in answer.headers and "Cookie" not in answer.headers.get("Vary", "")
