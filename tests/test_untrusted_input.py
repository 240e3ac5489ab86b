"""Model-controlled input never stalls the app: each hostile case runs while a second thread
checks that the app process keeps answering (never blocked more than 100 ms)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from agent.log_search import search_records
from agent.sandbox import RunResult
from agent.sandbox.pytest_run import parse_pytest
from agent.tools import ToolContext, UploadRef, build_toolbox, data_query
from agent.tools.base import ToolFailed
from agent.tools.data_query import MAX_DEPTH, _ask_worker, run_query

STALL_LIMIT_S = 0.1


def _runqueue_wait_s() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (the machine's load)."""
    with open("/proc/thread-self/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


@contextmanager
def never_stalled() -> Iterator[None]:
    """Fail if a thread of this process, sleeping 5 ms at a time, is ever kept waiting 100 ms.

    Time the thread spent runnable but waiting for a CPU is taken out: on a loaded machine the
    scheduler delays every thread; what is measured is being blocked, e.g. on the GIL.
    """
    gaps: list[float] = []
    done = threading.Event()

    def tick() -> None:
        last, last_wait = time.perf_counter(), _runqueue_wait_s()
        while not done.is_set():
            time.sleep(0.005)
            now, wait = time.perf_counter(), _runqueue_wait_s()
            gaps.append(now - last - (wait - last_wait))
            last, last_wait = now, wait

    # A full garbage collection holds the GIL for time that grows with every object alive in
    # this process; after hundreds of tests in one pytest process it reaches half a second, at
    # a random moment. That heap is the test session's, not the app's: freeze it, so only the
    # objects the case under test creates are collected while it is measured.
    gc.collect()
    gc.freeze()
    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        gc.unfreeze()
    # No tick at all means the case was over before the first 5 ms sleep ended.
    stall = max(gaps, default=0.0)
    assert stall < STALL_LIMIT_S, f"the app was stalled {stall * 1000:.0f} ms"


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(100)))
    return path


def query(path: Path, sql: str, timeout_s: float = 10) -> str:
    """The tool's answer to `sql`: its summary, or the sentence saying why it was refused."""
    ctx = ToolContext(query_timeout_s=timeout_s, uploads={1: UploadRef(1, "t.csv", "csv", path)})
    arguments = json.dumps({"upload": 1, "sql": sql})
    ran = build_toolbox(ctx, code_tools=False).call("query_data", arguments)
    return ran.output.error or ran.output.summary


def test_a_parenthesis_bomb_is_refused_before_parsing_with_the_depth_in_a_sentence(csv) -> None:
    with never_stalled():
        said = query(csv, "SELECT " + "(" * 400 + "1" + ")" * 400)
    assert said == f"The query nested 400 levels deep; the limit is {MAX_DEPTH}."


def test_sql_over_the_length_limit_is_refused_before_parsing(csv) -> None:
    with never_stalled():
        said = query(csv, "SELECT " + "+".join(["1"] * 15_000))
    assert said.startswith("The SQL is 30,006 characters long; the limit is 20,000")


def test_a_query_that_crashes_duckdb_costs_only_the_worker(csv, tmp_path: Path) -> None:
    # 40,000 nested subqueries crashed the app once; the depth check now refuses them, so
    # the worker gets them directly here, to show a crash ends only the worker.
    sql = "SELECT 1"
    for _ in range(40_000):
        sql = f"SELECT * FROM ({sql})"
    request = {"path": str(csv), "sql": sql, "max_rows": 5, "memory_mb": 512, "threads": 1,
               "temp_dir": str(tmp_path), "temp_mb": 64, "cell_chars": 100,
               "result_bytes": 10_000, "count_rows": 1000}
    with never_stalled():
        try:
            reply = _ask_worker(request, timeout_s=30)
        except ToolFailed as refusal:
            reply = {"stopped": str(refusal)}
    assert set(reply) in ({"refused"}, {"stopped"}, {"memory"}), reply
    assert query(csv, "SELECT count(*) AS n FROM data") == "1 row"


def test_a_segfaulting_worker_is_reported_in_a_sentence(csv, tmp_path: Path, monkeypatch
                                                       ) -> None:
    crasher = tmp_path / "crash.py"
    crasher.write_text("import ctypes\nctypes.string_at(0)\n")
    monkeypatch.setattr(data_query, "WORKER", crasher)
    with never_stalled():
        said = query(csv, "SELECT 1 AS one")
    assert said == ("The query crashed DuckDB (SIGSEGV) and was stopped; nothing else was "
                    "affected. Simplify the query.")


@pytest.mark.parametrize("sql", [
    "SELECT repeat('x', 4000000000) AS s",
    "SELECT length(repeat(repeat('x', 100000), 100000)) AS n",
    "SELECT string_agg(repeat('y', 1000000), ',') FROM range(5000)",
])
def test_repeat_bombs_stop_at_a_limit_the_tool_names(csv, sql: str) -> None:
    start = time.monotonic()
    with never_stalled():
        said = query(csv, sql, timeout_s=5)
    assert time.monotonic() - start < 9
    limits = ("MB of memory", "longer than 5 s", "DuckDB refused the query")
    assert any(limit in said for limit in limits), said


def test_a_ten_million_row_result_comes_back_capped_with_its_count(csv) -> None:
    with never_stalled():
        result = run_query(csv, "SELECT range AS n, 'z' AS c FROM range(10000000)",
                           max_rows=200, timeout_s=60)
    assert result.total_rows == 10_000_000 and len(result.rows) == 200


def test_wide_cells_are_clipped_and_the_result_stays_under_its_byte_cap(csv) -> None:
    with never_stalled():
        result = run_query(csv, "SELECT range AS n, repeat('z', 50000) AS wide FROM range(5000)",
                           max_rows=5000, timeout_s=30)
    assert result.total_rows == 5000 and result.cells_clipped
    assert len(result.rows[0][1]) == data_query.CELL_CHARS + 1
    assert 0 < len(result.rows) < 5000
    assert len(json.dumps(result.rows)) <= data_query.RESULT_BYTES


@pytest.mark.parametrize("pattern", [r"^(.|.)*!$", r"(a+)+b$", r"(x+x+)+y", r"(\w|\d)*@@"])
def test_catastrophic_regexes_run_in_linear_time(pattern: str) -> None:
    records = pd.DataFrame({"line": range(2000), "level": ["INFO"] * 2000,
                            "timestamp": [None] * 2000,
                            "message": ["a" * 5000, "x" * 5000, "1" * 5000, "b" * 5000] * 500})
    # CPU seconds of the process (all threads), not wall time: a backtracking engine would
    # need years here, while a loaded machine only stretches the wall clock.
    start = time.process_time()
    with never_stalled():
        found, total = search_records(records, text=pattern, regex=True, ignore_case=False)
    assert total == 0 and found.empty
    assert time.process_time() - start < 2


def test_a_one_megabyte_line_does_not_stall_the_pytest_summary() -> None:
    bomb = "1 passed" + " in 1." * 170_000 + "\n"
    out = bomb + "=" * 20 + " 3 passed in 0.05s " + "=" * 20 + "\n"
    run = RunResult(stdout=out, stderr="", exit_code=0, timed_out=False, duration_ms=1,
                    truncated=False, killed_reason=None, isolated=True)
    with never_stalled():
        parsed = parse_pytest(run, b"")
    assert parsed.summary == "3 passed in 0.05s"


def test_the_app_process_becomes_non_dumpable() -> None:
    code = ("import ctypes; from agent.sandbox.harden import make_undumpable\n"
            "print(make_undumpable(), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True).stdout
    assert out == "True 0\n"


@pytest.mark.parametrize("reader", ["read_csv('{}')", "read_text('{}')", "glob('{}')"])
def test_sql_cannot_read_another_file(csv, tmp_path: Path, reader: str) -> None:
    other = tmp_path / "other-upload.csv"
    other.write_text("mini-agent-canary\n")
    for target in (str(other), "/etc/passwd", str(tmp_path / "*")):
        said = query(csv, f"SELECT * FROM {reader.format(target)}")
        assert said.startswith("DuckDB refused the query: Permission Error"), said


def test_the_query_worker_sees_only_its_csv_even_past_duckdbs_allowlist(
        csv, tmp_path: Path, monkeypatch) -> None:
    # A worker that ignores DuckDB altogether stands for a DuckDB bug: the sandbox holds.
    other = tmp_path / "other-upload.csv"
    other.write_text("mini-agent-canary\n")
    snoop = tmp_path / "snoop.py"
    snoop.write_text(
        "import json, sys\n"
        "request = json.load(open(sys.argv[1]))\n"
        "seen = []\n"
        f"for path in (request['path'], {str(other)!r}, '/etc/passwd'):\n"
        "    try:\n"
        "        seen.append(open(path).read()[:20])\n"
        "    except OSError as exc:\n"
        "        seen.append(type(exc).__name__)\n"
        "print(json.dumps({'refused': ' | '.join(seen)}))\n"
    )
    monkeypatch.setattr(data_query, "WORKER", snoop)
    said = query(csv, "SELECT 1")
    first, *rest = said.split(" | ")
    assert first.startswith("a,b\n0,x0") and len(rest) == 2, said
    assert set(rest) <= {"FileNotFoundError", "PermissionError"}, said
