"""Every page, signed in as one user, shows none of another user's rows (AppTest)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from db import users
from tests.accounts_data import two_users
from tests.conftest import ROOT

TIMEOUT = 30
PAGES = ("app.py", "pages/1_History.py", "pages/2_Analyze.py", "pages/9_Account.py")


def everything_shown(node: Any) -> str:
    """The text of every element on the page, sidebar included (labels, values, tables)."""
    parts = [str(getattr(node, "proto", ""))]
    for child in getattr(node, "children", {}).values():
        parts.append(everything_shown(child))
    return "\n".join(parts)


def open_as(page: str, user: dict[str, Any]) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.user = user
    return at.run()


@pytest.fixture
def header_mode(app_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINI_AGENT_AUTH", "header")


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_signed_in_user_none_of_the_others_data(
    header_mode, sessions: sessionmaker[Session], page: str,
) -> None:
    ada, bob = two_users(sessions)
    with sessions() as session:
        users.create_token(session, bob.user_id, "bumblebee-token")
        users.create_token(session, ada.user_id, "aardvark-token")
    for me, other in ((ada, bob), (bob, ada)):
        at = open_as(page, {"email": me.email})
        assert not at.exception
        shown = everything_shown(at._tree)
        assert other.word not in shown and other.email not in shown
        if page != "pages/2_Analyze.py":  # Analyze lists uploads only once a file is picked
            assert me.word in shown


def test_history_opened_by_an_admin_can_show_everyone_per_user(
    header_mode, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ada, bob = two_users(sessions)
    monkeypatch.setenv("MINI_AGENT_ADMINS", "ada@example.com")
    at = open_as("pages/1_History.py", {"email": ada.email})
    assert bob.word not in everything_shown(at._tree)  # an admin starts on their own rows
    at.selectbox(key="h_scope").select(-1).run()
    assert not at.exception
    shown = everything_shown(at._tree)
    assert ada.word in shown and bob.word in shown
    at.session_state["h_tab"] = "Usage"
    at.run()
    assert any("By user" in h.value for h in at.subheader)
    at_bob = open_as("pages/1_History.py", {"email": bob.email})
    assert all(s.key != "h_scope" for s in at_bob.selectbox)  # not an admin: no choice


def test_a_request_without_the_proxys_header_sees_nothing(
    header_mode, sessions: sessionmaker[Session],
) -> None:
    ada, _ = two_users(sessions)
    for page in PAGES:
        at = open_as(page, {})
        assert not at.exception
        assert "X-Forwarded-Email" in at.error[0].value
        assert ada.word not in everything_shown(at._tree)


def test_oidc_mode_asks_to_sign_in_first_and_knows_the_user_after(
    app_env, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINI_AGENT_AUTH", "oidc")
    ada, _ = two_users(sessions)
    at = open_as("pages/1_History.py", {"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert ada.word not in everything_shown(at._tree)
    at = open_as("pages/1_History.py", {"is_logged_in": True, "email": "Ada@Example.com",
                                        "name": "Ada"})
    assert ada.word in everything_shown(at._tree)


def test_an_unverified_email_is_not_trusted(
    app_env, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINI_AGENT_AUTH", "oidc")
    ada, _ = two_users(sessions)
    at = open_as("pages/1_History.py", {"is_logged_in": True, "email": ada.email,
                                        "email_verified": False})
    assert "not verified" in at.error[0].value
    assert ada.word not in everything_shown(at._tree)


def test_the_account_page_creates_shows_once_lists_and_revokes_a_token(
    app_env, sessions: sessionmaker[Session],
) -> None:
    at = open_as("pages/9_Account.py", {})
    assert "local@mini-agent" in at.markdown[0].value
    at.text_input[0].input("my editor")
    at.button[0].click().run()  # the form's submit button
    raw = at.code[0].value
    assert raw.startswith("ma_")
    with sessions() as session:
        assert users.user_for_token(session, raw).email == users.LOCAL_EMAIL
    at.run()
    assert not at.code and "last used" in everything_shown(at._tree).lower()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("revoke-"))
              ).click().run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("revoke-yes"))
              ).click().run()
    assert not at.exception
    with sessions() as session:
        assert users.user_for_token(session, raw) is None
