"""The chat page, driven by Streamlit's AppTest against real Postgres and the fake LLM."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from db.models import Conversation, Interaction
from tests.conftest import ROOT
from tests.fake_llm import FakeLLM, Script

TIMEOUT = 30


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def send(at: AppTest, prompt: str) -> AppTest:
    return at.chat_input[0].set_value(prompt).run()


def interactions(sessions: sessionmaker[Session]) -> list[Interaction]:
    with sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def test_a_turn_streams_shows_and_is_stored(app_env: FakeLLM, sessions) -> None:
    app_env.queue(Script(text="Use a generator expression.", prompt_tokens=9,
                         completion_tokens=5))
    at = send(open_app(), "How do I sum squares?")
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    assert "How do I sum squares?" in markdown
    assert "Use a generator expression." in markdown
    assert any("9 → 5 tokens" in c.value for c in at.caption)
    [row] = interactions(sessions)
    assert (row.status, row.prompt, row.response) == (
        "ok", "How do I sum squares?", "Use a generator expression.")
    assert (row.prompt_tokens, row.completion_tokens) == (9, 5)
    assert row.latency_ms is not None and row.first_token_ms is not None
    assert row.conversation_id is not None
    assert at.query_params["c"] == str(row.conversation_id)


def test_a_failed_call_is_shown_and_recorded_with_the_prompt_kept(app_env, sessions) -> None:
    app_env.queue(Script(status=401, error_message="bad key"))
    at = send(open_app(), "Explain this regex")
    assert not at.exception
    assert any("refused the credentials" in e.value for e in at.error)
    assert "Explain this regex" in [m.value for m in at.markdown]
    [row] = interactions(sessions)
    assert row.status == "error"
    assert row.error.startswith("AuthenticationError")
    assert row.prompt == "Explain this regex"


def test_a_failed_turn_can_be_resent_with_one_click(app_env, sessions) -> None:
    app_env.queue(Script(status=401))
    at = send(open_app(), "Try me again")
    at.button(key="retry-1").click().run()
    assert not at.exception
    rows = interactions(sessions)
    assert [r.status for r in rows] == ["error", "ok"]
    assert rows[1].prompt == "Try me again"
    assert rows[1].response == "You said: Try me again"


def test_a_past_conversation_resumes_with_its_history_sent(app_env, sessions) -> None:
    at = send(open_app(), "first question")
    conversation_id = interactions(sessions)[0].conversation_id
    fresh = open_app(c=str(conversation_id))
    assert "first question" in [m.value for m in fresh.markdown]
    send(fresh, "second question")
    sent = app_env.requests[-1]["messages"]
    assert [m["content"] for m in sent] == [
        "first question", "You said: first question", "second question"]
    assert not at.exception and not fresh.exception


def test_new_conversations_take_their_title_from_the_first_prompt(app_env, sessions) -> None:
    send(open_app(), "  Why is my   Dockerfile slow?\nMore details")
    with sessions() as session:
        [conversation] = session.scalars(select(Conversation)).all()
    assert conversation.title == "Why is my Dockerfile slow? More details"


def test_a_conversation_can_be_renamed(app_env, sessions) -> None:
    send(open_app(), "hello")
    with sessions() as session:
        conversation = session.scalars(select(Conversation)).one()
    at = open_app(c=str(conversation.id))
    form_input = next(t for t in at.text_input if t.label == "Title")
    form_input.set_value("Renamed chat")
    next(b for b in at.button if b.label == "Rename").click().run()
    assert not at.exception
    with sessions() as session:
        assert session.get(Conversation, conversation.id).title == "Renamed chat"


def test_deleting_a_conversation_asks_first_then_removes_it(app_env, sessions) -> None:
    at = send(open_app(), "delete me")
    with sessions() as session:
        conversation_id = session.scalars(select(Conversation.id)).one()
    at = open_app(c=str(conversation_id))
    at.button(key="delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(interactions(sessions)) == 1
    at.button(key="confirm-delete").click().run()
    assert not at.exception
    assert interactions(sessions) == []
    with sessions() as session:
        assert session.scalars(select(Conversation)).all() == []


def test_whitespace_prompts_are_ignored(app_env, sessions) -> None:
    at = send(open_app(), "   \n\t ")
    assert not at.exception
    assert interactions(sessions) == []
