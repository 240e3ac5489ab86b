"""How long the app process stalls while each hostile input is handled (target: < 100 ms).

Run from the project root: `.venv/bin/python -m bench.bench_untrusted`. A thread sleeps 5 ms
at a time and records its longest wait while the case runs in the main thread, less the time
it was runnable but waiting for a CPU (the machine's load); the figure is that longest wait,
next to the case's own wall time and what the tool answered.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from agent.analysis.logs import analyze_log
from agent.log_search import InvalidPattern, search_records
from agent.sandbox import RunResult, run_python, sandbox_status
from agent.sandbox.pytest_run import parse_pytest
from agent.tools import ToolContext, UploadRef, build_toolbox


def _runqueue_wait_s() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU."""
    with open("/proc/thread-self/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


def stall_while(case: Callable[[], str]) -> tuple[float, float, str]:
    """(longest stall ms, wall ms, answer) of running `case` with a ticking thread beside it."""
    gaps: list[float] = []
    done = threading.Event()

    def tick() -> None:
        # Time spent runnable but waiting for a CPU is the machine's load, not a stall.
        last, last_wait = time.perf_counter(), _runqueue_wait_s()
        while not done.is_set():
            time.sleep(0.005)
            now, wait = time.perf_counter(), _runqueue_wait_s()
            gaps.append(now - last - (wait - last_wait))
            last, last_wait = now, wait

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    start = time.perf_counter()
    answer = case()
    wall = time.perf_counter() - start
    done.set()
    ticker.join()
    return max(gaps, default=0.0) * 1000, wall * 1000, answer


def main() -> None:
    """Run every case and print its stall."""
    folder = Path(tempfile.mkdtemp())
    csv = folder / "t.csv"
    csv.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(1000)))
    ctx = ToolContext(query_timeout_s=10, uploads={1: UploadRef(1, "t.csv", "csv", csv)})
    toolbox = build_toolbox(ctx, code_tools=False)

    def sql(text: str) -> Callable[[], str]:
        def run() -> str:
            out = toolbox.call("query_data", json.dumps({"upload": 1, "sql": text})).output
            return (out.error or out.summary)[:70]
        return run

    records = pd.DataFrame({"line": range(4000), "level": ["INFO"] * 4000,
                            "timestamp": [None] * 4000,
                            "message": ["a" * 5000, "x" * 5000] * 2000})

    def regex(pattern: str) -> Callable[[], str]:
        def run() -> str:
            try:
                return f"{search_records(records, text=pattern, regex=True)[1]} matches"
            except InvalidPattern as exc:
                return str(exc)[:70]
        return run

    def summary() -> str:
        out = "1 passed" + " in 1." * 170_000 + "\n=== 3 passed in 0.05s ===\n"
        run = RunResult(out, "", 0, False, 1, False, None, True)
        return parse_pytest(run, b"").summary

    def log(text: str) -> Callable[[], str]:
        def run() -> str:
            return f"{len(analyze_log(text.encode()).records)} records"
        return run

    header = "2024-03-05 14:22:01,123 ERROR app: boom\n"
    mode = sandbox_status().mode
    cases: list[tuple[str, Callable[[], str]]] = [
        ("parser bomb: 10 KB of nested parentheses",
         sql("SELECT " + "(" * 5000 + "1" + ")" * 5000)),
        ("20 KB expression chain", sql("SELECT " + "+".join(["1"] * 9000))),
        ("repeat('x', 4e9)", sql("SELECT repeat('x', 4000000000) AS s")),
        ("repeat(repeat(...)) 1e10", sql("SELECT length(repeat(repeat('x', 100000), 100000))")),
        ("10M-row result", sql("SELECT * FROM range(10000000)")),
        ("regex ^(.|.)*!$ on 4000 x 5 KB lines", regex(r"^(.|.)*!$")),
        ("regex (a+)+$ on 4000 x 5 KB lines", regex(r"(a+)+$")),
        ("1 MB line through the pytest summary", summary),
        # Before session 8 the trace patterns crossed lines: 28 s for this 256 KB file.
        ("log: a record of 64,000 blank-looking lines", log(header + "   \n" * 64_000)),
        ("log: 64,000 lines of `\tat a.a.a...(` (no `)`)",
         log(header + ("\tat " + "a." * 40 + "(x\n") * 64_000)),
        (f"fork bomb in the sandbox ({mode})",
         lambda: str(run_python("import os\nwhile 1:\n    try: os.fork()\n    except OSError: pass",
                                timeout_s=2).killed_reason)),
        (f"6 x 400 MB in the sandbox ({mode})",
         lambda: str(run_python("import os\nfor _ in range(5): os.fork()\nb = bytearray(400 << 20)",
                                timeout_s=10).exit_code)),
    ]
    sys.stdout.write(f"load average {os.getloadavg()}\n")
    sys.stdout.write(f"{'case':<44}{'stall ms':>10}{'wall ms':>10}  answer\n")
    for name, case in cases:
        stall, wall, answer = stall_while(case)
        sys.stdout.write(f"{name:<44}{stall:>10.1f}{wall:>10.0f}  {answer}\n")
    sys.stdout.write(f"load average after {os.getloadavg()}\n")


if __name__ == "__main__":
    main()
