"""The proxy's request checks and chunk shaping, without a server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agent.proxy import ProxyError, ProxyRequest, client_name, parse_request
from agent.proxy.call import client_chunk

MODELS = ["openai/fake", "openai/other"]


def parse(body: object, limit: int = 1000) -> ProxyRequest:
    return parse_request(body, models=MODELS, max_prompt_chars=limit)


def test_a_request_keeps_only_the_options_that_are_forwarded() -> None:
    request = parse({"model": "openai/fake", "messages": [{"role": "user", "content": "hi"}],
                     "temperature": 0.2, "tools": [{"type": "function", "function": {
                         "name": "f", "parameters": {}}}], "api_base": "http://evil",
                     "stream": True, "stream_options": {"include_usage": True}})
    assert set(request.options) == {"temperature", "tools"}
    assert request.stream and request.include_usage
    assert request.meta == {"messages": 1, "stream": True, "tools": ["f"]}


def test_the_recorded_prompt_is_the_last_user_message_text_even_in_parts() -> None:
    request = parse({"model": "openai/fake", "messages": [
        {"role": "user", "content": "first"}, {"role": "assistant", "content": "ok"},
        {"role": "user", "content": [{"type": "text", "text": "second"},
                                     {"type": "image_url", "image_url": {"url": "x"}}]},
        {"role": "tool", "tool_call_id": "c", "content": "result"}]})
    assert request.prompt == "second"


@pytest.mark.parametrize(("body", "status", "param"), [
    ("text", 400, None),
    ({"messages": [{"role": "user", "content": "hi"}]}, 400, "model"),
    ({"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}, 404, "model"),
    ({"model": "openai/fake", "messages": []}, 400, "messages"),
    ({"model": "openai/fake", "messages": [{"role": "wizard", "content": "hi"}]}, 400,
     "messages[0]"),
    ({"model": "openai/fake", "messages": [{"role": "user", "content": "x" * 2000}]}, 413,
     "messages"),
    ({"model": "openai/fake", "messages": [{"role": "user", "content": "hi"}],
      "stream": "yes"}, 400, None),
])
def test_bad_requests_are_refused_with_a_status_and_the_field_at_fault(
    body: object, status: int, param: str | None
) -> None:
    with pytest.raises(ProxyError) as raised:
        parse(body)
    assert raised.value.status == status and raised.value.param == param
    assert raised.value.body()["error"]["message"]


@pytest.mark.parametrize(("agent", "name"), [
    ("OpenAI/Python 1.99.0", "OpenAI/Python"),
    ("curl/8.5.0", "curl"),
    ("python-httpx/0.28.1", "python-httpx"),
    ("Cursor", "Cursor"),
    ("", None),
    (None, None),
])
def test_the_client_is_named_from_its_user_agent(agent: str | None, name: str | None) -> None:
    assert client_name(agent) == name


def chunk(choices: list, usage: object = None) -> SimpleNamespace:
    data = {"choices": choices, **({"usage": usage} if usage else {})}
    return SimpleNamespace(choices=choices, usage=usage, model_dump=lambda **_: dict(data),
                           model_dump_json=lambda **_: str(data))


def test_usage_reaches_the_client_only_when_it_asked() -> None:
    usage_only = chunk([], usage={"prompt_tokens": 1})
    text = chunk([{"delta": {"content": "hi"}}])
    assert client_chunk(usage_only, include_usage=False) is None
    assert client_chunk(usage_only, include_usage=True) is not None
    assert client_chunk(text, include_usage=False) is not None
    with_usage = chunk([{"delta": {}}], usage={"prompt_tokens": 1})
    assert "usage" not in client_chunk(with_usage, include_usage=False)
