"""`/api/chat`, `/api/history` and `/api/conversations` against a real server, user by user."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db import history
from db.history_filters import Filters
from db.models import Interaction
from tests.api_support import *  # noqa: F403 - the server and account fixtures
from tests.api_support import Account
from tests.fake_llm import FakeLLM, Script


def sse(answer: httpx.Response) -> list[tuple[str, Any]]:
    """(event, data) pairs of a server-sent event stream."""
    events, name = [], None
    for line in answer.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[6:])))
            name = None
    return events


def chat(http: httpx.Client, account: Account, **body: Any) -> list[tuple[str, Any]]:
    with http.stream("POST", "/api/chat", headers=account.headers, json=body) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        return sse(answer)


def test_a_chat_turn_streams_text_then_the_final_row(
    http: httpx.Client, alice: Account, fake_llm: FakeLLM
) -> None:
    fake_llm.queue(Script(text="Streaming through the API.", chunk_size=5))
    events = chat(http, alice, prompt="Does the API stream?", tools=False)
    texts = [data["text"] for name, data in events if name == "text"]
    assert len(texts) > 2 and "".join(texts) == "Streaming through the API."
    name, done = events[-1]
    assert name == "done"
    assert done["status"] == "ok" and done["response"] == "Streaming through the API."
    assert done["prompt_tokens"] == 11 and done["conversation_id"]
    turn = http.get(f"/api/conversations/{done['conversation_id']}", headers=alice.headers)
    assert [t["prompt"] for t in turn.json()["turns"]] == ["Does the API stream?"]
    assert turn.json()["turns"][0]["id"] == done["id"]


def test_a_chat_turn_streams_its_tool_calls(
    http: httpx.Client, alice: Account, fake_llm: FakeLLM
) -> None:
    fake_llm.queue(Script(text="", tool_calls=[{"name": "run_python",
                                                "arguments": {"code": "print(6 * 7)"}}]),
                   Script(text="It printed 42."))
    events = chat(http, alice, prompt="Compute 6*7 in Python", preset="debug")
    names = [name for name, _ in events]
    assert names.index("tool_started") < names.index("tool_finished") < names.index("done")
    finished = next(data for name, data in events if name == "tool_finished")
    assert finished["name"] == "run_python"
    assert events[-1][1]["tool_calls"] == 1 and events[-1][1]["response"] == "It printed 42."


def test_a_conversation_continues_with_its_earlier_turns_sent(
    http: httpx.Client, alice: Account, fake_llm: FakeLLM
) -> None:
    first = chat(http, alice, prompt="My name is Ada.", tools=False)[-1][1]
    chat(http, alice, prompt="What is my name?", tools=False,
         conversation_id=first["conversation_id"])
    sent = [m["content"] for m in fake_llm.requests[-1]["messages"] if m["role"] == "user"]
    assert sent == ["My name is Ada.", "What is my name?"]


def test_a_client_that_leaves_a_chat_turn_half_way_leaves_it_stopped(
    http: httpx.Client, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session]
) -> None:
    words = " ".join(f"w{n}" for n in range(300))
    fake_llm.queue(Script(text=words, chunk_size=4, delay_s=0.02))
    with http.stream("POST", "/api/chat", headers=alice.headers,
                     json={"prompt": "count slowly", "tools": False}) as answer:
        lines = answer.iter_lines()
        assert any(next(lines).startswith("event: text") for _ in range(20))
    deadline = time.monotonic() + 15
    while True:
        with sessions() as session:
            row = session.scalars(select(Interaction)).one()
        if row.status != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert row.status == "stopped"
    assert row.response and words.startswith(row.response) and len(row.response) < len(words)


@pytest.mark.parametrize(("body", "status"), [
    ({"prompt": ""}, 400),
    ({"prompt": "hi", "model": "gpt-9"}, 404),
    ({"prompt": "hi", "preset": "poetry"}, 400),
    ({"prompt": "hi", "attachments": ["x"]}, 400),
    ({"prompt": "hi", "attachments": [987654]}, 404),
    ({"prompt": "hi", "conversation_id": 987654}, 404),
    ({"prompt": "x" * 3_000_000}, 413),
])
def test_bad_chat_requests_get_a_json_error(
    http: httpx.Client, alice: Account, body: dict[str, Any], status: int
) -> None:
    answer = http.post("/api/chat", headers=alice.headers, json=body)
    assert answer.status_code == status
    assert answer.json()["error"]["message"]


def seed_history(sessions: sessionmaker[Session], http: httpx.Client, account: Account,
                 fake: FakeLLM) -> None:
    """Five of `account`'s turns across models, statuses and days."""
    fake.queue(Script(text="pandas answer"), Script(text="other answer"),
               Script(status=500), Script(text="polars answer"), Script(text="more pandas"))
    for prompt, model in (("pandas merge", "openai/fake"), ("rust lifetimes", "openai/other"),
                          ("broken call", "openai/fake"), ("polars lazy", "openai/fake"),
                          ("pandas groupby", "openai/other")):
        chat(http, account, prompt=prompt, model=model, tools=False)
    with sessions() as session:
        old = datetime.now(UTC) - timedelta(days=10)
        session.execute(update(Interaction).where(Interaction.prompt.like("pandas merge%"))
                        .values(created_at=old))
        session.commit()


@pytest.mark.parametrize("query", [
    {}, {"q": "pandas"}, {"model": "openai/other"}, {"status": "error"},
    {"model": ["openai/fake", "openai/other"], "status": ["ok"]},
    {"since": (datetime.now(UTC) - timedelta(days=2)).date().isoformat()},
    {"until": (datetime.now(UTC) - timedelta(days=5)).date().isoformat()},
    {"q": "pandas", "limit": "1", "offset": "1"},
])
def test_history_filters_give_what_the_history_page_functions_give(
    http: httpx.Client, alice: Account, fake_llm: FakeLLM, sessions: sessionmaker[Session],
    query: dict[str, Any],
) -> None:
    seed_history(sessions, http, alice, fake_llm)
    answer = http.get("/api/history", headers=alice.headers, params=query)
    assert answer.status_code == 200, answer.text
    got = answer.json()

    def one(key: str) -> Any:
        value = query.get(key)
        return value[0] if isinstance(value, list) else value

    def many(key: str) -> tuple[str, ...]:
        value = query.get(key) or []
        return tuple(value) if isinstance(value, list) else (value,)

    start = end = None
    if one("since"):
        start = datetime.fromisoformat(one("since")).replace(tzinfo=UTC)
    if one("until"):
        end = datetime.fromisoformat(one("until")).replace(tzinfo=UTC) + timedelta(days=1)
    filters = Filters(start=start, end=end, models=many("model"), statuses=many("status"),
                      search=one("q") or "", user_id=alice.user_id)
    with sessions() as session:
        total = history.count_matching(session, filters)
        expected = history.list_page(session, filters, total=total,
                                     limit=int(one("limit") or 50),
                                     offset=int(one("offset") or 0))
    assert got["total"] == total.value
    assert [item["id"] for item in got["items"]] == [r.id for r in expected]
    assert got["total"] <= 5


def test_history_rejects_bad_parameters_with_json(http: httpx.Client, alice: Account) -> None:
    for query in ({"status": "great"}, {"since": "yesterday"}, {"limit": "-1"},
                  {"limit": "100000"}, {"sort": "random"}):
        answer = http.get("/api/history", headers=alice.headers, params=query)
        assert answer.status_code == 400, query
        assert answer.json()["error"]["param"]


def test_one_users_token_sees_none_of_another_users_data_on_any_route(
    http: httpx.Client, alice: Account, bob: Account, fake_llm: FakeLLM,
    sessions: sessionmaker[Session],
) -> None:
    fake_llm.queue(Script(text="alice's secret answer"))
    secret = chat(http, alice, prompt="alice's secret plan", tools=False)[-1][1]
    conversation = secret["conversation_id"]
    assert http.get("/api/history", headers=bob.headers).json() == {
        "total": 0, "total_exact": True, "limit": 50, "offset": 0, "items": []}
    assert http.get("/api/history", headers=bob.headers,
                    params={"q": "secret"}).json()["total"] == 0
    assert http.get("/api/conversations", headers=bob.headers).json()["items"] == []
    answer = http.get(f"/api/conversations/{conversation}", headers=bob.headers)
    assert answer.status_code == 404 and "secret" not in answer.text
    answer = http.post("/api/chat", headers=bob.headers,
                       json={"prompt": "continue", "conversation_id": conversation})
    assert answer.status_code == 404 and "secret" not in answer.text
    assert http.get("/api/history", headers=alice.headers).json()["total"] == 1
    mine = http.get("/api/conversations", headers=alice.headers).json()["items"]
    assert [c["id"] for c in mine] == [conversation]


def test_every_api_route_needs_a_token(http: httpx.Client) -> None:
    for method, path in (("GET", "/v1/models"), ("POST", "/v1/chat/completions"),
                         ("POST", "/api/chat"), ("GET", "/api/history"),
                         ("GET", "/api/conversations"), ("GET", "/api/conversations/1"),
                         ("GET", "/api/openapi.json"), ("POST", "/mcp")):
        answer = http.request(method, path, json={})
        assert answer.status_code == 401, path
        assert answer.json()["error"]["type"] == "authentication_error"
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "access-control-allow-origin" not in answer.headers


def test_the_openapi_description_names_every_route(http: httpx.Client, alice: Account) -> None:
    spec = http.get("/api/openapi.json", headers=alice.headers).json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/v1/models", "/v1/chat/completions", "/api/chat", "/api/history",
        "/api/conversations", "/api/conversations/{conversation_id}", "/mcp"}


@pytest.mark.parametrize("query", [
    {}, {"q": "docker"}, {"model": ["gpt-a", "gpt-c"]}, {"status": "error"},
    {"q": "docker", "status": "ok", "sort": "relevance"},
    {"from": "2026-03-14", "to": "2026-03-15"},
])
def test_history_gives_the_rows_the_history_page_shows_for_the_same_filters(
    app_env: FakeLLM, http: httpx.Client, sessions: sessionmaker[Session],
    query: dict[str, Any],
) -> None:
    from streamlit.testing.v1 import AppTest

    from db.models import LOCAL_USER_ID
    from db.users import LOCAL_EMAIL
    from tests import history_data
    from tests.api_support import make_account
    from tests.conftest import ROOT

    history_data.seed(sessions)  # the local user's rows, as the page (auth off) shows them
    local = make_account(sessions, LOCAL_EMAIL)
    assert local.user_id == LOCAL_USER_ID
    page = AppTest.from_file(str(ROOT / "pages/1_History.py"), default_timeout=30)
    page.query_params["range"] = "all"
    for key, value in query.items():
        page.query_params[key] = value
    page.run()
    assert not page.exception
    shown = list(page.dataframe[0].value["Prompt"])
    params = {{"from": "since", "to": "until"}.get(k, k): v for k, v in query.items()}
    answer = http.get("/api/history", headers=local.headers, params=params).json()
    assert answer["total"] == len(shown)
    assert [" ".join(i["prompt"].split())[:120] for i in answer["items"]] == shown


def test_the_server_migrates_a_fresh_database_at_start_so_the_api_works_at_once(
    database_url: str, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, make_url, text

    from db.engine import make_engine, make_sessionmaker
    from tests.api_support import make_account, server_env
    from tests.browser_support import streamlit_server

    base = make_url(database_url)
    fresh = f"{base.database}_fresh"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{fresh}"'))
    url = base.set(database=fresh).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        with streamlit_server(server_env(url, fake_llm, tmp_path)) as server:
            account = make_account(make_sessionmaker(engine), "first@example.com")
            answer = httpx.get(f"{server}/v1/models", headers=account.headers)
            assert answer.status_code == 200
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        admin.dispose()
