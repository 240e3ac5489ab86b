"""A start as the README gives it (./run.sh), watched on the terminal: a handful of lines."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from tests.browser_support import ROOT, chromium_page, free_port, wait_for_run_to_finish
from tests.fake_llm import FakeLLM, Script

pytestmark = pytest.mark.browser
NOISE = ("Inotify", "Warning", "warn", "Did not auto detect", "Traceback", "pydantic")


def test_a_start_and_a_chat_turn_print_a_few_meaningful_lines(
    database_url: str, sessions, fake_llm: FakeLLM, tmp_path
) -> None:
    fake_llm.queue(Script(text="Quiet terminal."))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MINI_AGENT_MODEL": "openai/fake",
           "MINI_AGENT_API_BASE": fake_llm.api_base, "MINI_AGENT_DATA_DIR": str(tmp_path)}
    env.pop("MINI_AGENT_HOST", None)
    # The first run's install is pip's output, not the start's: done beforehand (a no-op when
    # ./test.sh has installed the same pins).
    subprocess.run(["bash", "-c", "source scripts/venv.sh && ensure_venv requirements.txt"],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    out = tmp_path / "terminal.txt"
    with out.open("wb") as terminal:
        process = subprocess.Popen(
            ["./run.sh", "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=terminal, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while process.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with chromium_page() as page:
            page.goto(base)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=90_000)
            box.fill("Is the terminal quiet?")
            box.press("Enter")
            page.get_by_text("Quiet terminal.").wait_for()
            wait_for_run_to_finish(page)
            assert page.get_by_role("link", name="Chat").count() == 1
            assert page.get_by_role("link", name="History").count() == 1
            assert page.locator("[data-testid=stAppDeployButton]").count() == 0
    finally:
        process.terminate()
        try:
            process.wait(60)  # a loaded machine stops Streamlit slowly
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    lines = [line for line in out.read_text().splitlines() if line.strip()]
    assert 3 <= len(lines) <= 8, lines
    assert not [line for line in lines if any(noise in line for noise in NOISE)], lines
    assert any(f"http://127.0.0.1:{port}" in line for line in lines), lines
