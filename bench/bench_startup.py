"""Start-up: from `streamlit run` to the chat page drawn in a browser, embedded Postgres included.

Cold: a new data folder (initdb, migrations). Warm: the same folder again (server start only).
Run: .venv/bin/python -m bench.bench_startup [runs]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser_support import chromium_page, streamlit_server  # noqa: E402


def time_start(data_dir: Path) -> tuple[float, float]:
    """Seconds to the health check answering, and to the chat input being on screen."""
    env = {
        "DATABASE_URL": "",
        "MINI_AGENT_DATA_DIR": str(data_dir),
        "MINI_AGENT_MODEL": "openai/bench",
        "MINI_AGENT_API_BASE": "http://127.0.0.1:9/v1",
    }
    with chromium_page() as page:
        start = time.perf_counter()
        with streamlit_server(env) as base:
            healthy = time.perf_counter() - start
            page.goto(base)
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=120_000)
            drawn = time.perf_counter() - start
    return healthy, drawn


def main(runs: int = 3) -> None:
    rows = []
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp(prefix="mini-agent-bench-"))
        folder.chmod(0o755)
        try:
            rows.append(("cold", *time_start(folder / "data")))
            rows.append(("warm", *time_start(folder / "data")))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'data dir':10}{'server healthy':>16}{'chat page drawn':>18}")
    for kind in ("cold", "warm"):
        healthy = statistics.median(r[1] for r in rows if r[0] == kind)
        drawn = statistics.median(r[2] for r in rows if r[0] == kind)
        print(f"{kind:10}{healthy:>14.2f} s{drawn:>16.2f} s")
    print(f"(median of {runs} runs each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
