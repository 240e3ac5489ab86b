"""Mini-Agent's command line: `python manage.py token create|list|revoke` (see --help).

It opens (and migrates) the same database as the app, so it works on a fresh install.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from config import Settings, get_settings
from db import migrate, users
from db.engine import DatabaseUnavailable, make_engine, make_sessionmaker, resolve_database_url


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    """The app's database, migrated to the current schema."""
    engine = make_engine(resolve_database_url(settings))
    migrate.upgrade(engine)
    return make_sessionmaker(engine)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="manage.py", description=__doc__.splitlines()[0])
    groups = top.add_subparsers(dest="group", required=True)
    token = groups.add_parser("token", help="personal API tokens").add_subparsers(
        dest="command", required=True)
    create = token.add_parser("create", help="create a token (printed once, never again)")
    create.add_argument("--user", required=True, metavar="EMAIL",
                        help="the owner (created if new)")
    create.add_argument("--name", default="cli", help="a label to recognise it by")
    token.add_parser("list", help="every token, with its owner and last use")
    revoke = token.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    return top


def run(args: argparse.Namespace, sessions: sessionmaker[Session], out: TextIO) -> int:
    """Carry out one parsed command; the exit status."""
    with sessions() as session:
        if args.command == "create":
            owner = users.get_or_create_user(session, args.user)
            token, raw = users.create_token(session, owner.id, args.name)
            print(f"Token {token.id} “{token.name}” for {owner.email}. Copy it now: it is "
                  "not shown again.", file=out)
            print(raw, file=out)
            return 0
        if args.command == "list":
            rows = users.list_all_tokens(session)
            if not rows:
                print("No tokens yet.", file=out)
            for token, email in rows:
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                state = (f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at
                         else "active")
                print(f"{token.id}\t{email}\t{token.name}\t"
                      f"created {token.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{state}",
                      file=out)
            return 0
        if users.revoke_token(session, None, args.id):
            print(f"Token {args.id} revoked.", file=out)
            return 0
        print(f"No active token {args.id} (see `manage.py token list`).", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        sessions = open_sessions(get_settings())
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    return run(args, sessions, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
