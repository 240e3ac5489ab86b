"""Faults on the way in: the database stops answering as the user deletes, renames or uploads.

Each page says what was not done, in plain words, and comes back by itself once the database
is back. Reads that fail already stop the page first, so the cut that matters for a confirmed
action is the one between the page's reads and its write: `cut_before` makes it there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import Conversation, Interaction, Upload
from tests.conftest import ROOT
from tests.history_data import ROWS, seed
from tests.tcp_proxy import Proxy
from tests.test_history_page import seed_recent

TIMEOUT = 90  # the chat page's first run imports litellm: slow on a loaded machine


@pytest.fixture
def proxy(app_env, database_url, monkeypatch) -> Iterator[Proxy]:
    """The app reaches the database through a proxy the test can cut."""
    cut = Proxy(database_url).start()
    monkeypatch.setenv("DATABASE_URL", cut.database_url)
    yield cut
    cut.stop()


def cut_before(monkeypatch, proxy: Proxy, target: Any, name: str) -> None:
    """Stop the database right before the first call of `target.name` (later calls just run)."""
    original: Callable[..., Any] = getattr(target, name)
    calls = []

    def cut_then_call(*args: Any, **kwargs: Any) -> Any:
        if not calls:
            proxy.stop()
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, cut_then_call)


def says_stopped(at: AppTest, what: str) -> bool:
    return not at.exception and any(
        "database stopped answering" in e.value and what in e.value for e in at.error)


def comes_back(at: AppTest, proxy: Proxy) -> None:
    proxy.start()
    at.run()
    assert not at.exception and not at.error


def count(sessions, model: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def open_page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("page", ["pages/1_History.py", "pages/2_Analyze.py"])
def test_a_page_first_opened_while_the_database_is_stopped_says_so(proxy, sessions, page) -> None:
    at = open_page("pages/1_History.py")  # opens the database (cached), as a running app has
    proxy.stop()
    fresh = open_page(page)  # a new browser session: nobody is signed in yet
    assert says_stopped(fresh, "cannot be opened right now")
    comes_back(fresh, proxy)
    assert not at.exception


def test_delete_all_matching_with_the_database_stopped_says_nothing_was_deleted(
    proxy, sessions
) -> None:
    seed_recent(sessions)
    at = open_page("pages/1_History.py")
    assert not at.exception and not at.error
    proxy.stop()
    at.button(key="h_delete_all").click().run()
    assert says_stopped(at, "nothing was deleted")
    comes_back(at, proxy)
    assert count(sessions, Interaction) == len(ROWS)


def test_a_confirmed_bulk_delete_the_database_drops_says_nothing_was_deleted(
    proxy, sessions, monkeypatch
) -> None:
    from db import history

    seed_recent(sessions)
    at = open_page("pages/1_History.py")
    at.button(key="h_delete_all").click().run()
    cut_before(monkeypatch, proxy, history, "delete_matching")
    at.button(key="h_delete_all-yes").click().run()
    assert says_stopped(at, "nothing was deleted")
    comes_back(at, proxy)
    assert count(sessions, Interaction) == len(ROWS)


def test_a_conversation_deleted_as_the_database_stops_is_kept_and_the_chat_says_so(
    proxy, sessions, monkeypatch
) -> None:
    from db import queries

    seed(sessions)
    with sessions() as session:
        conversation_id = session.scalars(select(Conversation.id)).first()
    at = open_page("app.py")
    at.button(key=f"delete-{conversation_id}").click().run()
    cut_before(monkeypatch, proxy, queries, "delete_conversation")
    at.button(key=f"delete-{conversation_id}-yes").click().run()
    assert says_stopped(at, "the conversation was not deleted")
    comes_back(at, proxy)
    assert count(sessions, Conversation) == 2


def test_a_conversation_renamed_as_the_database_stops_keeps_its_title(
    proxy, sessions, monkeypatch
) -> None:
    from db import queries

    seed(sessions)
    with sessions() as session:
        conversation = session.scalars(select(Conversation)).first()
    at = open_page("app.py")
    at.button(key=f"rename-{conversation.id}").click().run()
    next(t for t in at.text_input if t.label == "Title").set_value("Renamed")
    cut_before(monkeypatch, proxy, queries, "rename_conversation")
    next(b for b in at.button if b.label == "Rename").click().run()
    assert says_stopped(at, "the conversation was not renamed")
    comes_back(at, proxy)
    with sessions() as session:
        assert session.get(Conversation, conversation.id).title == conversation.title


def test_an_upload_deleted_as_the_database_stops_is_kept_and_analyze_says_so(
    proxy, sessions, monkeypatch, tmp_path
) -> None:
    import ui.analyze_actions

    monkeypatch.setenv("MINI_AGENT_DATA_DIR", str(tmp_path))
    at = open_page("pages/2_Analyze.py")
    at.file_uploader[0].upload("tiny.csv", b"a,b\n1,2\n3,4\n", "text/csv").run()
    assert not at.exception and count(sessions, Upload) == 1
    at.button(key="analyze-delete").click().run()
    cut_before(monkeypatch, proxy, ui.analyze_actions, "delete_upload")
    at.button(key="analyze-delete-yes").click().run()
    assert says_stopped(at, "was not deleted")
    comes_back(at, proxy)
    assert count(sessions, Upload) == 1


def test_a_file_dropped_while_the_database_is_stopped_is_analysed_once_it_is_back(
    proxy, sessions, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("MINI_AGENT_DATA_DIR", str(tmp_path))
    at = open_page("pages/2_Analyze.py")
    proxy.stop()
    at.file_uploader[0].upload("late.csv", b"a,b\n1,2\n3,4\n", "text/csv").run()
    assert says_stopped(at, "was not analysed yet")
    comes_back(at, proxy)
    assert count(sessions, Upload) == 1
