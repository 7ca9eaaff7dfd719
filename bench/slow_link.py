"""First visits over a slow link: the overview, ``/open`` and a director's scorecard in Chromium
with its network emulated at 1.6 Mbit/s down, 750 kbit/s up and 150 ms round trip.

    python -m bench.slow_link [--db sqlite-demo] [--runs 3]

A slow link is about bytes and round trips, not about the size of the database: the demo data
set (``sqlite-demo``, built by ``bench.load.source_url`` when missing) serves every page; the
10M-row databases add server time that ``bench.firstload`` measures without the emulation.
Before the visits, the benchmark users are created (``bench.latency.ensure_users``) and the
periods that ``bench.load`` publishes are published, so that ``/open`` has something to show.

The app runs under gunicorn (as in production). For each page and run, a new browser context
(an empty HTTP cache), signed in beforehand through the login form with Playwright's request
API (which loads nothing into the browser's cache) as the page's user, or anonymous for
``/open``; then a new page with CDP ``Network.emulateNetworkConditions`` on, and
``page.goto``. Interactive means:

* overview (``/``, the budget unit): ``#kpi-revised-value`` holds text and the programme bars
  and the tile map are drawn (``bench.firstload.CHARTS``);
* ``/open`` (nobody signed in): the ``load`` event (the page is server-rendered, with no
  script: every stylesheet, font and image is in) and its indicator table is there;
* scorecard (``/scorecard/07``, the director of 07): ``#scorecard-score-value`` holds text and
  the budget bars and the quadrant's points are drawn.

Bytes are the compressed bytes on the wire (CDP ``Network.loadingFinished.encodedDataLength``)
until the network is idle. Results go to ``bench/out/slow_link.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.env import OUT, gunicorn, setup
from bench.firstload import ARGS, CHARTS, CHROMIUM, KPI, Wire, sign_in
from bench.latency import ensure_users

# Chromium's own presets call 1.6 Mbit/s with 150 ms "Fast 3G"-like; the bar names them.
LATENCY_MS = 150
DOWN_BPS = 1.6e6 / 8  # bytes per second
UP_BPS = 750e3 / 8
BAR_SECONDS = 4.0
BAR_BYTES = 800_000
# name → (path, user or None for anonymous, element whose text shows it is ready, charts drawn)
PAGES = {
    "overview": ("/", "bench-budget", KPI, CHARTS),
    "open": ("/open", None, "#indicator-table", ()),
    "scorecard": ("/scorecard/07", "bench-dir07", "#scorecard-score-value",
                  ("#scorecard-budget .hc-bar-paid", "#scorecard-quadrant .hc-dot")),
}


def stage(url: str) -> list[list]:
    """The benchmark users, and the periods ``bench.load`` publishes (when not published yet)."""
    from sqlalchemy import select

    from bench.load import PUBLISHED
    from db import publications
    from db.engine import session_scope
    from db.models import Publication, User
    from db.submissions import Actor
    from domain.access import Scope

    ensure_users(url)
    with session_scope(url) as session:
        budget = Actor(Scope.for_user(session.scalar(select(User).where(User.username == "bench-budget"))),
                       address="bench")
        for year, period in PUBLISHED:
            if session.get(Publication, (year, period)) is None:
                publications.publish(session, budget, year, period)
    return [list(p) for p in PUBLISHED]


def emulate(wire: Wire) -> None:
    """The slow link, on the page's own CDP session (the one that counts its bytes)."""
    wire.cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS, "downloadThroughput": DOWN_BPS, "uploadThroughput": UP_BPS})


def visit(context, base: str, name: str) -> dict:
    """One first visit of page ``name``: seconds until interactive, bytes, requests, largest."""
    path, _user, ready, charts = PAGES[name]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    wire = Wire(page)
    emulate(wire)
    started = time.perf_counter()
    page.goto(f"{base}{path}", wait_until="load" if name == "open" else "commit", timeout=120_000)
    page.wait_for_function(f"() => {{ const e = document.querySelector('{ready}');"
                           " return e && e.textContent.trim().length > 0; }", timeout=120_000)
    for chart in charts:
        page.wait_for_selector(chart, timeout=120_000)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle", timeout=120_000)  # the rest of the view: bytes of the whole visit
    idle = time.perf_counter() - started
    resources = [{"url": r.get("url", "?").split("?")[0].replace(base, ""), "bytes": r["bytes"],
                  "type": r.get("type", "")} for r in wire.requests.values()]
    page.close()
    return {"seconds": seconds, "idle_s": idle, "bytes": wire.total(), "requests": len(resources),
            "largest": sorted(resources, key=lambda r: -r["bytes"])[:10], "errors": errors}


def run(url: str, runs: int, log_name: str) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with gunicorn(url, log=OUT / log_name) as (base, _process), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (_path, user, _ready, _charts) in PAGES.items():
            visits, failures = [], []
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                if user:
                    sign_in(context, base, user)
                try:
                    visits.append(visit(context, base, name))
                except Exception as exc:  # noqa: BLE001 - a page that never becomes interactive is a result
                    failures.append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")
                context.close()
            seconds = [v["seconds"] for v in visits]
            results[name] = {
                "path": PAGES[name][0], "user": user or "anonymous", "n": len(visits), "all_s": seconds,
                "median_s": statistics.median(seconds) if seconds else None, "max_s": max(seconds, default=None),
                "idle_median_s": statistics.median(v["idle_s"] for v in visits) if visits else None,
                "bytes": statistics.median(v["bytes"] for v in visits) if visits else None,
                "requests": visits[0]["requests"] if visits else None,
                "largest": visits[0]["largest"] if visits else [],
                "errors": sorted({e for v in visits for e in v["errors"]}), "failures": failures}
            r = results[name]
            if visits:
                print(f"{name:<10} median {r['median_s']:.2f} s  max {r['max_s']:.2f} s  n={r['n']}  "
                      f"{r['bytes'] / 1000:.0f} kB in {r['requests']} requests", flush=True)
            else:
                print(f"{name:<10} failed: {failures}", flush=True)
        browser.close()
    tracebacks = (OUT / log_name).read_text(errors="replace").count("Traceback")
    return {"pages": results, "server_tracebacks": tracebacks}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite-demo", help="a database bench.load knows (default: the demo)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="slow_link.json", help="file name in bench/out")
    args = parser.parse_args()
    setup()
    from bench.load import source_url

    url = source_url(args.db)
    if url is None:
        raise SystemExit(f"{args.db}: not built (python -m bench.scale)")
    published = stage(url)
    before = os.getloadavg()
    result = run(url, args.runs, f"gunicorn-slow-link-{args.db}.log")
    result.update(db=args.db, published=published, runs=args.runs, latency_ms=LATENCY_MS,
                  down_bytes_per_s=DOWN_BPS, up_bytes_per_s=UP_BPS, bar_s=BAR_SECONDS, bar_bytes=BAR_BYTES,
                  load_average={"before": list(before), "after": list(os.getloadavg())},
                  measured_at=time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    (OUT / args.out).write_text(json.dumps(result, indent=1))
    print(f"load average (1 min) {before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; wrote {OUT / args.out}",
          flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
