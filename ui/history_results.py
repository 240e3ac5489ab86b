"""The History results: table with pager, one interaction's detail, export and delete."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db import history
from db.history_filters import Filters
from db.models import ToolCall
from db.tool_calls import tool_calls_by_turn
from ui.confirm import ask, ask_button, confirmed, pending
from ui.format import duration, money, turn_caption
from ui.history_export import to_csv, to_json
from ui.history_sidebar import set_page

EXPORT_CAP = 50_000
FENCE = re.compile(r"(```.*?(?:```|$))", re.DOTALL)
INLINE_CODE = re.compile(r"(`[^`\n]*`)")


def highlight_markdown(text: str) -> str:
    """Markdown with matched words in bold, except inside code where marks would show."""
    def strip(part: str) -> str:
        return part.replace(history.HIGHLIGHT_START, "").replace(history.HIGHLIGHT_STOP, "")

    def bold(part: str) -> str:
        pieces = INLINE_CODE.split(part)
        return "".join(
            strip(p) if i % 2 else
            p.replace(history.HIGHLIGHT_START, "**").replace(history.HIGHLIGHT_STOP, "**")
            for i, p in enumerate(pieces)
        )

    return "".join(strip(p) if i % 2 else bold(p) for i, p in enumerate(FENCE.split(text)))


def chat_link(label: str, conversation_id: int | None = None) -> str:
    """A markdown link to the chat page; st.page_link cannot see app.py when a page runs alone
    (AppTest), and the chat opens a conversation from its `c` query parameter."""
    target = "./" if conversation_id is None else f"./?c={conversation_id}"
    return f":material/chat: [{label}]({target})"


def results_table(rows: list, *, total: history.Count, page: int) -> int | None:
    """The page of rows as a selectable table with a pager; returns the selected id."""
    noun = "matching interaction" if total.exact and total.value == 1 else "matching interactions"
    shown = f"{total.value:,}" if total.exact else f"more than {total.value:,}"
    st.caption(f"{shown} {noun} · page {page}")
    frame = pd.DataFrame({
        "Time (UTC)": [r.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for r in rows],
        "Model": [r.model for r in rows],
        "Status": [r.status for r in rows],
        "Prompt": [" ".join(r.prompt.split())[:120] for r in rows],
        # Text, like Cost and Latency: a missing number would show as a literal "None".
        "Tokens": ["unknown" if r.prompt_tokens is None and r.completion_tokens is None
                   else f"{(r.prompt_tokens or 0) + (r.completion_tokens or 0):,}" for r in rows],
        "Cost": [money(r.cost_usd) for r in rows],
        "Latency": [duration(r.latency_ms) for r in rows],
    })
    event = st.dataframe(frame, key="h_table", hide_index=True, on_select="rerun",
                         selection_mode="single-row")
    pages = max(1, math.ceil(total.value / history.PAGE_SIZE))
    back, where, forward = st.columns([1, 2, 1])
    back.button("← Newer", disabled=page <= 1, on_click=set_page, args=(page - 1,),
                key="h_prev")
    where.caption(f"Page {page} of {pages}{'' if total.exact else '+'}")
    forward.button("Older →", disabled=len(rows) < history.PAGE_SIZE, on_click=set_page,
                   args=(page + 1,), key="h_next")
    selected = event.selection.rows if event is not None else []
    return rows[selected[0]].id if selected and selected[0] < len(rows) else None


def detail(
    sessions: sessionmaker[Session], interaction_id: int, *, search: str, user_id: int | None,
    own_id: int,
) -> None:
    """The full prompt and response, tokens, tool calls, the error, a link to the conversation,
    delete (of the signed-in user's own interactions only)."""
    with sessions() as session:
        item = history.get_detail(session, interaction_id, search=search, user_id=user_id)
        owner = item.user_id if item is not None else own_id
        calls = tool_calls_by_turn(session, [interaction_id], user_id=owner).get(
            interaction_id, [])
    if item is None:
        st.info("This interaction was deleted.")
        return
    st.subheader(f"Interaction {item.id}")
    caption = turn_caption(model=item.model, prompt_tokens=item.prompt_tokens,
                           completion_tokens=item.completion_tokens, cost_usd=item.cost_usd,
                           latency_ms=item.latency_ms, first_token_ms=item.first_token_ms)
    st.caption(f"{item.created_at:%Y-%m-%d %H:%M:%S %Z} · {item.status} · {caption}")
    st.markdown("**Prompt**")
    st.markdown(highlight_markdown(item.prompt))
    st.markdown("**Response**")
    st.markdown(highlight_markdown(item.response) if item.response else "_No response._")
    if item.error:
        st.error(item.error)
    tool_call_list(calls)
    if item.user_id != own_id:
        return
    if item.conversation_id is not None:
        st.markdown(chat_link("Open its conversation in the chat", item.conversation_id))
    ask_button("Delete this interaction", "h_delete_one", item.id, icon=":material/delete:")
    if confirmed("h_delete_one", item.id, "Delete 1 interaction? This cannot be undone.",
                 action="Delete 1 interaction"):
        with sessions() as session:
            history.delete_interaction(session, item.id, user_id=own_id)
        deleted(1)


def tool_call_list(calls: list[ToolCall]) -> None:
    """Each tool the model called in the turn: its arguments and what it returned."""
    if not calls:
        return
    st.markdown(f"**Tool calls** ({len(calls)})")
    for call in calls:
        label = f"{call.step}. `{call.name}` · {duration(call.duration_ms)}"
        with st.expander(label + (" · failed" if call.error else "")):
            st.json(call.arguments or {}, expanded=True)
            if call.result_summary:
                st.caption(call.result_summary)
            if call.error:
                st.error(call.error)


def export_buttons(sessions: sessionmaker[Session], filters: Filters, total: int) -> None:
    """CSV and JSON downloads of the matching rows, built only when clicked."""
    def rows() -> list[dict]:
        with sessions() as session:
            return list(history.export_rows(session, filters, limit=EXPORT_CAP))

    columns = [c.name for c in history.EXPORT_COLUMNS]
    csv_col, json_col = st.columns(2)
    csv_col.download_button("Export CSV", lambda: to_csv(rows(), columns),
                            file_name="interactions.csv", mime="text/csv", key="h_csv",
                            on_click="ignore", icon=":material/download:")
    json_col.download_button("Export JSON", lambda: to_json(rows()),
                             file_name="interactions.json", mime="application/json",
                             key="h_json", on_click="ignore", icon=":material/download:")
    if total > EXPORT_CAP:
        st.caption(f"Exports hold the newest {EXPORT_CAP:,} matching interactions; "
                   "narrow the filters to export the rest.")


def ask_delete_all(sessions: sessionmaker[Session], filters: Filters) -> None:
    """A button that asks to delete every match, after counting them exactly, and the question
    beside it."""
    def count_then_ask() -> None:
        with sessions() as session:
            count = history.count_exact(session, filters)
        # The filters are kept with absolute times: "last 24 h" must not move under the user.
        ask("h_delete_all", (filters, count))

    st.button("Delete all matching…", key="h_delete_all", icon=":material/delete_sweep:",
              on_click=count_then_ask)
    asked = pending("h_delete_all")
    if not isinstance(asked, tuple):
        return
    target, count = asked
    what = plural(count, "interaction")
    if confirmed("h_delete_all", asked, f"Delete {what}? This cannot be undone.",
                 action=f"Delete {what}"):
        try:
            with sessions() as session:
                history.delete_matching(session, target, expected=count)
        except history.MatchingSetChanged as exc:
            st.error(f"Nothing was deleted: {exc.found:,} interactions match now, "
                     f"not {exc.expected:,}. Check the filters and try again.")
            return
        deleted(count)


def deleted(count: int) -> None:
    """Say what was deleted at the top of the next run."""
    st.session_state["h_deleted"] = f"Deleted {plural(count, 'interaction')}."
    st.rerun()


def plural(count: int, noun: str) -> str:
    """`1 interaction`, `2 interactions`, `1,204 interactions`."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def now_utc() -> datetime:
    """The current time, for resolving date presets (one place, so tests could pin it)."""
    return datetime.now(UTC)
