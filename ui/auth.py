"""Who is using the app: the local user, an OpenID Connect sign-in, or a trusted proxy's header.

MINI_AGENT_AUTH picks the mode (see the README). Every page resolves the user through
`current_user` before it reads a row; nothing is shown to someone who is not signed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as st_config

from config import Settings
from db import users

SESSION_KEY = "auth_user"


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as pages need it (plain values: safe to keep in session state)."""

    id: int
    email: str
    name: str | None
    admin: bool
    mode: str

    @property
    def label(self) -> str:
        """How the user is named on screen."""
        return f"{self.name} ({self.email})" if self.name else self.email


def _claim(key: str) -> str | None:
    value: Any = st.user.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _sign_in_screen(settings: Settings) -> None:
    """What someone who is not signed in sees: a sign-in button and nothing else."""
    st.title("Mini-Agent")
    if settings.auth == "oidc":
        st.write("Sign in to see your chats, files and history.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    else:
        # A request without the header did not come through the proxy (or the proxy is
        # misconfigured): refuse it rather than fall back to anyone.
        st.error(f"This server expects you to be signed in by its proxy, but the request "
                 f"carried no `{settings.auth_email_header}` header. Open Mini-Agent through "
                 "the sign-in proxy's address, not the app's own port.")
    st.stop()


def _identity(settings: Settings) -> tuple[str, str | None]:
    """(email, name) of whoever is signed in; stops the page with a sign-in screen if nobody."""
    if settings.auth == "oidc" and not st.user.is_logged_in:
        _sign_in_screen(settings)
    email = _claim("email")
    if settings.auth == "oidc" and st.user.get("email_verified") is False:
        # An address the provider has not verified could be anyone's (an admin's included).
        st.error("Your identity provider says your email address is not verified. Verify it "
                 "there, then sign in again.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if email is None:
        if settings.auth == "oidc":
            st.error("Your identity provider did not share an email address, which Mini-Agent "
                     "uses to know you. Allow the `email` scope for this app at the provider, "
                     "then sign in again.")
            st.button("Sign out", on_click=st.logout)
            st.stop()
        _sign_in_screen(settings)
    return email or "", _claim("name")


def current_user(settings: Settings, sessions: sessionmaker[Session]) -> CurrentUser:
    """The user this page run is for (created on first sign-in); cached per browser session
    as long as the identity is the same."""
    if settings.auth == "none":
        email, name = users.LOCAL_EMAIL, None
    else:
        email, name = _identity(settings)
    known = st.session_state.get(SESSION_KEY)
    wanted = users.normalize_email(email)
    if isinstance(known, CurrentUser) and known.email == wanted and known.mode == settings.auth:
        return known
    with sessions() as session:
        if settings.auth == "none":
            user = users.local_user(session)
        else:
            user = users.get_or_create_user(session, email, name)
        found = CurrentUser(user.id, user.email, user.name, users.is_admin(settings, user),
                            settings.auth)
    st.session_state[SESSION_KEY] = found
    return found


def sign_out(settings: Settings) -> None:
    """Offer the way out that fits the mode (none has nobody to sign out)."""
    if settings.auth == "oidc":
        st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    elif settings.auth == "header":
        st.link_button("Sign out", settings.sign_out_url, icon=":material/logout:")
    else:
        st.caption("Sign-in is off (MINI_AGENT_AUTH=none): this server has one local user "
                   "and listens on this machine only.")


def cookie_secret(settings: Settings) -> str:
    """MINI_AGENT_COOKIE_SECRET, or one made once and kept in the data folder (so a restart
    does not sign everyone out)."""
    if settings.cookie_secret:
        return settings.cookie_secret
    path = settings.data_dir / "cookie_secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def server_auth(settings: Settings) -> dict[str, Any]:
    """Set the server up for the auth mode as it starts; returns the secrets for `st.App`.

    none: listen on this machine only (127.0.0.1), unless `server.address` was set explicitly.
    oidc: the `[auth]` section `st.login` reads, from settings (no secrets.toml needed).
    header: which request header Streamlit copies into `st.user` (`server.trustedUserHeaders`).
    """
    if settings.auth == "none" and not st_config.is_manually_set("server.address"):
        st_config.set_option("server.address", "127.0.0.1")
    if settings.auth == "header":
        st_config.set_option("server.trustedUserHeaders",
                             {settings.auth_email_header: "email"})
    if settings.auth != "oidc":
        return {}
    missing = [name for name, value in (
        ("MINI_AGENT_OIDC_METADATA_URL", settings.oidc_metadata_url),
        ("MINI_AGENT_OIDC_CLIENT_ID", settings.oidc_client_id),
        ("MINI_AGENT_OIDC_CLIENT_SECRET", settings.oidc_client_secret),
    ) if not value]
    if missing:
        raise SystemExit(f"MINI_AGENT_AUTH=oidc needs {', '.join(missing)} (see the README).")
    return {"auth": {
        "redirect_uri": settings.oidc_redirect_uri,
        "cookie_secret": cookie_secret(settings),
        "client_id": settings.oidc_client_id,
        "client_secret": settings.oidc_client_secret,
        "server_metadata_url": settings.oidc_metadata_url,
    }}
