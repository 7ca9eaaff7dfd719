"""``make bench``: every benchmark in turn (ETL speed, then callback latency on PIB_DATABASE_URL)."""

import subprocess
import sys

for module in ("bench.etl", "bench.callbacks"):
    subprocess.run([sys.executable, "-m", module], check=True)
