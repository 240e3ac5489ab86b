"""The chat page, driven by Streamlit's AppTest against real Postgres and the fake LLM."""

from __future__ import annotations

import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from agent.llm import litellm_module
from agent.presets import PRESETS
from agent.uploads.store import store_file
from db.models import Conversation, Interaction, ToolCall, Upload
from db.uploads import add_upload
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


def test_retry_replaces_a_failed_reply_in_place_and_keeps_the_attempt(app_env, sessions) -> None:
    app_env.queue(Script(status=401))
    at = send(open_app(), "Try me again")
    at.button(key="again-1").click().run()
    assert not at.exception
    rows = interactions(sessions)
    assert [(r.status, r.hidden, r.turn_of) for r in rows] == [("error", True, None),
                                                                ("ok", False, 1)]
    assert rows[1].prompt == "Try me again"
    assert [m.value for m in at.markdown].count("Try me again") == 1
    assert "You said: Try me again" in [m.value for m in at.markdown]
    assert [e.label for e in at.expander] == ["Earlier versions (1)"]


def test_regenerate_keeps_later_turns_and_sends_only_the_turns_before(app_env, sessions) -> None:
    at = send(open_app(), "first")
    send(at, "second")
    at.button(key="again-1").click().run()
    assert not at.exception
    assert [m["content"] for m in app_env.requests[-1]["messages"]] == ["first"]
    shown = [m.value for m in at.markdown]
    assert shown.index("first") < shown.index("second")
    assert [(r.id, r.hidden, r.turn_of) for r in interactions(sessions)] == [
        (1, True, None), (2, False, None), (3, False, 1)]


def test_edit_resends_the_edited_prompt_and_hides_later_turns(app_env, sessions) -> None:
    at = send(open_app(), "first")
    send(at, "second")
    at.button(key="edit-1").click().run()
    at.text_area(key="edited-1").set_value("first, edited")
    next(b for b in at.button if b.label == "Send").click().run()
    assert not at.exception
    assert app_env.requests[-1]["messages"][-1]["content"] == "first, edited"
    shown = [m.value for m in at.markdown]
    assert "second" not in shown and "You said: first, edited" in shown
    rows = interactions(sessions)
    assert [(r.prompt, r.hidden) for r in rows] == [
        ("first", True), ("second", True), ("first, edited", False)]


def test_a_refused_prompt_creates_no_conversation(app_env, sessions, monkeypatch) -> None:
    monkeypatch.setenv("MINI_AGENT_MAX_PROMPT_CHARS", "10")
    at = send(open_app(), "far too long for the limit")
    assert not at.exception
    assert any("limit is 10" in e.value for e in at.error)
    assert "c" not in at.query_params
    with sessions() as session:
        assert session.scalars(select(Conversation)).all() == []


def test_a_reopened_conversation_shows_its_model_and_preset(app_env, sessions) -> None:
    at = open_app()
    at.selectbox(key="model").set_value("openai/other")
    at.segmented_control(key="preset").set_value("review").run()
    send(at, "def f(): pass")
    conversation_id = interactions(sessions)[0].conversation_id
    fresh = open_app(c=str(conversation_id))
    assert fresh.selectbox(key="model").value == "openai/other"
    assert fresh.segmented_control(key="preset").value == "review"
    assert open_app().selectbox(key="model").value == "openai/fake"


def test_an_empty_provider_key_reads_as_a_missing_key_before_and_after_sending(
    app_env, sessions, monkeypatch
) -> None:
    monkeypatch.delenv("MINI_AGENT_API_BASE")
    monkeypatch.setenv("MINI_AGENT_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "")
    at = open_app()
    assert any("No API key for openai" in w.value for w in at.warning)
    send(at, "hello")
    assert not at.exception
    assert any("No API key for openai" in e.value and "500" not in e.value for e in at.error)
    assert interactions(sessions)[0].error.startswith("MissingKey")
    assert app_env.requests == []


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
    at.button(key=f"rename-{conversation.id}").click().run()
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
    at.button(key=f"delete-{conversation_id}").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(interactions(sessions)) == 1
    at.button(key=f"delete-{conversation_id}-yes").click().run()
    assert not at.exception
    assert interactions(sessions) == []
    with sessions() as session:
        assert session.scalars(select(Conversation)).all() == []


def test_whitespace_prompts_are_ignored(app_env, sessions) -> None:
    at = send(open_app(), "   \n\t ")
    assert not at.exception
    assert interactions(sessions) == []


def tool_script(name: str, **arguments) -> Script:
    return Script(text="", tool_calls=[{"name": name, "arguments": arguments}])


def test_a_tool_call_shows_as_a_status_block_then_the_answer(app_env, sessions) -> None:
    app_env.queue(tool_script("run_python", code="print(2 + 2)"), Script(text="It prints 4."))
    at = send(open_app(), "What does 2 + 2 print?")
    assert not at.exception
    [block] = at.status
    assert "run_python" in block.label and "exit 0" in block.label
    assert block.state == "complete"
    assert "It prints 4." in [m.value for m in at.markdown]
    with sessions() as session:
        [call] = session.scalars(select(ToolCall)).all()
    assert call.name == "run_python" and call.result["data"]["stdout"] == "4\n"
    fresh = open_app(c=str(interactions(sessions)[0].conversation_id))
    assert [b.label for b in fresh.status] == [block.label]
    assert not fresh.exception


def test_a_failed_tool_shows_an_error_block(app_env, sessions) -> None:
    app_env.queue(tool_script("run_python"), Script(text="Oops."))
    at = send(open_app(), "run nothing")
    assert not at.exception
    [block] = at.status
    assert block.state == "error"
    assert any("'code' is a required property" in e.value for e in at.error)
    assert interactions(sessions)[0].status == "ok"


def test_a_model_flagged_without_tools_still_chats_and_the_page_says_so(
    app_env, sessions, monkeypatch
) -> None:
    litellm_module().register_model({"openai/no-tools-fake": {
        "litellm_provider": "openai", "mode": "chat", "supports_function_calling": False,
        "input_cost_per_token": 0.0, "output_cost_per_token": 0.0}})
    monkeypatch.setenv("MINI_AGENT_MODEL", "openai/no-tools-fake")
    at = send(open_app(), "hello there")
    assert not at.exception
    assert any("Tools are off for `openai/no-tools-fake`" in i.value for i in at.info)
    assert "You said: hello there" in [m.value for m in at.markdown]
    assert "tools" not in app_env.requests[-1]
    assert interactions(sessions)[0].status == "ok"


def test_a_preset_sets_the_system_prompt_and_is_stored(app_env, sessions) -> None:
    at = open_app()
    at.segmented_control(key="preset").set_value("review").run()
    send(at, "def f(): pass")
    assert not at.exception
    assert app_env.requests[-1]["messages"][0] == {
        "role": "system", "content": PRESETS["review"].system_prompt}
    assert interactions(sessions)[0].meta == {"preset": "review"}


def store_upload(sessions, tmp_path, name: str, text: str, kind: str) -> int:
    stored = store_file(tmp_path, name, io.BytesIO(text.encode()), max_bytes=10**6)
    with sessions() as session:
        return add_upload(session, name=name, kind=kind, size_bytes=stored.size_bytes,
                          sha256=stored.sha256, stored_path=str(stored.path),
                          summary={"rows": 2, "kinds": {"city": "text", "n": "numeric"}}).id


def test_the_attach_param_attaches_an_upload_to_the_conversation(
    app_env, sessions, tmp_path
) -> None:
    upload_id = store_upload(sessions, tmp_path, "cities.csv", "city,n\nOslo,1\nRome,2\n", "csv")
    at = open_app(attach=str(upload_id))
    assert any(i.value == "Attached: cities.csv" for i in at.info)
    total = tool_script("query_data", upload=upload_id, sql="SELECT sum(n) AS s FROM data")
    app_env.queue(total, Script(text="The total is 3."))
    send(at, "What is the total?")
    assert not at.exception
    system = app_env.requests[0]["messages"][0]["content"]
    assert f"upload {upload_id}: cities.csv — CSV, 2 rows; columns: " in system
    assert "city (text)" in system
    assert json.loads(app_env.requests[1]["messages"][-1]["content"])["rows"] == [[3]]
    assert "attach" not in at.query_params
    [row] = interactions(sessions)
    assert row.meta["uploads"] == [upload_id] and row.meta["attached"] == [upload_id]
    assert row.meta["preset"] == "analyze_file"
    send(at, "And the mean?")
    assert f"upload {upload_id}: cities.csv" in app_env.requests[-1]["messages"][0]["content"]
    assert interactions(sessions)[1].meta["uploads"] == [upload_id]


def test_a_csv_attached_in_the_chat_input_becomes_an_upload_the_tools_can_query(
    app_env, sessions, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("MINI_AGENT_DATA_DIR", str(tmp_path))
    at = open_app()
    at.chat_input[0].upload("scores.csv", b"name,score\nada,3\nbob,5\n", "text/csv")
    at.chat_input[0].set_value("Average score?").run()
    assert not at.exception
    with sessions() as session:
        [upload] = session.scalars(select(Upload)).all()
    assert (upload.name, upload.kind) == ("scores.csv", "csv")
    assert any(c.value == "Attached: scores.csv" for c in at.caption)
    assert f"upload {upload.id}: scores.csv" in app_env.requests[-1]["messages"][0]["content"]
    assert "query_data" in [t["function"]["name"] for t in app_env.requests[-1]["tools"]]


def test_conversations_are_grouped_by_how_recent_they_are() -> None:
    from datetime import date, datetime

    from ui.chat_sidebar import date_group

    today = date(2026, 3, 15)
    groups = [date_group(datetime(2026, 3, d, 12), today) for d in (15, 14, 9, 1)]
    assert groups == ["Today", "Yesterday", "Previous 7 days", "Previous 30 days"]
    assert date_group(datetime(2025, 11, 2), today) == "November 2025"


def test_the_conversation_list_shows_dates_and_filters_by_search(app_env, sessions) -> None:
    at = send(open_app(), "Docker build is slow")
    send(open_app(), "Regex for emails")
    at = open_app()
    assert "Today" in [c.value for c in at.sidebar.caption]
    at.text_input(key="conversation_search").set_value("emails").run()
    titles = [b.label for b in at.sidebar.button if (b.key or "").startswith("conv-")]
    assert titles == ["Regex for emails"]
    at.text_input(key="conversation_search").set_value("docker").run()
    titles = [b.label for b in at.sidebar.button if (b.key or "").startswith("conv-")]
    assert titles == ["Docker build is slow"]
