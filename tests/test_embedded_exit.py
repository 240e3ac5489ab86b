"""The embedded PostgreSQL stops with the last app process, even after one was SIGKILLed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.browser_support import ROOT, chromium_page, free_port


def start_app(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MINI_AGENT_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("streamlit did not start") from None
            time.sleep(0.2)


def open_in_browser(base: str, process: subprocess.Popen, pgdata: Path) -> None:
    """Load the chat page until this process has joined the embedded server."""
    with chromium_page() as page:
        page.goto(base)
        deadline = time.monotonic() + 60
        while process.pid not in handle_pids(pgdata):
            assert time.monotonic() < deadline, "the app never started its database"
            page.wait_for_timeout(200)


def handle_pids(pgdata: Path) -> list[int]:
    try:
        return json.loads((pgdata / ".handle_pids.json").read_text() or "[]")
    except (OSError, ValueError):
        return []


def postmaster_alive(pgdata: Path) -> bool:
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def test_no_server_is_left_after_a_killed_app_and_a_clean_exit() -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("this run uses a PostgreSQL server, not the embedded one")
    # Beside the suite's own server: the server's OS user cannot enter pytest's tmp folders.
    data_dir = ROOT / ".mini-agent-test" / f"exit-{uuid.uuid4().hex[:8]}"
    pgdata = data_dir / "pgdata"
    try:
        killed, base = start_app(data_dir)
        open_in_browser(base, killed, pgdata)
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        assert postmaster_alive(pgdata)  # pgserver cannot stop it: nobody told it

        clean, base = start_app(data_dir)
        open_in_browser(base, clean, pgdata)
        clean.send_signal(signal.SIGTERM)
        clean.wait(30)
        deadline = time.monotonic() + 15
        while postmaster_alive(pgdata) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not postmaster_alive(pgdata)
    finally:
        if postmaster_alive(pgdata):
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGTERM)
            time.sleep(1)
        shutil.rmtree(data_dir, ignore_errors=True)
