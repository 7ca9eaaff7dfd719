"""``python -m etl``: load, template, demo, history (README.md).

Exit status: 0 on success, 1 when anything was rejected, 2 on a usage error. Problems go to
standard error, one a line, as ``FILE:SHEET:ROW:COLUMN: message``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from db import audit


class Bar:
    """A progress bar on a terminal (nothing when output is redirected)."""

    def __init__(self, label: str, stream=sys.stderr) -> None:
        self.label = label
        self.stream = stream
        self.active = stream.isatty()
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if not self.active or (time.monotonic() - self.last < 0.2 and fraction < 1):
            return
        self.last = time.monotonic()
        filled = int(30 * fraction)
        self.stream.write(f"\r{self.label[:40]:<40} [{'#' * filled}{'.' * (30 - filled)}] "
                          f"{fraction * 100:3.0f}% {message:<18}")
        self.stream.flush()

    def done(self) -> None:
        if self.active:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


REFUSED = object()  # --as named nobody who may act: a usage error


def _actor(username: str | None):
    """The ``Actor`` of ``--as USER``: None without it, ``REFUSED`` (said on stderr) for an unknown
    or disabled user."""
    if username is None:
        return None
    from etl.submission_workbook import UnknownUser, actor_for

    try:
        return actor_for(username)
    except UnknownUser as refusal:
        print(f"--as: {refusal}", file=sys.stderr)
        return REFUSED


def _read_for_detection(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError:
        return b""  # the loader reports a file it cannot open


def cmd_load(args: argparse.Namespace) -> int:
    from etl.limits import cap_memory, load_within_limits
    from etl.process_settings import bulk_process_settings
    from etl.submission_workbook import detect

    # The files are untrusted: the process is capped as a Data page job is (PIB_LOAD_MEMORY_MB),
    # and takes its turn among the machine's loads (PIB_MAX_CONCURRENT_LOADS).
    cap_memory()
    actor = _actor(args.as_user)
    if actor is REFUSED:
        return 2
    # A submission workbook is written with the rights of a person: which files are ones is known
    # before anything is loaded, so that a missing --as loads nothing at all.
    submissions = {}
    for name in args.files:
        sheets = detect(_read_for_detection(name), Path(name).name) if name.lower().endswith(".xlsx") else None
        if sheets is not None:
            submissions[name] = sheets
    if submissions and actor is None:
        for name in submissions:
            print(f"{Path(name).name}: a submission workbook is loaded as a person: add --as USER (the user whose "
                  "rights apply and who is recorded as its author)", file=sys.stderr)
        return 2
    failed = False
    for name in args.files:
        bar = Bar(Path(name).name)

        def waiting(shown: str = Path(name).name) -> None:
            print(f"{shown}: waiting for another load to finish", file=sys.stderr, flush=True)

        if name in submissions:
            report = _load_submission(name, submissions.pop(name), actor, args, waiting)
        elif actor is not None and not actor.scope.can_load:
            print(f"{Path(name).name}: {actor.scope.username} may not load workbooks (the budget unit does); "
                  "not loaded", file=sys.stderr)
            failed = True
            continue
        else:
            loaded_by = actor.scope.username if actor is not None else audit.SYSTEM_USER
            # This process exists to load: the loader's speed settings are ours to set.
            with bulk_process_settings():
                report = load_within_limits(name, dry_run=args.dry_run, loaded_by=loaded_by, progress=bar,
                                            waiting=waiting, replace=args.replace)
        bar.done()
        for problem in report.problems:
            print(problem.render(), file=sys.stderr)
        print(report.summary())
        for line in report.replacement_lines():
            print(line)
        failed |= report.status in ("rejected", "failed")
    return 1 if failed else 0


def _load_submission(name: str, sheets, actor, args: argparse.Namespace, waiting):
    from etl.submission_workbook import load_within_limits

    return load_within_limits(name, actor=actor, dry_run=args.dry_run, sheets=sheets, waiting=waiting)


def cmd_template(args: argparse.Namespace) -> int:
    from etl.template import KINDS, write_template

    if args.kind not in KINDS:
        print(f"unknown template {args.kind!r}: expected one of {', '.join(KINDS)}", file=sys.stderr)
        return 2
    if args.kind != "submission":
        if args.year is not None or args.as_user is not None:
            print("--year and --as are for the submission workbook only", file=sys.stderr)
            return 2
        write_template(args.kind, Path(args.out))
        print(f"wrote {args.out}")
        return 0
    from etl.submission_workbook import NoSubmission

    if args.year is None:
        print("the submission workbook is of one year: add --year YYYY", file=sys.stderr)
        return 2
    actor = _actor(args.as_user)
    if actor is REFUSED:
        return 2
    try:
        lines, targets = write_template("submission", Path(args.out), year=args.year,
                                        scope=actor.scope if actor else None)
    except NoSubmission as missing:
        print(str(missing), file=sys.stderr)
        return 2
    print(f"wrote {args.out}: the submission of {args.year}, {lines:,} line(s) and {targets:,} target(s)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from db.engine import session_scope
    from db.models import BudgetFact
    from etl.demo import write_demo
    from etl.load import load_file
    from etl.process_settings import bulk_process_settings

    if args.if_empty:
        with session_scope() as session:
            if session.scalar(select(func.count()).select_from(BudgetFact)):
                print("the database holds data already; demo not loaded")
                return 0
    files = write_demo(Path(args.out), scale=args.scale)
    rejected = 0
    started = time.monotonic()
    for index, path in enumerate(files, 1):
        bar = Bar(f"{index}/{len(files)} {path.name}")
        with bulk_process_settings():
            report = load_file(path, loaded_by=audit.SYSTEM_USER, progress=bar)
        bar.done()
        if report.status == "rejected":
            rejected += 1
            for problem in sorted(report.problems, key=lambda p: p.severity != "error")[:20]:
                print(problem.render(), file=sys.stderr)
        print(report.summary())
    print(f"demo: {len(files)} files in {time.monotonic() - started:.1f} s, {rejected} rejected")
    if rejected:
        return 1
    from etl.demo_submission import open_demo_submission

    opened = open_demo_submission()
    if opened is not None:
        print(f"demo: next year's submission (id {opened}) taken round the budget cycle: version 2 submitted to "
              "MEF, one question still open, some deviations explained")
    return 0


def cmd_history(_args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import LoadBatch
    from etl.clean import clean_file_name

    with session_scope() as session:
        batches = session.scalars(select(LoadBatch).order_by(LoadBatch.id)).all()
        print("id\twhen\twho\tfile\tchecksum\tkind\tscope\trows\tstatus")
        for b in batches:
            status = b.status + (f" (by {b.superseded_by})" if b.superseded_by else "")
            if b.partly_replaced_by:
                status += f" (partly replaced by {b.partly_replaced_by.replace(',', ', ')})"
            # Names stored before they were cleaned on loading may still hold terminal escapes.
            name = clean_file_name(b.file_name)
            print(f"{b.id}\t{b.loaded_at:%Y-%m-%d %H:%M:%S}\t{b.loaded_by}\t{name}\t{b.checksum[:12]}\t"
                  f"{b.kind}\t{b.scope_key}\t{b.row_count}\t{status}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="PIB Dashboard data loading")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="validate and load workbooks")
    load.add_argument("files", nargs="+")
    load.add_argument("--dry-run", action="store_true",
                      help="validate only, and list the (entity, period) a load would replace")
    load.add_argument("--replace", action="store_true",
                      help="confirm replacements that take away more than half of an (entity, period)'s "
                           "rows, revised budget or payments")
    load.add_argument("--as", dest="as_user", metavar="USER",
                      help="load as this user, with that user's rights, recorded as the author; required for a "
                           "submission workbook")
    template = sub.add_parser("template", help="write a template workbook")
    template.add_argument("kind", help="execution, indicators, reference or submission")
    template.add_argument("out")
    template.add_argument("--year", type=int, help="submission: the fiscal year of the submission to write")
    template.add_argument("--as", dest="as_user", metavar="USER",
                          help="submission: write what this user reads (a director: his or her province)")
    demo = sub.add_parser("demo", help="write and load the synthetic demo data set")
    demo.add_argument("--scale", type=int, default=1)
    demo.add_argument("--out", default="instance/demo-data")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no facts")
    sub.add_parser("history", help="list load batches")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.command == "demo" and args.scale < 1:
        print("--scale must be 1 or more", file=sys.stderr)
        return 2
    handler = {"load": cmd_load, "template": cmd_template, "demo": cmd_demo, "history": cmd_history}
    return handler[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
