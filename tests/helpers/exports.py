"""Reading the app's CSV downloads back, checking on the way that a spreadsheet cannot run them."""

from __future__ import annotations

import csv
import io

DANGEROUS = ("=", "+", "-", "@", "\t")  # how a spreadsheet formula (or a DDE call) begins


def csv_rows(data: bytes) -> list[list[str]]:
    """The records of a CSV download, checked to be safe line by line and quoted field by field."""
    text = data.decode("utf-8-sig")
    # Whatever a reader takes for a line break, no line may start the way a formula does.
    for line in text.splitlines():
        assert not line.startswith(DANGEROUS), repr(line)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    requoted = io.StringIO(newline="")
    csv.writer(requoted, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    assert requoted.getvalue() == text  # every field was quoted, nothing else was written
    return rows
