"""``make bench``: every benchmark in turn, then bench/RESULTS.md.

    python -m bench [--skip etl load ...] [--only latency report]

Steps: scale (build or reuse the 1M and 10M databases), etl (ETL speed; its output is kept in
bench/out/etl.txt), latency (callbacks at scale), firstload (Chromium), costing (a scenario's
computation, and the /costing page's callbacks at 10M rows), load (Locust on gunicorn: 200 users
over every role on the 1M databases, a workbook loaded meanwhile, the writes counted, three runs for
the workers' memory), submission (one-line saves of a 3,000-line submission), slow_link (first
visits of the overview, /open and a director's scorecard over Chromium's emulated 1.6 Mbit/s,
150 ms link), report. Each step is its own process, so that one Dash app is built per process.
"""

import argparse
import subprocess
import sys

from bench.env import OUT, setup

STEPS = {
    "scale": ["bench.scale"],
    "etl": ["bench.etl", "--repeat", "3"],  # the best of three: other work on the machine only adds time
    "latency": ["bench.latency"],
    "firstload": ["bench.firstload"],
    "costing": ["bench.costing"],  # 25 provinces × 5 years × 5 benefits: the formula, then the page's callbacks
    "load": ["bench.load"],  # round two: --users 200 --seconds 240 --passes 3 on postgresql-1m and sqlite-1m
    "submission": ["bench.submission"],
    "slow_link": ["bench.slow_link"],  # the overview, /open and a scorecard at 1.6 Mbit/s, 150 ms (demo data)
    "report": ["bench.report"],
}

parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
parser.add_argument("--skip", nargs="*", default=[], choices=list(STEPS))
parser.add_argument("--only", nargs="*", default=None, choices=list(STEPS))
args = parser.parse_args()
setup()
for step, module in STEPS.items():
    if step in args.skip or (args.only is not None and step not in args.only):
        continue
    print(f"== {step}", flush=True)
    if step == "etl":
        done = subprocess.run([sys.executable, "-m", *module], check=True, capture_output=True, text=True)
        print(done.stdout, end="", flush=True)
        (OUT / "etl.txt").write_text(done.stdout, encoding="utf-8")
    else:
        subprocess.run([sys.executable, "-m", *module], check=True)
