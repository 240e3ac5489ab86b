"""Benchmark profile_csv on a generated ~1 GB CSV against DuckDB SUMMARIZE and pandas."""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import queue as queues
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).parent / ".data"
DEFAULT_ROWS = 12_000_000


def generate_csv(path: Path, rows: int) -> None:
    """Write the benchmark CSV: ints, floats, low/high-cardinality strings, timestamps, booleans."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    con.execute(
        f"""
        COPY (
            SELECT
                i AS order_id,
                (random() * 500)::INTEGER AS quantity,
                round(random() * 1000, 2) AS price,
                ['red', 'green', 'blue', 'yellow', 'black'][1 + (i % 5)::INTEGER] AS color,
                'user_' || (hash(i) % 2000000)::VARCHAR AS customer,
                strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 2), '%Y-%m-%dT%H:%M:%S')
                    AS created_at,
                random() < 0.3 AS returned,
                CASE WHEN random() < 0.1 THEN NULL ELSE round(random() * 100, 3) END AS score,
                CASE WHEN random() < 0.2 THEN NULL
                     ELSE ['north', 'south', 'east', 'west'][1 + (i % 4)::INTEGER] END AS region,
                CASE WHEN random() < 0.5 THEN 0 ELSE (random() * 1e6)::BIGINT END AS discount
            FROM range({rows}) AS t(i)
        ) TO '{tmp}' (HEADER, DELIMITER ',')
        """
    )
    con.close()
    tmp.rename(path)


def _measure_child(
    target: Callable[[str], None], path: str
) -> tuple[float, float, float] | None:
    """Run target(path) in a fresh process: wall s, CPU s (user+sys) and peak RSS in GB.

    None if it died. CPU seconds count the work alone (the interpreter's start is excluded),
    so they stay comparable when the shared machine's load inflates wall time.
    """
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child_main, args=(target, path, queue))
    proc.start()
    while True:
        try:
            wall, cpu, peak_kb = queue.get(timeout=1)
            break
        except queues.Empty:
            if not proc.is_alive():
                return None
    proc.join()
    return wall, cpu, peak_kb / 1024 / 1024


def _child_main(target: Callable[[str], None], path: str, queue: multiprocessing.Queue) -> None:
    """Child body: time target(path), report its CPU seconds and ru_maxrss (KB on Linux).

    The libraries a run needs are imported first, outside the timing, on every side alike
    (an app imports them once): pandas alone takes ~0.5 s to import.
    """
    sys.path.insert(0, str(ROOT))
    for module in IMPORTS.get(target.__name__, ()):
        importlib.import_module(module)
    before = _cpu_seconds()
    start = time.perf_counter()
    target(path)
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - before
    queue.put((wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _cpu_seconds() -> float:
    """User + system seconds of this process (every thread) and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_profile(path: str) -> None:
    """Our full profile, charts' inputs included."""
    from agent.analysis.tables import profile_csv

    profile_csv(path)


def run_duckdb_summarize(path: str) -> None:
    """DuckDB SUMMARIZE straight from the file, 2 threads."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    con.sql(f"SUMMARIZE SELECT * FROM read_csv('{path}')").fetchall()


def run_pandas_describe(path: str) -> None:
    """pandas read_csv with the pyarrow engine, then describe()."""
    import pandas as pd

    pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow").describe(include="all")


IMPORTS = {
    "run_profile": ("agent.analysis.tables",),
    "run_duckdb_summarize": ("duckdb",),
    "run_pandas_describe": ("pandas",),
}


def main() -> None:
    """Generate the file if absent, then print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (report medians)")
    parser.add_argument("--pandas", action="store_true", help="also time pandas (slow, ~3 GB)")
    args = parser.parse_args()
    path = DATA_DIR / f"bench_{args.rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate_csv(path, args.rows)
        sys.stdout.write(f"generated {path} in {time.perf_counter() - start:.1f} s\n")
    size_gb = path.stat().st_size / 1e9
    sys.stdout.write(f"file: {path.name}, {size_gb:.2f} GB, {args.rows:,} rows\n")
    runs: list[tuple[str, Callable[[str], None]]] = [
        ("profile_csv (ours)", run_profile),
        ("DuckDB SUMMARIZE", run_duckdb_summarize),
    ]
    if args.pandas:
        runs.append(("pandas read_csv+describe", run_pandas_describe))
    sys.stdout.write(
        f"{'run':<28}{'wall s':>10}{'CPU s':>10}{'peak RSS GB':>14}{'load before/after':>20}\n"
    )
    for name, target in runs:
        walls, cpus, peaks = [], [], []
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            measured = _measure_child(target, str(path))
            if measured is None:
                sys.stdout.write(f"{name:<28}{'failed':>10}\n")
                continue
            wall, cpu, rss = measured
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(rss)
            loads = f"{load:.2f} / {os.getloadavg()[0]:.2f}"
            sys.stdout.write(f"{name:<28}{wall:>10.2f}{cpu:>10.2f}{rss:>14.2f}{loads:>20}\n")
        if len(walls) > 1:
            median = f"{name} median"
            sys.stdout.write(
                f"{median:<28}{statistics.median(walls):>10.2f}{statistics.median(cpus):>10.2f}"
                f"{statistics.median(peaks):>14.2f}\n"
            )


if __name__ == "__main__":
    main()
