"""Run by ./run.sh before the app: start the database and migrate it, saying so on the terminal.

Prints the address to serve on (MINI_AGENT_HOST) as its last line for run.sh. A database that
cannot be reached is reported here and again, with how to fix it, on every page.
"""

from __future__ import annotations

import sys
import time

from config import get_settings
from db import migrate
from db.engine import DatabaseUnavailable, make_engine, redact, resolve_database_url


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    settings = get_settings()
    started = time.monotonic()
    if settings.database_url:
        say(f"Database: PostgreSQL at {redact(settings.database_url)}")
    else:
        say(f"Starting the embedded PostgreSQL 18 in {settings.data_dir / 'pgdata'}…")
    try:
        url = resolve_database_url(settings)
        engine = make_engine(url)
        say("Applying database migrations…")
        migrate.upgrade(engine)
        engine.dispose()
        say(f"Database ready ({time.monotonic() - started:.1f} s).")
    except DatabaseUnavailable as exc:
        say(f"Database problem: {exc}")
    except Exception as exc:  # the page explains it with how to fix; the app still starts
        say(f"Database problem: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    print(settings.host)
    return 0


if __name__ == "__main__":
    sys.exit(main())
