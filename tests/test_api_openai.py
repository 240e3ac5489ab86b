"""The OpenAI-compatible proxy, driven by the official `openai` client against a real server."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Interaction
from tests.api_support import *  # noqa: F403 - the server and account fixtures
from tests.api_support import Account
from tests.fake_llm import FakeLLM, Script

TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}


def client(base: str, account: Account) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base}/v1", api_key=account.token, max_retries=0)


def rows(sessions: sessionmaker[Session]) -> list[Interaction]:
    with sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def wait_final(sessions: sessionmaker[Session], timeout_s: float = 10) -> list[Interaction]:
    """The rows once none is pending (a dropped stream is finalized after the client left)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = rows(sessions)
        if found and all(r.status != "pending" for r in found):
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_a_completion_is_answered_and_recorded_as_the_callers_api_interaction(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    fake_llm.queue(Script(text="Paris is the capital.", prompt_tokens=17, completion_tokens=5))
    answer = client(api_server, alice).chat.completions.create(
        model="openai/fake", messages=[{"role": "system", "content": "Be brief."},
                                       {"role": "user", "content": "Capital of France?"}])
    assert answer.choices[0].message.content == "Paris is the capital."
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (17, 5)
    [row] = rows(sessions)
    assert (row.user_id, row.source, row.status) == (alice.user_id, "api", "ok")
    assert row.client == "OpenAI/Python"
    assert (row.prompt, row.response) == ("Capital of France?", "Paris is the capital.")
    assert (row.prompt_tokens, row.completion_tokens) == (17, 5)
    assert row.latency_ms is not None and row.conversation_id is None


def test_a_stream_arrives_in_pieces_and_usage_is_recorded_without_being_passed_on(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    fake_llm.queue(Script(text="one two three four five six", chunk_size=3,
                          completion_tokens=6))
    stream = client(api_server, alice).chat.completions.create(
        model="openai/fake", messages=[{"role": "user", "content": "count"}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four five six"
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 3
    assert all(c.usage is None for c in chunks)
    assert fake_llm.requests[-1]["stream_options"] == {"include_usage": True}
    [row] = wait_final(sessions)
    assert (row.status, row.response) == ("ok", text)
    assert (row.prompt_tokens, row.completion_tokens) == (11, 6)
    assert row.first_token_ms is not None


def test_a_stream_passes_usage_on_when_the_client_asks_for_it(
    api_server: str, alice: Account, fake_llm: FakeLLM
) -> None:
    fake_llm.queue(Script(text="hello", completion_tokens=1))
    chunks = list(client(api_server, alice).chat.completions.create(
        model="openai/fake", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True}))
    usage = [c.usage for c in chunks if c.usage is not None]
    assert [(u.prompt_tokens, u.completion_tokens) for u in usage] == [(11, 1)]


def test_tools_are_passed_through_and_tool_calls_come_back(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    call = {"id": "call_w", "name": "get_weather", "arguments": {"city": "Oslo"}}
    fake_llm.queue(Script(text="", tool_calls=[call]), Script(text="", tool_calls=[call]))
    api = client(api_server, alice)
    messages = [{"role": "user", "content": "Weather in Oslo?"}]
    answer = api.chat.completions.create(model="openai/fake", messages=messages, tools=[TOOL],
                                         tool_choice="auto")
    assert fake_llm.requests[-1]["tools"] == [TOOL]
    assert fake_llm.requests[-1]["tool_choice"] == "auto"
    [tool_call] = answer.choices[0].message.tool_calls
    assert tool_call.function.name == "get_weather"
    assert json.loads(tool_call.function.arguments) == {"city": "Oslo"}
    assert answer.choices[0].finish_reason == "tool_calls"
    streamed = list(api.chat.completions.create(model="openai/fake", messages=messages,
                                                tools=[TOOL], stream=True))
    deltas = [tc for c in streamed if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas and deltas[0].function.name == "get_weather"
    recorded = wait_final(sessions)
    assert [r.meta["tool_calls"] for r in recorded] == [["get_weather"], ["get_weather"]]
    assert all(r.meta["tools"] == ["get_weather"] for r in recorded)


def test_the_model_list_is_the_servers_models(api_server: str, alice: Account) -> None:
    listed = client(api_server, alice).models.list()
    assert [m.id for m in listed.data] == ["openai/fake", "openai/other"]


def test_a_missing_or_unknown_or_revoked_token_is_refused_with_a_json_401(
    api_server: str, http: httpx.Client, alice: Account, sessions: sessionmaker[Session]
) -> None:
    from db.users import list_tokens, revoke_token

    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{api_server}/v1", api_key="nope", max_retries=0).models.list()
    answer = http.post("/v1/chat/completions", json={"model": "openai/fake", "messages": []})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "missing_token"
    with sessions() as session:
        [token] = list_tokens(session, alice.user_id)
        revoke_token(session, alice.user_id, token.id)
        session.commit()
    answer = http.get("/v1/models", headers=alice.headers)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"
    assert "Traceback" not in answer.text


@pytest.mark.parametrize("stream", [True, False])
def test_a_token_revoked_after_use_is_refused_at_once_with_no_answer_and_no_row(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session],
    stream: bool,
) -> None:
    from db.users import list_tokens, revoke_token

    ask = client(api_server, alice).chat.completions
    first = ask.create(model="openai/fake", messages=[{"role": "user", "content": "one"}])
    assert first.choices[0].message.content  # the server has now seen the token live
    with sessions() as session:
        [token] = list_tokens(session, alice.user_id)
        used = token.last_used_at
        assert used is not None
        revoke_token(session, alice.user_id, token.id)
    fake_llm.queue(Script(text="secret words"), Script(text="secret words"))
    for _ in range(2):  # at once, and again after the server forgot the token
        with pytest.raises(openai.AuthenticationError) as refused:
            answer = ask.create(model="openai/fake", stream=stream,
                                messages=[{"role": "user", "content": "two"}])
            if stream:
                list(answer)
        assert refused.value.body["code"] == "invalid_token"
        assert "secret" not in refused.value.response.text
    [row] = wait_final(sessions)
    assert (row.prompt, row.status) == ("one", "ok")
    with sessions() as session:
        assert list_tokens(session, alice.user_id)[0].last_used_at == used


def test_a_token_seen_live_still_has_each_use_recorded(
    api_server: str, alice: Account, sessions: sessionmaker[Session]
) -> None:
    from db.users import list_tokens

    ask = client(api_server, alice).chat.completions
    stamps = []
    for n in range(2):
        list(ask.create(model="openai/fake", stream=True,
                        messages=[{"role": "user", "content": f"call {n}"}]))
        with sessions() as session:
            stamps.append(list_tokens(session, alice.user_id)[0].last_used_at)
    assert None not in stamps and stamps[1] > stamps[0]
    assert [(r.prompt, r.user_id) for r in wait_final(sessions)] == [
        ("call 0", alice.user_id), ("call 1", alice.user_id)]


def test_an_unknown_model_is_a_404_in_openais_shape_and_nothing_is_recorded(
    api_server: str, alice: Account, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client(api_server, alice).chat.completions.create(
            model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["code"] == "model_not_found"
    assert "openai/fake" in raised.value.body["message"]
    assert rows(sessions) == []


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"{not json", 400, "invalid_json"),
    (b"[1, 2]", 400, None),
    (json.dumps({"model": "openai/fake", "messages": "hi"}).encode(), 400, None),
    (json.dumps({"model": "openai/fake",
                 "messages": [{"role": "user", "content": "x" * 10_000_000}]}).encode(),
     413, "prompt_too_large"),
])
def test_bad_bodies_get_a_clear_json_error(
    http: httpx.Client, alice: Account, sessions: sessionmaker[Session], body: bytes,
    status: int, code: str | None
) -> None:
    answer = http.post("/v1/chat/completions", content=body,
                       headers={**alice.headers, "Content-Type": "application/json"})
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["message"] and error["type"] == "invalid_request_error"
    assert code is None or error["code"] == code
    assert rows(sessions) == []


def test_a_provider_failure_keeps_its_status_and_is_recorded_as_an_error(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    fake_llm.queue(Script(status=429, error_message="slow down"))
    with pytest.raises(openai.RateLimitError) as raised:
        client(api_server, alice).chat.completions.create(
            model="openai/fake", messages=[{"role": "user", "content": "hi"}])
    assert "rate-limited" in raised.value.body["message"]
    [row] = rows(sessions)
    assert row.status == "error" and "RateLimitError" in row.error


def test_a_client_that_drops_a_stream_half_way_leaves_a_stopped_row(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    words = " ".join(f"w{n}" for n in range(300))
    fake_llm.queue(Script(text=words, chunk_size=4, delay_s=0.02))
    with httpx.Client(base_url=api_server, timeout=30) as http, http.stream(
        "POST", "/v1/chat/completions", headers=alice.headers,
        json={"model": "openai/fake", "stream": True,
              "messages": [{"role": "user", "content": "count"}]},
    ) as answer:
        lines = answer.iter_lines()
        received = [next(lines) for _ in range(10)]
    assert any(line.startswith("data: {") for line in received)
    [row] = wait_final(sessions)
    assert row.status == "stopped"
    assert row.response and words.startswith(row.response) and len(row.response) < len(words)


def test_a_provider_that_breaks_mid_stream_ends_the_stream_with_an_error(
    api_server: str, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    fake_llm.queue(Script(text="a b c d e f g h", chunk_size=2, break_after_chunks=2))
    with pytest.raises(openai.APIError):
        list(client(api_server, alice).chat.completions.create(
            model="openai/fake", messages=[{"role": "user", "content": "hi"}], stream=True))
    [row] = wait_final(sessions)
    assert row.status == "error" and row.response == "a b "
