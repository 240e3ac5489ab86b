"""One confirm-before-delete flow for every page: the question appears beside its button."""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st


def ask(key: str, target: object) -> None:
    """Ask to confirm the action of button `key` on `target` (answered by `confirmed`)."""
    st.session_state[f"{key}-pending"] = target


def pending(key: str) -> object | None:
    """What button `key` asked about and is still waiting for an answer, if anything."""
    return st.session_state.get(f"{key}-pending")


def ask_button(label: str, key: str, target: Hashable, *, icon: str | None = None) -> None:
    """A button that asks to confirm the action on `target` (answered by `confirmed`)."""
    if st.button(label, key=key, icon=icon):
        ask(key, target)


def confirmed(key: str, target: object, question: str, *, action: str = "Delete") -> bool:
    """Draw the question here when `ask_button(key)` asked about `target`; True once confirmed.

    Call it right after the button, so the question shows where the user clicked.
    """
    if target is None or pending(key) != target:
        return False
    st.warning(question, icon=":material/warning:")
    yes, no, _ = st.columns([2, 2, 5])
    if no.button("Cancel", key=f"{key}-no"):
        st.session_state.pop(f"{key}-pending", None)
        st.rerun()
    if yes.button(action, type="primary", key=f"{key}-yes"):
        st.session_state.pop(f"{key}-pending", None)
        return True
    return False
