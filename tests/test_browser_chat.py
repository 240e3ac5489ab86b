"""Chat journeys in a real browser: a reply outlives reloads, closed tabs and the app process
the page is on; Stop closes the model's connection; Retry and Edit replace in place."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from db.models import Interaction
from tests.browser_support import chromium_page, streamlit_server, wait_for_run_to_finish
from tests.fake_llm import FakeLLM, Script

pytestmark = pytest.mark.browser
WORDS = " ".join(f"word{n}" for n in range(80))
OTHER = " ".join(f"token{n}" for n in range(120))


def app_env(database_url: str, fake_llm: FakeLLM, tmp_path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
            "MINI_AGENT_API_BASE": fake_llm.api_base, "MINI_AGENT_DATA_DIR": str(tmp_path),
            "MINI_AGENT_MAX_RETRIES": "0"}


def send(page, prompt: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=90_000)  # the first run imports litellm, pandas and plotly
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stChatInputTextArea]').disabled")
    box.fill(prompt)
    box.press("Enter")


def rows(sessions) -> list[Interaction]:
    with sessions() as session:
        return list(session.scalars(select(Interaction).order_by(Interaction.id)))


def wait_for_row(sessions, check, timeout_s: float = 30) -> list[Interaction]:
    deadline = time.monotonic() + timeout_s
    while True:
        found = rows(sessions)
        if found and check(found):
            return found
        assert time.monotonic() < deadline, [(r.status, r.response) for r in found]
        time.sleep(0.1)


def test_a_reply_survives_reload_closing_the_tab_and_a_second_app_process(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    env = app_env(database_url, fake_llm, tmp_path)
    with streamlit_server(env) as base, streamlit_server(env) as other, chromium_page() as page:
        watcher = page.context.browser.new_page()
        watcher.goto(other)  # the other process's first run imports litellm: not timed here
        watcher.get_by_test_id("stChatInputTextArea").wait_for(timeout=90_000)
        fake_llm.queue(Script(text=WORDS, chunk_size=6, drip_s=4))
        page.goto(base)
        send(page, "Reload me")
        page.wait_for_url(re.compile(r"[?&]c=\d+"))
        page.get_by_text("word1", exact=False).first.wait_for()
        page.wait_for_timeout(500)
        page.reload()
        page.get_by_text(WORDS, exact=True).wait_for(timeout=30_000)
        assert len(fake_llm.requests) == 1  # picked up, not sent again
        conversation_url = page.url

        fake_llm.queue(Script(text=OTHER, chunk_size=6, drip_s=8))
        send(page, "Close me")
        page.get_by_text("token1", exact=False).first.wait_for()
        page.goto("about:blank")  # the tab is gone; the turn goes on in the app
        watcher.goto(conversation_url.replace(base, other))  # another app process
        watcher.get_by_text("Writing…", exact=False).wait_for()
        growing = watcher.get_by_test_id("stChatMessage").last
        lengths = []
        for _ in range(80):
            lengths.append(len(growing.inner_text()))
            if OTHER in growing.inner_text():
                break
            watcher.wait_for_timeout(150)
        watcher.get_by_text(OTHER, exact=True).wait_for(timeout=30_000)
        assert len(set(lengths)) >= 3  # seen growing, not only finished
        page.goto(conversation_url)
        page.get_by_text(OTHER, exact=True).wait_for()
    assert [(r.status, r.response) for r in rows(sessions)] == [("ok", WORDS), ("ok", OTHER)]
    assert len(fake_llm.requests) == 2


def stop_and_time(page, fake_llm: FakeLLM) -> float:
    """Click Stop; how long until the fake server saw the connection closed."""
    stop = page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop")
    stop.wait_for()
    seen = len(fake_llm.disconnects)
    clicked = time.monotonic()
    stop.click()
    deadline = clicked + 10
    while len(fake_llm.disconnects) == seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(fake_llm.disconnects) > seen, "the model's connection stayed open"
    return fake_llm.disconnects[-1] - clicked


def test_stop_closes_the_model_connection_at_once_mid_reply_and_before_the_first_token(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    with streamlit_server(app_env(database_url, fake_llm, tmp_path)) as base, \
            chromium_page() as page:
        fake_llm.queue(Script(text=WORDS * 3, chunk_size=6, drip_s=8))
        page.goto(base)
        send(page, "Count slowly")
        page.get_by_text("word1", exact=False).first.wait_for()
        page.wait_for_timeout(700)
        mid_reply = stop_and_time(page, fake_llm)
        page.get_by_text("Stopped: the reply above is what had arrived.").wait_for()

        fake_llm.queue(Script(text="never sent", first_delay_s=8))
        send(page, "Think first")
        page.get_by_text("Thinking…", exact=False).wait_for()
        page.wait_for_timeout(1000)
        before_first = stop_and_time(page, fake_llm)
        wait_for_run_to_finish(page)
    assert mid_reply < 0.5 and before_first < 0.5, (mid_reply, before_first)
    first, second = wait_for_row(sessions, lambda r: len(r) == 2 and r[1].status != "pending")
    assert first.status == "stopped" and first.response and (WORDS * 3).startswith(first.response)
    assert len(first.response) < len(WORDS * 3)
    assert second.status == "stopped" and not second.response


def test_retry_replaces_a_failed_reply_and_edit_resends_from_that_prompt(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    with streamlit_server(app_env(database_url, fake_llm, tmp_path)) as base, \
            chromium_page() as page:
        fake_llm.queue(Script(status=500))
        page.goto(base)
        send(page, "Flaky question")
        page.get_by_role("button", name="Retry").wait_for()
        page.get_by_role("button", name="Retry").click()
        page.get_by_text("You said: Flaky question", exact=True).wait_for()
        wait_for_run_to_finish(page)
        assert page.get_by_text("The model server had an error").filter(visible=True).count() == 0
        page.get_by_text("Earlier versions (1)").wait_for()

        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_role("button", name="Edit", exact=True).click()
        editor = page.get_by_label("Edit the prompt")
        editor.fill("Better question")
        main.get_by_role("button", name="Send", exact=True).click()
        page.get_by_text("You said: Better question", exact=True).wait_for()
        wait_for_run_to_finish(page)
        # The earlier attempt is kept only under "Earlier versions", which is collapsed.
        assert page.get_by_text("You said: Flaky question").filter(visible=True).count() == 0
    shown = [r for r in rows(sessions) if not r.hidden]
    assert [(r.prompt, r.status) for r in shown] == [("Better question", "ok")]
    assert len(rows(sessions)) == 3
