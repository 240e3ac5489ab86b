"""Tool: read-only SQL over an uploaded CSV with DuckDB, in a worker process, boxed in.

The SQL is measured before anything parses it (length, nesting depth); DuckDB then runs in
query_worker.py, a separate process with a wall deadline, a memory cap, a private temp folder
and caps on the result, where the CSV is the view `data` and nothing else can be read. A
parser bomb, a crash or a runaway query ends that process; the tool says which limit it hit.
"""

from __future__ import annotations

import json
import logging
import math
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.sandbox import Limits, SandboxUnavailable, run_worker
from agent.tools import query_worker
from agent.tools.base import Tool, ToolContext, ToolFailed, ToolOutput
from agent.tools.query_worker import json_value, quote_literal

__all__ = ["QueryResult", "json_value", "quote_literal", "run_query", "sql_shape_problem"]

TABLE_KINDS = ("csv",)
WORKER = Path(query_worker.__file__)
MAX_SQL_CHARS = 20_000
MAX_DEPTH = 64
MEMORY_MB = 1024
# The worker's own Python, pyarrow and result on top of DuckDB's memory_limit.
WORKER_OVERHEAD_MB = 512
TEMP_MB = 1024
THREADS = 2
# DuckDB reads its CPU and memory limits from these at start, and aborts when a file it can
# stat cannot be opened: in the Landlock mode (where the host's /proc and /sys are there but
# refused) it gets to read them.
DUCKDB_LANDLOCK_READ = ["/proc/self/cgroup", "/sys/fs/cgroup"]
# Threads count as processes for the sandbox's process limit: DuckDB's, Python's, pyarrow's.
WORKER_TASKS = 32
CELL_CHARS = 2_000
RESULT_BYTES = 2_000_000
COUNT_ROWS = 50_000_000

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "upload": {"type": "integer", "description": "The id of an attached CSV upload."},
        "sql": {
            "type": "string",
            "description": (
                "One DuckDB SELECT (or WITH ... SELECT) over the view `data`, e.g. "
                "SELECT region, avg(price) FROM data GROUP BY region. Aggregate in SQL: "
                "only the first rows of the result come back."
            ),
        },
    },
    "required": ["upload", "sql"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class QueryResult:
    """The first rows of a result (within the caps), its column names and its row count."""

    columns: list[str]
    rows: list[list[Any]]
    total_rows: int
    count_capped: bool = False
    cells_clipped: bool = False

    @property
    def truncated(self) -> bool:
        """True when the result had more rows than were kept."""
        return self.total_rows > len(self.rows)


def nesting_depth(sql: str) -> int:
    """How deep brackets nest outside strings, quoted names and comments; linear time."""
    depth = deepest = 0
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = sql.find(ch, i + 1)
            i = n if end < 0 else end + 1
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest


def sql_shape_problem(sql: str) -> str | None:
    """Why the SQL is refused before parsing (too long, nested too deep), or None."""
    if len(sql) > MAX_SQL_CHARS:
        return f"The SQL is {len(sql):,} characters long; the limit is {MAX_SQL_CHARS:,}."
    depth = nesting_depth(sql)
    if depth > MAX_DEPTH:
        return f"The query nested {depth} levels deep; the limit is {MAX_DEPTH}."
    return None


def run_query(path: Path, sql: str, *, max_rows: int, timeout_s: float, mode: str = "auto"
              ) -> QueryResult:
    """Run one read-only SELECT over the CSV at `path` in the worker; ToolFailed says why not.

    `mode` is MINI_AGENT_SANDBOX_MODE: the worker runs in that sandbox where it can.
    """
    problem = sql_shape_problem(sql)
    if problem:
        raise ToolFailed(problem)
    temp_dir = tempfile.mkdtemp(prefix="mini-agent-duckdb-")
    request = {"path": str(path), "sql": sql, "max_rows": max_rows, "memory_mb": MEMORY_MB,
               "threads": THREADS, "temp_dir": temp_dir, "temp_mb": TEMP_MB,
               "cell_chars": CELL_CHARS, "result_bytes": RESULT_BYTES, "count_rows": COUNT_ROWS}
    try:
        reply = _ask_worker(request, timeout_s, mode)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    if "refused" in reply:
        raise ToolFailed(reply["refused"])
    if "memory" in reply:
        raise ToolFailed(_memory_message())
    data = reply["ok"]
    return QueryResult(data["columns"], data["rows"], data["total_rows"],
                       data["count_capped"], data["cells_clipped"])


def _memory_message() -> str:
    return f"The query needed more than its {MEMORY_MB:,} MB of memory and was stopped."


def _ask_worker(request: dict[str, Any], timeout_s: float, mode: str = "auto"
                ) -> dict[str, Any]:
    """Send the request to a fresh worker in the sandbox; kill it past the deadline.

    The sandbox lends it only the CSV (read-only) and its spill folder: even a DuckDB bug
    cannot reach another file. Where no sandbox works (or it cannot lend the file) the worker
    runs as a plain process, with DuckDB's own allowlist and the same limits.
    """
    limits = Limits(memory_mb=MEMORY_MB + WORKER_OVERHEAD_MB, per_process_mb=MEMORY_MB
                    + WORKER_OVERHEAD_MB, max_processes=WORKER_TASKS, max_file_mb=TEMP_MB,
                    cpu_s=math.ceil(timeout_s * THREADS) + 1,
                    max_output_bytes=4 * RESULT_BYTES)
    try:
        ran = run_worker(WORKER.read_text(), ["request.json"],
                         files={"request.json": json.dumps(request).encode()},
                         read_only=[request["path"]], writable=[request["temp_dir"]],
                         timeout_s=timeout_s, limits=limits, mode=mode,
                         landlock_read=DUCKDB_LANDLOCK_READ)
    except SandboxUnavailable as exc:
        logging.getLogger(__name__).info("DuckDB worker runs without the sandbox: %s", exc)
        return _ask_plain_worker(request, timeout_s)
    if ran.killed_reason == "setup_failed":
        logging.getLogger(__name__).warning("DuckDB worker runs without the sandbox: %s",
                                            ran.stderr.strip()[-500:])
        return _ask_plain_worker(request, timeout_s)
    if ran.timed_out:
        raise _timed_out(timeout_s)
    if ran.truncated:
        raise ToolFailed("The query's result was too large to send back; select fewer "
                         "columns or aggregate.")
    return _reply(ran.stdout.encode(), ran.stderr.encode(), ran.exit_code)


def _ask_plain_worker(request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    """The worker as a plain process (no sandbox): a deadline and a memory cap only."""
    proc = subprocess.Popen(
        [sys.executable, "-I", str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                                     "HOME": request["temp_dir"]},
        cwd=request["temp_dir"], start_new_session=True,
    )
    # Limits go on before the worker reads its request, so no query runs without them.
    cap = (MEMORY_MB + WORKER_OVERHEAD_MB) * 2**20
    resource.prlimit(proc.pid, resource.RLIMIT_DATA, (cap, cap))
    resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
    try:
        out, err = proc.communicate(json.dumps(request).encode(), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise _timed_out(timeout_s) from None
    return _reply(out, err, proc.returncode)


def _timed_out(timeout_s: float) -> ToolFailed:
    return ToolFailed(f"The query ran longer than {timeout_s:g} s and was stopped.")


def _reply(out: bytes, err: bytes, returncode: int | None) -> dict[str, Any]:
    """The worker's JSON reply, or ToolFailed saying how it ended without one."""
    if out:
        reply: dict[str, Any] = json.loads(out)
        return reply
    tail = err[-2000:]
    if any(sign in tail for sign in (b"MemoryError", b"bad_alloc", b"Cannot allocate")):
        raise ToolFailed(_memory_message())
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name
        raise ToolFailed(f"The query crashed DuckDB ({name}) and was stopped; nothing else "
                         "was affected. Simplify the query.")
    # Its stderr is for the server log, never for the page or the model.
    logging.getLogger(__name__).warning("DuckDB worker failed: %s", tail.decode(errors="replace"))
    raise ToolFailed(f"The DuckDB worker failed (exit code {returncode}).")


def result_data(result: QueryResult) -> dict[str, Any]:
    """The result as the model and the page see it."""
    return {
        "columns": result.columns,
        "rows": result.rows,
        "total_rows": result.total_rows,
        "truncated": result.truncated,
        **({"total_rows_capped": True} if result.count_capped else {}),
        **({"cells_clipped_to_chars": CELL_CHARS} if result.cells_clipped else {}),
    }


def describe(result: QueryResult) -> str:
    """One line: how many rows came back out of how many."""
    total = f"more than {COUNT_ROWS:,}" if result.count_capped else f"{result.total_rows:,}"
    if result.truncated:
        return f"first {len(result.rows):,} of {total} rows"
    return f"{result.total_rows:,} row{'s' if result.total_rows != 1 else ''}"


def run(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Run the model's SELECT over the attached CSV."""
    upload = ctx.upload(args["upload"], TABLE_KINDS)
    assert upload.path is not None  # ctx.upload checked it
    result = run_query(upload.path, args["sql"], max_rows=ctx.max_rows,
                       timeout_s=ctx.query_timeout_s, mode=ctx.sandbox_mode)
    return ToolOutput(summary=describe(result), data=result_data(result), view="table")


TOOL = Tool(
    name="query_data",
    description=(
        "Run one read-only DuckDB SELECT over an attached CSV, exposed as the view `data`. "
        "Returns the column names, up to 200 rows and the total row count."
    ),
    parameters=PARAMETERS,
    run=run,
)
