"""Account: who you are, sign out, your personal API tokens."""

from __future__ import annotations

import streamlit as st

from ui.account_tokens import create_token_form, token_list
from ui.auth import sign_out
from ui.setup import setup_page

app = setup_page("Account", ":material/account_circle:")
user = app.user
st.title("Account")
st.markdown(f"Signed in as **{user.label}**" + (" · admin" if user.admin else ""))
sign_out(app.settings)

st.subheader("API tokens")
st.caption("A token lets editors, scripts and agents use Mini-Agent's HTTP API as you: send it as "
           "`Authorization: Bearer <token>` to `/v1` (OpenAI-compatible), `/api` or `/mcp`. "
           "What they do is recorded in your History.")
create_token_form(app.db.sessions, user.id)
token_list(app.db.sessions, user.id)
