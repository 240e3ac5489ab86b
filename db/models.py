"""The schema, as SQLAlchemy 2 typed models; table and column names are a public contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, REAL, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The user every row belongs to unless a writer names another (migration 0006 creates it).
LOCAL_USER_ID = 1
# Where an interaction came from: the app's pages, or the HTTP API.
SOURCES = ("app", "api")
# Every status a turn can end in (and `pending` until it does), in the order users see them.
STATUSES = ("ok", "error", "stopped", "pending")
# Name words weigh most, then the summary (first paragraph), then the rest of the docstring
# and the signature (parameter names answer many questions: `validate=` of merge).
# Dots become spaces: the parser would read `pandas.concat` as one host-name-like token.
DOC_TSV_SQL = (
    "setweight(to_tsvector('english'::regconfig, split_part(words, '|', 1)), 'A') || "
    "setweight(to_tsvector('english'::regconfig, split_part(words, '|', 2)), 'B') || "
    "setweight(to_tsvector('english'::regconfig, "
    "translate(split_part(doc, E'\\n\\n', 1), '.', ' ')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, "
    "translate(substr(doc, length(split_part(doc, E'\\n\\n', 1)) + 1), '.', ' ') || ' ' || "
    "translate(signature, '.', ' ')), 'C')"
)
# The same words as written (no stemming, no stop words dropped): the stemmer folds rare
# technical words into common lexemes ("specifier" -> `specifi`, as "specific"), and a
# search reads a rare written form here instead (migration 0010).
DOC_EXACT_TSV_SQL = DOC_TSV_SQL.replace("'english'", "'simple'")


# What History's full-text search matches (migration 0004 generates the column from it).
SEARCH_DOCUMENT_SQL = (
    "to_tsvector('english'::regconfig, COALESCE(prompt, ''::text) || ' '::text "
    "|| COALESCE(response, ''::text))"
)


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
    # What the pickers show when the conversation is opened again.
    model: Mapped[str | None] = mapped_column(Text)
    preset: Mapped[str | None] = mapped_column(Text)

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
        Index("ix_interactions_turn_of", "turn_of"),
        CheckConstraint(
            f"source IN ({', '.join(repr(s) for s in SOURCES)})",
            name="interactions_source_check",
        ),
        Index("ix_interactions_user_id_created_at", "user_id", "created_at"),
        Index("ix_interactions_user_id_status_created_at", "user_id", "status", "created_at"),
        # Migration 0004: History's search, and rare statuses without walking created_at.
        Index("ix_interactions_fts", "search_vector", postgresql_using="gin"),
        Index("ix_interactions_status_created_at", "status", "created_at"),
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
    status: Mapped[str] = mapped_column(Text, default="pending", server_default="pending")
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
    # The app process streaming a pending turn, and when it last said it was alive.
    owner: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Retry, Regenerate and Edit add an attempt of a turn: the first attempt's id, NULL on it.
    turn_of: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("interactions.id", ondelete="CASCADE",
                               name="interactions_turn_of_fkey"))
    # Earlier attempts, and the turns after an edited prompt: kept, not shown in the chat.
    hidden: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    # Written by the database only; deferred so loading a turn never reads it.
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(SEARCH_DOCUMENT_SQL, persisted=True), deferred=True
    )

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


class DocSource(Base):
    """An indexed package of one interpreter, or an indexed folder of documents."""

    __tablename__ = "doc_sources"
    __table_args__ = (
        CheckConstraint("kind IN ('package', 'folder')", name="doc_sources_kind_check"),
        UniqueConstraint("environment", "kind", "name", name="doc_sources_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    # The interpreter a package was read from; '' for folders.
    environment: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    # The package version; for a folder, a fingerprint of its files (re-read when it changes).
    version: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    objects: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # Sum over the objects of their lexeme counts: the average document length of BM25.
    lexemes: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # Which reader produced the objects: a newer reader re-reads unchanged versions once.
    reader: Mapped[int] = mapped_column(Integer, default=0)
    indexed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class DocObject(Base):
    """One documented object (function, class, …) or one section of a document."""

    __tablename__ = "doc_objects"
    __table_args__ = (
        Index("ix_doc_objects_source_id", "source_id"),
        Index("ix_doc_objects_name", "name"),
        Index("ix_doc_objects_qualname", "qualname"),
        Index("ix_doc_objects_tsv", "tsv", postgresql_using="gin"),
        Index("ix_doc_objects_tsv_exact", "tsv_exact", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("doc_sources.id", ondelete="CASCADE")
    )
    qualname: Mapped[str] = mapped_column(Text)
    # The last part of qualname, lower-cased: exact-name lookups.
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(Text, default="")
    doc: Mapped[str] = mapped_column(Text, default="")
    file: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    # Member names, bases, return type: what check_code needs.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The name split into words (read_csv -> read csv, DataFrame -> Data Frame), then after a
    # `|` its class's (weighing like a summary: `Blueprint.endpoint` is less about blueprints).
    words: Mapped[str] = mapped_column(Text, default="")
    tsv: Mapped[Any] = mapped_column(TSVECTOR, Computed(DOC_TSV_SQL, persisted=True))
    tsv_exact: Mapped[Any] = mapped_column(TSVECTOR, Computed(DOC_EXACT_TSV_SQL, persisted=True),
                                           deferred=True)
    embedding: Mapped[list[float] | None] = mapped_column(ARRAY(REAL))


class DocTerm(Base):
    """How many objects of a source contain a lexeme: the document frequencies of BM25."""

    __tablename__ = "doc_terms"
    __table_args__ = (Index("ix_doc_terms_lexeme", "lexeme"),)

    source_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("doc_sources.id", ondelete="CASCADE"), primary_key=True
    )
    lexeme: Mapped[str] = mapped_column(Text, primary_key=True)
    df: Mapped[int] = mapped_column(Integer)


# History's rollups (migration 0004): one row per UTC day, model, status and error class, and
# per latency kind and log-spaced bin. Triggers on `interactions` keep them; the app only reads.
interaction_rollup = Table(
    "interaction_rollup",
    Base.metadata,
    Column("user_id", Integer, primary_key=True),  # migration 0006: each user's own rollup
    Column("day", Date, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    Column("error_class", Text, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("prompt_tokens", BigInteger, nullable=False),
    Column("completion_tokens", BigInteger, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("cost_known", BigInteger, nullable=False),
    Index("ix_interaction_rollup_day", "day"),
)

interaction_latency_rollup = Table(
    "interaction_latency_rollup",
    Base.metadata,
    Column("user_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    # `"char"` in SQL (SQLAlchemy reflects it as a string): 't' total, 'f' first token.
    Column("kind", String, primary_key=True),
    Column("bin", SmallInteger, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Index("ix_interaction_latency_rollup_day", "day"),
)

# Migration 0008: the same figures summed over users, for admins looking at everyone.
interaction_rollup_all = Table(
    "interaction_rollup_all",
    Base.metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
      for c in interaction_rollup.c if c.name != "user_id"),
)

interaction_latency_rollup_all = Table(
    "interaction_latency_rollup_all",
    Base.metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
      for c in interaction_latency_rollup.c if c.name != "user_id"),
)

# Migration 0009: everyone's figures, and each user's counts, per UTC hour (`hour`: its
# start, UTC, no time zone), so the partial days at a range's ends are read from rollups too.
interaction_rollup_hourly_all = Table(
    "interaction_rollup_hourly_all",
    Base.metadata,
    Column("hour", DateTime, primary_key=True),
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
      for c in interaction_rollup.c if c.name not in ("user_id", "day")),
)

interaction_rollup_hourly = Table(
    "interaction_rollup_hourly",
    Base.metadata,
    Column("user_id", Integer, primary_key=True),
    Column("hour", DateTime, primary_key=True),
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
      for c in interaction_rollup.c if c.name not in ("user_id", "day")),
    Index("ix_interaction_rollup_hourly_hour", "hour"),
)

interaction_latency_rollup_hourly_all = Table(
    "interaction_latency_rollup_hourly_all",
    Base.metadata,
    Column("hour", DateTime, primary_key=True),
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
      for c in interaction_latency_rollup.c if c.name not in ("user_id", "day")),
)
