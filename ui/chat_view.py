"""Drawing chat turns (one renderer, whatever their state) and following a running one."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from agent.chat import NOT_SAVED
from agent.follow import Snapshot
from agent.tools.data_plot import figure_from_data
from db.models import ToolCall
from ui.docs_view import draw_doc_hits, draw_docs_output, draw_reply
from ui.format import duration, turn_caption

STOPPED_NOTES = {
    "": "Stopped: the reply above is what had arrived.",
    "shutdown": "The app stopped while this reply streamed: the reply above is what had arrived.",
}
# Streamlit's own Stop (in the running indicator) would only stop drawing, not the turn.
HIDE_STREAMLIT_STOP = "<style>[data-testid='stStatusWidget'] button {display: none;}</style>"


def dropped_note(dropped: int) -> str:
    """The notice shown when old turns were left out of what the model saw."""
    plural = "s" if dropped != 1 else ""
    return (f"The {dropped} oldest turn{plural} of this conversation did not fit the model's "
            "context window and were not sent.")


def tools_off_note(model: str, reason: str) -> str:
    """The notice shown when the model gets no tools."""
    return f"Tools are off for `{model}`: {reason} It still chats, without running anything."


def attached_note(names: Sequence[str]) -> str:
    """The notice naming files attached to the conversation."""
    return "Attached: " + ", ".join(names)


class TurnView(Protocol):
    """What drawing a turn needs: a stored row, or a turn the database did not take."""

    id: int | None
    prompt: str
    response: str | None
    status: str
    error: str | None
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    latency_ms: int | None
    first_token_ms: int | None
    meta: dict[str, Any] | None


@dataclass
class UnsavedTurn:
    """A turn kept on screen only, because the database did not take it."""

    prompt: str
    response: str | None
    status: str
    error: str | None
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    latency_ms: int | None = None
    first_token_ms: int | None = None
    meta: dict[str, Any] | None = None
    id: int | None = None


def draw_turn(
    turn: TurnView,
    calls: Sequence[ToolCall] = (),
    uploads: dict[int, str] | None = None,
    *,
    controls: Callable[[TurnView], None] | None = None,
    prompt_controls: Callable[[TurnView], bool] | None = None,
) -> DeltaGenerator | None:
    """One turn: the prompt, its tool calls, the reply and what it cost.

    A pending turn gets an empty reply area, returned so the page can follow the turn into
    it once the chat input is drawn. `prompt_controls` may replace the prompt (an edit box)
    and returns True when it did; `controls` draws the reply's buttons.
    """
    meta = turn.meta or {}
    with st.chat_message("user"):
        if prompt_controls is None or not prompt_controls(turn):
            st.markdown(turn.prompt)
        attached = [(uploads or {}).get(i, f"upload {i}") for i in meta.get("attached", [])]
        if attached:
            st.caption(attached_note(attached))
    with st.chat_message("assistant"):
        dropped = meta.get("dropped_turns")
        if dropped:
            st.info(dropped_note(dropped), icon=":material/content_cut:")
        if meta.get("tools_off"):
            st.caption(tools_off_note(turn.model, meta["tools_off"]))
        for call in calls:
            result = call.result or {}
            block = st.status(tool_label(call.name, call.result_summary, call.duration_ms),
                              state="error" if call.error else "complete", expanded=False)
            with block:
                draw_tool_input(call.name, call.arguments or {})
                draw_tool_output(result.get("view", "json"), result.get("data") or {},
                                 call.error)
        if turn.status == "pending":
            return st.container()
        if turn.response:
            draw_reply(turn.response, meta)
        draw_doc_hits(meta)
        if turn.status == "error":
            st.error(friendly_error(turn.error), icon=":material/error:")
        elif turn.status == "stopped":
            st.caption(STOPPED_NOTES.get(meta.get("stopped_by", ""), STOPPED_NOTES[""]))
        if turn.id is None:
            st.warning(NOT_SAVED, icon=":material/cloud_off:")
        if controls is not None:
            controls(turn)
        st.caption(turn_caption(
            model=turn.model,
            prompt_tokens=turn.prompt_tokens,
            completion_tokens=turn.completion_tokens,
            cost_usd=turn.cost_usd,
            latency_ms=turn.latency_ms,
            first_token_ms=turn.first_token_ms,
        ))
    return None


def friendly_error(record: str | None) -> str:
    """The stored error as the user first saw it (its class prefix dropped)."""
    if not record:
        return "The model call failed."
    kind, _, message = record.partition(": ")
    return message or kind


def follow_turn(
    area: DeltaGenerator, snapshots: Iterator[Snapshot], on_stop: Callable[[], None]
) -> Snapshot | None:
    """Draw a running turn into `area` as it grows: a typing indicator until the first token,
    one Stop button, and the text so far. Returns the final state (None if the row vanished).
    """
    with area:
        status = st.empty()
        text = st.empty()
        st.button("Stop", key="stop", icon=":material/stop_circle:", on_click=on_stop)
    shown = None
    started = time.monotonic()
    last: Snapshot | None = None
    for last in snapshots:
        if last.final:
            break
        waited = f"{time.monotonic() - started:.0f} s"
        if last.database_away:
            status.caption(f"The database is not answering; the reply goes on · {waited}")
        elif last.tool:
            status.caption(f"Running `{last.tool}`… · {waited}")
        elif not last.text:
            status.caption(f":material/more_horiz: Thinking… · {waited}")
        else:
            status.caption(f"Writing… · {waited}")
        if last.text != shown:
            shown = last.text
            text.markdown(shown + " ▌")
    return last


def tool_label(name: str, summary: str | None, duration_ms: int | None) -> str:
    """A tool block's title: the tool, how it ended, how long it took."""
    return " · ".join(p for p in (f"`{name}`", summary, duration(duration_ms)) if p)


def draw_tool_input(name: str, arguments: dict[str, Any]) -> None:
    """What the model asked the tool to do: code and SQL as code, the rest as JSON."""
    rest = dict(arguments)
    for key, language in (("code", "python"), ("tests", "python"), ("sql", "sql")):
        if isinstance(rest.get(key), str):
            st.code(rest.pop(key), language=language)
    if rest:
        st.code(json.dumps(rest, ensure_ascii=False, indent=1), language="json")


def draw_tool_output(view: str, data: dict[str, Any], error: str | None) -> None:
    """A tool's result, drawn by kind: output text, test outcomes, a table or a chart."""
    if error:
        st.error(error, icon=":material/error:")
        return
    if view == "python":
        st.caption(f"exit code {data.get('exit_code')}"
                   + (" · timed out" if data.get("timed_out") else ""))
        if data.get("stdout"):
            st.code(data["stdout"], language="text")
        if data.get("stderr"):
            st.code(data["stderr"], language="text")
    elif view == "pytest":
        st.markdown(f"**pytest:** `{data.get('summary') or 'no summary'}`")
        if data.get("tests"):
            st.dataframe(pd.DataFrame(data["tests"]), hide_index=True)
        for key in ("failure_output", "stdout", "stderr"):
            if data.get(key):
                st.code(data[key], language="text")
    elif view in ("table", "chart"):
        frame = pd.DataFrame(data.get("rows", []), columns=data.get("columns", []))
        if view == "chart":
            st.plotly_chart(figure_from_data(data))
        else:
            st.dataframe(frame, hide_index=True)
        if data.get("truncated"):
            st.caption(f"First {len(frame):,} of {data.get('total_rows', 0):,} rows.")
    elif view == "profile":
        st.caption(f"{data.get('rows', 0):,} rows × {data.get('column_count', 0):,} columns")
        st.dataframe(pd.DataFrame(data.get("columns", [])), hide_index=True)
    elif view == "records":
        st.dataframe(pd.DataFrame(data.get("matches", [])), hide_index=True)
    elif view == "docs":
        draw_docs_output(data)
    else:
        st.json(data, expanded=False)
