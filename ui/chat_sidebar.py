"""The chat page's sidebar: pickers, new chat, and the past conversations by date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from agent.presets import PRESETS
from db import queries
from db.models import Conversation
from ui.confirm import ask, confirmed


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


def remember_pickers(conversation: Conversation | None, choices: list[str]) -> list[str]:
    """Set the pickers to the opened conversation's model and preset (once per opening);
    returns the model choices, with the conversation's model added when it is not offered."""
    opened = conversation.id if conversation else None
    if conversation is not None and conversation.model and conversation.model not in choices:
        choices = [*choices, conversation.model]
    if st.session_state.get("pickers_for", -1) != opened:
        st.session_state.pickers_for = opened
        if conversation is not None and conversation.model:
            st.session_state.model = conversation.model
            known = conversation.preset in PRESETS
            st.session_state.preset = conversation.preset if known else None
    return choices


def date_group(when: datetime | None, today: date) -> str:
    """Today / Yesterday / Previous 7 days / Previous 30 days / the month, for the list."""
    if when is None:
        return "Older"
    day = when.date()
    if day >= today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if day > today - timedelta(days=8):
        return "Previous 7 days"
    if day > today - timedelta(days=31):
        return "Previous 30 days"
    return when.strftime("%B %Y")


def local_zone() -> ZoneInfo | None:
    """The browser's time zone, so "Today" is the user's today."""
    name = getattr(st.context, "timezone", None)
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def conversation_search() -> str:
    """The words the conversation list is filtered by."""
    return st.text_input("Search conversations", key="conversation_search",
                         placeholder="Search titles and messages", label_visibility="collapsed",
                         icon=":material/search:")


def conversation_list(
    sessions: sessionmaker[Session], conversations: list[Conversation], current: int | None,
    *, searching: bool = False,
) -> None:
    """Past conversations by date, newest first: click to resume; rename or delete one."""
    if not conversations:
        st.caption("No conversation matches." if searching else "No conversations yet.")
        return
    zone = local_zone()
    today = datetime.now(zone).date()
    group = None
    for conversation in conversations:
        when = conversation.updated_at.astimezone(zone) if conversation.updated_at else None
        if date_group(when, today) != group:
            group = date_group(when, today)
            st.caption(group)
        name, rename, remove = st.columns([8, 1, 1], vertical_alignment="center", gap="small")
        kind = "primary" if conversation.id == current else "tertiary"
        if name.button(conversation.title, key=f"conv-{conversation.id}", type=kind,
                       width="stretch"):
            open_conversation(conversation.id)
            st.rerun()
        if rename.button("", key=f"rename-{conversation.id}", icon=":material/edit:",
                         type="tertiary", help="Rename"):
            st.session_state.renaming = conversation.id
        if remove.button("", key=f"delete-{conversation.id}", icon=":material/delete:",
                         type="tertiary", help="Delete"):
            ask(f"delete-{conversation.id}", conversation.id)
        if st.session_state.get("renaming") == conversation.id:
            rename_form(sessions, conversation)
        confirm_delete(sessions, conversation, current)


def rename_form(sessions: sessionmaker[Session], conversation: Conversation) -> None:
    """A title box right under the conversation."""
    with st.form(f"rename-form-{conversation.id}", border=False):
        title = st.text_input("Title", value=conversation.title, max_chars=200)
        save, cancel = st.columns(2)
        if save.form_submit_button("Rename", type="primary"):
            with sessions() as session:
                queries.rename_conversation(session, conversation.id, title=title)
            del st.session_state.renaming
            st.rerun()
        if cancel.form_submit_button("Cancel"):
            del st.session_state.renaming
            st.rerun()


def confirm_delete(
    sessions: sessionmaker[Session], conversation: Conversation, current: int | None
) -> None:
    """The confirmation, right under the conversation it deletes (once its button asked)."""
    question = f"Delete “{conversation.title}” and all its turns? This cannot be undone."
    if confirmed(f"delete-{conversation.id}", conversation.id, question):
        with sessions() as session:
            queries.delete_conversation(session, conversation.id)
        if conversation.id == current:
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
