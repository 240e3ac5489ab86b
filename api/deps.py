"""What the routes need, opened once when the server starts: settings, database, LLM client."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.llm import LLMClient, make_client
from api.token_cache import TokenCache
from config import Settings, get_settings
from db import migrate
from db.engine import (
    DatabaseUnavailable,
    make_engine,
    make_sessionmaker,
    redact,
    resolve_database_url,
)

log = logging.getLogger(__name__)


@dataclass
class Deps:
    """Filled by `open_deps` at start; `problem` says why the API cannot serve (no database)."""

    settings: Settings | None = None
    engine: Engine | None = None
    sessions: sessionmaker[Session] | None = None
    llm: LLMClient | None = None
    problem: str | None = "The server is still starting."
    tokens: TokenCache = field(default_factory=TokenCache)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def open_deps(deps: Deps) -> None:
    """Resolve, connect and migrate the database; a failure leaves the pages to explain it."""
    try:
        settings = get_settings()
    except ValidationError as exc:  # the pages show the same error; the server keeps running
        log.error("the HTTP API cannot read its settings: %s", exc)
        deps.problem = f"The server's settings are invalid: {exc.errors()[0]['msg']}"
        return
    deps.settings, deps.llm = settings, make_client(settings)
    try:
        url = resolve_database_url(settings)
        engine = make_engine(url)
        migrate.upgrade(engine)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        log.error("the HTTP API has no database: %s", exc)
        deps.problem = f"The database is unavailable: {str(exc).splitlines()[0]}"
        return
    log.info("HTTP API ready on %s", redact(url))
    deps.engine, deps.sessions, deps.problem = engine, make_sessionmaker(engine), None
