"""Every query reads and changes only the signed-in user's rows; admins read everyone's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from agent.uploads.refs import upload_refs
from db import history, history_usage, queries
from db.history_filters import Filters
from db.tool_calls import tool_calls_by_turn
from db.uploads import find_by_sha256, get_upload, list_uploads, uploads_by_id
from tests.accounts_data import Owned, two_users

NOW = datetime.now(UTC)


def texts(rows: list) -> str:
    return " ".join(str(value) for row in rows for value in row)


def history_views(session: Session, me: Owned, filters: Filters) -> str:
    """Everything History shows for `filters`, as one string to search for the other's word."""
    total = history.count_matching(session, filters)
    page = history.list_page(session, filters, total=total)
    usage = history_usage.usage(session, filters, now=NOW, ids=total.ids)
    exported = list(history.export_rows(session, filters, limit=100))
    return " ".join([
        str(total.value), texts(page), repr(usage), repr(exported),
        " ".join(history_usage.known_models(session, user_id=filters.user_id)),
    ])


def test_conversations_turns_uploads_and_tool_calls_are_the_owners_only(
    sessions: sessionmaker[Session],
) -> None:
    ada, bob = two_users(sessions)
    with sessions() as session:
        for me, other in ((ada, bob), (bob, ada)):
            mine = me.user_id
            assert [c.id for c in queries.list_conversations(session, user_id=mine)] == [
                me.conversation_id]
            assert queries.get_conversation(session, other.conversation_id, user_id=mine) is None
            assert queries.list_turns(session, other.conversation_id, user_id=mine) == []
            assert len(queries.list_turns(session, me.conversation_id, user_id=mine)) == 2
            assert queries.get_interaction(session, other.interaction_id, user_id=mine) is None
            assert tool_calls_by_turn(session, [other.interaction_id], user_id=mine) == {}
            assert list(tool_calls_by_turn(session, [me.interaction_id], user_id=mine)) == [
                me.interaction_id]
            assert [u.id for u in list_uploads(session, user_id=mine)] == [me.upload_id]
            assert get_upload(session, other.upload_id, user_id=mine) is None
            assert list(uploads_by_id(session, [ada.upload_id, bob.upload_id],
                                      user_id=mine)) == [me.upload_id]
            assert list(upload_refs(session, [other.upload_id], user_id=mine)) == []
            # The same bytes uploaded by both: each finds their own row.
            assert find_by_sha256(session, "same-bytes", user_id=mine).id == me.upload_id


def test_changes_to_another_users_rows_do_nothing(sessions: sessionmaker[Session]) -> None:
    ada, bob = two_users(sessions)
    with sessions() as session:
        queries.rename_conversation(session, bob.conversation_id, title="mine now",
                                    user_id=ada.user_id)
        queries.delete_conversation(session, bob.conversation_id, user_id=ada.user_id)
        assert not history.delete_interaction(session, bob.interaction_id, user_id=ada.user_id)
        everything = Filters(user_id=ada.user_id)
        assert history.delete_matching(session, everything, expected=2) == 2
        kept = queries.get_conversation(session, bob.conversation_id, user_id=bob.user_id)
        assert kept is not None and kept.title == "bumblebee chat"
        assert history.count_exact(session, Filters(user_id=bob.user_id)) == 2


def test_history_shows_each_user_only_their_own_interactions(
    sessions: sessionmaker[Session],
) -> None:
    ada, bob = two_users(sessions)
    with sessions() as session:
        for me, other in ((ada, bob), (bob, ada)):
            for filters in (
                Filters(user_id=me.user_id),
                Filters(user_id=me.user_id, start=NOW.replace(hour=0, minute=0)),
                Filters(user_id=me.user_id, search="again OR fine OR tell"),
                Filters(user_id=me.user_id, statuses=("error",), latency_min=1),
            ):
                shown = history_views(session, me, filters)
                assert other.word not in shown and me.word in shown, filters
            assert history.count_matching(session, Filters(user_id=me.user_id,
                                                            search=other.word)).value == 0
            assert history.get_detail(session, other.interaction_id, user_id=me.user_id) is None
            totals = history_usage.usage(session, Filters(user_id=me.user_id), now=NOW).totals
            assert (totals.interactions, totals.errors) == (2, 1)
            assert history_usage.has_interactions(session, user_id=me.user_id)


def test_admins_see_everyone_and_the_split_per_user(sessions: sessionmaker[Session]) -> None:
    ada, bob = two_users(sessions)
    with sessions() as session:
        everyone = Filters(user_id=None)
        shown = history_views(session, ada, everyone)
        assert ada.word in shown and bob.word in shown
        assert history.count_exact(session, everyone) == 4
        assert history.get_detail(session, bob.interaction_id, user_id=None) is not None
        per_user = history_usage.usage_by_user(session, everyone, now=NOW)
        assert sorted((r.email, r.interactions, r.errors) for r in per_user) == [
            ("ada@example.com", 2, 1), ("bob@example.com", 2, 1)]
