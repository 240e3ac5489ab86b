"""Optional embeddings (MINI_AGENT_EMBEDDING_MODEL): vectors for indexed objects, and their
similarity to a question fused with the text ranking by reciprocal rank fusion.

Vectors are stored as plain float arrays everywhere; the nearest ones are found by pgvector
where the extension is installed. Without pgvector (CI's PostgreSQL 15) or without a model,
search is text-only and nothing here runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from db import docs as store

Embedder = Callable[[Sequence[str]], list[list[float]]]
RRF_K = 60
NEAREST = 50
BATCH = 64
EMBED_CHARS = 2_000


def litellm_embedder(model: str, api_base: str | None = None) -> Embedder:
    """An embedder over any litellm embedding model."""

    def embed(texts: Sequence[str]) -> list[list[float]]:
        from agent.llm import litellm_module

        response = litellm_module().embedding(model=model, input=list(texts), api_base=api_base)
        return [list(item["embedding"]) for item in response.data]

    return embed


def embed_missing(session: Session, embedder: Embedder, *, limit: int = 5_000) -> int:
    """Compute vectors for up to `limit` objects that have none; returns how many."""
    rows = session.execute(text(
        "SELECT id, qualname, signature, left(doc, :chars) AS doc FROM doc_objects "
        "WHERE embedding IS NULL ORDER BY id LIMIT :limit"),
        {"chars": EMBED_CHARS, "limit": limit}).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        vectors = embedder([f"{r.qualname}\n{r.signature}\n{r.doc}" for r in batch])
        session.execute(text("UPDATE doc_objects SET embedding = :v WHERE id = :id"),
                        [{"id": r.id, "v": v} for r, v in zip(batch, vectors, strict=True)])
        session.commit()
    return len(rows)


def nearest(session: Session, vector: list[float], sources: list[int] | None) -> list[int]:
    """Ids of the objects whose vectors are closest to `vector` (pgvector only)."""
    if not store.has_vector(session):
        return []
    where = "AND source_id = ANY(:sources)" if sources else ""
    rows = session.execute(text(
        "SELECT id FROM doc_objects WHERE embedding IS NOT NULL "
        f"AND array_length(embedding, 1) = :dims {where} "
        "ORDER BY CAST(embedding AS vector) <=> CAST(CAST(:v AS real[]) AS vector) "
        f"LIMIT {NEAREST}"), {"v": vector, "dims": len(vector), "sources": sources})
    return [r[0] for r in rows]


def rrf(*rankings: list[int]) -> dict[int, float]:
    """Reciprocal rank fusion of several rankings (best first)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, oid in enumerate(ranking, start=1):
            fused[oid] = fused.get(oid, 0.0) + 1.0 / (RRF_K + rank)
    return fused


def fuse_embeddings(session: Session, embedder: Embedder, query: str,
                    scored: dict[int, float], sources: list[int] | None) -> dict[int, float]:
    """The text scores fused with embedding nearness; the text scores alone without pgvector."""
    if not store.has_vector(session):
        return scored
    close = nearest(session, embedder([query])[0], sources)
    if not close:
        return scored
    by_text = sorted(scored, key=lambda oid: -scored[oid])
    return rrf(by_text, close)


def configured_embedder(settings: Any) -> Embedder | None:
    """The embedder MINI_AGENT_EMBEDDING_MODEL names, or None (text-only search)."""
    model = getattr(settings, "embedding_model", None)
    return litellm_embedder(model, getattr(settings, "api_base", None)) if model else None
