"""What a page shows when the database stops answering, and how it comes back by itself."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

RETRY_SECONDS = 5


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
