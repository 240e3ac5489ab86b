"""Reads and writes for the chat: conversations and their interactions."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from db.models import Conversation, Interaction
from db.text import storable

TITLE_CHARS = 60
CLIENT_CHARS = 200


def title_from_prompt(prompt: str) -> str:
    """A conversation title: the first line of the first prompt, shortened."""
    line = " ".join(prompt.strip().split())
    line = storable(line) or ""
    if len(line) > TITLE_CHARS:
        line = line[: TITLE_CHARS - 1].rstrip() + "…"
    return line or "New chat"


def owned(user_id: int | None) -> dict[str, int]:
    """Constructor arguments naming the owner; none (the local user, by the database's
    default) until every writer passes its user."""
    return {} if user_id is None else {"user_id": user_id}


def create_conversation(
    session: Session, *, title: str, user_id: int | None = None
) -> Conversation:
    """A new conversation of `user_id`, committed."""
    conversation = Conversation(title=storable(title) or "New chat", **owned(user_id))
    session.add(conversation)
    session.commit()
    return conversation


def list_conversations(
    session: Session, *, user_id: int, limit: int = 200
) -> list[Conversation]:
    """The user's conversations, most recently active first."""
    query = (select(Conversation).where(Conversation.user_id == user_id)
             .order_by(Conversation.updated_at.desc(), Conversation.id.desc()))
    return list(session.scalars(query.limit(limit)))


def get_conversation(
    session: Session, conversation_id: int, *, user_id: int
) -> Conversation | None:
    """One of the user's conversations, or None when it is not theirs or is gone."""
    query = select(Conversation).where(
        Conversation.id == conversation_id, Conversation.user_id == user_id)
    return session.scalars(query).first()


def rename_conversation(
    session: Session, conversation_id: int, *, title: str, user_id: int
) -> None:
    """Give one of the user's conversations a new title (blank titles are ignored)."""
    title = (storable(title) or "").strip()
    if title:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id, Conversation.user_id == user_id)
            .values(title=title)
        )
        session.commit()


def delete_conversation(session: Session, conversation_id: int, *, user_id: int) -> None:
    """Delete one of the user's conversations and, by cascade, its interactions."""
    session.execute(delete(Conversation).where(
        Conversation.id == conversation_id, Conversation.user_id == user_id))
    session.commit()


def list_turns(session: Session, conversation_id: int, *, user_id: int) -> list[Interaction]:
    """The interactions of one of the user's conversations, oldest first."""
    query = (
        select(Interaction)
        .where(Interaction.conversation_id == conversation_id, Interaction.user_id == user_id)
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
    user_id: int | None = None,
    source: str = "app",
    client: str | None = None,
) -> Interaction:
    """Persist the prompt as a `pending` interaction of `user_id` before the model is called;
    `source` is 'app' or 'api', `client` the API client's name."""
    interaction = Interaction(
        conversation_id=conversation_id,
        model=model,
        prompt=storable(prompt),
        status="pending",
        meta=meta,
        source=source,
        client=(storable(client) or "")[:CLIENT_CHARS] or None,
        **owned(user_id),
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


def get_interaction(
    session: Session, interaction_id: int, *, user_id: int
) -> Interaction | None:
    """One of the user's interactions by id."""
    query = select(Interaction).where(
        Interaction.id == interaction_id, Interaction.user_id == user_id)
    return session.scalars(query).first()

