"""The Account page's API tokens: create (shown once), list with last use, revoke."""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db import users

NEW_TOKEN_KEY = "account_new_token"
CONFIRM_KEY = "account_revoke"


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def create_token_form(sessions: sessionmaker[Session], user_id: int) -> None:
    """Create a token; the raw value is shown on the next run only, then forgotten."""
    raw = st.session_state.pop(NEW_TOKEN_KEY, None)
    if raw:
        st.success("Your new token. Copy it now: it is not shown again.",
                   icon=":material/key:")
        st.code(raw, language=None)
    with st.form("new_token", clear_on_submit=True, border=False):
        name = st.text_input("Token name", placeholder="e.g. laptop, CI, my editor",
                             max_chars=users.MAX_NAME_CHARS)
        if st.form_submit_button("Create token", icon=":material/add:"):
            with sessions() as session:
                _, st.session_state[NEW_TOKEN_KEY] = users.create_token(
                    session, user_id, name or "token")
            st.rerun()


def token_list(sessions: sessionmaker[Session], user_id: int) -> None:
    """The user's tokens with their last use; revoke asks first."""
    with sessions() as session:
        tokens = users.list_tokens(session, user_id)
    if not tokens:
        st.caption("No tokens yet.")
        return
    for token in tokens:
        name, created, used, action = st.columns([3, 3, 3, 2])
        name.markdown(f"**{token.name}** · #{token.id}")
        created.caption(f"Created {_when(token.created_at)}")
        used.caption(f"Last used {_when(token.last_used_at)}")
        if token.revoked_at is not None:
            action.caption(f"Revoked {_when(token.revoked_at)}")
        elif st.session_state.get(CONFIRM_KEY) == token.id:
            if action.button("Confirm revoke", key=f"revoke-yes-{token.id}", type="primary"):
                with sessions() as session:
                    users.revoke_token(session, user_id, token.id)
                st.session_state.pop(CONFIRM_KEY, None)
                st.rerun()
        elif action.button("Revoke", key=f"revoke-{token.id}", icon=":material/block:"):
            st.session_state[CONFIRM_KEY] = token.id
            st.rerun()
