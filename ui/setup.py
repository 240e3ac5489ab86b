"""What every page does first: page config, settings, the database, the sidebar header."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy import URL, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from streamlit.runtime.scriptrunner import get_script_run_ctx

from agent.llm import LLMClient, litellm_module, make_client
from agent.sandbox.harden import make_undumpable
from config import Settings, get_settings
from db import migrate
from db.engine import (
    DatabaseUnavailable,
    make_engine,
    make_sessionmaker,
    redact,
    resolve_database_url,
    revive_embedded,
)
from ui.auth import CurrentUser, current_user

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Database:
    """The engine and sessions of the database this app uses, and how to name it."""

    engine: Engine
    sessions: sessionmaker[Session]
    shown_url: str
    embedded: bool


@dataclass(frozen=True)
class App:
    """What a page needs: settings, the database and the LLM client."""

    settings: Settings
    db: Database
    llm: LLMClient
    user: CurrentUser


@st.cache_resource(show_spinner="Starting the database…")
def open_database(database_url: str | None, data_dir: str) -> Database:
    """Resolve, connect and migrate once per configuration (failures are not cached)."""
    settings = Settings(DATABASE_URL=database_url, MINI_AGENT_DATA_DIR=data_dir)
    url = resolve_database_url(settings)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"Cannot use the PostgreSQL database at {redact(url)}: {reason}",
            url=redact(url),
        ) from exc
    return Database(engine, make_sessionmaker(engine), redact(url), not database_url)


@st.cache_resource
def warm_litellm() -> threading.Thread:
    """Import litellm (seconds) in the background once per process, so the first turn is quick."""
    thread = threading.Thread(target=litellm_module, name="warm-litellm", daemon=True)
    thread.start()
    return thread


def page_label(path: Path) -> str:
    """`pages/2_Analyze.py` -> "Analyze": the label Streamlit's own navigation would show."""
    return re.sub(r"^\d+_", "", path.stem).replace("_", " ")


def navigation() -> None:
    """Links to every page, the entry script named "Chat" (Streamlit would call it "app")."""
    ctx = get_script_run_ctx()
    if ctx is None or Path(ctx.pages_manager.main_script_path).name != "app.py":
        return  # a page run on its own (AppTest) has no other pages to link to
    st.page_link("app.py", label="Chat", icon=":material/chat:")
    for path in sorted((ROOT / "pages").glob("*.py")):
        st.page_link(f"pages/{path.name}", label=page_label(path))


def describe_database(url: URL, data_dir: Path, embedded: bool) -> str:
    """What the sidebar says about the database, in words rather than a URL-encoded socket path."""
    if embedded:
        return f"embedded PostgreSQL 18 in `{data_dir / 'pgdata'}`"
    return f"PostgreSQL `{url.database}` on `{url.host or 'localhost'}:{url.port or 5432}`"


def setup_page(title: str, icon: str) -> App:
    """Configure the page and open the database, or explain what is wrong and stop."""
    make_undumpable()  # first, and on every page: cheap, and no code runs before it
    st.set_page_config(page_title=f"{title} · Mini-Agent", page_icon=icon, layout="wide")
    settings = get_settings()
    warm_litellm()
    try:
        db = open_database(settings.database_url, str(settings.data_dir))
    except DatabaseUnavailable as exc:
        st.title("Mini-Agent cannot reach its database")
        st.error(str(exc))
        st.markdown(
            "**How to fix it**\n"
            "- If `DATABASE_URL` is set, check that the server is running and reachable, "
            "and that the user, password and database name are right.\n"
            "- Unset `DATABASE_URL` to use the embedded PostgreSQL kept in "
            f"`{settings.data_dir}`.\n"
            "- Then reload this page."
        )
        st.stop()
    if db.embedded and revive_embedded(settings.data_dir):
        st.warning("The embedded PostgreSQL had stopped; it was started again.",
                    icon=":material/restart_alt:")
    user = current_user(settings, db.sessions)
    with st.sidebar:
        navigation()
        st.caption(f"Database: {describe_database(db.engine.url, settings.data_dir, db.embedded)}")
        if settings.auth != "none":
            st.caption(f"Signed in as {user.label}" + (" · admin" if user.admin else ""))
    return App(settings=settings, db=db, llm=make_client(settings), user=user)
