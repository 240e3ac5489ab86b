"""Users and their personal API tokens (only a token's SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.models import LOCAL_USER_ID, ApiToken, User
from db.text import storable

LOCAL_EMAIL = "local@mini-agent"
TOKEN_PREFIX = "ma_"
MAX_TOKEN_CHARS = 200
MAX_NAME_CHARS = 100


class AdminSettings(Protocol):
    """What is_admin needs from the settings."""

    admins: list[str]


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively (providers differ in the case they send)."""
    return email.strip().lower()


def local_user(session: Session) -> User:
    """The one user of MINI_AGENT_AUTH=none (created by migration 0006)."""
    user = session.get(User, LOCAL_USER_ID)
    if user is None:  # someone deleted it by hand: put it back rather than fail every page
        return get_or_create_user(session, LOCAL_EMAIL, "Local user")
    return user


def get_or_create_user(session: Session, email: str, name: str | None = None) -> User:
    """The user with this email, created on first sign-in; the name follows the provider's."""
    email = normalize_email(email)
    if not email:
        raise ValueError("a user needs an email")
    name = (storable(name) or "").strip()[:MAX_NAME_CHARS] or None
    # One statement, so two first requests of the same new user cannot race into a conflict.
    statement = insert(User).values(email=email, name=name)
    upsert = statement.on_conflict_do_update(
        index_elements=[User.email],
        set_={"name": func.coalesce(statement.excluded.name, User.name)},
    ).returning(User.id)
    user_id = session.scalar(upsert)
    session.commit()
    user = session.get(User, user_id, populate_existing=True)
    assert user is not None
    return user


def get_user(session: Session, user_id: int) -> User | None:
    """One user by id."""
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    """Every user, by email (for admins)."""
    return list(session.scalars(select(User).order_by(User.email)))


def hash_token(raw: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, user_id: int, name: str) -> tuple[ApiToken, str]:
    """A new token for `user_id`; the raw token is returned here once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    label = (storable(name) or "").strip()[:MAX_NAME_CHARS] or "token"
    token = ApiToken(user_id=user_id, name=label, token_hash=hash_token(raw))
    session.add(token)
    session.commit()
    return token, raw


def well_formed(raw: str) -> bool:
    """Whether `raw` has a token's shape (anything else is refused without a lookup)."""
    return raw.startswith(TOKEN_PREFIX) and len(raw) <= MAX_TOKEN_CHARS


def user_for_token(session: Session, raw: str) -> User | None:
    """The user a raw token belongs to; None for an unknown, malformed or revoked token.
    Records the use."""
    if not well_formed(raw):
        return None
    user_id = session.scalar(
        update(ApiToken)
        .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
        .values(last_used_at=func.now())
        .returning(ApiToken.user_id)
    )
    session.commit()
    return None if user_id is None else session.get(User, user_id)


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first, revoked ones included (they say when)."""
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def list_all_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    """Every token with its owner's email (for manage.py)."""
    query = (select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
             .order_by(ApiToken.id))
    return [(token, email) for token, email in session.execute(query)]


def revoke_token(session: Session, user_id: int | None, token_id: int) -> bool:
    """Revoke one of `user_id`'s tokens (any user's when None: manage.py); False when there
    is no such live token."""
    query = update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    result = cast(CursorResult[Any], session.execute(query.values(revoked_at=func.now())))
    session.commit()
    return result.rowcount == 1


def is_admin(settings: AdminSettings, user: User) -> bool:
    """True when the user's email is in MINI_AGENT_ADMINS."""
    return normalize_email(user.email) in {normalize_email(e) for e in settings.admins}
