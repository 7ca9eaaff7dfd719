"""``python -m db``: create or migrate the schema (``upgrade``), print its revision (``current``),
and rebuild the marts from the facts (``rebuild-marts``).

Exit status: 0 on success, 1 when the database failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from db.engine import get_engine
from db.migrate import current_revision, upgrade
from domain.vocabulary import YEAR_MAX, YEAR_MIN


def _fiscal_year(value: str) -> int:
    """``--year``: a fiscal year the facts can hold (argparse turns the error into exit 2)."""
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {value!r}") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise argparse.ArgumentTypeError(f"{year} is not a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    return year


def _rebuild_marts(url: str, year: int | None) -> None:
    """Rebuild the marts in one transaction and say how many rows each holds now."""
    from db.marts import rebuild_marts

    with get_engine().begin() as conn:
        rows = rebuild_marts(conn, year)
    scope = f"fiscal year {year}" if year is not None else "every fiscal year"
    print(f"database {url}: marts rebuilt from the facts for {scope}")
    for mart, count in rows.items():
        print(f"  {mart}: {count:,} rows")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description="PIB Dashboard database")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    sub.add_parser("current", help="print the schema revision")
    rebuild = sub.add_parser("rebuild-marts", help="rebuild the budget, budget item and indicator marts "
                             "from the facts, in one transaction")
    rebuild.add_argument("--year", type=_fiscal_year, help="only this fiscal year (default: every year)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    url = get_engine().url.render_as_string(hide_password=True)
    try:
        if args.command == "upgrade":
            added = upgrade()
            seeded = ", ".join(f"{n} {level}" for level, n in added.items() if n) or "nothing new"
            print(f"database {url}: schema at {current_revision()}; units added: {seeded}")
        elif args.command == "rebuild-marts":
            _rebuild_marts(url, args.year)
        else:
            print(current_revision() or "(empty)")
    except (SQLAlchemyError, OSError, ValueError) as exc:  # unreachable server, bad URL, no permission
        print(f"{url}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
