"""Benchmark the query_data tool: a GROUP BY aggregation over a generated ~1 GB CSV.

Run from the project root: `.venv/bin/python -m bench.bench_query_data`. Reuses the file
bench_csv.py generates (bench/.data/bench_12000000.csv), generating it when absent.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

from bench.bench_csv import DATA_DIR, DEFAULT_ROWS, generate_csv

SQL = (
    "SELECT color, count(*) AS orders, avg(price) AS mean_price, avg(quantity) AS mean_qty "
    "FROM data GROUP BY color ORDER BY color"
)


def _child(path: str, timeout_s: float, queue: multiprocessing.Queue) -> None:
    """Run the tool as the loop does (through the toolbox) and report time, RSS and summary."""
    from agent.tools import ToolContext, UploadRef, build_toolbox

    context = ToolContext(
        query_timeout_s=timeout_s, uploads={1: UploadRef(1, Path(path).name, "csv", Path(path))}
    )
    toolbox = build_toolbox(context, code_tools=False)
    start = time.perf_counter()
    ran = toolbox.call("query_data", json.dumps({"upload": 1, "sql": SQL}))
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((wall, peak_kb, ran.output.summary, ran.output.error, ran.output.data.get("rows")))


def measure(path: Path, timeout_s: float) -> tuple[float, float, str, str | None, list]:
    """One run in a fresh process: wall seconds, peak RSS in GB, the summary, error and rows."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(str(path), timeout_s, queue))
    proc.start()
    wall, peak_kb, summary, error, rows = queue.get()
    proc.join()
    return wall, peak_kb / 1024 / 1024, summary, error, rows


def main() -> None:
    """Generate the file if absent, then time the query a few times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    path = DATA_DIR / f"bench_{args.rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate_csv(path, args.rows)
        sys.stdout.write(f"generated {path} in {time.perf_counter() - start:.1f} s\n")
    sys.stdout.write(f"file: {path.name}, {path.stat().st_size / 1e9:.2f} GB\nquery: {SQL}\n")
    sys.stdout.write(f"{'run':<6}{'wall s':>10}{'peak RSS GB':>14}  result\n")
    for n in range(1, args.runs + 1):
        wall, rss, summary, error, rows = measure(path, args.timeout)
        sys.stdout.write(f"{n:<6}{wall:>10.2f}{rss:>14.2f}  {error or summary}\n")
    sys.stdout.write(f"rows: {rows}\n")


if __name__ == "__main__":
    main()
