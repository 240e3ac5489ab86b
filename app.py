"""Mini-Agent's chat page: the main page of the app."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from agent.chat import ChatTurn
from agent.errors import PromptRejected
from agent.llm import model_problem
from db import queries
from ui.chat_sidebar import (
    conversation_list,
    current_conversation_id,
    model_picker,
    open_conversation,
)
from ui.chat_view import draw_live_turn, draw_stored_turn, draw_unsaved
from ui.setup import setup_page

app = setup_page("Chat", ":material/chat:")
sessions = app.db.sessions
current = current_conversation_id()
unsaved: list[dict[str, str]] = st.session_state.setdefault("unsaved", [])

with st.sidebar:
    model = model_picker(app.settings.model_choices)
try:
    with sessions() as session:
        conversations = queries.list_conversations(session)
        if current is not None and not any(c.id == current for c in conversations):
            current = None
            open_conversation(None)
        turns = queries.list_turns(session, current) if current is not None else []
except SQLAlchemyError:
    st.error("The database stopped answering; past conversations cannot be shown right now. "
             "New messages still reach the model but are not saved.")
    conversations, turns = [], []
with st.sidebar:
    conversation_list(sessions, conversations, current)

problem = model_problem(app.llm, model)
if problem:
    st.warning(problem, icon=":material/key_off:")
if not turns and not unsaved:
    st.title("Mini-Agent")
    st.caption(f"Chat with `{model}`. Every turn is kept; find it again under History.")

for turn in turns:
    draw_stored_turn(turn)
draw_unsaved(unsaved)

prompt = st.chat_input("Ask anything about your code…") or st.session_state.pop("resend", None)
if prompt and prompt.strip():
    if current is None:
        try:
            with sessions() as session:
                title = queries.title_from_prompt(prompt)
                current = queries.create_conversation(session, title=title).id
            open_conversation(current)
        except SQLAlchemyError:
            current = None  # the turn still runs; draw_live_turn says it was not saved
    try:
        turn = ChatTurn(
            sessions, app.llm, conversation_id=current, model=model, prompt=prompt,
            max_prompt_chars=app.settings.max_prompt_chars,
        )
    except PromptRejected as exc:
        st.error(str(exc), icon=":material/block:")
    else:
        result = draw_live_turn(turn)
        if result.saved:
            st.rerun()
        unsaved.append({"prompt": prompt, "response": result.response,
                        "error": str(result.error or "")})
