"""The chat page's sidebar: model picker, new chat, and the past conversations."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from agent.presets import PRESETS
from db import queries
from db.models import Conversation
from ui.confirm import ask_button, confirmed


def current_conversation_id() -> int | None:
    """The open conversation, kept in the URL so it survives reloads and can be linked."""
    raw = st.query_params.get("c")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def open_conversation(conversation_id: int | None) -> None:
    """Switch the page to a conversation (None: a new chat)."""
    if conversation_id is None:
        st.query_params.pop("c", None)
    else:
        st.query_params["c"] = str(conversation_id)


def model_picker(choices: list[str]) -> str:
    """The model for the next turn."""
    return st.selectbox("Model", choices, key="model", help="Set MINI_AGENT_MODELS to offer more.")


def conversation_list(
    sessions: sessionmaker[Session], conversations: list[Conversation], current: int | None
) -> None:
    """Past conversations, newest first: click to resume; rename or delete the open one."""
    if st.button("New chat", icon=":material/add:", width="stretch"):
        open_conversation(None)
        st.rerun()
    if not conversations:
        st.caption("No conversations yet.")
        return
    st.subheader("Conversations")
    for conversation in conversations:
        label = conversation.title
        kind = "primary" if conversation.id == current else "tertiary"
        if st.button(label, key=f"conv-{conversation.id}", type=kind, width="stretch"):
            open_conversation(conversation.id)
            st.rerun()
    chosen = next((c for c in conversations if c.id == current), None)
    if chosen is not None:
        manage_conversation(sessions, chosen)


def manage_conversation(sessions: sessionmaker[Session], conversation: Conversation) -> None:
    """Rename and delete (with confirmation) for the open conversation."""
    with st.expander("This conversation"):
        with st.form("rename", border=False):
            title = st.text_input("Title", value=conversation.title, max_chars=200)
            if st.form_submit_button("Rename"):
                with sessions() as session:
                    queries.rename_conversation(session, conversation.id, title=title)
                st.rerun()
        ask_button("Delete conversation", "delete", conversation.id, icon=":material/delete:")
        question = f"Delete “{conversation.title}” and all its turns? This cannot be undone."
        if confirmed("delete", conversation.id, question):
            with sessions() as session:
                queries.delete_conversation(session, conversation.id)
            open_conversation(None)
            st.rerun()


def preset_picker(default: str | None = None) -> str | None:
    """The job the next turn is for (its system prompt); none selected is plain chat."""
    return st.segmented_control(
        "Preset", list(PRESETS), format_func=lambda key: PRESETS[key].label,
        default=default, key="preset",
        help="Each preset gives the model a system prompt tuned for the job.",
    )


def pending_attachment() -> int | None:
    """The upload the Analyze page handed over (`?attach=<id>`), until a turn attaches it."""
    raw = st.query_params.get("attach")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
