"""History: find past interactions, see usage and cost, export or delete them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from streamlit.delta_generator import DeltaGenerator

from db import history, history_usage
from db.history import Count
from db.history_filters import Filters
from ui.db_status import database_stopped
from ui.history_results import (
    ask_delete_all,
    chat_link,
    detail,
    export_buttons,
    now_utc,
    results_table,
)
from ui.history_scope import history_scope, per_user_table
from ui.history_sidebar import filter_sidebar
from ui.history_usage import charts, kpi_tiles
from ui.setup import setup_page

app = setup_page("History", ":material/history:")


TAB_KEY = "h_tab"


def history_page() -> None:
    """The page's body; every database read and write happens in here."""
    sessions = app.db.sessions
    st.title("History")
    scope = history_scope(sessions, app.user)
    # One session for the page's own reads (each session is a checkout, a ping and a
    # transaction: round trips add up on a busy server), closed before the table's actions
    # (detail, export, delete), which open their own and may stop on a database gone away.
    with sessions() as session:
        shown = history_reads(session, scope)
    if shown is None:
        return
    results, filters, total, rows, page = shown
    with results:
        selected = results_table(rows, total=total, page=page)
        if selected is not None:
            detail(sessions, selected, search=filters.search, user_id=scope, own_id=app.user.id)
        export_buttons(sessions, filters, total.value)
        if scope == app.user.id:  # admins look at others' rows but delete only their own
            ask_delete_all(sessions, filters)


Shown = tuple[DeltaGenerator, Filters, Count, list[Any], int]


def history_reads(session: Session, scope: int | None) -> Shown | None:
    """The filters, the count and the open tab's reads for `scope`; the usage tab is drawn
    here, the results tab's rows are returned to draw (None: nothing to draw there)."""
    models = history_usage.known_models(session, user_id=scope)
    if not models:
        st.info("No interactions yet: ask something on the chat page and it shows up here.")
        st.markdown(chat_link("Go to the chat"))
        return None

    view = filter_sidebar(models)
    now = now_utc()
    filters = view.filters(now, user_id=scope)
    if message := st.session_state.pop("h_deleted", None):
        st.success(message)

    total = history.count_matching(session, filters)
    if not total.value:
        st.info("No interaction matches these filters. Widen the date range, clear the search "
                "or remove a filter in the sidebar.")
        return None

    # Only the open tab is computed: the usage queries and charts cost more than the table.
    results, usage_tab = st.tabs(["Results", "Usage"], key=TAB_KEY, on_change="rerun")
    if usage_tab.open:
        with usage_tab:
            usage_charts(session, filters, total, now, scope)
    if not results.open:
        return None
    rows = history.list_page(session, filters, page=view.page, ranked=view.sort == "relevance",
                             total=total)
    return results, filters, total, rows, view.page


def usage_charts(session: Session, filters: Filters, total: Count,
                 now: datetime, scope: int | None) -> None:
    if not history_usage.chartable(filters, total.value, total.exact):
        st.info(f"Charts for a search, a conversation or a cost, token or latency range are "
                f"drawn for up to {history_usage.RAW_CHART_CAP:,} matching interactions; "
                "narrow the date range or the search to see them.")
        return
    usage = history_usage.usage(session, filters, now=now, ids=total.ids)
    kpi_tiles(usage.totals, history_usage.previous_totals(session, filters, now=now))
    charts(usage)
    if scope is None:
        per_user_table(history_usage.usage_by_user(session, filters, now=now))


try:
    history_page()
except SQLAlchemyError:
    database_stopped(app.db.engine, "History cannot be shown right now")
