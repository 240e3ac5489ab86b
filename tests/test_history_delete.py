"""Deleting from History: a conversation left without turns goes too; the rest stay."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import history, queries
from db.history_filters import Filters
from db.models import LOCAL_USER_ID, Conversation

# Rows written without naming a user are the local user's.
ME = LOCAL_USER_ID


def two_conversations(sessions: sessionmaker[Session]) -> tuple[int, int, list[int]]:
    """One conversation with a single turn, one with two; returns their ids and the turn ids."""
    with sessions() as session:
        lone = queries.create_conversation(session, title="lone").id
        pair = queries.create_conversation(session, title="pair").id
        turns = [queries.start_interaction(session, conversation_id=c, model="m", prompt=p).id
                 for c, p in ((lone, "alpha"), (pair, "beta"), (pair, "gamma"))]
    return lone, pair, turns


def conversation_ids(sessions: sessionmaker[Session]) -> set[int]:
    with sessions() as session:
        return set(session.scalars(select(Conversation.id)))


def test_deleting_a_conversations_last_turn_deletes_the_empty_conversation(sessions) -> None:
    lone, pair, turns = two_conversations(sessions)
    with sessions() as session:
        assert history.delete_interaction(session, turns[0], user_id=ME)
        assert history.delete_interaction(session, turns[1], user_id=ME)
        assert not history.delete_interaction(session, turns[1], user_id=ME)
    assert conversation_ids(sessions) == {pair}


def test_deleting_all_matches_drops_only_the_conversations_left_empty(sessions) -> None:
    lone, pair, turns = two_conversations(sessions)
    with sessions() as session:
        for search, found in (("alpha beta", 0), ("alpha", 1), ("beta", 1)):
            filters = Filters(user_id=ME, search=search)
            assert history.delete_matching(session, filters, expected=found) == found
    assert conversation_ids(sessions) == {pair}


def test_a_bulk_delete_whose_count_changed_deletes_nothing(sessions) -> None:
    lone, pair, turns = two_conversations(sessions)
    with sessions() as session:
        try:
            history.delete_matching(session, Filters(user_id=ME), expected=2)
        except history.MatchingSetChanged as exc:
            assert (exc.expected, exc.found) == (2, 3)
        else:
            raise AssertionError("the changed count was not noticed")
    assert conversation_ids(sessions) == {lone, pair}
