"""A real Mini-Agent server (`streamlit run app.py`) for the HTTP API tests, and its users."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.users import create_token, get_or_create_user
from tests.browser_support import streamlit_server
from tests.fake_llm import FakeLLM

MODELS = "openai/fake,openai/other"


@dataclass(frozen=True)
class Account:
    """A user of the server under test and a token of theirs."""

    user_id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def server_env(database_url: str, fake: FakeLLM, data_dir: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
            "MINI_AGENT_MODELS": MODELS, "MINI_AGENT_API_BASE": fake.api_base,
            "MINI_AGENT_MAX_RETRIES": "0", "MINI_AGENT_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="module")
def api_server(database_url: str, fake_llm_server: FakeLLM,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server per test module: `streamlit run app.py` on a free port; its base URL."""
    data_dir = tmp_path_factory.mktemp("api-data")
    with streamlit_server(server_env(database_url, fake_llm_server, data_dir)) as base:
        yield base


def make_account(sessions: sessionmaker[Session], email: str) -> Account:
    with sessions() as session:
        user = get_or_create_user(session, email)
        _, raw = create_token(session, user.id, "tests")
        session.commit()
        return Account(user.id, email, raw)


@pytest.fixture
def alice(sessions: sessionmaker[Session]) -> Account:
    return make_account(sessions, "alice@example.com")


@pytest.fixture
def bob(sessions: sessionmaker[Session]) -> Account:
    return make_account(sessions, "bob@example.com")


@pytest.fixture
def http(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=60) as client:
        yield client
