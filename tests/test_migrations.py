"""The Alembic migrations, run for real on a scratch database."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from db import migrate
from db.engine import make_engine
from tests.conftest import ROOT


@pytest.fixture
def scratch_url(database_url: str) -> Iterator[str]:
    """An empty database beside the test one."""
    base = make_url(database_url)
    name = f"mini_agent_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_upgrade_from_empty_gives_the_contracted_schema(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    migrate.upgrade(engine)
    assert {"id", "title", "created_at", "updated_at"} <= columns(engine, "conversations")
    assert {
        "id", "conversation_id", "created_at", "model", "prompt", "response", "status", "error",
        "prompt_tokens", "completion_tokens", "cost_usd", "latency_ms", "first_token_ms",
    } <= columns(engine, "interactions")
    assert {"id", "name", "kind", "size_bytes", "sha256", "created_at", "summary"} <= columns(
        engine, "uploads")
    indexes = {tuple(i["column_names"]) for i in inspect(engine).get_indexes("interactions")}
    assert ("created_at",) in indexes and ("model", "created_at") in indexes
    with engine.begin() as connection, pytest.raises(Exception, match="status_check"):
        connection.execute(text(
            "INSERT INTO interactions (model, prompt, status) VALUES ('m', 'p', 'weird')"))
    engine.dispose()


def test_downgrade_to_base_removes_every_table(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "interactions" in inspect(engine).get_table_names()
    engine.dispose()


def test_alembic_upgrade_head_works_by_hand(scratch_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, capture_output=True,
        text=True, env={"DATABASE_URL": scratch_url, "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(scratch_url)
    assert "interactions" in inspect(engine).get_table_names()
    engine.dispose()
