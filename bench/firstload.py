"""First load of the overview in Chromium: time until the KPI cards show values and until its
charts are drawn, and bytes.

    python -m bench.firstload [--dbs postgresql-10m sqlite-10m] [--runs 5]

The app runs under gunicorn (as in production) on each database. The budget unit signs in
through the login form with Playwright's request API (which shares the browser context's
cookies but loads no page), so that the first visit starts from an empty browser cache. Then:

* first visit: a new context, ``page.goto("/")``, until ``#kpi-revised-value`` holds text, then
  until the programme bars and the tile map are drawn;
* return visit: a new page in the same context (the HTTP cache kept), the same measure.

Bytes are the compressed bytes on the wire, summed from the Chrome DevTools Protocol's
``Network.loadingFinished`` ``encodedDataLength`` of every request of the page. Results go to
``bench/out/firstload.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time

from bench.env import OUT, gunicorn, setup
from bench.latency import PASSWORD, ensure_users, percentile

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
KPI = "#kpi-revised-value"
CHARTS = ("#overview-programmes .hc-bar-paid", "#overview-map .hc-tile")  # HTML charts (components/htmlcharts.py)
USER = "bench-budget"


class Wire:
    """Counts a page's network traffic through CDP: encoded bytes per request, with URL and type."""

    def __init__(self, page) -> None:
        self.requests: dict[str, dict] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.send("Network.enable")

    def _response(self, event: dict) -> None:
        entry = self.requests.setdefault(event["requestId"], {"bytes": 0})
        entry.update(url=event["response"]["url"], type=event.get("type", ""),
                     status=event["response"]["status"],
                     from_cache=event["response"].get("fromDiskCache", False)
                     or event["response"].get("fromPrefetchCache", False))

    def _cached(self, event: dict) -> None:
        self.requests.setdefault(event["requestId"], {"bytes": 0})["from_cache"] = True

    def _finished(self, event: dict) -> None:
        self.requests.setdefault(event["requestId"], {"bytes": 0})["bytes"] = event["encodedDataLength"]

    def total(self) -> int:
        return sum(r["bytes"] for r in self.requests.values())


def sign_in(context, base: str, user: str = USER) -> None:
    """Sign in through the login form without loading any page into the browser cache."""
    form = context.request.get(f"{base}/login").text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = context.request.post(f"{base}/login", form={"username": user, "password": PASSWORD,
                                                         "csrf_token": token}, max_redirects=0)
    if answer.status != 302:
        raise SystemExit(f"sign-in failed: {answer.status}")


def visit(context, base: str) -> dict:
    """Open the overview in a new page of ``context``; time and bytes until the KPIs show values."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    wire = Wire(page)
    started = time.perf_counter()
    page.goto(f"{base}/")
    page.wait_for_function(f"() => {{ const e = document.querySelector('{KPI}');"
                           " return e && e.textContent.trim().length > 0; }", timeout=60_000)
    seconds = time.perf_counter() - started
    for chart in CHARTS:  # the whole view: KPIs can show before the charts are drawn
        page.wait_for_selector(chart, timeout=60_000)
    complete = time.perf_counter() - started
    value = page.text_content(KPI)
    page.wait_for_load_state("networkidle")  # the other figures' callbacks: bytes of the whole view
    total = wire.total()
    largest = sorted(({"url": r.get("url", "?").split("?")[0].replace(base, ""), "bytes": r["bytes"],
                       "type": r.get("type", "")} for r in wire.requests.values()), key=lambda r: -r["bytes"])[:8]
    count = len(wire.requests)
    cached = sum(1 for r in wire.requests.values() if r.get("from_cache"))
    page.close()
    return {"seconds": seconds, "complete": complete, "bytes": total, "requests": count, "from_cache": cached,
            "kpi": value, "largest": largest, "errors": errors}


def run_database(key: str, url: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    ensure_users(url)
    first, back, failures = [], [], []
    with gunicorn(url, log=OUT / f"gunicorn-firstload-{key}.log") as (base, _process), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            sign_in(context, base)
            for visits in (first, back):
                try:
                    visits.append(visit(context, base))
                except Exception as exc:  # noqa: BLE001 - a page that never shows its KPIs is a result
                    failures.append(f"{'first' if visits is first else 'return'} visit: {exc.__class__.__name__}: "
                                    f"{str(exc).splitlines()[0]}")
            context.close()
        browser.close()

    def figures(visits: list[dict]) -> dict:
        if not visits:
            return {"median_s": float("nan"), "p95_s": float("nan"), "n": 0, "all_s": [], "bytes": 0, "requests": 0,
                    "from_cache": 0, "largest": [], "kpi": None, "errors": []}
        seconds = [v["seconds"] for v in visits]
        complete = [v["complete"] for v in visits]
        return {"median_s": statistics.median(seconds), "p95_s": percentile(seconds, 0.95), "n": len(seconds),
                "complete_median_s": statistics.median(complete), "complete_p95_s": percentile(complete, 0.95),
                "all_s": seconds, "bytes": statistics.median(v["bytes"] for v in visits),
                "requests": visits[0]["requests"], "from_cache": visits[0]["from_cache"],
                "largest": visits[0]["largest"], "kpi": visits[0]["kpi"],
                "errors": sorted({e for v in visits for e in v["errors"]})}

    server_errors = sum(line.count("Traceback") for line in
                        (OUT / f"gunicorn-firstload-{key}.log").read_text(errors="replace").splitlines())
    return {"db": key, "first": figures(first), "return": figures(back), "failures": failures,
            "server_tracebacks": server_errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["postgresql-10m", "sqlite-10m"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup()
    from bench.scale import url_for

    builds = json.loads((OUT / "builds.json").read_text())
    results = {}
    for key in args.dbs:
        if key not in builds:
            print(f"{key}: not built; skipped", flush=True)
            continue
        backend, size = key.split("-")
        result = run_database(key, url_for(backend, size), args.runs)
        result["rows"] = builds[key]["rows"]
        results[key] = result
        (OUT / "firstload.json").write_text(json.dumps(results, indent=1))
        for kind in ("first", "return"):
            f = result[kind]
            print(f"{key} {kind:<6} median {f['median_s']:.2f} s  p95 {f['p95_s']:.2f} s  n={f['n']}  "
                  f"{f['bytes'] / 1024:.0f} KiB in {f['requests']} requests ({f['from_cache']} from cache)",
                  flush=True)
    results["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    (OUT / "firstload.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
