"""The tool loop end to end: litellm over HTTP to the fake server, real tools, rows in Postgres."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent import sandbox
from agent.chat import ChatTurn
from agent.llm import LLMClient, Reply
from agent.loop import STEP_LIMIT_NOTE, TextDelta, ToolFinished, ToolStarted, Usage
from agent.presets import PRESETS
from agent.setup import AgentSetup
from db import queries
from db.models import Interaction, ToolCall
from tests.fake_llm import FakeLLM, Script

MODEL = "openai/fake"


def agent_turn(sessions, fake: FakeLLM, prompt: str = "go", *, steps: int = 6,
               model: str = MODEL, **options) -> ChatTurn:
    client = LLMClient(api_base=fake.api_base, backoff_s=0.01, max_retries=0, timeout_s=10)
    return ChatTurn(sessions, client, conversation_id=options.pop("conversation_id", None),
                    model=model, prompt=prompt, max_prompt_chars=100_000,
                    agent=AgentSetup(max_tool_steps=steps), **options)


def tool(name: str, **arguments) -> dict:
    return {"name": name, "arguments": arguments}


def rows(sessions: sessionmaker[Session]) -> list[Interaction]:
    with sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def calls(sessions: sessionmaker[Session]) -> list[ToolCall]:
    with sessions() as session:
        return list(session.scalars(select(ToolCall).order_by(ToolCall.id)))


def tool_messages(request: dict) -> list[dict]:
    return [m for m in request["messages"] if m["role"] == "tool"]


def test_the_loop_runs_the_tool_and_the_answer_uses_its_result(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("run_python", code="print(6 * 7)")]),
                   Script(text="The script printed 42."))
    turn = agent_turn(sessions, fake_llm, "What does 6 * 7 print?")
    events = list(turn.events())
    assert [type(e) for e in events[:2]] == [ToolStarted, ToolFinished]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "The script printed 42."
    first, second = fake_llm.requests
    assert [t["function"]["name"] for t in first["tools"]] == ["run_python", "run_tests"]
    assistant = second["messages"][-2]
    assert assistant["tool_calls"][0]["function"]["name"] == "run_python"
    [result] = tool_messages(second)
    assert result["tool_call_id"] == assistant["tool_calls"][0]["id"]
    assert json.loads(result["content"])["stdout"] == "42\n"
    [row] = rows(sessions)
    assert (row.status, row.response) == ("ok", "The script printed 42.")
    assert row.meta == {"tool_steps": 1}
    [call] = calls(sessions)
    assert (call.interaction_id, call.step, call.name) == (row.id, 1, "run_python")
    assert call.arguments == {"code": "print(6 * 7)"}
    assert call.result_summary == "exit 0 · 1 line of output"
    assert call.result["data"]["exit_code"] == 0 and call.error is None
    assert call.duration_ms is not None


def test_bad_tool_arguments_are_reported_to_the_model_and_the_turn_ends_once(
    sessions, fake_llm
) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("run_python", source="print(1)")]),
                   Script(text="Sorry, I passed the wrong argument."))
    turn = agent_turn(sessions, fake_llm)
    finished = [e for e in turn.events() if isinstance(e, ToolFinished)]
    assert "'code' is a required property" in finished[0].output.error
    [result] = tool_messages(fake_llm.requests[1])
    assert "'code' is a required property" in result["content"]
    [row] = rows(sessions)
    assert row.status == "ok"
    [call] = calls(sessions)
    assert call.error.startswith("Bad arguments for run_python")
    assert call.result_summary == "failed"


def test_a_sandbox_error_is_reported_to_the_model_and_the_user(
    sessions, fake_llm, monkeypatch
) -> None:
    unavailable = sandbox.SandboxStatus(False, False, "no namespaces here")
    monkeypatch.setattr(sandbox, "sandbox_status",
                        lambda mode="auto", cgroupfs="": unavailable)
    fake_llm.queue(Script(text="", tool_calls=[tool("run_python", code="print(1)")]),
                   Script(text="I could not run it."))
    turn = agent_turn(sessions, fake_llm)
    "".join(turn.stream())
    [finished] = turn.result.tool_calls
    assert "no sandbox on this machine (no namespaces here)" in finished.output.error
    assert "no namespaces here" in tool_messages(fake_llm.requests[1])[0]["content"]
    [row] = rows(sessions)
    assert row.status == "ok" and "no namespaces here" in calls(sessions)[0].error


def test_an_unknown_tool_is_reported_to_the_model(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("rm_rf", path="/")]), Script(text="ok"))
    "".join(agent_turn(sessions, fake_llm).stream())
    assert "no tool named 'rm_rf'" in tool_messages(fake_llm.requests[1])[0]["content"]
    assert [r.status for r in rows(sessions)] == ["ok"]


def test_the_step_bound_holds_when_the_model_always_asks_for_a_tool(sessions, fake_llm) -> None:
    fake_llm.queue(*[Script(text="", tool_calls=[tool("run_python", code="print(1)")])] * 6)
    turn = agent_turn(sessions, fake_llm, steps=3)
    text = "".join(turn.stream())
    assert len(fake_llm.requests) == 4
    last = fake_llm.requests[-1]
    assert "tools" not in last
    assert last["messages"][-1] == {"role": "user", "content": STEP_LIMIT_NOTE}
    assert text == "_No answer after 3 tool steps._"
    [row] = rows(sessions)
    assert row.status == "ok" and row.meta == {"tool_steps": 3, "step_limit_reached": True}
    assert [c.step for c in calls(sessions)] == [1, 2, 3]


BUGGY = "def is_leap(year):\n    return year % 4 == 0\n"
FIXED = ("def is_leap(year):\n"
         "    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n")
TESTS = ("from solution import is_leap\n\n"
         "def test_every_fourth_year_is_leap():\n    assert is_leap(2024)\n\n"
         "def test_centuries_are_not_leap():\n    assert not is_leap(1900)\n\n"
         "def test_every_fourth_century_is_leap():\n    assert is_leap(2000)\n")


def test_write_tests_exposes_the_bug_fixes_it_and_ends_with_the_real_pytest_summary(
    sessions, fake_llm
) -> None:
    fake_llm.queue(
        Script(text="Let me test it.", tool_calls=[tool("run_tests", code=BUGGY, tests=TESTS)]),
        Script(text="Centuries fail; fixing.", tool_calls=[tool("run_tests", code=FIXED,
                                                                tests=TESTS)]),
        Script(text="Fixed: centuries are leap years only when divisible by 400."),
    )
    turn = agent_turn(sessions, fake_llm, "Write tests for is_leap:\n" + BUGGY,
                      preset="write_tests")
    answer = "".join(turn.stream())
    assert fake_llm.requests[0]["messages"][0]["content"] == PRESETS["write_tests"].system_prompt
    failing, passing = calls(sessions)
    assert re.fullmatch(r"1 failed, 2 passed in [\d.]+s", failing.result_summary)
    outcomes = {t["name"]: t["outcome"] for t in failing.result["data"]["tests"]}
    assert outcomes["test_centuries_are_not_leap"] == "failed"
    assert "assert not True" in failing.result["data"]["failure_output"]
    assert re.fullmatch(r"3 passed in [\d.]+s", passing.result_summary)
    assert (failing.step, passing.step) == (1, 2)
    assert f"**Last pytest run:** `{passing.result_summary}`" in answer
    assert TESTS.strip() in answer
    [row] = rows(sessions)
    assert row.response == answer and row.meta == {"preset": "write_tests", "tool_steps": 2}


def test_write_tests_adds_nothing_when_the_answer_quotes_the_real_run(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("run_tests", code=FIXED, tests=TESTS)]))
    turn = agent_turn(sessions, fake_llm, preset="write_tests")
    events = turn.events()
    finished = next(e for e in events if isinstance(e, ToolFinished))
    summary = finished.output.data["summary"]
    fake_llm.queue(Script(text=f"```python\n{TESTS}```\n{summary}"))
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert answer == f"```python\n{TESTS}```\n{summary}"


def test_tokens_and_cost_add_up_over_every_model_call(sessions, fake_llm) -> None:
    fake_llm.queue(
        Script(text="", tool_calls=[tool("run_python", code="print(1)")], prompt_tokens=1000,
               completion_tokens=100),
        Script(text="done", prompt_tokens=3000, completion_tokens=300),
    )
    "".join(agent_turn(sessions, fake_llm, model="gpt-4o-mini").stream())
    [row] = rows(sessions)
    assert (row.prompt_tokens, row.completion_tokens) == (4000, 400)
    # gpt-4o-mini: $0.15 per 1M input tokens, $0.60 per 1M output tokens.
    assert row.cost_usd == pytest.approx(4000 * 0.15e-6 + 400 * 0.60e-6)


def test_one_call_without_usage_makes_the_turns_tokens_and_cost_unknown(
    sessions, fake_llm
) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("run_python", code="print(1)")]),
                   Script(text="done", usage=False))
    "".join(agent_turn(sessions, fake_llm, model="gpt-4o-mini").stream())
    [row] = rows(sessions)
    assert (row.prompt_tokens, row.completion_tokens, row.cost_usd) == (None, None, None)


def test_usage_sums_known_parts_and_stays_unknown_once_a_part_is() -> None:
    usage = Usage()
    usage.add(Reply(prompt_tokens=1, completion_tokens=2, cost_usd=0.5))
    usage.add(Reply(prompt_tokens=3, completion_tokens=4, cost_usd=None))
    assert (usage.prompt_tokens, usage.completion_tokens, usage.cost_usd) == (4, 6, None)
    assert Usage().known().prompt_tokens is None


def test_stopping_mid_loop_records_stopped_with_the_tool_calls_so_far(sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="Checking.", tool_calls=[tool("run_python", code="print(1)")]),
                   Script(text="never streamed"))
    turn = agent_turn(sessions, fake_llm)
    events = turn.events()
    seen = []
    for event in events:
        seen.append(event)
        if isinstance(event, ToolFinished):
            break
    events.close()
    [row] = rows(sessions)
    assert (row.status, row.response) == ("stopped", "Checking.")
    assert [c.name for c in calls(sessions)] == ["run_python"]
    assert len(fake_llm.requests) == 1


def test_a_server_that_refuses_tools_gets_plain_chat_and_tools_stay_off(sessions, fake_llm) -> None:
    with sessions() as session:
        conversation_id = queries.create_conversation(session, title="t").id
    fake_llm.queue(Script(status=400, error_message="llama2 does not support tools"),
                   Script(text="Plain answer."))
    turn = agent_turn(sessions, fake_llm, conversation_id=conversation_id)
    assert "".join(turn.stream()) == "Plain answer."
    assert "tools" in fake_llm.requests[0] and "tools" not in fake_llm.requests[1]
    assert "does not support tools" in turn.result.tools_off
    "".join(agent_turn(sessions, fake_llm, "again", conversation_id=conversation_id).stream())
    assert "tools" not in fake_llm.requests[-1]
    first, second = rows(sessions)
    assert first.status == second.status == "ok"
    assert "does not support tools" in first.meta["tools_off"]


def test_a_model_error_mid_loop_keeps_the_tool_calls_and_records_the_error(
    sessions, fake_llm
) -> None:
    fake_llm.queue(Script(text="", tool_calls=[tool("run_python", code="print(1)")]),
                   Script(status=401))
    turn = agent_turn(sessions, fake_llm)
    "".join(turn.stream())
    [row] = rows(sessions)
    assert row.status == "error" and row.error.startswith("AuthenticationError")
    assert len(calls(sessions)) == 1
