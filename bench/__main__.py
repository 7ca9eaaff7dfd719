"""``make bench``: every benchmark in turn."""

import subprocess
import sys

for module in ("bench.etl",):
    subprocess.run([sys.executable, "-m", module], check=True)
