"""Alembic environment: uses a connection handed in by db.migrate, or the URL in the config."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, text

from db.models import Base

config = context.config
target_metadata = Base.metadata
# Any number of app processes may start at once; one migrates, the others wait.
MIGRATION_LOCK_KEY = 7_311_015


def run_migrations(connection) -> None:
    """Migrate under an advisory lock so concurrent starts do not race."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def url_from_environment() -> str:
    """`alembic upgrade head` by hand: the app's own settings decide the database."""
    from config import Settings
    from db.engine import resolve_database_url

    return resolve_database_url(Settings())


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("ALEMBIC_URL")
    engine = create_engine(url or url_from_environment())
    with engine.begin() as conn:
        run_migrations(conn)
    engine.dispose()
