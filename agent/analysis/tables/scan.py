"""Profile passes over the loaded CSV table: two aggregate passes, bad lines, the rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from agent.analysis.tables.load import TABLE, CsvReader, first_line
from agent.analysis.tables.parallel import pool
from agent.analysis.tables.sql import (
    ALL_VALUE_COUNTS_UP_TO,
    TOP_VALUES,
    Bins,
    Column,
    bin_index,
    bins_for,
    boolean_counts_aggs,
    counts_of_sql,
    ident,
    moment_aggs,
    moments,
    pass_one,
    quartile_aggs,
    text_shape_aggs,
    time_unit,
    top_values_sql,
)

# Pass two slows down faster than linearly with columns (~1 s at 200, minutes at 1000).
MAX_PROFILED_COLUMNS = 200
MAX_BAD_LINES = 100
# Above this many rows exact distinct counts are only computed where uniqueness matters.
EXACT_DISTINCT_ROWS = 1_000_000
# Above this many rows a uniform sample of about SAMPLE_ROWS rows is kept: the shown rows, the
# correlations and the time series are drawn from it. Rows are drawn by a hash of their rank
# in the file, so the same file gives the same sample on every run.
SAMPLE_ABOVE_ROWS = 1_000_000
SAMPLE_ROWS = 100_000
# Quartiles are exact (quantile_cont over every row) up to this many rows; above, they come
# from the sample (rank error ~0.2 %), marked approximate: t-digests over every row took 1.5 s
# for 5 columns at 12M rows.
EXACT_QUANTILE_ROWS = 10_000_000
SAMPLE_TABLE = "csv_sample"
SUBSAMPLE_SEED = 42
# HyperLogLog errs by a few percent: a column this close to unique is checked exactly as a key.
LIKELY_KEY_SHARE = 0.95
# Its values then go into a bitstring over [min, max]: 16 MB per thread at most.
MAX_KEY_RANGE = 1 << 27
# min and max come back as DOUBLE, exact for integers up to 2**53.
EXACT_FLOAT = float(1 << 53)
# Above this many rows histograms are counted by GROUP BY queries, one each, outside pass two:
# its map aggregates made it 3-5 times slower than its parts run apart (12M rows); below,
# one SELECT saves the per-query cost on wide files.
COUNT_APART_ROWS = 1_000_000
# Up to this many rows pass two runs on one thread: two threads split the rows by timing and
# their partial sums of doubles differ in the last digits, so the moments (mean, deviation,
# skew) changed between runs of the same file. Above it the second thread's time counts more.
IN_ORDER_ROWS = 1_000_000
# Each DISTINCT aggregate reserves its own hash tables: 200 of them exhausted 1.5 GB.
EXACT_DISTINCT_COLUMNS = 30


@dataclass(frozen=True)
class BadLine:
    """A line DuckDB could not fit into the table, by its 1-based physical line number."""

    line: int
    error: str
    text: str


@dataclass
class Scan:
    """Everything the aggregate passes found, keyed by column index where per column."""

    columns: list[Column]
    has_header: bool
    first: dict[str, Any]
    second: dict[str, Any]
    bins: dict[int, Bins]
    time_column: Column | None
    time_unit: str | None
    bad_lines: list[BadLine]
    bad_line_count: int
    warnings: list[str] = field(default_factory=list)
    sample_table: str | None = None
    quartiles_exact: bool = True
    # The rank of a row of TABLE in the file (the sample table, made in order, has rowid).
    row_key: str = "rowid"
    # The kept sample as pandas, when there is one: the rows the pandas-side figures use.
    analysis: pd.DataFrame | None = None


def scan(
    con: duckdb.DuckDBPyConnection,
    reader: CsvReader,
    *,
    progress: Callable[[float, str], None],
    on_sample: Callable[[pd.DataFrame, list[Column]], None] | None = None,
) -> Scan:
    """Sniff, load the file into a table once, then run both aggregate passes over it.

    When a sample is kept, on_sample gets it as pandas before pass two, so work on it can
    run alongside (pass two's serial parts leave a core idle).
    """
    columns, has_header = reader.describe(con)
    warnings: list[str] = []
    if len(columns) > MAX_PROFILED_COLUMNS:
        warnings.append(
            f"The file has {len(columns):,} columns; only the first "
            f"{MAX_PROFILED_COLUMNS:,} were profiled."
        )
        columns = columns[:MAX_PROFILED_COLUMNS]
    progress(0.05, "Reading the file")
    columns = reader.load(con, columns)
    progress(0.35, "Computing column statistics")
    ((rows,),) = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()
    sample_table = None
    exact = rows <= EXACT_QUANTILE_ROWS
    if rows > SAMPLE_ABOVE_ROWS:
        sample_table = SAMPLE_TABLE
        first = _draw_sample(con, reader, columns, exact, partial(
            reader.copy_rows, con, SAMPLE_TABLE, _names(columns),
            lambda rank: _drawn(rows, SAMPLE_ROWS, rank)))
    else:
        first = _first_pass(con, columns, exact, sample_table, reader)
    if infinite := _numbers_with_infinity(columns, first, sampled=sample_table is not None):
        reader.double_columns |= infinite
        columns = reader.load(con, columns)
        first = _first_pass(con, columns, exact, sample_table, reader)
    bad_lines, bad_count = _bad_lines(con, reader.path)
    bins = {
        col.index: b
        for col in columns
        if col.family in ("integer", "float", "temporal")
        and (b := bins_for(col, first[f"c{col.index}_min"], first[f"c{col.index}_max"]))
    }
    time_column = next(
        (c for c in columns if c.family == "temporal" and first[f"c{c.index}_first"] is not None),
        None,
    )
    unit = None
    if time_column is not None:
        a = f"c{time_column.index}"
        unit = time_unit(first[f"{a}_min"], first[f"{a}_max"])
    analysis = None
    if sample_table is not None:
        analysis = con.sql(f"SELECT {_names(columns)} FROM {sample_table}").df()
        if on_sample is not None:
            on_sample(analysis, columns)
    progress(0.65, "Counting values and duplicates")
    second = _pass_two(con, columns, first, bins, (time_column, unit), reader, sample_table)
    _counted_text(columns, first, second)
    _top_values(con, columns, first, second, sample_table, reader)
    return Scan(columns, has_header, first, second, bins, time_column, unit, bad_lines,
                bad_count, warnings, sample_table, exact, reader.row_key, analysis)


def _draw_sample(
    con: duckdb.DuckDBPyConnection, reader: CsvReader, columns: list[Column], exact: bool,
    draw: Callable[[], None],
) -> dict[str, Any]:
    """Pass one, drawing the sample (draw) first, with the non-text columns' part alongside.

    Drawing the sample is mostly serial (~0.1 s at 12M rows); the aggregates of pass one that
    need no sample (all but the text columns', see _few_valued) run meanwhile on a second
    connection to the held rows, and on while the text columns' part runs, so no core waits.
    Without held rows pass one takes every column at once, after the draw.
    """
    aggs = _sample_free_aggs(columns, exact)
    make = reader.second_connection(con) if aggs and reader.rows is not None else None
    if make is None:
        draw()
        return _first_pass(con, columns, exact, SAMPLE_TABLE, reader)
    second = make()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="profile-csv-first") as side:
            found = side.submit(_aggregate, second, aggs)
            draw()
            return _first_pass(con, columns, exact, SAMPLE_TABLE, reader, found.result)
    finally:
        second.close()


def _sample_free_aggs(columns: list[Column], exact: bool) -> list[str]:
    """Pass one's aggregates of the columns other than text, counts left out (held rows)."""
    others = [col for col in columns if col.family != "string"]
    return pass_one(others, counts=False) + (quartile_aggs(others) if exact else [])


def _first_pass(
    con: duckdb.DuckDBPyConnection, columns: list[Column], exact: bool, sample: str | None,
    reader: CsvReader, early: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Pass one over every row; quartiles and text shapes from the sample when there is one.

    Text columns with few values in the sample are left to pass two, which counts each of
    their values (first[a_counted] is True): distinct counts and lengths follow from those.
    Counts of rows and values already known (from rows held as Arrow) are not taken again.
    One query: DuckDB already splits it evenly over both threads (0.52 and 0.51 CPU s for
    12M rows); two queries at once were no faster.
    """
    counted = _few_valued(con, columns, sample) if sample else frozenset()
    counts = reader.counts(columns)
    # early gives the other columns' aggregates (see _draw_sample): the text ones are left.
    rest = columns if early is None else [col for col in columns if col.family == "string"]
    aggs = pass_one(rest, text_shapes=sample is None, counted=counted,
                    counts=counts is None) + (quartile_aggs(rest) if exact else [])
    found = _aggregate(con, aggs) if aggs else {}
    first = dict(counts or {}) | (early() if early else {}) | found
    first |= {f"c{index}_counted": True for index in counted}
    if sample is None:
        return first
    aggs = [] if exact else quartile_aggs(columns)
    aggs += [agg for col in columns if col.family == "string"
             for agg in text_shape_aggs(col, scale_to=first[f"c{col.index}_count"])]
    if aggs:
        first |= _aggregate(con, aggs, table=sample)
    return first


def _few_valued(
    con: duckdb.DuckDBPyConnection, columns: list[Column], sample: str
) -> frozenset[int]:
    """Text columns with at most ALL_VALUE_COUNTS_UP_TO values in the sample.

    Values a 100,000-row sample misses are rare: counting every value of such a column over
    the whole file makes few groups, and costs less than HyperLogLog and three length
    aggregates over every row.
    """
    text = [col for col in columns if col.family == "string"]
    if not text:
        return frozenset()
    aggs = [f"count(DISTINCT {col.sql}) AS c{col.index}" for col in text]
    found = _aggregate(con, aggs, table=sample)
    return frozenset(col.index for col in text
                     if found[f"c{col.index}"] <= ALL_VALUE_COUNTS_UP_TO)


def _counted_text(columns: list[Column], first: dict[str, Any], second: dict[str, Any]) -> None:
    """Distinct count and lengths of the text columns whose every value pass two counted."""
    for col in columns:
        a = f"c{col.index}"
        if not first.get(f"{a}_counted"):
            continue
        counts = second.get(f"{a}_values") or {}
        lengths = [(len(str(value)), n) for value, n in counts.items() if value is not None]
        total = sum(n for _, n in lengths)
        first[f"{a}_approx"] = len(lengths)
        first[f"{a}_min_length"] = min((k for k, _ in lengths), default=None)
        first[f"{a}_max_length"] = max((k for k, _ in lengths), default=None)
        first[f"{a}_mean_length"] = sum(k * n for k, n in lengths) / total if total else None


def _drawn(rows: int, wanted: int, row_key: str) -> str:
    """A condition keeping about wanted of rows rows, chosen by a hash of their rank."""
    threshold = min((1 << 64) - 1, (1 << 64) * wanted // max(rows, 1))
    return f"hash({row_key}) < {threshold}::UBIGINT"


def _top_values(
    con: duckdb.DuckDBPyConnection,
    columns: list[Column],
    first: dict[str, Any],
    second: dict[str, Any],
    sample: str | None,
    reader: CsvReader,
) -> None:
    """The most frequent values of each text column, with exact counts over every row.

    Where pass two counted every value they come from there. Otherwise the candidates are the
    most frequent values of the sample (of every row when there is none), ties broken by the
    value, so a file gives the same list on every run; their counts are then taken over every
    row. first[a_top] gets the values, second[a_top_counts] their counts.
    """
    for col in columns:
        if col.family != "string":
            continue
        a = f"c{col.index}"
        if f"{a}_top_counts" in second:
            continue
        if f"{a}_values" in second:
            counts = second[f"{a}_values"] or {}
            ranked = sorted(((v, n) for v, n in counts.items() if v is not None),
                            key=lambda pair: (-pair[1], pair[0]))
            first[f"{a}_top"] = [v for v, _ in ranked[:TOP_VALUES]]
            continue
        top = con.execute(top_values_sql(col, sample or TABLE)).fetchall()
        first[f"{a}_top"] = [v for v, _ in top]
        if sample is None or not top:
            second[f"{a}_top_counts"] = dict(top)
        else:
            counted = reader.value_counts(col, among=first[f"{a}_top"])
            second[f"{a}_top_counts"] = counted if counted is not None else dict(
                con.execute(counts_of_sql(col, first[f"{a}_top"], TABLE)).fetchall())


def _numbers_with_infinity(
    columns: list[Column], first: dict[str, Any], *, sampled: bool
) -> set[str]:
    """Text columns that are all numbers but for some inf / infinity values.

    Scaled-up sample counts may miss by rounding; a wrong guess costs a reload, whose cast
    errors turn the column back into text.
    """
    slack = 1 if sampled else 0
    return {
        col.name for col in columns
        if col.family == "string" and (inf := first.get(f"c{col.index}_inf"))
        and inf + first[f"c{col.index}_numeric"] >= first[f"c{col.index}_count"] - slack
    }


def _aggregate(
    con: duckdb.DuckDBPyConnection, aggs: list[str], *, table: str = TABLE
) -> dict[str, Any]:
    """One SELECT of aggregates over the loaded table, as a dict by alias."""
    (row,) = con.execute(f"SELECT {', '.join(aggs)} FROM {table}").fetchall()
    return dict(zip([d[0] for d in con.description or ()], row, strict=True))


def _in_order(con: duckdb.DuckDBPyConnection, aggs: list[str]) -> dict[str, Any]:
    """_aggregate on one thread, so sums of doubles add up in the same order on every run."""
    ((threads,),) = con.execute("SELECT current_setting('threads')").fetchall()
    con.execute("SET threads = 1")
    try:
        return _aggregate(con, aggs)
    finally:
        con.execute(f"SET threads = {int(threads)}")


def _held_counts(
    reader: CsvReader, col: Column, con: duckdb.DuckDBPyConnection,
    among: list[str] | None = None,
) -> dict[Any, int]:
    """reader.value_counts(col, among) of held rows, as a job (Arrow needs no connection)."""
    return reader.value_counts(col, among) or {}


def _on_arrow(job: Callable[[duckdb.DuckDBPyConnection], Any]) -> bool:
    """Whether job counts held rows with Arrow (one thread) rather than by a DuckDB query."""
    return isinstance(job, partial) and job.func is _held_counts


def _count_by(con: duckdb.DuckDBPyConnection, key: str) -> dict[Any, int]:
    """How many rows have each non-NULL value of key, as histogram(key) would map them.

    NULLs are dropped here rather than by a WHERE, which would compute key twice.
    """
    rows = con.execute(f"SELECT {key}, count(*) FROM {TABLE} GROUP BY ALL").fetchall()
    return {value: n for value, n in rows if value is not None}


def _bad_lines(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[BadLine], int]:
    """The first rejected lines with physical line numbers, and how many lines were rejected."""
    ((count,),) = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchall()
    rows = con.sql(
        "SELECT min(line_byte_position), first(error_message), first(csv_line) "
        f"FROM reject_errors GROUP BY line ORDER BY line LIMIT {MAX_BAD_LINES}"
    ).fetchall()
    numbers = _line_numbers(path, [int(pos) for pos, _, _ in rows])
    return [
        BadLine(number, first_line(message), (text or "")[:200])
        for number, (_, message, text) in zip(numbers, rows, strict=True)
    ], int(count)


def _line_numbers(path: Path, offsets: list[int]) -> list[int]:
    """1-based line numbers of sorted byte offsets (DuckDB counts records, not lines)."""
    numbers: list[int] = []
    if not offsets:
        return numbers
    newlines, position, pending = 0, 0, iter(offsets)
    target: int | None = next(pending)
    with path.open("rb") as raw:
        while target is not None:
            chunk = raw.read(1 << 22)
            while target is not None and target <= position + len(chunk):
                numbers.append(newlines + chunk.count(b"\n", 0, target - position) + 1)
                target = next(pending, None)
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            position += len(chunk)
    return numbers


def _pass_two(
    con: duckdb.DuckDBPyConnection,
    columns: list[Column],
    first: dict[str, Any],
    bins: dict[int, Bins],
    series: tuple[Column | None, str | None],
    reader: CsvReader,
    sample: str | None,
) -> dict[str, Any]:
    """Histograms, value counts, outliers, exact distincts, duplicates and the time series.

    With rows held as Arrow and a sample, the counts over every row of the top values of the
    other text columns (see _top_values) are taken here too, at the same time.
    """
    rows = first["n_rows"]
    centers = _centers(columns, first)
    aggs = [agg for col, center in centers.items() for agg in moment_aggs(col, center)]
    # Value -> count maps, by histogram() or apart (COUNT_APART_ROWS).
    grouped: dict[str, str] = {}
    # The columns whose own values are counted, by alias.
    valued: dict[str, Column] = {}
    keys: list[Column] = []
    for col in columns:
        a = f"c{col.index}"
        if col.index in bins:
            grouped[f"{a}_hist"] = bin_index(col, bins[col.index])
        # Few values: every one is counted, which gives exact top values and distinct counts.
        if col.family == "string" and (
            first.get(f"{a}_counted") or first[f"{a}_approx"] <= ALL_VALUE_COUNTS_UP_TO
        ):
            grouped[f"{a}_values"] = col.sql
            valued[f"{a}_values"] = col
        elif col.family == "boolean":
            aggs += boolean_counts_aggs(col)
        q = first.get(f"{a}_q")
        if q and None not in q:
            fence = 3 * (q[2] - q[0])
            aggs.append(
                f"count_if({col.finite} < {q[0] - fence!r} OR {col.finite} > {q[2] + fence!r}) "
                f"AS {a}_outliers"
            )
        if rows <= EXACT_DISTINCT_ROWS and col.index < EXACT_DISTINCT_COLUMNS:
            # Hashes keep the distinct set at 8 bytes a value (collisions: ~1e-5 at 12M rows).
            aggs.append(f"count(DISTINCT hash({col.sql})) AS {a}_distinct")
            if first[f"{a}_count"] == rows:
                keys.append(col)
    if rows <= EXACT_DISTINCT_ROWS:
        aggs.append(_duplicates_agg(columns))
    elif key := _likely_key(columns, first, rows):
        # A complete integer column that is unique proves there are no duplicate rows, exactly.
        # One bit per value of its range: 0.07 s at 12M rows, against 1.5 s for count(DISTINCT)
        # or for hashing every row.
        a = f"c{key.index}"
        low, high = int(first[f"{a}_min"]), int(first[f"{a}_max"])
        aggs.append(f"bit_count(bitstring_agg({key.sql}, {low}, {high})) AS {a}_distinct")
        keys.append(key)
    time_column, unit = series
    if time_column is not None:
        grouped["series"] = f"date_trunc('{unit}', {time_column.sql})"
    if rows <= COUNT_APART_ROWS:
        aggs += [f"histogram({key}) AS {alias}" for alias, key in grouped.items()]
        grouped = {}
    result = _in_order(con, aggs) if aggs and rows <= IN_ORDER_ROWS else {}
    # The aggregates first: they take longest; the counts share the other connection.
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], Any]] = {}
    if aggs and rows > IN_ORDER_ROWS:
        jobs[""] = partial(_aggregate, aggs=aggs)
    for alias, expression in grouped.items():
        counted = valued.get(alias)
        jobs[alias] = (partial(_count_by, key=expression) if reader.rows is None
                       or counted is None else partial(_held_counts, reader, counted))
    if sample is not None and reader.rows is not None:
        for col in columns:
            a = f"c{col.index}"
            if col.family != "string" or f"{a}_values" in valued:
                continue
            top = [v for v, _ in con.execute(top_values_sql(col, sample)).fetchall()]
            first[f"{a}_top"] = top
            jobs[f"{a}_top_counts"] = partial(_held_counts, reader, col, among=top)
    if jobs:
        # Arrow counts run on one thread each: queued before the GROUP BY queries, they
        # overlap queries using both threads, rather than coming last with a core idle
        # (0.1 s of 1.2 at 12M rows). Results stay keyed in the order above.
        held_first = ([name for name in jobs if name == ""]
                      + [name for name in jobs if name and _on_arrow(jobs[name])]
                      + [name for name in jobs if name and not _on_arrow(jobs[name])])
        with pool(con, reader.second_connection(con)) as run:
            done = run({name: jobs[name] for name in held_first})
        found = {name: done[name] for name in jobs}
        result |= found.pop("", {})
        result |= found
    result |= _moments(columns, first, centers, result)
    if "dups" not in result:
        unique = any(result[f"c{c.index}_distinct"] == rows for c in keys)
        dups = 0 if unique else _aggregate(con, [_duplicates_agg(columns)])["dups"]
        result["dups"] = dups
    return result


def _centers(columns: list[Column], first: dict[str, Any]) -> dict[Column, float]:
    """Where moment_aggs measures deviations from: the median, else the minimum."""
    centers: dict[Column, float] = {}
    for col in columns:
        a = f"c{col.index}"
        if col.family not in ("integer", "float") or first[f"{a}_min"] is None:
            continue
        q = first.get(f"{a}_q")
        median = q[1] if q and q[1] is not None and math.isfinite(q[1]) else None
        centers[col] = median if median is not None else float(first[f"{a}_min"])
    return centers


def _moments(
    columns: list[Column], first: dict[str, Any], centers: dict[Column, float],
    sums: dict[str, Any],
) -> dict[str, Any]:
    """Mean, standard deviation and skewness of the numeric columns from moment_aggs' sums."""
    result: dict[str, Any] = {}
    for col in columns:
        if col.family in ("integer", "float"):
            a = f"c{col.index}"
            result |= dict.fromkeys((f"{a}_mean", f"{a}_std", f"{a}_skew"))
            if col in centers and sums.get(f"{a}_s1") is not None:
                count = int(first.get(f"{a}_finite", first[f"{a}_count"]))
                result[f"{a}_mean"], result[f"{a}_std"], result[f"{a}_skew"] = moments(
                    count, centers[col], sums[f"{a}_s1"], sums[f"{a}_s2"], sums[f"{a}_s3"])
    return result


def _likely_key(columns: list[Column], first: dict[str, Any], rows: int) -> Column | None:
    """A complete integer column, nearly unique by HyperLogLog, whose range fits a bitstring."""
    candidates = []
    for col in columns:
        a = f"c{col.index}"
        if col.family != "integer" or first[f"{a}_count"] != rows:
            continue
        low, high = first[f"{a}_min"], first[f"{a}_max"]
        if (first[f"{a}_approx"] >= rows * LIKELY_KEY_SHARE and high - low < MAX_KEY_RANGE
                and max(abs(low), abs(high)) <= EXACT_FLOAT):
            candidates.append(col)
    return max(candidates, default=None, key=lambda c: first[f"c{c.index}_approx"])


def _duplicates_agg(columns: list[Column]) -> str:
    """Rows minus distinct row hashes.

    Approximate: two different rows with the same 64-bit hash count as one duplicate (a chance
    of ~4e-6 at 12M rows); exact row sets would need the whole table in a hash table.
    """
    return f"count(*) - count(DISTINCT hash({', '.join(c.sql for c in columns)})) AS dups"


def sample_frame(con: duckdb.DuckDBPyConnection, result: Scan, rows: int) -> pd.DataFrame:
    """rows rows drawn from the kept sample by a hash of their rank, in the file's order."""
    table, key = (result.sample_table, "rowid") if result.sample_table else (TABLE, result.row_key)
    return con.sql(
        f"SELECT {_names(result.columns)} FROM {table} WHERE {key} IN "
        f"(SELECT {key} FROM {table} ORDER BY hash({key}), {key} LIMIT {int(rows)}) "
        f"ORDER BY {key}"
    ).df()


def subsample(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """rows rows of frame drawn with a fixed seed, in frame's order; frame if it has no more."""
    if len(frame) <= rows:
        return frame
    picked = np.sort(np.random.default_rng(SUBSAMPLE_SEED).choice(len(frame), rows, replace=False))
    return frame.iloc[picked].reset_index(drop=True)


def full_frame(con: duckdb.DuckDBPyConnection, columns: list[Column]) -> pd.DataFrame:
    """Every readable row of the profiled columns."""
    return con.sql(f"SELECT {_names(columns)} FROM {TABLE}").df()


def _names(columns: list[Column]) -> str:
    """The quoted column list."""
    return ", ".join(ident(c.name) for c in columns)


def is_missing(value: object) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))
