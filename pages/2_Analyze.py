"""Analyze: drop a CSV or a log (or reopen an earlier one) and explore what was found."""

from __future__ import annotations

import streamlit as st

from ui.analyze_actions import draw_actions
from ui.analyze_csv import draw_table_profile
from ui.analyze_logs import draw_log_report
from ui.analyze_source import choose_upload
from ui.db_status import explained
from ui.setup import setup_page

app = setup_page("Analyze", ":material/query_stats:")
st.title("Analyze a file")
with explained("the file cannot be shown right now"):
    opened = choose_upload(app)
    if opened is not None:
        draw_actions(app, opened)
        if opened.kind == "csv":
            draw_table_profile(opened.upload, opened.analysis)
        else:
            draw_log_report(opened.upload, opened.analysis)
