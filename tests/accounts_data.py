"""Two users with a bit of everything each, for the tests that check nobody sees the other."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from db import queries, users
from db.tool_calls import record_tool_call
from db.uploads import add_upload


@dataclass(frozen=True)
class Owned:
    """One user's rows; `word` is in every prompt and name of theirs and nobody else's."""

    user_id: int
    email: str
    word: str
    conversation_id: int
    interaction_id: int
    upload_id: int


def make_user(sessions: sessionmaker[Session], email: str, word: str) -> Owned:
    with sessions() as session:
        user = users.get_or_create_user(session, email)
        conversation = queries.create_conversation(
            session, title=f"{word} chat", user_id=user.id)
        turn = queries.start_interaction(
            session, conversation_id=conversation.id, model=f"model-{word}",
            prompt=f"tell me about {word}", user_id=user.id)
        queries.finalize_interaction(session, turn.id, status="ok", response=f"{word} is fine",
                                     prompt_tokens=3, completion_tokens=4, cost_usd=0.01,
                                     latency_ms=100, first_token_ms=10)
        failed = queries.start_interaction(
            session, conversation_id=conversation.id, model=f"model-{word}",
            prompt=f"{word} again", user_id=user.id)
        queries.finalize_interaction(session, failed.id, status="error", response=None,
                                     error="Timeout: slow", latency_ms=5000)
        record_tool_call(session, turn.id, step=1, name="run_python", arguments={"code": word},
                         result_summary=word, result=None, duration_ms=5, error=None)
        upload = add_upload(session, name=f"{word}.csv", kind="csv", size_bytes=1,
                            sha256="same-bytes", stored_path=None, user_id=user.id)
        return Owned(user.id, user.email, word, conversation.id, turn.id, upload.id)


def two_users(sessions: sessionmaker[Session]) -> tuple[Owned, Owned]:
    return (make_user(sessions, "ada@example.com", "aardvark"),
            make_user(sessions, "bob@example.com", "bumblebee"))
