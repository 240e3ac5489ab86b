"""Time the Analyze page from upload to the first tab drawn, on a 50 MB log and a 200 MB CSV.

Measured with Streamlit's AppTest: `file_uploader.upload(...).run()` covers keeping the
file (hash + copy), detecting its kind, the analysis, recording the row, the rerun and
drawing every tab. It excludes the browser's transfer of the bytes to the server. The
library alone is timed too, and a reopen from the in-process cache.

    .venv/bin/python bench/bench_analyze_page.py
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).parent / ".data"
LOG_BYTES = 50_000_000
CSV_BYTES = 200_000_000
PAGE = str(ROOT / "pages" / "2_Analyze.py")


def generate_log(path: Path, size: int) -> None:
    """A Python-logging style log: a dozen templates, levels, a burst of errors, tracebacks."""
    rng = random.Random(1)
    templates = [
        ("INFO", "api", "GET /orders/{n} 200 in {ms} ms"),
        ("INFO", "api", "POST /cart/{n} 201 in {ms} ms"),
        ("DEBUG", "db", "query orders took {ms} ms rows={n}"),
        ("INFO", "worker", "job {n} finished in {ms} ms"),
        ("WARN", "api", "slow request /search?q={n} took {ms} ms"),
        ("ERROR", "db", "connection to db-{n} refused after {ms} retries"),
        ("INFO", "auth", "user {n} logged in from 10.0.{ms}.{n}"),
    ]
    trace = (
        'Traceback (most recent call last):\n  File "/srv/app/jobs.py", line 88, in run\n'
        "    result = step()\nZeroDivisionError: division by zero\n"
    )
    stamp = datetime(2024, 5, 1)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as out:
        written = 0
        while written < size:
            stamp += timedelta(milliseconds=rng.randint(1, 400))
            level, component, message = rng.choice(templates)
            if 0.45 < written / size < 0.46:
                level, component, message = templates[5]
            text = message.format(n=rng.randint(1, 9999), ms=rng.randint(1, 999))
            line = (
                f"{stamp:%Y-%m-%d %H:%M:%S},{stamp.microsecond // 1000:03d} {level} "
                f"[{component}] {text}\n"
            )
            if rng.random() < 0.0005:
                line += trace
            written += out.write(line)
    tmp.rename(path)


def generate_csv(path: Path, size: int) -> None:
    """Orders with ints, floats, categories, timestamps and gaps, cut to about `size` bytes."""
    rows = size // 67  # about 67 bytes per row with these columns
    tmp = path.with_suffix(".tmp")
    con = duckdb.connect(config={"threads": 2})
    con.execute(
        f"""
        COPY (
            SELECT i AS order_id,
                   (random() * 500)::INTEGER AS quantity,
                   round(random() * 1000, 2) AS price,
                   ['red', 'green', 'blue', 'yellow', 'black'][1 + (i % 5)::INTEGER] AS color,
                   'user_' || (hash(i) % 200000)::VARCHAR AS customer,
                   strftime(TIMESTAMP '2024-01-01' + to_seconds(i * 2), '%Y-%m-%dT%H:%M:%S')
                       AS created_at,
                   random() < 0.3 AS returned,
                   CASE WHEN random() < 0.1 THEN NULL ELSE round(random() * 100, 3) END AS score
            FROM range({rows}) AS t(i)
        ) TO '{tmp}' (HEADER, DELIMITER ',')
        """
    )
    con.close()
    tmp.rename(path)


def measure(name: str, path: Path) -> None:
    """Upload through AppTest, then reopen in a fresh session; print both times."""
    from streamlit.testing.v1 import AppTest

    from agent.uploads import detect_kind, run_analysis

    content = path.read_bytes()
    started = time.perf_counter()
    run_analysis(path, detect_kind(path))
    library_s = time.perf_counter() - started

    at = AppTest.from_file(PAGE, default_timeout=900).run()
    started = time.perf_counter()
    at.file_uploader[0].upload(name, content, "application/octet-stream").run()
    upload_s = time.perf_counter() - started
    assert not at.exception and not at.error, (at.exception, at.error)
    tabs = [tab.label for tab in at.tabs]
    # The page's own notice times keep + detect + analyse + record, without drawing.
    [notice] = [s.value for s in at.success]

    upload_id = at.query_params["upload"]
    reopened = AppTest.from_file(PAGE, default_timeout=900)
    reopened.query_params["upload"] = upload_id
    started = time.perf_counter()
    reopened.run()
    reopen_s = time.perf_counter() - started
    assert any("Opened from the cache" in c.value for c in reopened.caption)

    print(
        f"{name:<12} {len(content) / 1e6:7.1f} MB  library alone {library_s:6.1f} s  "
        f"upload→tabs drawn {upload_s:6.1f} s  reopen {reopen_s:5.2f} s"
    )
    print(f"{'':<12} page notice: {notice}  tabs: {tabs}")


def main() -> None:
    """Generate the inputs once, then measure each."""
    DATA_DIR.mkdir(exist_ok=True)
    log, table = DATA_DIR / "analyze-50mb.log", DATA_DIR / "analyze-200mb.csv"
    if not log.exists():
        generate_log(log, LOG_BYTES)
    if not table.exists():
        generate_csv(table, CSV_BYTES)
    os.chdir(ROOT)
    # litellm's pydantic models warn by the hundred on import; they say nothing about this bench.
    warnings.filterwarnings("ignore", category=UserWarning, module="pydantic")
    sys.path.insert(0, str(ROOT))
    # The bench's own data folder (and embedded PostgreSQL, unless DATABASE_URL is set).
    os.environ["MINI_AGENT_DATA_DIR"] = str(DATA_DIR / "analyze-page")
    os.environ["MINI_AGENT_MAX_UPLOAD_MB"] = "256"
    print(
        "Measured: AppTest upload(...).run() = keep + detect + analyse + record + draw all tabs "
        f"(no browser transfer); {os.cpu_count()} CPUs"
    )
    measure("50MB.log", log)
    measure("200MB.csv", table)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak RSS of this process: {peak_gb:.1f} GB")


if __name__ == "__main__":
    main()
