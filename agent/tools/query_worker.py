"""The DuckDB worker: runs one model-written SELECT over a CSV, in its own process.

Started by agent/tools/data_query.py in the sandbox (`python -I -c <this file> request.json`,
the request in a file of its folder) or, where there is none, as `python -I query_worker.py`
with the request on stdin; writes one JSON reply on stdout. The app kills it past its
deadline or its memory cap, so a parser bomb, a crash or a runaway query costs this process,
never the app. It imports nothing of ours (only DuckDB): it runs as a plain script.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import duckdb

VIEW = "data"
BATCH_ROWS = 65_536
ELLIPSIS = "…"


def quote_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


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


def open_csv(request: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection where `data` is the CSV and nothing else can be read or written."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{int(request['memory_mb'])}MB'")
    con.execute(f"SET threads = {int(request['threads'])}")
    con.execute("SET enable_progress_bar = false")  # it would draw on the server's terminal
    con.execute(f"SET temp_directory = {quote_literal(request['temp_dir'])}")
    con.execute(f"SET max_temp_directory_size = '{int(request['temp_mb'])}MB'")
    source = quote_literal(request["path"])
    con.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM read_csv_auto({source})")
    # The view reads the file lazily, so that one path stays allowed; everything else
    # (other files, COPY TO, ATTACH, extensions) is refused from here on.
    con.execute(f"SET allowed_paths = [{source}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def single_select(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The one SELECT statement in `sql`, or ValueError saying why it is refused."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ValueError(f"The SQL does not parse: {first_line(exc)}") from exc
    if len(statements) != 1:
        raise ValueError(f"Send exactly one statement (got {len(statements)}).")
    [statement] = statements
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name
        raise ValueError(f"Only SELECT queries are allowed (this is a {kind} statement).")
    return str(statement.query)


def clip_cell(value: Any, max_chars: int) -> tuple[Any, bool]:
    """A JSON cell with long text cut to `max_chars`; whether it was cut."""
    value = json_value(value)
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + ELLIPSIS, True
    if isinstance(value, list | dict):
        text = json.dumps(value)
        if len(text) > max_chars:
            return text[:max_chars] + ELLIPSIS, True
    return value, False


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Run the request's query; keep the first rows within the caps, count up to the cap."""
    con = open_csv(request)
    try:
        query = single_select(con, request["sql"])
        reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
        columns = list(reader.schema.names)
        rows: list[list[Any]] = []
        total, kept_bytes, clipped, full = 0, 0, False, False
        for batch in reader:
            if not full:
                for record in batch.slice(0, request["max_rows"] - len(rows)).to_pylist():
                    row = []
                    for value in record.values():
                        cell, cut = clip_cell(value, request["cell_chars"])
                        clipped |= cut
                        row.append(cell)
                    kept_bytes += len(json.dumps(row, default=str)) + 2  # ", " or "[]"
                    if kept_bytes > request["result_bytes"]:
                        full = True
                        break
                    rows.append(row)
                full |= len(rows) >= request["max_rows"]
            total += batch.num_rows
            if total > request["count_rows"]:
                break
    finally:
        con.close()
    return {"columns": columns, "rows": rows, "total_rows": total,
            "count_capped": total > request["count_rows"], "cells_clipped": clipped,
            "bytes_capped": kept_bytes > request["result_bytes"]}


def main() -> None:
    """Read the request, answer with the result or the reason it was refused."""
    if len(sys.argv) > 1:
        with open(sys.argv[1], "rb") as f:
            request = json.loads(f.read())
    else:
        request = json.loads(sys.stdin.buffer.read())
    reply: dict[str, Any]
    try:
        reply = {"ok": run(request)}
    except ValueError as exc:
        reply = {"refused": str(exc)}
    except duckdb.OutOfMemoryException as exc:
        reply = {"memory": first_line(exc)}
    except duckdb.Error as exc:
        reply = {"refused": f"DuckDB refused the query: {first_line(exc)}"}
    except MemoryError:
        reply = {"memory": "MemoryError"}
    except Exception as exc:  # pyarrow and the like: the reply names it; the app decides
        reply = {"refused": f"The query failed: {type(exc).__name__}: {first_line(exc)}"}
    sys.stdout.write(json.dumps(reply, default=str))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
