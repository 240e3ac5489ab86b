"""The History filters: sidebar widgets kept in step with the URL (st.query_params)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from db.history_filters import Filters
from db.models import STATUSES
from ui.history_params import (
    PRESET_LABELS,
    PRESETS,
    RANGE_KEYS,
    View,
    parse,
    same_filters,
    to_params,
)

WRITTEN = "h_written_params"
RANGE_LABELS = {"cost": ("Cost (USD)", 0.0, 0.001), "tokens": ("Tokens", 0, 1),
                "latency": ("Latency (ms)", 0, 1)}


def _current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _normal(params: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def _seed_widgets(view: View) -> None:
    """Put the URL's view into the widgets (first load, reload, or a pasted link)."""
    st.session_state.update({
        "h_preset": view.preset, "h_from": view.date_from, "h_to": view.date_to,
        "h_models": list(view.criteria.models), "h_statuses": list(view.criteria.statuses),
        "h_conversation": view.criteria.conversation_id, "h_search": view.criteria.search,
        "h_sort": view.sort, "h_page": view.page,
        **{f"h_{key}": getattr(view.criteria, key) for key in RANGE_KEYS},
    })


def _widgets(known_models: list[str]) -> dict[str, list[str]]:
    """Draw the filter widgets; their values as URL parameters (validated by `parse`)."""
    st.text_input("Search prompts and responses", key="h_search",
                  placeholder='e.g. docker "build cache" -alpine',
                  help="Words are matched in any form (build, builds, building); "
                       '"quoted phrases" match exactly; -word excludes.')
    st.radio("Order", ("newest", "relevance"), key="h_sort", horizontal=True,
             format_func={"newest": "Newest first", "relevance": "Best match"}.get)
    st.selectbox("Date range", list(PRESETS), key="h_preset", format_func=PRESET_LABELS.get)
    if st.session_state["h_preset"] == "custom":
        # Widgets not drawn on the last run lost their state: start them empty, not today.
        st.session_state.setdefault("h_from", None)
        st.session_state.setdefault("h_to", None)
        st.date_input("From (UTC)", key="h_from")
        st.date_input("To (UTC, inclusive)", key="h_to")
    st.multiselect("Models", known_models, key="h_models", placeholder="All models")
    st.multiselect("Status", STATUSES, key="h_statuses", placeholder="Any status")
    st.number_input("Conversation id", key="h_conversation", min_value=1, step=1,
                    placeholder="Any conversation")
    with st.expander("Cost, tokens and latency"):
        for name, (label, zero, step) in RANGE_LABELS.items():
            low, high = st.columns(2)
            low.number_input(f"{label} from", key=f"h_{name}_min", min_value=zero, step=step)
            high.number_input(f"{label} to", key=f"h_{name}_max", min_value=zero, step=step)
    state = st.session_state
    criteria = Filters(
        user_id=None,  # a placeholder: View.filters sets whose rows
        models=tuple(state["h_models"]), statuses=tuple(state["h_statuses"]),
        conversation_id=state["h_conversation"], search=state["h_search"],
        **{key: state[f"h_{key}"] for key in RANGE_KEYS},
    )
    view = View(preset=state["h_preset"], date_from=state.get("h_from"),
                date_to=state.get("h_to"), criteria=criteria, sort=state["h_sort"],
                page=state["h_page"])
    return _normal(to_params(view))


def filter_sidebar(known_models: list[str]) -> View:
    """The view chosen in the sidebar, seeded from and written back to the URL."""
    url = _current_params()
    if url != st.session_state.get(WRITTEN):
        view, notes = parse(url, known_models=known_models)
        _seed_widgets(view)
        for note in notes:
            st.warning(note, icon=":material/link_off:")
    with st.sidebar:
        params = _widgets(known_models)
    view, notes = parse(params, known_models=known_models)
    for note in notes:
        st.warning(note)
    previous = st.session_state.get("h_view")
    if previous is not None and not same_filters(previous, view) and view.page != 1:
        # New filters: the old page number means nothing any more.
        view = replace(view, page=1)
        st.session_state["h_page"] = 1
    st.session_state["h_view"] = view
    written = _normal(to_params(view))
    if written != url:
        st.query_params.from_dict(written)
    st.session_state[WRITTEN] = written
    return view


def set_page(page: int) -> None:
    """Go to another page of results (a button callback)."""
    st.session_state["h_page"] = page
