"""Migration 0004: up from an empty database, down to base, and up again."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, inspect, make_url, text

from db import migrate
from db.engine import make_engine


def test_the_history_migration_upgrades_from_empty_and_downgrades_to_base(
    database_url: str,
) -> None:
    base = make_url(database_url)
    name = f"mini_agent_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"interaction_rollup", "interaction_latency_rollup"} <= tables
        migrate.downgrade(engine, "0003_tool_calls")
        assert "interaction_rollup" not in inspect(engine).get_table_names()
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert "interaction_rollup" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
