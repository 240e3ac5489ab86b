"""What a page shows when the database stops answering, and how it comes back by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

RETRY_SECONDS = 5
# What an action could not do because the database stopped answering, for the next run to say.
STOPPED_KEY = "db-stopped-during"


def database_stopped(engine: Engine, what: str) -> None:
    """Say in plain words that the database stopped answering, then wait for it and rerun."""
    st.error(f"The database stopped answering, so {what}. Nothing was lost: this page tries "
             f"again every {RETRY_SECONDS} seconds and comes back by itself.",
             icon=":material/database_off:")
    _wait_for(engine)
    st.stop()


@st.fragment(run_every=RETRY_SECONDS)
def _wait_for(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return
    st.rerun(scope="app")


def guarded(what: str, callback: Callable[[], None]) -> Callable[[], None]:
    """A widget callback that, if the database stops answering, leaves `what` for the page to
    say: callbacks run before the page's own code, outside any of its error handling."""
    def run() -> None:
        try:
            callback()
        except SQLAlchemyError:
            st.session_state[STOPPED_KEY] = what
    return run


@contextmanager
def explained(what: str) -> Iterator[None]:
    """Around a database action in a page: if the database stops answering, the page is run
    again and says `what` (see `action_stopped`) instead of showing a traceback."""
    try:
        yield
    except SQLAlchemyError:
        st.session_state[STOPPED_KEY] = what
        st.rerun()


def action_stopped(engine: Engine) -> None:
    """If the last action stopped on the database, say so and wait for it (called by every
    page's setup, before the page reads anything)."""
    if what := st.session_state.pop(STOPPED_KEY, None):
        database_stopped(engine, what)
