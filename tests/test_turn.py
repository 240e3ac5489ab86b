"""One chat turn end to end: litellm over HTTP to the fake server, rows in real Postgres."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent.chat import ChatTurn
from agent.context import CUT_OFF_NOTE, build_context
from agent.errors import PromptRejected
from agent.llm import LLMClient, count_tokens
from db import queries
from db.engine import make_engine, make_sessionmaker
from db.models import Interaction
from tests.fake_llm import FakeLLM, Script

MODEL = "openai/fake"


def client_for(fake: FakeLLM, **overrides) -> LLMClient:
    options = {"api_base": fake.api_base, "backoff_s": 0.01, "max_retries": 2, "timeout_s": 5}
    options.update(overrides)
    return LLMClient(**options)


def new_turn(sessions, fake, prompt="hello", *, conversation_id=None, client=None,
             max_prompt_chars=2_000_000, model=MODEL) -> ChatTurn:
    return ChatTurn(sessions, client or client_for(fake), conversation_id=conversation_id,
                    model=model, prompt=prompt, max_prompt_chars=max_prompt_chars)


def run(turn: ChatTurn) -> str:
    return "".join(turn.stream())


def rows(sessions: sessionmaker[Session]) -> list[Interaction]:
    with sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def test_the_prompt_is_stored_as_pending_before_the_model_is_called(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="slow reply", first_delay_s=0.2))
    turn = new_turn(sessions, fake_llm)
    stream = turn.stream()
    first = next(stream)
    assert first
    [row] = rows(sessions)
    assert row.status == "pending" and row.prompt == "hello" and row.response is None
    rest = "".join(stream)
    assert first + rest == "slow reply"
    [row] = rows(sessions)
    assert row.status == "ok" and row.response == "slow reply"


def test_a_finished_turn_records_usage_and_latencies(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="four words right here", prompt_tokens=21, completion_tokens=4))
    turn = new_turn(sessions, fake_llm)
    assert run(turn) == "four words right here"
    [row] = rows(sessions)
    assert (row.prompt_tokens, row.completion_tokens) == (21, 4)
    assert 0 <= row.first_token_ms <= row.latency_ms
    assert row.error is None


def test_streaming_asks_the_provider_for_usage(sessions, fake_llm) -> None:
    run(new_turn(sessions, fake_llm))
    assert fake_llm.requests[-1]["stream"] is True
    assert fake_llm.requests[-1]["stream_options"] == {"include_usage": True}


def test_cost_is_unknown_for_a_model_without_a_price(sessions, fake_llm) -> None:
    run(new_turn(sessions, fake_llm))
    assert rows(sessions)[0].cost_usd is None


def test_cost_comes_from_the_provider_usage_for_a_priced_model(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="hi", prompt_tokens=1000, completion_tokens=1000))
    run(new_turn(sessions, fake_llm, model="gpt-4o-mini"))
    cost = rows(sessions)[0].cost_usd
    # gpt-4o-mini: $0.15 per 1M input tokens, $0.60 per 1M output tokens.
    assert cost == pytest.approx(0.00075)


def test_usage_stays_null_when_the_provider_sends_none(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="no usage here", usage=False))
    run(new_turn(sessions, fake_llm, model="gpt-4o-mini"))
    row = rows(sessions)[0]
    assert (row.prompt_tokens, row.completion_tokens, row.cost_usd) == (None, None, None)


def test_server_errors_are_retried_then_succeed(sessions, fake_llm) -> None:
    fake_llm.queue(Script(status=500), Script(status=503), Script(text="third time lucky"))
    assert run(new_turn(sessions, fake_llm)) == "third time lucky"
    assert len(fake_llm.requests) == 3
    assert rows(sessions)[0].status == "ok"


def test_rate_limits_are_retried_up_to_the_bound_then_recorded(sessions, fake_llm) -> None:
    fake_llm.queue(*[Script(status=429)] * 5)
    turn = new_turn(sessions, fake_llm)
    assert run(turn) == ""
    assert len(fake_llm.requests) == 3
    assert "rate-limited" in str(turn.result.error)
    row = rows(sessions)[0]
    assert row.status == "error" and row.error.startswith("RateLimitError")


def test_authentication_errors_are_never_retried(sessions, fake_llm) -> None:
    fake_llm.queue(Script(status=401), Script(text="should not be used"))
    turn = new_turn(sessions, fake_llm)
    run(turn)
    assert len(fake_llm.requests) == 1
    assert rows(sessions)[0].error.startswith("AuthenticationError")


def test_other_client_errors_are_never_retried(sessions, fake_llm) -> None:
    fake_llm.queue(Script(status=400, error_message="bad request"), Script(text="unused"))
    run(new_turn(sessions, fake_llm))
    assert len(fake_llm.requests) == 1
    assert rows(sessions)[0].status == "error"


def test_a_stream_that_breaks_half_way_keeps_what_arrived(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="abcdefghijklmnopqrstuvwxyz", chunk_size=2, break_after_chunks=4))
    turn = new_turn(sessions, fake_llm)
    assert run(turn) == "abcdefgh"
    row = rows(sessions)[0]
    assert row.status == "error" and row.response == "abcdefgh"
    assert "broke off half-way" in row.error
    assert len(fake_llm.requests) == 1


def test_a_server_that_is_too_slow_times_out_with_a_clear_message(sessions, fake_llm) -> None:
    fake_llm.queue(*[Script(text="late", first_delay_s=1.5)] * 3)
    turn = new_turn(sessions, fake_llm, client=client_for(fake_llm, timeout_s=0.5, max_retries=0))
    run(turn)
    row = rows(sessions)[0]
    assert row.status == "error"
    assert "did not answer in time" in str(turn.result.error)
    assert row.error.startswith("Timeout")


def test_a_timeout_before_the_first_token_is_retried(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="late", first_delay_s=1.5), Script(text="on time"))
    turn = new_turn(sessions, fake_llm, client=client_for(fake_llm, timeout_s=0.5, max_retries=1))
    assert run(turn) == "on time"
    assert len(fake_llm.requests) == 2
    assert rows(sessions)[0].status == "ok"


def test_an_unreachable_server_is_explained(sessions) -> None:
    client = LLMClient(api_base="http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    turn = ChatTurn(sessions, client, conversation_id=None, model=MODEL, prompt="hi",
                    max_prompt_chars=100)
    run(turn)
    assert "Could not reach the model server at http://127.0.0.1:9/v1" in str(turn.result.error)
    assert rows(sessions)[0].error.startswith("APIConnectionError")


def test_stopping_the_stream_keeps_the_text_and_records_stopped(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="one two three four five six", chunk_size=4, delay_s=0.05))
    turn = new_turn(sessions, fake_llm)
    stream = turn.stream()
    received = next(stream) + next(stream)
    stream.close()
    row = rows(sessions)[0]
    assert row.status == "stopped"
    assert row.response == received == "one two "
    assert turn.result.status == "stopped"


def test_a_turn_is_finalized_exactly_once(sessions, fake_llm) -> None:
    turn = new_turn(sessions, fake_llm)
    run(turn)
    with sessions() as session:
        again = queries.finalize_interaction(
            session, turn.result.interaction_id, status="error", response="overwrite")
    assert again is False
    assert rows(sessions)[0].status == "ok"


def test_nul_bytes_and_lone_surrogates_are_stored_safely(sessions, fake_llm) -> None:
    prompt = "before\x00after \ud800 lone, pair 😀"
    run(new_turn(sessions, fake_llm, prompt=prompt))
    row = rows(sessions)[0]
    assert row.prompt == "before\ufffdafter \ufffd lone, pair 😀"
    assert row.status == "ok"


def test_a_one_megabyte_prompt_is_stored_and_sent(sessions, fake_llm) -> None:
    prompt = ("def f(x):\n    return x * 2\n" * 40_000)[: 1 << 20]
    run(new_turn(sessions, fake_llm, prompt=prompt))
    row = rows(sessions)[0]
    assert len(row.prompt) == 1 << 20 and row.status == "ok"
    assert fake_llm.requests[-1]["messages"][-1]["content"] == prompt


def test_a_prompt_over_the_limit_is_refused_with_a_clear_message(sessions, fake_llm) -> None:
    with pytest.raises(PromptRejected, match="limit is 10"):
        new_turn(sessions, fake_llm, prompt="x" * 11, max_prompt_chars=10)
    assert rows(sessions) == []


def test_old_turns_are_left_out_when_the_conversation_outgrows_the_window(
    sessions, fake_llm
) -> None:
    with sessions() as session:
        conversation_id = queries.create_conversation(session, title="long").id
    for n in range(6):
        run(new_turn(sessions, fake_llm, prompt=f"question {n} " + "word " * 300,
                     conversation_id=conversation_id))
    client = client_for(fake_llm, context_tokens=2500)
    turn = new_turn(sessions, fake_llm, prompt="last question", conversation_id=conversation_id,
                    client=client)
    run(turn)
    sent = fake_llm.requests[-1]["messages"]
    assert turn.result.dropped_turns > 0
    assert len(sent) == 2 * (6 - turn.result.dropped_turns) + 1
    assert sent[-1]["content"] == "last question"
    assert sent[-3]["content"].startswith("question 5")
    assert rows(sessions)[-1].meta == {"dropped_turns": turn.result.dropped_turns}


def test_a_prompt_larger_than_the_window_is_recorded_as_an_error(sessions, fake_llm) -> None:
    client = client_for(fake_llm, context_tokens=1000)
    turn = new_turn(sessions, fake_llm, prompt="word " * 5000, client=client)
    run(turn)
    assert fake_llm.requests == []
    row = rows(sessions)[0]
    assert row.status == "error" and "more than" in row.error


def test_a_lost_database_still_shows_the_reply_and_says_it_was_not_saved(fake_llm) -> None:
    dead = make_sessionmaker(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    fake_llm.queue(Script(text="still here"))
    turn = new_turn(dead, fake_llm)
    assert run(turn) == "still here"
    assert turn.result.saved is False
    assert turn.result.status == "ok"


def test_an_error_before_the_model_call_still_finalizes_the_row(
    sessions, fake_llm, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("context bug")

    monkeypatch.setattr("agent.chat.fit_context", broken)
    turn = new_turn(sessions, fake_llm)
    with pytest.raises(RuntimeError, match="context bug"):
        run(turn)
    [row] = rows(sessions)
    assert row.status == "error" and row.error.startswith("RuntimeError")
    assert "a bug, not the model" in row.error and turn.finished.is_set()


def test_a_bug_in_the_app_surfaces_instead_of_reading_as_a_failed_model_call(
    sessions, fake_llm, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise TypeError("usage bug")

    monkeypatch.setattr("agent.llm.finish_reply", broken)
    with pytest.raises(TypeError, match="usage bug"):
        run(new_turn(sessions, fake_llm))
    assert len(fake_llm.requests) == 1  # a bug is not retried as if the provider failed


def test_errors_read_in_plain_words_without_class_names(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="abcdefghijklmnopqrstuvwxyz", chunk_size=2, break_after_chunks=3))
    turn = new_turn(sessions, fake_llm)
    run(turn)
    shown = str(turn.result.error)
    assert "broke off half-way" in shown
    for name in ("MidStreamFallbackError", "APIConnectionError", "litellm.", "Exception"):
        assert name not in shown


def test_a_cut_off_reply_is_marked_as_such_in_what_the_model_is_sent(sessions, fake_llm) -> None:
    with sessions() as session:
        conversation_id = queries.create_conversation(session, title="cut").id
    fake_llm.queue(Script(text="abcdefghijklmnopqrstuvwxyz", chunk_size=2, break_after_chunks=3))
    run(new_turn(sessions, fake_llm, prompt="first", conversation_id=conversation_id))
    run(new_turn(sessions, fake_llm, prompt="second", conversation_id=conversation_id))
    sent = fake_llm.requests[-1]["messages"]
    assert sent[1]["content"] == f"abcdef\n\n{CUT_OFF_NOTE}"


def test_the_context_tokenizes_each_kept_turn_once_and_never_the_dropped_ones() -> None:
    history = [Interaction(prompt=f"q{n} " + "word " * 400, response="answer " * 400,
                           status="ok") for n in range(200)]
    calls: list[int] = []

    def count(messages):
        calls.append(len(messages))
        return sum(len(str(m["content"])) // 4 for m in messages)

    context = build_context(history, "now", system_prompt=None, window=20_000,
                            count_tokens=count)
    kept = 200 - context.dropped_turns
    assert 0 < kept < 200
    assert len(calls) <= kept + 1


def test_the_next_turn_reuses_the_kept_turns_token_counts(sessions, fake_llm, monkeypatch) -> None:
    with sessions() as session:
        conversation_id = queries.create_conversation(session, title="long").id
    for n in range(8):
        run(new_turn(sessions, fake_llm, prompt=f"question {n} " + "word " * 300,
                     conversation_id=conversation_id))
    monkeypatch.setattr("agent.context.KNOWN_COUNTS", OrderedDict())
    calls: list[int] = []
    real = count_tokens
    monkeypatch.setattr("agent.chat.count_tokens",
                        lambda model, messages: calls.append(1) or real(model, messages))
    client = client_for(fake_llm, context_tokens=6000)
    run(new_turn(sessions, fake_llm, prompt="first look", conversation_id=conversation_id,
                 client=client))
    first = len(calls)
    calls.clear()
    run(new_turn(sessions, fake_llm, prompt="second look", conversation_id=conversation_id,
                 client=client))
    assert first >= 2
    assert len(calls) <= 2  # only the turn added since, and the one that no longer fits
