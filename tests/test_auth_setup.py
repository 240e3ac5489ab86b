"""The server-level auth set-up taken from settings (ui.auth.server_auth)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as st_config

from config import Settings
from ui.auth import cookie_secret, server_auth

OPTIONS = ("server.trustedUserHeaders", "server.address")


@pytest.fixture(autouse=True)
def restore_streamlit_options() -> Iterator[None]:
    saved = {name: st_config.get_option(name) for name in OPTIONS}
    yield
    for name, value in saved.items():
        if st_config.get_option(name) != value:  # untouched options stay "not set by anyone"
            st_config.set_option(name, value)


def oidc_settings(tmp_path: Path, **extra: str) -> Settings:
    return Settings(MINI_AGENT_AUTH="oidc", MINI_AGENT_DATA_DIR=tmp_path,
                    MINI_AGENT_OIDC_METADATA_URL="https://id.example/.well-known/openid-configuration",
                    MINI_AGENT_OIDC_CLIENT_ID="app", MINI_AGENT_OIDC_CLIENT_SECRET="s3", **extra)


def test_oidc_settings_become_the_auth_section_st_login_reads(tmp_path: Path) -> None:
    secrets = server_auth(oidc_settings(tmp_path, MINI_AGENT_COOKIE_SECRET="c" * 32))
    assert secrets == {"auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
        "client_id": "app", "client_secret": "s3",
        "server_metadata_url": "https://id.example/.well-known/openid-configuration"}}


def test_without_a_cookie_secret_one_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = cookie_secret(oidc_settings(tmp_path))
    assert len(first) >= 32 and cookie_secret(oidc_settings(tmp_path)) == first
    assert (tmp_path / "cookie_secret").stat().st_mode & 0o077 == 0


def test_oidc_without_its_settings_refuses_to_start_and_names_them(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="MINI_AGENT_OIDC_CLIENT_SECRET"):
        server_auth(Settings(MINI_AGENT_AUTH="oidc", MINI_AGENT_DATA_DIR=tmp_path,
                             MINI_AGENT_OIDC_METADATA_URL="https://id.example/x",
                             MINI_AGENT_OIDC_CLIENT_ID="app"))


def test_header_mode_trusts_exactly_the_configured_header() -> None:
    assert server_auth(Settings(MINI_AGENT_AUTH="header",
                                MINI_AGENT_AUTH_HEADER="X-Auth-Request-Email")) == {}
    assert st_config.get_option("server.trustedUserHeaders") == {"X-Auth-Request-Email": "email"}


def test_without_sign_in_the_server_listens_on_this_machine_only(monkeypatch) -> None:
    # The project's .streamlit/config.toml sets an address; pretend nobody did.
    monkeypatch.setattr(st_config, "is_manually_set", lambda name: False)
    before = st_config.get_option("server.address")
    try:
        st_config.set_option("server.address", "0.0.0.0")
        assert server_auth(Settings(MINI_AGENT_AUTH="none")) == {}
        assert st_config.get_option("server.address") == "127.0.0.1"
    finally:
        st_config.set_option("server.address", before)
