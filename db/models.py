"""The schema, as SQLAlchemy 2 typed models; table and column names are a public contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The user every row belongs to unless a writer names another (migration 0006 creates it).
LOCAL_USER_ID = 1
# Where an interaction came from: the app's pages, or the HTTP API.
SOURCES = ("app", "api")
# Every status a turn can end in (and `pending` until it does), in the order users see them.
STATUSES = ("ok", "error", "stopped", "pending")


class Base(DeclarativeBase):
    """Declarative base for every table."""


def owner_column(*, index: bool = False) -> Mapped[int]:
    """`user_id`: the owning user, the local user unless the writer says otherwise."""
    return mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"),
        server_default=text(str(LOCAL_USER_ID)), index=index,
    )


class User(Base):
    """Someone who signs in (or the one local user when auth is off)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ApiToken(Base):
    """A personal API token; only the SHA-256 of the raw token is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Conversation(Base):
    """A chat thread; its title comes from its first prompt."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_id_updated_at", "user_id", "updated_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = owner_column()
    title: Mapped[str] = mapped_column(Text, default="New chat")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    interactions: Mapped[list[Interaction]] = relationship(
        back_populates="conversation", passive_deletes=True, order_by="Interaction.id"
    )


class Interaction(Base):
    """One chat turn: the prompt, the reply and what it cost."""

    __tablename__ = "interactions"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in STATUSES)})",
            name="interactions_status_check",
        ),
        Index("ix_interactions_created_at", "created_at"),
        Index("ix_interactions_model_created_at", "model", "created_at"),
        Index("ix_interactions_conversation_id", "conversation_id"),
        CheckConstraint(
            f"source IN ({', '.join(repr(s) for s in SOURCES)})",
            name="interactions_source_check",
        ),
        Index("ix_interactions_user_id_created_at", "user_id", "created_at"),
        Index("ix_interactions_user_id_status_created_at", "user_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = owner_column()
    conversation_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("conversations.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    model: Mapped[str] = mapped_column(Text)
    prompt: Mapped[str] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    first_token_ms: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, server_default="app")
    # The API client's name (from its User-Agent); NULL for turns made in the app.
    client: Mapped[str | None] = mapped_column(Text)
    # Turn details that no query filters on: preset, attachments, context truncation.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    conversation: Mapped[Conversation | None] = relationship(back_populates="interactions")
    tool_calls: Mapped[list[ToolCall]] = relationship(
        back_populates="interaction", passive_deletes=True, order_by="ToolCall.id"
    )


class Upload(Base):
    """A file dropped on the Analyze page or attached in the chat, with its analysis summary."""

    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = owner_column()
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Where the file's bytes are kept (under MINI_AGENT_DATA_DIR/uploads), NULL once removed.
    stored_path: Mapped[str | None] = mapped_column(Text)


class ToolCall(Base):
    """One tool the model called during a turn."""

    __tablename__ = "tool_calls"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = owner_column(index=True)
    interaction_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    step: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    arguments: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    result_summary: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    interaction: Mapped[Interaction] = relationship(back_populates="tool_calls")
