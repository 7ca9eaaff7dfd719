"""``python -m auth``: manage users and API tokens from the command line (README.md).

Exit status: 0 on success, 1 when the change was refused, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from auth import users
from db.engine import session_scope
from domain.access import ROLES


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != first:
            raise users.UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auth", description="PIB Dashboard users")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-user", help="create a user; the password is read from stdin")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--province", help="two-digit province code, for provincial_director")
    create.add_argument("--full-name", default="")
    create.add_argument("--language", default="en", choices=("en", "km"))
    token = sub.add_parser("create-token", help="print a new API token for a user")
    token.add_argument("name")
    revoke = sub.add_parser("revoke-tokens", help="revoke every API token of a user")
    revoke.add_argument("name")
    for verb in ("disable", "enable"):
        sub.add_parser(verb, help=f"{verb} a user").add_argument("name")
    role = sub.add_parser("set-role", help="change a user's role; the user's sessions end")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--province", help="two-digit province code, for provincial_director")
    password = sub.add_parser("set-password", help="replace a password (read from stdin)")
    password.add_argument("name")
    sub.add_parser("list", help="list users")
    sub.add_parser("demo-users", help="create one demo user per role if there are no users")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0

    if args.command == "demo-users":
        return _demo_users()
    try:
        with session_scope() as session:
            if args.command == "create-user":
                user = users.create_user(
                    session, args.name, _read_password(), args.role, province=args.province,
                    full_name=args.full_name, language=args.language,
                )
                where = f" {user.province_code}" if user.province_code else ""
                print(f"created {user.username} ({user.role}{where})")
            elif args.command == "create-token":
                print(users.create_token(session, args.name))
            elif args.command == "revoke-tokens":
                print(f"revoked {users.revoke_tokens(session, args.name)} token(s) of {args.name}")
            elif args.command in ("disable", "enable"):
                users.set_active(session, args.name, args.command == "enable", by="system")
                print(f"{args.name} {args.command}d")
            elif args.command == "set-role":
                user = users.set_role(session, args.name, args.role, province=args.province,
                                      by="system")
                where = f" {user.province_code}" if user.province_code else ""
                print(f"{user.username} is now {user.role}{where}")
            elif args.command == "set-password":
                users.set_password(session, args.name, _read_password(), by="system")
                print(f"password of {args.name} changed")
            else:
                from sqlalchemy import select

                from db.models import User

                print("user\trole\tprovince\tstate\tcreated\tcreated by")
                for user in session.scalars(select(User).order_by(User.username)):
                    state = "active" if user.active else "disabled"
                    created = user.created_at.strftime("%Y-%m-%d %H:%M")
                    print(f"{user.username}\t{user.role}\t{user.province_code or '-'}\t{state}"
                          f"\t{created}\t{user.created_by}")
    except users.UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _demo_users() -> int:
    from auth.demo_users import DEMO_USERS, ensure_demo_users

    created = ensure_demo_users()
    if created:
        print("Demo sign-ins (shown once; only their hashes are stored):")
        for username, password, role, province in created:
            where = f" {province}" if province else ""
            print(f"  {username:<12} {password:<16} {role}{where}")
    else:
        names = ", ".join(name for name, *_ in DEMO_USERS)
        print(f"Users exist already (demo users: {names}); their passwords were printed on the "
              "first run. Reset one with: python -m auth set-password NAME")
    return 0


if __name__ == "__main__":
    sys.exit(main())
