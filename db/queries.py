"""Reads and writes for the chat: conversations and their interactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from db.models import Conversation, Interaction
from db.text import storable

# A turn's place in its conversation: its first attempt's id (later attempts keep the place).
POSITION = func.coalesce(Interaction.turn_of, Interaction.id)
SEARCH_VECTOR: ColumnElement[Any] = literal_column("interactions.search_vector")

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
    default) when the writer names no user."""
    return {} if user_id is None else {"user_id": user_id}


def mine(column: Any, user_id: int | None) -> list[ColumnElement[bool]]:
    """The condition keeping `user_id`'s rows (every caller in the app passes its user)."""
    return [] if user_id is None else [column == user_id]


def create_conversation(
    session: Session, *, title: str, model: str | None = None, preset: str | None = None,
    user_id: int | None = None,
) -> Conversation:
    """A new conversation of `user_id`, committed."""
    conversation = Conversation(title=storable(title) or "New chat", model=model, preset=preset,
                                **owned(user_id))
    session.add(conversation)
    session.commit()
    return conversation


def list_conversations(
    session: Session, *, user_id: int | None = None, search: str | None = None, limit: int = 200
) -> list[Conversation]:
    """The user's conversations, most recently active first; `search` matches titles and
    turns' words."""
    query = (select(Conversation).where(*mine(Conversation.user_id, user_id))
             .order_by(Conversation.updated_at.desc(), Conversation.id.desc()))
    words = (storable(search) or "").strip()
    if words:
        query = query.where(or_(Conversation.title.ilike(f"%{like_escape(words)}%", escape="\\"),
                                turns_matching(words)))
    return list(session.scalars(query.limit(limit)))


def like_escape(text: str) -> str:
    """`text` matched literally by LIKE (its wildcards escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def turns_matching(words: str) -> ColumnElement[bool]:
    """The conversation has a turn whose prompt or reply has these words (History's index)."""
    query = func.websearch_to_tsquery(literal_column("'english'::regconfig"), words)
    return exists().where(Interaction.conversation_id == Conversation.id,
                          SEARCH_VECTOR.op("@@")(query))


def remember_choices(
    session: Session, conversation_id: int, *, model: str, preset: str | None
) -> None:
    """Keep the model and preset of the conversation's latest turn, for when it is reopened."""
    session.execute(update(Conversation).where(Conversation.id == conversation_id)
                    .values(model=model, preset=preset))
    session.commit()


def get_conversation(
    session: Session, conversation_id: int, *, user_id: int | None = None
) -> Conversation | None:
    """One of the user's conversations, or None when it is not theirs or is gone."""
    query = select(Conversation).where(Conversation.id == conversation_id,
                                       *mine(Conversation.user_id, user_id))
    return session.scalars(query).first()


def rename_conversation(
    session: Session, conversation_id: int, *, title: str, user_id: int | None = None
) -> None:
    """Give one of the user's conversations a new title (blank titles are ignored)."""
    title = (storable(title) or "").strip()
    if title:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id, *mine(Conversation.user_id, user_id))
            .values(title=title)
        )
        session.commit()


def delete_conversation(
    session: Session, conversation_id: int, *, user_id: int | None = None
) -> None:
    """Delete one of the user's conversations and, by cascade, its interactions."""
    session.execute(delete(Conversation).where(
        Conversation.id == conversation_id, *mine(Conversation.user_id, user_id)))
    session.commit()


def list_turns(
    session: Session, conversation_id: int, *, before: int | None = None,
    user_id: int | None = None,
) -> list[Interaction]:
    """A conversation's shown turns (the latest attempt of each), oldest first.

    `before` keeps only the turns placed before that turn: what a new attempt of it follows.
    """
    query = (
        select(Interaction)
        .where(Interaction.conversation_id == conversation_id, Interaction.hidden.is_(False),
               *mine(Interaction.user_id, user_id))
        .order_by(POSITION, Interaction.id)
    )
    if before is not None:
        query = query.where(POSITION.op("<")(before))
    return list(session.scalars(query))


def turn_facts(
    session: Session, conversation_id: int, *, before: int | None = None,
    user_id: int | None = None,
) -> list[Any]:
    """The shown turns' small columns (model, meta, whether they have text), oldest first:
    what a new turn needs to know about its history without loading its text."""
    query = (
        select(Interaction.id, Interaction.model, Interaction.meta,
               func.coalesce(Interaction.response, "").op("<>")("").label("has_text"))
        .where(Interaction.conversation_id == conversation_id, Interaction.hidden.is_(False),
               *mine(Interaction.user_id, user_id))
        .order_by(POSITION, Interaction.id)
    )
    if before is not None:
        query = query.where(POSITION.op("<")(before))
    return list(session.execute(query))


def newest_turn_texts(
    session: Session, conversation_id: int, *, before: int | None = None, batch: int = 16,
    user_id: int | None = None,
) -> Iterator[Any]:
    """The shown turns' prompt, reply and status, newest first, fetched `batch` rows at a time:
    fitting a context window reads only the turns it keeps (and one more)."""
    query = (
        select(Interaction.id, Interaction.prompt, Interaction.response, Interaction.status)
        .where(Interaction.conversation_id == conversation_id, Interaction.hidden.is_(False),
               func.coalesce(Interaction.response, "") != "",
               *mine(Interaction.user_id, user_id))
        .order_by(POSITION.desc(), Interaction.id.desc())
        .execution_options(yield_per=batch)
    )
    if before is not None:
        query = query.where(POSITION.op("<")(before))
    yield from session.execute(query)


def earlier_attempts(
    session: Session, conversation_id: int, *, user_id: int | None = None
) -> dict[int, list[Interaction]]:
    """Hidden earlier attempts of the conversation's turns, by the turn's place, oldest first."""
    query = (
        select(Interaction)
        .where(Interaction.conversation_id == conversation_id, Interaction.hidden.is_(True),
               *mine(Interaction.user_id, user_id))
        .order_by(Interaction.id)
    )
    attempts: dict[int, list[Interaction]] = {}
    for row in session.scalars(query):
        attempts.setdefault(row.turn_of or row.id, []).append(row)
    return attempts


def start_interaction(
    session: Session,
    *,
    conversation_id: int | None,
    model: str,
    prompt: str,
    meta: dict[str, Any] | None = None,
    owner: str | None = None,
    turn_of: int | None = None,
    hide_later: bool = False,
    user_id: int | None = None,
    source: str = "app",
    client: str | None = None,
) -> Interaction:
    """Persist the prompt as a `pending` interaction before the model is called.

    With `turn_of` it is a new attempt of that turn: the attempt shown so far is hidden, and
    with `hide_later` (an edited prompt) so are the turns after it.
    """
    if turn_of is not None and conversation_id is not None:
        place = or_(Interaction.id == turn_of, Interaction.turn_of == turn_of)
        if hide_later:
            place = or_(place, POSITION.op(">")(turn_of))
        session.execute(update(Interaction)
                        .where(Interaction.conversation_id == conversation_id,
                               Interaction.hidden.is_(False), place)
                        .values(hidden=True))
    interaction = Interaction(
        conversation_id=conversation_id,
        model=model,
        prompt=storable(prompt),
        status="pending",
        meta=meta,
        owner=owner,
        heartbeat_at=func.now() if owner else None,
        turn_of=turn_of,
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
    session: Session, interaction_id: int, *, user_id: int | None = None
) -> Interaction | None:
    """One of the user's interactions by id."""
    query = select(Interaction).where(Interaction.id == interaction_id,
                                      *mine(Interaction.user_id, user_id))
    return session.scalars(query).first()

