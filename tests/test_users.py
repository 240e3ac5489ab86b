"""Users and API tokens (db.users)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import users
from db.models import ApiToken


def test_the_local_user_exists_from_the_migration(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        user = users.local_user(session)
        assert (user.id, user.email) == (1, users.LOCAL_EMAIL)


def test_a_user_is_created_once_per_email_whatever_its_case(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = users.get_or_create_user(session, "Ada@Example.com", "Ada")
        again = users.get_or_create_user(session, "ada@example.com")
        renamed = users.get_or_create_user(session, "ada@example.com", "Ada L.")
        assert first.id == again.id == renamed.id != 1
        assert (renamed.email, renamed.name) == ("ada@example.com", "Ada L.")


def test_a_token_is_shown_once_stored_hashed_and_finds_its_user(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        ada = users.get_or_create_user(session, "ada@example.com")
        token, raw = users.create_token(session, ada.id, "laptop")
        assert raw.startswith("ma_") and len(raw) > 40
        stored = session.scalar(select(ApiToken.token_hash).where(ApiToken.id == token.id))
        assert stored == users.hash_token(raw) and raw not in stored
        assert token.last_used_at is None
        found = users.user_for_token(session, raw)
        assert found is not None and found.id == ada.id
        listed = users.list_tokens(session, ada.id)
        assert [t.name for t in listed] == ["laptop"] and listed[0].last_used_at is not None


def test_unknown_malformed_and_revoked_tokens_find_nobody(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        ada = users.get_or_create_user(session, "ada@example.com")
        bob = users.get_or_create_user(session, "bob@example.com")
        token, raw = users.create_token(session, ada.id, "ci")
        assert users.user_for_token(session, "ma_nope") is None
        assert users.user_for_token(session, raw[3:]) is None
        assert users.user_for_token(session, "ma_" + "x" * 10_000) is None
        assert users.revoke_token(session, bob.id, token.id) is False
        assert users.user_for_token(session, raw) is not None
        assert users.revoke_token(session, ada.id, token.id) is True
        assert users.revoke_token(session, ada.id, token.id) is False
        assert users.user_for_token(session, raw) is None
        assert users.list_tokens(session, bob.id) == []


def test_admins_are_the_listed_emails_in_any_case(sessions: sessionmaker[Session]) -> None:
    settings = SimpleNamespace(admins=["Boss@Example.com"])
    with sessions() as session:
        boss = users.get_or_create_user(session, "boss@example.com")
        ada = users.get_or_create_user(session, "ada@example.com")
        assert users.is_admin(settings, boss) and not users.is_admin(settings, ada)
