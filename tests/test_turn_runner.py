"""Turns run by the app process: followed from memory or the database, stopped, shut down,
and rows left by a crash finalized, against real PostgreSQL and the fake model server."""

from __future__ import annotations

import os
import socket
import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from agent.chat import ChatTurn
from agent.follow import follow
from agent.llm import LLMClient
from agent.turns import TurnRunner
from db import queries
from db.models import Interaction
from tests.fake_llm import FakeLLM, Script

MODEL = "openai/fake"


def new_turn(sessions, fake: FakeLLM, prompt: str = "hello", **options) -> ChatTurn:
    client = LLMClient(api_base=fake.api_base, max_retries=0, timeout_s=10)
    return ChatTurn(sessions, client, conversation_id=options.pop("conversation_id", None),
                    model=MODEL, prompt=prompt, max_prompt_chars=100_000, **options)


def row(sessions: sessionmaker[Session], interaction_id: int) -> Interaction:
    with sessions() as session:
        found = session.get(Interaction, interaction_id)
        assert found is not None
        return found


def wait_until(check, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def runner(sessions, database_url: str):
    started = TurnRunner(sessions, workers=4, flush_s=0.05, listen_url=database_url,
                         final_retries=2).start()
    yield started
    started.shutdown()


def test_a_submitted_turn_finishes_without_anyone_following_it(runner, sessions, fake_llm):
    fake_llm.queue(Script(text="done in the background", drip_s=0.3))
    key = runner.submit(new_turn(sessions, fake_llm))
    wait_until(lambda: row(sessions, key).status == "ok")
    assert row(sessions, key).response == "done in the background"
    assert row(sessions, key).owner == runner.owner


def test_two_followers_see_one_reply(runner, sessions, fake_llm):
    fake_llm.queue(Script(text="one reply for both tabs", chunk_size=3, drip_s=0.5))
    key = runner.submit(new_turn(sessions, fake_llm))
    first, second = follow(runner, sessions, key), follow(runner, sessions, key)
    ends = [list(first)[-1], list(second)[-1]]
    assert [(s.text, s.status) for s in ends] == [("one reply for both tabs", "ok")] * 2
    with sessions() as session:
        assert len(session.scalars(select(Interaction)).all()) == 1


def test_another_process_follows_the_reply_growing_through_the_database(
    runner, sessions, fake_llm, database_url
):
    other = TurnRunner(sessions, listen_url=database_url).start()
    try:
        wait_until(other.listener.connected.is_set)
        fake_llm.queue(Script(text="word " * 40, chunk_size=5, drip_s=1.5))
        key = runner.submit(new_turn(sessions, fake_llm))
        seen = [s.text for s in follow(other, sessions, key)]
    finally:
        other.shutdown()
    partial = {t for t in seen if t and t != "word " * 40}
    assert len(partial) >= 2  # it grew in steps, not all at once at the end
    assert seen[-1] == "word " * 40


def test_stop_closes_the_model_connection_before_the_first_token(runner, sessions, fake_llm):
    fake_llm.queue(Script(text="too late", first_delay_s=8))
    key = runner.submit(new_turn(sessions, fake_llm))
    wait_until(lambda: fake_llm.requests)
    time.sleep(0.3)
    clicked = time.monotonic()
    runner.stop(key)
    wait_until(lambda: fake_llm.disconnects, timeout_s=2)
    assert fake_llm.disconnects[0] - clicked < 0.5
    assert row(sessions, key).status == "stopped"


def test_stop_from_another_process_reaches_the_owner(runner, sessions, fake_llm, database_url):
    other = TurnRunner(sessions, listen_url=database_url)
    fake_llm.queue(Script(text="word " * 400, chunk_size=5, drip_s=8))
    key = runner.submit(new_turn(sessions, fake_llm))
    wait_until(lambda: runner.listener.connected.is_set() and runner.live(key).text)
    other.stop(key)
    wait_until(lambda: row(sessions, key).status == "stopped", timeout_s=3)
    kept = row(sessions, key).response
    assert kept and ("word " * 400).startswith(kept)


def test_shutting_down_mid_turn_records_stopped_with_what_arrived(sessions, fake_llm):
    runner = TurnRunner(sessions).start()
    fake_llm.queue(Script(text="word " * 400, chunk_size=5, drip_s=8))
    key = runner.submit(new_turn(sessions, fake_llm))
    wait_until(lambda: runner.live(key).text)
    runner.shutdown()
    stored = row(sessions, key)
    assert stored.status == "stopped" and stored.response
    assert stored.meta == {"stopped_by": "shutdown"}
    assert stored.error is None


def pending_row(sessions, *, owner: str | None, beat_age_s: float) -> int:
    with sessions() as session:
        interaction = queries.start_interaction(session, conversation_id=None, model=MODEL,
                                                prompt="left behind", owner=owner)
        session.execute(update(Interaction).where(Interaction.id == interaction.id).values(
            heartbeat_at=Interaction.created_at - beat_age_s * _second()))
        session.commit()
        return interaction.id


def _second():
    from datetime import timedelta
    return timedelta(seconds=1)


def test_rows_left_pending_by_a_crash_are_finalized_at_start_but_not_a_live_owners(
    sessions, fake_llm
):
    host = socket.gethostname()
    dead = pending_row(sessions, owner=f"{host}:{2**22 + 12345}:abcd", beat_age_s=0)
    silent = pending_row(sessions, owner="elsewhere:1:abcd", beat_age_s=120)
    alive_here = pending_row(sessions, owner=f"{host}:{os.getpid()}:other", beat_age_s=0)
    alive_elsewhere = pending_row(sessions, owner="elsewhere:2:abcd", beat_age_s=0)
    runner = TurnRunner(sessions, stale_s=30).start()
    runner.shutdown()
    assert row(sessions, dead).status == "error"
    assert "app stopped" in row(sessions, dead).error
    assert row(sessions, silent).status == "error"
    assert row(sessions, alive_here).status == "pending"
    assert row(sessions, alive_elsewhere).status == "pending"


class FlakySessions:
    """The real sessions, refusing every use while `down` (a database gone for a while)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.down = False

    def __call__(self) -> Session:
        if self.down:
            raise OperationalError("connect", {}, OSError("database is away"))
        return self.sessions()


def test_a_reply_finishing_while_the_database_is_away_is_written_when_it_is_back(
    sessions, fake_llm
):
    flaky = FlakySessions(sessions)
    runner = TurnRunner(flaky, flush_s=0.05, final_retries=5).start()  # type: ignore[arg-type]
    try:
        fake_llm.queue(Script(text="kept through the outage", chunk_size=4, drip_s=0.6))
        turn = new_turn(flaky, fake_llm, retry_backoff_s=0.2)
        key = runner.submit(turn)
        flaky.down = True
        snapshots = list(follow(runner, flaky, key))  # type: ignore[arg-type]
        assert snapshots[-1].text == "kept through the outage"
        assert row(sessions, key).status == "pending"
        flaky.down = False
        wait_until(lambda: row(sessions, key).status == "ok", timeout_s=10)
        assert row(sessions, key).response == "kept through the outage"
    finally:
        runner.shutdown()
