"""Docs: what is indexed, index an environment or a folder, search the docs."""

from __future__ import annotations

import streamlit as st

from ui.docs_page import draw_index_forms, draw_search, draw_sources
from ui.setup import setup_page

app = setup_page("Docs", ":material/menu_book:")
st.title("Library docs")
st.caption("Docstrings and signatures of the exact package versions installed, and your own "
           "doc folders: searched by the chat's presets and its `search_docs` tool.")
draw_search(app.db.sessions)
draw_sources(app.db.sessions)
if app.settings.auth == "none":
    draw_index_forms(app.db.sessions)
else:
    # Indexing reads server folders and runs interpreters by path: with several users
    # signed in, that is the operator's job (manage.py or single-user mode), not a page's.
    st.info("Indexing is open in single-user mode (MINI_AGENT_AUTH=none) only.")
