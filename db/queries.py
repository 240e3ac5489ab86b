"""Reads and writes for the chat: conversations and their interactions."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from db.models import Conversation, Interaction
from db.text import storable

TITLE_CHARS = 60


def title_from_prompt(prompt: str) -> str:
    """A conversation title: the first line of the first prompt, shortened."""
    line = " ".join(prompt.strip().split())
    line = storable(line) or ""
    if len(line) > TITLE_CHARS:
        line = line[: TITLE_CHARS - 1].rstrip() + "…"
    return line or "New chat"


def create_conversation(session: Session, *, title: str) -> Conversation:
    """A new conversation, committed."""
    conversation = Conversation(title=storable(title) or "New chat")
    session.add(conversation)
    session.commit()
    return conversation


def list_conversations(session: Session, *, limit: int = 200) -> list[Conversation]:
    """Conversations, most recently active first."""
    query = select(Conversation).order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    return list(session.scalars(query.limit(limit)))


def get_conversation(session: Session, conversation_id: int) -> Conversation | None:
    """One conversation, or None when it does not exist (any more)."""
    return session.get(Conversation, conversation_id)


def rename_conversation(session: Session, conversation_id: int, *, title: str) -> None:
    """Give a conversation a new title (blank titles are ignored)."""
    title = (storable(title) or "").strip()
    if title:
        session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(title=title)
        )
        session.commit()


def delete_conversation(session: Session, conversation_id: int) -> None:
    """Delete a conversation and, by cascade, its interactions."""
    session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    session.commit()


def list_turns(session: Session, conversation_id: int) -> list[Interaction]:
    """A conversation's interactions, oldest first."""
    query = (
        select(Interaction)
        .where(Interaction.conversation_id == conversation_id)
        .order_by(Interaction.id)
    )
    return list(session.scalars(query))


def start_interaction(
    session: Session,
    *,
    conversation_id: int | None,
    model: str,
    prompt: str,
    meta: dict[str, Any] | None = None,
) -> Interaction:
    """Persist the prompt as a `pending` interaction before the model is called."""
    interaction = Interaction(
        conversation_id=conversation_id,
        model=model,
        prompt=storable(prompt),
        status="pending",
        meta=meta,
    )
    session.add(interaction)
    if conversation_id is not None:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(updated_at=func.now())
        )
    session.commit()
    return interaction


def finalize_interaction(
    session: Session,
    interaction_id: int,
    *,
    status: str,
    response: str | None,
    error: str | None = None,
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    cost_usd: float | None = None,
    latency_ms: int | None = None,
    first_token_ms: int | None = None,
    meta: dict[str, Any] | None = None,
) -> bool:
    """Finish a pending interaction; returns False when it was already finalized."""
    values: dict[str, Any] = {
        "status": status,
        "response": storable(response),
        "error": storable(error),
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "cost_usd": cost_usd,
        "latency_ms": latency_ms,
        "first_token_ms": first_token_ms,
    }
    if meta is not None:
        values["meta"] = meta
    result = cast(CursorResult[Any], session.execute(
        update(Interaction)
        .where(Interaction.id == interaction_id, Interaction.status == "pending")
        .values(**values)
    ))
    session.commit()
    return result.rowcount == 1


def get_interaction(session: Session, interaction_id: int) -> Interaction | None:
    """One interaction by id."""
    return session.get(Interaction, interaction_id)

