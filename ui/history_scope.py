"""Whose interactions History shows: always your own, or, for admins, anyone's."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db import users
from db.history_usage import UserRow
from ui.auth import CurrentUser
from ui.format import money

SCOPE_KEY = "h_scope"
EVERYONE = -1


def history_scope(sessions: sessionmaker[Session], user: CurrentUser) -> int | None:
    """The user id History reads (None: every user's). Only admins get to choose."""
    if not user.admin:
        return user.id
    with sessions() as session:
        everyone = {u.id: u.email for u in users.list_users(session)}
    choices = [user.id, EVERYONE] + [i for i in everyone if i != user.id]
    if SCOPE_KEY not in st.session_state:
        # A shared link may name the scope: ?who=all or ?who=<email>.
        who = st.query_params.get("who", "")
        by_email = {email: i for i, email in everyone.items()}
        st.session_state[SCOPE_KEY] = EVERYONE if who == "all" else by_email.get(who, user.id)
    if st.session_state.get(SCOPE_KEY) not in choices:
        st.session_state[SCOPE_KEY] = user.id
    with st.sidebar:
        picked = st.selectbox(
            "Whose interactions (admin)", choices, key=SCOPE_KEY,
            format_func=lambda i: ("Mine" if i == user.id else
                                   "Everyone" if i == EVERYONE else everyone[i]),
        )
    return None if picked == EVERYONE else picked


def per_user_table(rows: list[UserRow]) -> None:
    """Each user's share of the usage (admins looking at everyone)."""
    st.subheader("By user")
    st.dataframe(
        [{"User": r.email, "Interactions": r.interactions, "Errors": r.errors,
          "Tokens": r.tokens, "Cost": money(r.cost_usd)} for r in rows],
        hide_index=True, width="stretch",
    )
