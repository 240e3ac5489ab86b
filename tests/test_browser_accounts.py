"""Signing in for real: OpenID Connect against a mock provider, and a trusted proxy's header."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from oidc_provider_mock import User, run_server_in_thread

from tests.accounts_data import two_users
from tests.browser_support import (
    CHROMIUM_ARGS,
    chromium_path,
    free_port,
    streamlit_server,
)

pytestmark = pytest.mark.browser
FIRST_RUN_MS = 90_000  # the first run imports litellm, pandas and plotly


@contextmanager
def browser_page(headers: dict[str, str] | None = None) -> Iterator[object]:
    """A page in headless Debian Chromium whose every request carries `headers`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(extra_http_headers=headers or {}).new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def app_env(database_url: str, tmp_path, **settings: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
            "MINI_AGENT_DATA_DIR": str(tmp_path), **settings}


def test_signing_in_with_openid_connect_shows_only_your_own_chats(
    database_url: str, sessions, tmp_path
) -> None:
    ada, bob = two_users(sessions)
    port = free_port()
    claims = User(sub="ada-123", claims={"email": "ada@example.com", "name": "Ada Lovelace",
                                         "email_verified": True})
    with run_server_in_thread(user_claims=[claims]) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        env = app_env(
            database_url, tmp_path, MINI_AGENT_AUTH="oidc",
            MINI_AGENT_OIDC_METADATA_URL=f"{issuer}/.well-known/openid-configuration",
            MINI_AGENT_OIDC_CLIENT_ID="mini-agent", MINI_AGENT_OIDC_CLIENT_SECRET="not-secret",
            MINI_AGENT_OIDC_REDIRECT_URI=f"http://localhost:{port}/oauth2callback",
        )
        with streamlit_server(env, port=port), browser_page() as page:
            page.goto(f"http://localhost:{port}/")
            page.get_by_role("button", name="Sign in").wait_for(timeout=FIRST_RUN_MS)
            assert page.get_by_text(ada.word).count() == 0
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="ada-123").click()  # the provider's own page
            page.get_by_text("Signed in as Ada Lovelace (ada@example.com)").wait_for()
            page.get_by_text(f"{ada.word} chat").wait_for()
            assert page.get_by_text(bob.word).count() == 0
            page.goto(f"http://localhost:{port}/Account")
            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="End session").click()  # the provider's page
            page.get_by_role("button", name="Sign in").wait_for(timeout=FIRST_RUN_MS)
            assert page.get_by_text(ada.word).count() == 0


def test_a_trusted_proxys_header_signs_you_in_and_its_absence_shows_nothing(
    database_url: str, sessions, tmp_path
) -> None:
    ada, bob = two_users(sessions)
    env = app_env(database_url, tmp_path, MINI_AGENT_AUTH="header")
    with streamlit_server(env) as base:
        with browser_page({"X-Forwarded-Email": bob.email}) as page:
            page.goto(base)
            page.get_by_text(f"Signed in as {bob.email}").wait_for(timeout=FIRST_RUN_MS)
            page.get_by_text(f"{bob.word} chat").wait_for()
            assert page.get_by_text(ada.word).count() == 0
        with browser_page() as page:
            page.goto(base)
            page.get_by_text("carried no X-Forwarded-Email header").wait_for()
            assert page.get_by_text(ada.word).count() == 0
            assert page.get_by_text(bob.word).count() == 0
