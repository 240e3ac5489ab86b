"""Migration 0006: users and tokens, every row owned by a user, rollups keyed by user."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from db import migrate
from db.engine import make_engine
from db.models import Base
from tests.test_migrations import scratch_url  # noqa: F401 - a fixture

OWNED = ("conversations", "interactions", "uploads", "tool_calls")


def test_existing_rows_go_to_the_local_user_and_rollups_are_kept_per_user(
    scratch_url: str,  # noqa: F811
) -> None:
    engine = make_engine(scratch_url)
    migrate.upgrade(engine, "0004_history")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO conversations (title) VALUES ('old');"
            "INSERT INTO interactions (conversation_id, model, prompt, status, latency_ms) "
            "VALUES (1, 'm', 'hello', 'ok', 120), (1, 'm', 'again', 'error', 50);"
            "INSERT INTO tool_calls (interaction_id, step, name) VALUES (1, 1, 'run_python');"
            "INSERT INTO uploads (name, kind, size_bytes, sha256) VALUES ('a.csv', 'csv', 1, 'x')"
        ))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT id, email FROM users")).all() == [
            (1, "local@mini-agent")]
        for table in OWNED:
            owners = connection.execute(text(f"SELECT DISTINCT user_id FROM {table}")).all()
            assert owners == [(1,)], table
        assert connection.execute(text(
            "SELECT user_id, sum(n) FROM interaction_rollup GROUP BY 1")).all() == [(1, 2)]
        connection.execute(text("INSERT INTO users (email) VALUES ('b@example.com')"))
        connection.execute(text(
            "INSERT INTO interactions (user_id, model, prompt, status, latency_ms) "
            "VALUES (2, 'm', 'mine', 'ok', 80)"))
        rollup = connection.execute(text(
            "SELECT user_id, sum(n) FROM interaction_rollup GROUP BY 1 ORDER BY 1")).all()
        latency = connection.execute(text(
            "SELECT user_id, sum(n) FROM interaction_latency_rollup GROUP BY 1 ORDER BY 1"
        )).all()
        source = connection.execute(text("SELECT DISTINCT source FROM interactions")).all()
    assert rollup == [(1, 2), (2, 1)] and latency == [(1, 2), (2, 1)]
    assert source == [("app",)]
    engine.dispose()


def test_downgrade_puts_the_single_user_rollups_back(scratch_url: str) -> None:  # noqa: F811
    engine = make_engine(scratch_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO users (email) VALUES ('b@example.com')"))
        connection.execute(text(
            "INSERT INTO interactions (user_id, model, prompt, status) VALUES "
            "(1, 'm', 'a', 'ok'), (2, 'm', 'b', 'ok')"))
    migrate.downgrade(engine, "0004_history")
    assert "users" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        assert connection.execute(text("SELECT sum(n) FROM interaction_rollup")).scalar() == 2
        connection.execute(text(
            "INSERT INTO interactions (model, prompt, status) VALUES ('m', 'c', 'ok')"))
        assert connection.execute(text("SELECT sum(n) FROM interaction_rollup")).scalar() == 3
    engine.dispose()


def test_models_match_the_migrated_schema(scratch_url: str) -> None:  # noqa: F811
    engine = make_engine(scratch_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_server_default": False})
        diff = compare_metadata(context, Base.metadata)
    # Migration 0004's rollup tables, search vector and its indexes are read by Core
    # queries only, so the ORM models leave them out.
    only_sql = {"interaction_rollup", "interaction_latency_rollup", "search_vector",
                "ix_interactions_fts", "ix_interactions_status_created_at"}
    diff = [d for d in diff if not any(name in str(getattr(x, "name", x)) or
                                       name in str(getattr(getattr(x, "table", None), "name", ""))
                                       for x in d[1:] for name in only_sql)]
    assert diff == []
    engine.dispose()
