"""Time analyze_log against drain3 (defaults) on ~100 MB logs; each runs in a child process.

Two mixes: the LogHub dev files repeated (few templates), and a synthetic mix of many header
styles carrying tens of thousands of distinct messages (bench/distinct_mix.py). Name one
(`dev`, `distinct`) to run only that. Wall time depends on the machine's load; the CPU seconds
(user + sys of the child, all threads) are the steadier figure on a busy machine. `--repeat N`
runs analyze_log N times (each in a fresh child) and prints the median run by CPU seconds, with
the spread: a change smaller than the spread is not measured. `--no-drain` leaves drain3 out
(it takes ~17 s a run), for quick loops while tuning; the default keeps the two side by side.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distinct_mix import build_distinct  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/loghub-dev")
BIG = ROOT / "bench" / ".data" / "loghub_100mb.log"
TARGET_BYTES = 100 * 1024 * 1024

# Each child reports its own wall time, CPU time (all threads; steadier than wall time on a busy
# machine) and peak RSS (ru_maxrss is the child's high-water mark).
OURS = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
from agent.analysis.logs import analyze_log
start, cpu = time.perf_counter(), sum(os.times()[:2])
report = analyze_log({path!r})
elapsed, cpu = time.perf_counter() - start, sum(os.times()[:2]) - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "rss": rss, "records": len(report.records),
                  "templates": len(report.templates)}}))
"""
DRAIN = """
import json, os, resource, time
from drain3 import TemplateMiner
start, cpu = time.perf_counter(), sum(os.times()[:2])
miner = TemplateMiner()
with open({path!r}, encoding="utf-8", errors="replace") as lines:
    for line in lines:
        miner.add_log_message(line.rstrip("\\n"))
elapsed, cpu = time.perf_counter() - start, sum(os.times()[:2]) - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "rss": rss, "records": 0,
                  "templates": len(miner.drain.clusters)}}))
"""


def build_log() -> Path:
    """Concatenate the LogHub dev files until the log reaches about 100 MB."""
    if BIG.exists() and BIG.stat().st_size >= TARGET_BYTES:
        return BIG
    BIG.parent.mkdir(parents=True, exist_ok=True)
    parts = [p.read_bytes() for p in sorted(DATA.glob("*/*_2k.log"))]
    written = 0
    with BIG.open("wb") as out:
        while written < TARGET_BYTES:
            for part in parts:
                out.write(part if part.endswith(b"\n") else part + b"\n")
                written += len(part)
    return BIG


def run_child(code: str, path: Path) -> dict[str, float]:
    """Run one measured job in a fresh interpreter and return its figures."""
    script = code.format(root=str(ROOT), path=str(path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Both mixes (or those named: dev, distinct): size, load, our figures, drain3's, ratios."""
    mixes = {
        "dev": build_log,
        "distinct": lambda: build_distinct(
            ROOT / "bench" / ".data" / "distinct_100mb.log", TARGET_BYTES
        ),
    }
    args = sys.argv[1:]
    repeat = 1
    drain = "--no-drain" not in args
    args = [a for a in args if a != "--no-drain"]
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at : at + 2]
    for name in args or list(mixes):
        compare(mixes[name](), repeat, drain)


def compare(path: Path, repeat: int = 1, drain_too: bool = True) -> None:
    """Print size, load, our time/throughput/RSS, drain3's, and the ratios."""
    megabytes = path.stat().st_size / 1e6
    load_before = os.getloadavg()[0]
    runs = sorted((run_child(OURS, path) for _ in range(repeat)), key=lambda run: run["cpu"])
    ours = runs[len(runs) // 2]
    ours_rate = megabytes / ours["seconds"]
    print(
        f"file        {path.name}  {megabytes:.1f} MB  "
        f"load {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(
        f"analyze_log {ours['seconds']:.2f} s  {ours_rate:.1f} MB/s  cpu {ours['cpu']:.2f} s  "
        f"peak RSS {ours['rss'] / 1e6:.0f} MB  "
        f"{ours['records']:,} records  {ours['templates']:,} templates"
    )
    if repeat > 1:
        cpus = [run["cpu"] for run in runs]
        walls = sorted(run["seconds"] for run in runs)
        print(
            f"            median of {repeat} runs by CPU; cpu {cpus[0]:.2f}–{cpus[-1]:.2f} s "
            f"(stdev {statistics.stdev(cpus):.2f}), wall {walls[0]:.2f}–{walls[-1]:.2f} s"
        )
    if not drain_too:
        return
    drain = run_child(DRAIN, path)
    drain_rate = megabytes / drain["seconds"]
    print(
        f"drain3      {drain['seconds']:.2f} s  {drain_rate:.1f} MB/s  cpu {drain['cpu']:.2f} s  "
        f"peak RSS {drain['rss'] / 1e6:.0f} MB  {drain['templates']:,} templates"
    )
    print(
        f"ratio       {ours_rate / drain_rate:.1f}x drain3's throughput  "
        f"({drain['cpu'] / ours['cpu']:.1f}x per CPU second)"
    )


if __name__ == "__main__":
    main()
