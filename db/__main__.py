"""``python -m db upgrade``: create or migrate the schema (DESIGN section 10)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from db.engine import get_engine
from db.migrate import current_revision, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description="PIB Dashboard database")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    sub.add_parser("current", help="print the schema revision")
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
        else:
            print(current_revision() or "(empty)")
    except (SQLAlchemyError, OSError, ValueError) as exc:  # unreachable server, bad URL, no permission
        print(f"{url}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
