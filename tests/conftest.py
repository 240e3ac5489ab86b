"""Shared fixtures: a real PostgreSQL per test run, a fake LLM server, the app's environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.engine import make_engine, make_sessionmaker, normalize_url, start_embedded
from tests.fake_llm import FakeLLM
from tests.sandbox_probes import targets  # noqa: F401  # the sandbox's fixtures
from tests.sandbox_support import host_env, runner  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("tool_calls", "uploads", "interactions", "conversations")


def server_url() -> str:
    """TEST_DATABASE_URL when set (CI's PostgreSQL 15), else the embedded server."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return normalize_url(configured)
    return start_embedded(ROOT / ".mini-agent-test")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this test run, so parallel runs never share tables."""
    base = make_url(server_url())
    name = f"mini_agent_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The test database, migrated to head by the real Alembic migrations."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on empty tables: every test starts from a clean database."""
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        # Users other than the local one (migration 0006) and every token go too.
        connection.execute(text("TRUNCATE api_tokens RESTART IDENTITY"))
        connection.execute(text("DELETE FROM users WHERE id <> 1"))
    return make_sessionmaker(engine)


@pytest.fixture(scope="session")
def fake_llm_server() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLM) -> FakeLLM:
    """The fake OpenAI-compatible server, with an empty script queue."""
    fake_llm_server.reset()
    return fake_llm_server


@pytest.fixture
def app_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, sessions: sessionmaker[Session],
    fake_llm: FakeLLM,
) -> FakeLLM:
    """The environment the app reads: the test database and the fake model server."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MINI_AGENT_MODEL", "openai/fake")
    monkeypatch.setenv("MINI_AGENT_MODELS", "openai/fake,openai/other")
    monkeypatch.setenv("MINI_AGENT_API_BASE", fake_llm.api_base)
    monkeypatch.setenv("MINI_AGENT_MAX_RETRIES", "1")
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "MINI_AGENT_CONTEXT_TOKENS"):
        monkeypatch.delenv(key, raising=False)
    return fake_llm


DB_FIXTURES = {"database_url", "engine", "sessions", "app_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches PostgreSQL, so CI can rerun them on another server."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
