"""Tool: read-only SQL over an uploaded CSV with DuckDB, in process, boxed in.

The CSV is exposed as the view `data`. After creating it the connection may read only that
file (allowed_paths + enable_external_access=false), its configuration is locked, a timer
interrupts queries that run too long, and only a single SELECT (WITH ...) is accepted.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from agent.tools.base import Tool, ToolContext, ToolFailed, ToolOutput

TABLE_KINDS = ("csv",)
VIEW = "data"
MEMORY_LIMIT = "1GB"
THREADS = 2
BATCH_ROWS = 65_536

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
    """The first `max_rows` rows of a result, its column names and its full row count."""

    columns: list[str]
    rows: list[list[Any]]
    total_rows: int

    @property
    def truncated(self) -> bool:
        """True when the result had more rows than were kept."""
        return self.total_rows > len(self.rows)


def quote_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def open_csv(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection where `data` is the CSV and nothing else can be read or written."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET threads = {THREADS}")
        con.execute("SET enable_progress_bar = false")  # it would draw on the server's terminal
        source = quote_literal(str(path))
        con.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM read_csv_auto({source})")
        # The view reads the file lazily, so that one path stays allowed; everything else
        # (other files, COPY TO, ATTACH, extensions) is refused from here on.
        con.execute(f"SET allowed_paths = [{source}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def single_select(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """The one SELECT statement in `sql`, or ToolFailed saying why it is refused."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ToolFailed(f"The SQL does not parse: {first_line(exc)}") from exc
    if len(statements) != 1:
        raise ToolFailed(f"Send exactly one statement (got {len(statements)}).")
    [statement] = statements
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name
        raise ToolFailed(f"Only SELECT queries are allowed (this is a {kind} statement).")
    return statement


def run_query(path: Path, sql: str, *, max_rows: int, timeout_s: float) -> QueryResult:
    """Run one read-only SELECT over the CSV at `path`, keeping `max_rows` rows and the count."""
    con = open_csv(path)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.daemon = True
    try:
        statement = single_select(con, sql)
        timer.start()
        reader = con.sql(statement.query).to_arrow_reader(BATCH_ROWS)
        columns = list(reader.schema.names)
        rows: list[list[Any]] = []
        total = 0
        for batch in reader:
            if len(rows) < max_rows:
                needed = max_rows - len(rows)
                rows += [list(r.values()) for r in batch.slice(0, needed).to_pylist()]
            total += batch.num_rows
    except duckdb.InterruptException as exc:
        raise ToolFailed(f"The query ran longer than {timeout_s:g} s and was stopped.") from exc
    except duckdb.Error as exc:
        raise ToolFailed(f"DuckDB refused the query: {first_line(exc)}") from exc
    finally:
        timer.cancel()
        con.close()
    return QueryResult(columns, [[json_value(v) for v in row] for row in rows], total)


def first_line(exc: BaseException) -> str:
    """An error's first line: DuckDB appends long hints below it."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def json_value(value: Any) -> Any:
    """A cell as JSON can hold it (dates as ISO text, NaN as null, decimals as floats)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def result_data(result: QueryResult) -> dict[str, Any]:
    """The result as the model and the page see it."""
    return {
        "columns": result.columns,
        "rows": result.rows,
        "total_rows": result.total_rows,
        "truncated": result.truncated,
    }


def describe(result: QueryResult) -> str:
    """One line: how many rows came back out of how many."""
    if result.truncated:
        return f"first {len(result.rows):,} of {result.total_rows:,} rows"
    return f"{result.total_rows:,} row{'s' if result.total_rows != 1 else ''}"


def run(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Run the model's SELECT over the attached CSV."""
    upload = ctx.upload(args["upload"], TABLE_KINDS)
    assert upload.path is not None  # ctx.upload checked it
    result = run_query(
        upload.path, args["sql"], max_rows=ctx.max_rows, timeout_s=ctx.query_timeout_s
    )
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
