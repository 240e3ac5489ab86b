"""`/mcp`: the official MCP client lists and calls the agent's tools over the caller's uploads."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from sqlalchemy.orm import Session, sessionmaker

from agent.uploads import analyze_upload
from config import Settings
from tests.api_support import *  # noqa: F403 - the server and account fixtures
from tests.api_support import Account
from tests.fake_llm import FakeLLM, Script

DATA = Path(__file__).resolve().parent / "data" / "analyze"
TOOLS = {"search_history", "analyze_log", "profile_csv", "query_data", "run_python",
         "run_tests"}


def upload(sessions: sessionmaker[Session], tmp_path: Path, account: Account, name: str) -> int:
    settings = Settings(MINI_AGENT_DATA_DIR=str(tmp_path))
    with (DATA / name).open("rb") as source:
        return analyze_upload(sessions, settings, name, source, user_id=account.user_id).upload.id


async def session_calls(base: str, account: Account,
                        calls: list[tuple[str, dict[str, Any]]]) -> tuple[set[str], list[Any]]:
    async with create_mcp_http_client(headers=account.headers) as client_http, Client(
        streamable_http_client(f"{base}/mcp", http_client=client_http)
    ) as client:
        listed = await client.list_tools()
        results = [await client.call_tool(name, arguments) for name, arguments in calls]
    return {t.name for t in listed.tools}, results


def run(base: str, account: Account, *calls: tuple[str, dict[str, Any]]) -> tuple[set[str], list]:
    return asyncio.run(session_calls(base, account, list(calls)))


def text(result: Any) -> str:
    return result.content[0].text


def test_an_mcp_client_lists_the_tools_and_runs_code_in_the_sandbox(
    api_server: str, alice: Account
) -> None:
    names, [python, tests] = run(
        api_server, alice, ("run_python", {"code": "print(6 * 7)"}),
        ("run_tests", {"code": "def add(a, b):\n    return a + b\n",
                       "tests": "from solution import add\n\ndef test_add():\n"
                                "    assert add(2, 3) == 5\n"}))
    assert names == TOOLS
    assert not python.is_error and json.loads(text(python))["stdout"] == "42\n"
    assert not tests.is_error and json.loads(text(tests))["passed"] == 1


def test_the_data_tools_read_the_callers_own_uploads(
    api_server: str, alice: Account, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    csv = upload(sessions, tmp_path, alice, "orders.csv")
    log = upload(sessions, tmp_path, alice, "app.log")
    _, [profile, query, digest] = run(
        api_server, alice, ("profile_csv", {"upload": csv}),
        ("query_data", {"upload": csv, "sql": "SELECT count(*) AS n FROM data"}),
        ("analyze_log", {"upload": log}))
    assert not profile.is_error and json.loads(text(profile))["rows"] > 0
    assert not query.is_error and "rows" in json.loads(text(query))
    assert not digest.is_error and "levels" in text(digest)


def test_another_users_upload_is_not_found_through_mcp(
    api_server: str, alice: Account, bob: Account, sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    csv = upload(sessions, tmp_path, alice, "orders.csv")
    _, [profile, query] = run(api_server, bob, ("profile_csv", {"upload": csv}),
                              ("query_data", {"upload": csv, "sql": "SELECT * FROM data"}))
    assert profile.is_error and query.is_error
    assert f"No attached upload has id {csv}" in text(profile)


def test_search_history_finds_only_the_callers_interactions(
    api_server: str, http: httpx.Client, alice: Account, bob: Account, fake_llm: FakeLLM
) -> None:
    fake_llm.queue(Script(text="about kafka"), Script(text="also kafka"))
    for account in (alice, bob):
        with http.stream("POST", "/api/chat", headers=account.headers,
                         json={"prompt": f"kafka question from {account.email}",
                               "tools": False}) as answer:
            answer.read()
    _, [found, bad] = run(api_server, alice, ("search_history", {"q": "kafka"}),
                          ("search_history", {"since": "last week"}))
    data = json.loads(text(found))
    assert data["total"] == 1 and "alice" in data["items"][0]["prompt"]
    assert bad.is_error and "ISO date" in text(bad)


def test_mcp_refuses_a_request_without_a_valid_token(api_server: str) -> None:
    stranger = Account(0, "nobody@example.com", "ma_not-a-token")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the SDK reports the 401 as its own error
        run(api_server, stranger)
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    answer = httpx.post(f"{api_server}/mcp", json=listing)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "missing_token"
    answer = httpx.post(f"{api_server}/mcp", json=listing, headers=stranger.headers)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"
