"""Drawing chat turns, stored or live, with their tool calls."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from agent.chat import NOT_SAVED, ChatTurn, TurnResult
from agent.loop import Event, TextDelta, ToolFinished, ToolStarted
from agent.tools.data_plot import figure_from_data
from db.models import Interaction, ToolCall
from ui.docs_view import draw_doc_hits, draw_docs_output, draw_reply
from ui.format import duration, turn_caption

STATUS_NOTES = {
    "stopped": "Stopped: the reply above is what had arrived.",
    "pending": "No reply recorded: the app stopped before this turn finished.",
}


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


def draw_stored_turn(
    turn: Interaction, calls: Sequence[ToolCall] = (), uploads: dict[int, str] | None = None
) -> None:
    """A turn from the database: the prompt, its tool calls, the reply and what it cost."""
    meta = turn.meta or {}
    with st.chat_message("user"):
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
        if turn.response:
            draw_reply(turn.response, meta)
        draw_doc_hits(meta)
        if turn.status == "error":
            st.error(friendly_error(turn.error), icon=":material/error:")
            if st.button("Retry", key=f"retry-{turn.id}", icon=":material/refresh:"):
                st.session_state.resend = turn.prompt
                st.rerun()
        elif turn.status in STATUS_NOTES:
            st.caption(STATUS_NOTES[turn.status])
        st.caption(turn_caption(
            model=turn.model,
            prompt_tokens=turn.prompt_tokens,
            completion_tokens=turn.completion_tokens,
            cost_usd=turn.cost_usd,
            latency_ms=turn.latency_ms,
            first_token_ms=turn.first_token_ms,
        ))


def friendly_error(record: str | None) -> str:
    """The stored error as the user first saw it (its class prefix dropped)."""
    if not record:
        return "The model call failed."
    kind, _, message = record.partition(": ")
    return message or kind


def draw_live_turn(turn: ChatTurn, attached: Sequence[str] = ()) -> TurnResult:
    """Stream a new turn into the page; a Stop click interrupts it and the row says `stopped`."""
    with st.chat_message("user"):
        st.markdown(turn.prompt)
        if attached:
            st.caption(attached_note(attached))
    with st.chat_message("assistant"):
        stop = st.empty()
        # Any click reruns the script, which interrupts the stream; `close()` records it.
        stop.button("Stop", key="stop", icon=":material/stop_circle:")
        st.session_state.live_turn = turn
        events = turn.events()
        try:
            draw_events(events)
        finally:
            events.close()
        stop.empty()
        result = turn.result
        if result.tools_off and turn.agent is not None:
            st.info(tools_off_note(turn.model, result.tools_off), icon=":material/build:")
        if result.dropped_turns:
            st.info(dropped_note(result.dropped_turns), icon=":material/content_cut:")
        if result.error is not None:
            st.error(str(result.error), icon=":material/error:")
        if not result.saved:
            st.warning(NOT_SAVED, icon=":material/cloud_off:")
        st.caption(turn_caption(
            model=turn.model,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            cost_usd=result.cost_usd,
            latency_ms=result.latency_ms,
            first_token_ms=result.first_token_ms,
        ))
    return result


def wait_for_interrupted_turn(timeout_s: float = 10) -> None:
    """Let a turn cut short by Stop finish recording before this run reads the conversation.

    With fast reruns Streamlit starts the new run while the interrupted one is still unwinding,
    so without this the page could read the row while it still says `pending`.
    """
    turn = st.session_state.pop("live_turn", None)
    if turn is not None:
        turn.finished.wait(timeout_s)


def draw_events(events: Iterator[Event]) -> None:
    """Text runs go through st.write_stream; each tool call gets a status block, then collapses."""
    running: dict[str, Any] = {}
    event = next(events, None)
    while event is not None:
        if isinstance(event, TextDelta):
            after: list[Event] = []
            st.write_stream(text_run(event, events, after))
            event = after[0] if after else None
            continue
        if isinstance(event, ToolStarted):
            block = st.status(f"{event.name}…", expanded=True)
            with block:
                draw_tool_input(event.name, event.arguments)
            running[event.call_id] = block
        elif isinstance(event, ToolFinished):
            block = running.pop(event.call_id)
            output = event.output
            with block:
                draw_tool_output(output.view, output.data, output.error)
            block.update(label=tool_label(event.name, output.summary, event.duration_ms),
                         state="error" if output.error else "complete", expanded=False)
        event = next(events, None)


def text_run(first: TextDelta, events: Iterator[Event], after: list[Event]) -> Iterator[str]:
    """The text pieces up to the next tool event, which is left in `after`."""
    yield first.text
    for event in events:
        if not isinstance(event, TextDelta):
            after.append(event)
            return
        yield event.text


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


def draw_unsaved(turns: list[dict[str, str]]) -> None:
    """Turns the database did not take, kept on screen for this session."""
    for turn in turns:
        with st.chat_message("user"):
            st.markdown(turn["prompt"])
        with st.chat_message("assistant"):
            st.markdown(turn["response"] or "_(no reply)_")
            if turn.get("error"):
                st.error(turn["error"])
            st.warning(NOT_SAVED, icon=":material/cloud_off:")
