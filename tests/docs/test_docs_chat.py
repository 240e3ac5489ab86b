"""The docs in the chat: the search_docs tool through the fake model, retrieval before
answering in the presets, findings under the reply's Python blocks."""

from __future__ import annotations

import json

from sqlalchemy import select

from agent.chat import ChatTurn
from agent.llm import LLMClient
from agent.setup import AgentSetup
from db.models import Interaction, ToolCall
from tests.fake_llm import Script

MODEL = "openai/fake"


def turn(sessions, fake, prompt: str, **options) -> ChatTurn:
    client = LLMClient(api_base=fake.api_base, backoff_s=0.01, max_retries=0, timeout_s=10)
    return ChatTurn(sessions, client, conversation_id=None, model=MODEL, prompt=prompt,
                    max_prompt_chars=100_000, agent=AgentSetup(max_tool_steps=3), **options)


def stored(sessions) -> tuple[Interaction, list[ToolCall]]:
    with sessions() as session:
        row = session.scalars(select(Interaction).order_by(Interaction.id.desc())).first()
        calls = list(session.scalars(select(ToolCall).where(ToolCall.interaction_id == row.id)))
        session.expunge_all()
    return row, calls


def test_the_model_calls_search_docs_and_answers_with_a_citation(docs_sessions, fake_llm) -> None:
    call = {"name": "search_docs", "arguments": {"query": "ask the user to confirm",
                                                  "package": "click"}}
    fake_llm.queue(Script(text="", tool_calls=[call]),
                   Script(text="Use `click.confirm`."))
    list(turn(docs_sessions, fake_llm, "How do I ask for confirmation in click?").events())
    first, second = fake_llm.requests
    offered = [t["function"]["name"] for t in first["tools"]]
    assert "search_docs" in offered and "check_code" in offered
    [result] = [m for m in second["messages"] if m["role"] == "tool"]
    hits = json.loads(result["content"])["hits"]
    assert hits[0]["cite"].startswith("click ") and hits[0]["cite"].endswith("· click.confirm")
    assert hits[0]["source"].startswith("click/termui.py:")
    row, [recorded] = stored(docs_sessions)
    assert row.status == "ok" and recorded.name == "search_docs"
    assert recorded.result["view"] == "docs" and recorded.result_summary.startswith("5 hits")


def test_the_explain_preset_retrieves_before_answering_and_keeps_the_hits(
        docs_sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="It prompts for confirmation."))
    list(turn(docs_sessions, fake_llm, "Explain what click.confirm does",
              preset="explain").events())
    [request] = fake_llm.requests
    system = request["messages"][0]["content"]
    assert "click.confirm" in system and "cite it as `package version · name`" in system
    row, _ = stored(docs_sessions)
    assert row.meta["docs"][0]["cite"].endswith("· click.confirm")
    assert row.meta["docs"][0]["source"].startswith("click/termui.py:")


def test_plain_chat_does_not_retrieve(docs_sessions, fake_llm) -> None:
    fake_llm.queue(Script(text="Hi."))
    list(turn(docs_sessions, fake_llm, "Explain what click.confirm does").events())
    row, _ = stored(docs_sessions)
    assert "docs" not in (row.meta or {})


def test_python_blocks_of_a_reply_are_checked_and_findings_kept_per_block(
        docs_sessions, fake_llm) -> None:
    reply = ("First:\n\n```python\nimport click\nclick.echo('hi')\n```\n\nThen:\n\n"
             "```python\nimport click\nclick.confrim('Sure?')\n```\n")
    fake_llm.queue(Script(text=reply))
    list(turn(docs_sessions, fake_llm, "show me").events())
    row, _ = stored(docs_sessions)
    [finding] = row.meta["code_findings"]
    assert finding["block"] == 1 and finding["line"] == 2
    assert finding["suggestion"] == "click.confirm"
    assert "`click.confrim` does not exist in click" in finding["message"]
