"""Known interactions for the History tests, written by plain SQL (as an import would)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)

ROWS: list[dict[str, Any]] = [
    # hours ago, model, status, prompt, response, error, ptok, ctok, cost, latency, first token
    dict(ago=1, model="gpt-a", status="ok", prompt="How do I rebuild the docker cache?",
         response="Use `docker build --no-cache`.", error=None, pt=10, ct=20, cost=0.002,
         lat=900, ftl=120),
    dict(ago=5, model="gpt-a", status="error", prompt="Explain python generators",
         response=None, error="RateLimitError: slow down", pt=None, ct=None, cost=None,
         lat=300, ftl=None),
    dict(ago=30, model="gpt-b", status="ok", prompt="Write a SQL join for orders",
         response="SELECT * FROM orders JOIN customers USING (id);", error=None, pt=40, ct=60,
         cost=None, lat=2500, ftl=400),
    dict(ago=80, model="gpt-b", status="stopped", prompt="=HYPERLINK(\"http://x\") quarterly",
         response="partial answer about spreadsheets", error=None, pt=5, ct=3, cost=0.0001,
         lat=150, ftl=90),
    dict(ago=200, model="gpt-a", status="ok", prompt="Rust borrow checker explained",
         response="Ownership rules: one mutable borrow at a time.", error=None, pt=30, ct=90,
         cost=0.01, lat=4000, ftl=600),
    dict(ago=500, model="gpt-b", status="error", prompt="Summarise the zebra migration log",
         response=None, error="Timeout: no answer in 60 s", pt=12, ct=0, cost=0.0,
         lat=60000, ftl=None),
    dict(ago=900, model="gpt-a", status="pending", prompt="Deploy notes for kubernetes",
         response=None, error=None, pt=None, ct=None, cost=None, lat=None, ftl=None),
    dict(ago=2000, model="gpt-c", status="ok", prompt="The docker compose file for postgres",
         response="services:\n  db:\n    image: postgres", error=None, pt=25, ct=35,
         cost=0.004, lat=1200, ftl=200),
]

INSERT = text(
    "INSERT INTO interactions (conversation_id, created_at, model, prompt, response, status, "
    "error, prompt_tokens, completion_tokens, cost_usd, latency_ms, first_token_ms) VALUES "
    "(:conversation, :created_at, :model, :prompt, :response, :status, :error, :pt, :ct, "
    ":cost, :lat, :ftl) RETURNING id"
)
FIELDS = ("model", "prompt", "response", "status", "error", "pt", "ct", "cost", "lat", "ftl")


def seed(sessions: sessionmaker[Session], rows: list[dict[str, Any]] = ROWS) -> list[int]:
    """Insert `rows` alternately into two conversations; return their ids in order."""
    with sessions() as session:
        conversations = session.execute(text(
            "INSERT INTO conversations (title) VALUES ('one'), ('two') RETURNING id"
        )).scalars().all()
        ids = [
            session.execute(INSERT, {
                **{key: row[key] for key in FIELDS},
                "created_at": NOW - timedelta(hours=row["ago"]),
                "conversation": conversations[i % 2],
            }).scalar_one()
            for i, row in enumerate(rows)
        ]
        session.commit()
    return ids
