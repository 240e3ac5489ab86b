"""Which tools a turn may offer: model support, the sandbox, and storing odd tool output."""

from __future__ import annotations

from sqlalchemy import select

from agent import sandbox
from agent import setup as agent_setup
from agent.llm import LLMClient
from config import Settings
from db import queries
from db.models import ToolCall
from db.tool_calls import record_tool_call


def test_models_litellm_knows_follow_its_table() -> None:
    client = LLMClient()
    assert agent_setup.tool_support(client, "gpt-4o-mini") is None
    assert "does not know whether" in agent_setup.tool_support(client, "ollama/llama2")


def test_unknown_models_on_a_custom_server_are_assumed_to_support_tools() -> None:
    assert agent_setup.tool_support(LLMClient(api_base="http://x/v1"), "openai/my-llm") is None
    assert "does not know" in agent_setup.tool_support(LLMClient(), "openai/my-llm")


def test_code_tools_are_off_without_a_sandbox_unless_unisolated_runs_are_allowed(
    monkeypatch,
) -> None:
    unavailable = sandbox.SandboxStatus(False, False, "not root")
    monkeypatch.setattr(agent_setup, "sandbox_status", lambda mode="auto": unavailable)
    off = agent_setup.code_tools_off(Settings(MINI_AGENT_SANDBOX_ALLOW_UNISOLATED=False))
    assert "no sandbox on this machine (not root)" in off
    assert agent_setup.code_tools_off(Settings(MINI_AGENT_SANDBOX_ALLOW_UNISOLATED=True)) is None


def test_tool_output_with_nul_bytes_is_stored(sessions) -> None:
    with sessions() as session:
        turn = queries.start_interaction(session, conversation_id=None, model="m", prompt="p")
        record_tool_call(session, turn.id, step=1, name="run_python",
                         arguments={"code": "print('\\x00')"}, result_summary="exit 0",
                         result={"data": {"stdout": "a\x00b \ud800"}}, duration_ms=1, error=None)
        [row] = session.scalars(select(ToolCall)).all()
    assert row.result == {"data": {"stdout": "a\ufffdb \ufffd"}}
