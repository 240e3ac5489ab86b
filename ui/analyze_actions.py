"""What can be done with an opened upload: ask the agent about it, or delete it."""

from __future__ import annotations

import streamlit as st

from agent.uploads import AnalyzedUpload, delete_upload
from agent.uploads.cache import analysis_cache
from ui.analyze_source import PICK_KEY, upload_label
from ui.confirm import ask_button, confirmed
from ui.setup import App


def draw_actions(app: App, opened: AnalyzedUpload) -> None:
    """The upload's title line with its two buttons, and the delete confirmation."""
    upload = opened.upload
    st.subheader(upload.name)
    st.caption(upload_label(upload).removeprefix(f"{upload.name} · "))
    ask, delete, _ = st.columns([3, 2, 5])
    if ask.button("Ask the agent about this file", icon=":material/chat:", key="analyze-ask"):
        # The chat page reads `attach` and attaches the upload to the next prompt.
        st.switch_page("app.py", query_params={"attach": str(upload.id)})
    with delete:
        ask_button("Delete upload", "analyze-delete", upload.id, icon=":material/delete:")
    question = (f"Delete “{upload.name}”? Its record and the kept file are removed; "
                "this cannot be undone.")
    if confirmed("analyze-delete", upload.id, question):
        delete_upload(app.db.sessions, upload.id, user_id=app.user.id,
                      data_dir=app.settings.data_dir)
        analysis_cache().forget(upload.sha256)
        st.session_state.pop(PICK_KEY, None)
        st.query_params.pop("upload", None)
        st.rerun()
