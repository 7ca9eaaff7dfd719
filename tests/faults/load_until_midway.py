"""Run by the SIGKILL test as its own process: load a file and, once its rows are written but
before the transaction commits, say so and wait to be killed."""

import sys
import time

from etl.load import load_file


def _wait_when_written(_fraction: float, message: str) -> None:
    if message in ("writing", "refreshing marts"):
        print("midway", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    load_file(sys.argv[1], url=sys.argv[2], progress=_wait_when_written)
    print("finished", flush=True)
