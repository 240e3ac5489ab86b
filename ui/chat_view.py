"""Drawing chat turns, stored or live."""

from __future__ import annotations

import streamlit as st

from agent.chat import NOT_SAVED, ChatTurn, TurnResult
from db.models import Interaction
from ui.format import turn_caption

STATUS_NOTES = {
    "stopped": "Stopped: the reply above is what had arrived.",
    "pending": "No reply recorded: the app stopped before this turn finished.",
}


def dropped_note(dropped: int) -> str:
    """The notice shown when old turns were left out of what the model saw."""
    plural = "s" if dropped != 1 else ""
    return (f"The {dropped} oldest turn{plural} of this conversation did not fit the model's "
            "context window and were not sent.")


def draw_stored_turn(turn: Interaction) -> None:
    """A turn from the database: the prompt, the reply and what it cost."""
    with st.chat_message("user"):
        st.markdown(turn.prompt)
    with st.chat_message("assistant"):
        dropped = (turn.meta or {}).get("dropped_turns")
        if dropped:
            st.info(dropped_note(dropped), icon=":material/content_cut:")
        if turn.response:
            st.markdown(turn.response)
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


def draw_live_turn(turn: ChatTurn) -> TurnResult:
    """Stream a new turn into the page; a Stop click interrupts it and the row says `stopped`."""
    with st.chat_message("user"):
        st.markdown(turn.prompt)
    with st.chat_message("assistant"):
        stop = st.empty()
        # Any click reruns the script, which interrupts the stream; `close()` records it.
        stop.button("Stop", key="stop", icon=":material/stop_circle:")
        stream = turn.stream()
        try:
            st.write_stream(stream)
        finally:
            stream.close()
        stop.empty()
        result = turn.result
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
