"""Queries over held rows, run at once on two DuckDB connections."""

from __future__ import annotations

import threading

import duckdb
import pyarrow as pa

from agent.analysis.tables.parallel import pool


def _held_rows() -> tuple[duckdb.DuckDBPyConnection, pa.Table]:
    con = duckdb.connect(config={"threads": 2})
    rows = pa.table({"x": list(range(1000))})
    con.register("held", rows)
    return con, rows


def test_two_jobs_run_at_the_same_time_on_connections_that_both_see_the_held_rows() -> None:
    con, rows = _held_rows()

    def second() -> duckdb.DuckDBPyConnection:
        cursor = con.cursor()
        cursor.register("held", rows)
        return cursor

    # Each job waits for the other: one by one, the barrier would time out and raise.
    both_running = threading.Barrier(2, timeout=30)

    def total(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
        both_running.wait()
        ((value,),) = connection.execute("SELECT sum(x) FROM held").fetchall()
        return int(value), id(connection)

    with pool(con, second) as run:
        found = run({"a": total, "b": total})
    assert [value for value, _ in found.values()] == [499_500, 499_500]
    assert found["a"][1] != found["b"][1]


def test_without_a_second_connection_jobs_run_one_by_one_on_the_first() -> None:
    con, _ = _held_rows()
    seen: list[int] = []

    def count(connection: duckdb.DuckDBPyConnection) -> int:
        seen.append(id(connection))
        ((value,),) = connection.execute("SELECT count(*) FROM held").fetchall()
        return int(value)

    with pool(con, None) as run:
        found = run({"first": count, "second": count, "third": count})
    assert found == {"first": 1000, "second": 1000, "third": 1000}
    assert list(found) == ["first", "second", "third"]
    assert set(seen) == {id(con)}
