"""Measure the sandbox's start-to-result overhead: print(1), and a 20-test pytest run.

Run from the project root: `.venv/bin/python -m bench.bench_sandbox [--runs 30]`. Prints wall
time (median, p95), CPU time per run (user + system of this process and all it waited for:
launcher and child) and the 1-minute load average, since wall times on a busy machine mislead.
As root "namespaces" is the root mode; run it as an ordinary user (e.g. `setpriv --reuid U
--regid U --clear-groups .venv/bin/python -m bench.bench_sandbox`) to measure user namespaces.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and every child it has waited for."""
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(run: Callable[[], object], runs: int) -> tuple[list[float], float]:
    """Wall-clock ms of each of `runs` calls (after one warm-up), and CPU ms per call."""
    run()
    times = []
    cpu_start = cpu_seconds()
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times, (cpu_seconds() - cpu_start) * 1000 / runs


def report(label: str, measured: tuple[list[float], float]) -> None:
    """Print the median and p95 wall time, the CPU time per call and the load average."""
    times, cpu_ms = measured
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    median = statistics.median(times)
    load = os.getloadavg()[0]
    sys.stdout.write(f"{label:<40} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
                     f"CPU {cpu_ms:6.1f} ms/run   load {load:5.2f}\n")


def bench_mode(mode: str, runs: int) -> None:
    """Time print(1) and a 20-test pytest run in one MINI_AGENT_SANDBOX_MODE."""
    status = sandbox_status(mode)
    sys.stdout.write(f"\n[{mode}] available={status.available}: {status.reason}\n")
    if not status.available:
        return
    pytest_code = "def add(a, b):\n    return a + b\n"
    result = run_pytest(pytest_code, TESTS, mode=mode)
    sys.stdout.write(f"pytest summary: {result.summary}\n")
    report(f"run_python('print(1)') [{status.mode}]",
           measure(lambda: run_python("print(1)", mode=mode), runs))
    report(f"run_pytest (20 tests) [{status.mode}]",
           measure(lambda: run_pytest(pytest_code, TESTS, mode=mode), max(runs // 3, 5)))


def main() -> None:
    """Run the measurements per mode, with a bare interpreter and bare pytest as baselines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--modes", default="namespaces,landlock")
    args = parser.parse_args()
    sys.stdout.write(f"uid {os.getuid()}, load average {os.getloadavg()}\n")
    bare = [sys.executable, "-I", "-c", "print(1)"]
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    report("bare python -I -c print(1)", measure(lambda: subprocess.run(bare, **quiet), args.runs))
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "solution.py").write_text("def add(a, b):\n    return a + b\n")
        Path(folder, "test_solution.py").write_text(TESTS)
        Path(folder, "pytest.ini").write_text("[pytest]\n")
        bare_pytest = [sys.executable, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        report("bare pytest (20 tests, no sandbox)",
               measure(lambda: subprocess.run(bare_pytest, cwd=folder, **quiet),
                       max(args.runs // 3, 5)))
    for mode in args.modes.split(","):
        bench_mode(mode, args.runs)
    sys.stdout.write(f"load average after: {os.getloadavg()}\n")


if __name__ == "__main__":
    main()
