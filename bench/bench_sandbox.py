"""Measure the sandbox's start-to-result overhead: print(1), and a 20-test pytest run.

Run from the project root: `.venv/bin/python -m bench.bench_sandbox [--runs 30]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agent.sandbox import run_pytest, run_python, sandbox_status

TESTS = "from solution import add\n\n" + "".join(
    f"def test_add_{i}():\n    assert add({i}, 1) == {i + 1}\n\n" for i in range(20)
)


def measure(run: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock milliseconds of each of `runs` calls, after one warm-up call."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    """Print the median and p95 of a series of timings."""
    p95 = statistics.quantiles(times, n=20)[-1]
    median = statistics.median(times)
    sys.stdout.write(f"{label:<40} median {median:7.1f} ms   p95 {p95:7.1f} ms\n")


def main() -> None:
    """Run the measurements and print them, with a bare interpreter start as the baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    status = sandbox_status()
    sys.stdout.write(f"sandbox: available={status.available} ({status.reason})\n")
    allow = not status.available
    bare = [sys.executable, "-I", "-c", "print(1)"]
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    report("bare python -I -c print(1)", measure(lambda: subprocess.run(bare, **quiet), args.runs))
    report(
        "run_python('print(1)')",
        measure(lambda: run_python("print(1)", allow_unisolated=allow), args.runs),
    )
    pytest_code = "def add(a, b):\n    return a + b\n"
    result = run_pytest(pytest_code, TESTS, allow_unisolated=allow)
    sys.stdout.write(f"pytest summary: {result.summary}\n")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "solution.py").write_text(pytest_code)
        Path(folder, "test_solution.py").write_text(TESTS)
        Path(folder, "pytest.ini").write_text("[pytest]\n")
        bare_pytest = [sys.executable, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        report(
            "bare pytest (20 tests, no sandbox)",
            measure(lambda: subprocess.run(bare_pytest, cwd=folder, **quiet), args.runs),
        )
    report(
        "run_pytest (20 tests)",
        measure(lambda: run_pytest(pytest_code, TESTS, allow_unisolated=allow), args.runs),
    )


if __name__ == "__main__":
    main()
