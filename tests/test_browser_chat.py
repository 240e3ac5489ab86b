"""The chat journey in a real browser: send, watch the reply stream in, reload, still there."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from db.models import Interaction
from tests.browser_support import chromium_page, streamlit_server, wait_for_run_to_finish
from tests.fake_llm import FakeLLM, Script

pytestmark = pytest.mark.browser


def test_a_message_streams_in_and_survives_a_reload(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    fake_llm.queue(Script(text="Streaming works in a real browser.", chunk_size=3, delay_s=0.02))
    env = {"DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
           "MINI_AGENT_API_BASE": fake_llm.api_base, "MINI_AGENT_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as base, chromium_page() as page:
        page.goto(base)
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=90_000)  # the first run imports litellm, pandas and plotly
        box.fill("Does streaming work?")
        box.press("Enter")
        reply = page.get_by_text("Streaming works in a real browser.")
        reply.wait_for()
        wait_for_run_to_finish(page)
        page.wait_for_url(re.compile(r"[?&]c=\d+"))
        page.reload()
        page.get_by_text("Streaming works in a real browser.").wait_for()
        assert page.get_by_text("Does streaming work?").count() >= 1
        page.screenshot(path=str(tmp_path / "chat.png"))


def test_stop_keeps_what_had_arrived_and_records_stopped(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    words = " ".join(f"word{n}" for n in range(400))
    fake_llm.queue(Script(text=words, chunk_size=6, delay_s=0.05))
    env = {"DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
           "MINI_AGENT_API_BASE": fake_llm.api_base, "MINI_AGENT_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as base, chromium_page() as page:
        page.goto(base)
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=90_000)
        box.fill("Count slowly")
        box.press("Enter")
        page.get_by_text("word10", exact=False).first.wait_for()
        page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()
        wait_for_run_to_finish(page)
        page.get_by_text("Stopped: the reply above is what had arrived.").wait_for()
    with sessions() as session:
        row = session.scalars(select(Interaction)).one()
    assert row.status == "stopped"
    assert row.response and words.startswith(row.response) and len(row.response) < len(words)
