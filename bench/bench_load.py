"""Load: N browser sessions at once, each sending 3 chat turns, for N = 5, 10, 20 in turn.

A real Streamlit server (embedded PostgreSQL, the loopback fake model) and real headless
Chromium tabs. After each round it prints the rows written against the turns sent (none lost,
none doubled, none left pending) and the server's RSS, so a leak shows as RSS climbing from
round to round. Run: .venv/bin/python -m bench.bench_load [sizes...]   (default 5 10 20)
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
from sqlalchemy import select  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import make_engine, make_sessionmaker, start_embedded  # noqa: E402
from db.models import Interaction  # noqa: E402
from tests.browser_support import CHROMIUM_ARGS, chromium_path, streamlit_server  # noqa: E402
from tests.fake_llm import FakeLLM  # noqa: E402

TURNS = 3


def server_rss_mb(port: int) -> float:
    """Resident memory of the streamlit process listening on `port`, in MB."""
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "streamlit" in " ".join(cmd) and str(port) in cmd:
            return proc.memory_info().rss / 1e6
    return float("nan")


def run_round(browser, base: str, sessions_n: int, tag: str) -> float:
    """Open `sessions_n` tabs (each its own browser context), send TURNS prompts in each."""
    contexts = [browser.new_context() for _ in range(sessions_n)]
    pages = [c.new_page() for c in contexts]
    started = time.monotonic()
    for page in pages:
        page.set_default_timeout(180_000)
        page.goto(base)
    for page in pages:
        page.get_by_test_id("stChatInputTextArea").wait_for()
    for turn in range(TURNS):
        for i, page in enumerate(pages):
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(f"{tag} session {i} turn {turn}")
            box.press("Enter")
        for page in pages:  # this turn's reply is drawn: 2 messages per turn so far
            messages = page.get_by_test_id("stChatMessage")
            deadline = time.monotonic() + 180
            while messages.count() < 2 * (turn + 1) and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            page.locator("[data-testid=stStatusWidget]").wait_for(state="hidden")
    elapsed = time.monotonic() - started
    for context in contexts:
        context.close()
    return elapsed


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    data_dir = Path(__file__).resolve().parent / ".data" / "load"
    url = start_embedded(data_dir)
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    fake = FakeLLM().start()  # its default answer for every turn
    env = {"DATABASE_URL": url, "MINI_AGENT_MODEL": "openai/fake",
           "MINI_AGENT_API_BASE": fake.api_base, "MINI_AGENT_DATA_DIR": str(data_dir)}
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'sessions':>8} {'turns':>6} {'rows':>5} {'ok':>4} {'stopped':>8} {'error':>6} "
          f"{'pending':>8} {'dup':>4} {'seconds':>8} {'RSS MB':>7}")
    with streamlit_server(env, timeout_s=180) as base, sync_playwright() as playwright:
        port = int(base.rsplit(":", 1)[1])
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=CHROMIUM_ARGS)
        print(f"{'idle':>8} {'':>57} {server_rss_mb(port):7.0f}")
        run = time.strftime("%H%M%S")  # the database is kept between runs: count this run's
        for n in sizes:
            tag = f"{run}r{n}"
            seconds = run_round(browser, base, n, tag)
            time.sleep(5)  # let the last turns finalize before counting
            with sessions() as session:
                rows = session.execute(select(Interaction.prompt, Interaction.status).where(
                    Interaction.prompt.like(f"{tag} %"))).all()
            statuses = Counter(status for _, status in rows)
            duplicates = len(rows) - len({prompt for prompt, _ in rows})
            print(f"{n:>8} {n * TURNS:>6} {len(rows):>5} {statuses['ok']:>4} "
                  f"{statuses['stopped']:>8} {statuses['error']:>6} {statuses['pending']:>8} "
                  f"{duplicates:>4} {seconds:8.1f} {server_rss_mb(port):7.0f}")
        browser.close()
    fake.stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5, 10, 20])
