"""History: find past interactions, see usage and cost, export or delete them."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db import history, history_usage
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


def history_page() -> None:
    """The page's body; every database read and write happens in here."""
    sessions = app.db.sessions
    st.title("History")
    scope = history_scope(sessions, app.user)

    with sessions() as session:
        models = history_usage.known_models(session, user_id=scope)
    if not models:
        st.info("No interactions yet: ask something on the chat page and it shows up here.")
        st.markdown(chat_link("Go to the chat"))
        return

    view = filter_sidebar(models)
    now = now_utc()
    filters = view.filters(now, user_id=scope)
    if message := st.session_state.pop("h_deleted", None):
        st.success(message)

    with sessions() as session:
        total = history.count_matching(session, filters)
        rows = history.list_page(session, filters, page=view.page, ranked=view.sort == "relevance",
                                 total=total) if total.value else []
    if not total.value:
        st.info("No interaction matches these filters. Widen the date range, clear the search "
                "or remove a filter in the sidebar.")
        return

    results, usage_tab = st.tabs(["Results", "Usage"])
    with results:
        selected = results_table(rows, total=total, page=view.page)
        if selected is not None:
            detail(sessions, selected, search=filters.search, user_id=scope,
                   own_id=app.user.id)
        export_buttons(sessions, filters, total.value)
        if scope == app.user.id:  # admins look at others' rows but delete only their own
            ask_delete_all(sessions, filters)
    with usage_tab, sessions() as session:
        if history_usage.chartable(filters, total.value, total.exact):
            usage = history_usage.usage(session, filters, now=now, ids=total.ids)
            kpi_tiles(usage.totals, history_usage.previous_totals(session, filters, now=now))
            charts(usage)
            if scope is None:
                per_user_table(history_usage.usage_by_user(session, filters, now=now))
        else:
            st.info(f"Charts for a search, a conversation or a cost, token or latency range are "
                    f"drawn for up to {history_usage.RAW_CHART_CAP:,} matching interactions; "
                    "narrow the date range or the search to see them.")


try:
    history_page()
except SQLAlchemyError:
    database_stopped(app.db.engine, "History cannot be shown right now")
