"""Scan a UTF-8 CSV file with DuckDB: sniff, two aggregate passes, bad lines, the rows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from agent.analysis.csv_dialect import Dialect
from agent.analysis.csv_source import TableProfileError
from agent.analysis.table_sql import (
    ALL_VALUE_COUNTS_UP_TO,
    Bins,
    Column,
    bins_for,
    histogram_agg,
    ident,
    literal,
    pass_one,
    time_unit,
    value_counts_aggs,
)

# The exact duplicate-row count needs ~0.9 GB of hashes at 12M rows; beyond this DuckDB fails.
DUCKDB_MEMORY_LIMIT = "1536MB"
THREADS = 2
MAX_LINE_BYTES = 64 << 20
# Pass two slows down faster than linearly with columns (~1 s at 200, minutes at 1000).
MAX_PROFILED_COLUMNS = 200
MAX_BAD_LINES = 100
REJECTS_LIMIT = 10_000
# Above this many rows exact distinct counts are only computed where uniqueness matters.
EXACT_DISTINCT_ROWS = 1_000_000
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


def connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB limited to 2 threads and DUCKDB_MEMORY_LIMIT, spilling to tmp_dir."""
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": DUCKDB_MEMORY_LIMIT})
    con.execute(f"SET temp_directory = {literal(tmp_dir)}")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    return con


class CsvReader:
    """Builds the read_csv() call; remembers the options that made the file parse."""

    def __init__(self, path: Path, dialect: Dialect) -> None:
        """Start strict; text_columns are forced to VARCHAR after cast errors."""
        self.path = path
        self.dialect = dialect
        self.strict = True
        self.text_columns: set[str] = set()

    def sql(self, *, rejects: bool = False) -> str:
        """The read_csv table function call for this file."""
        options = [
            literal(self.path),
            f"delim={literal(self.dialect.delimiter)}",
            "quote='\"'",
            f"escape={literal(self.dialect.escape)}",
            "ignore_errors=true",
            f"max_line_size={MAX_LINE_BYTES}",
            f"strict_mode={str(self.strict).lower()}",
        ]
        if rejects:
            options += ["store_rejects=true", f"rejects_limit={REJECTS_LIMIT}"]
        if self.text_columns:
            types = ", ".join(f"{literal(n)}: 'VARCHAR'" for n in sorted(self.text_columns))
            options.append(f"types={{{types}}}")
        return f"read_csv({', '.join(options)})"

    def describe(self, con: duckdb.DuckDBPyConnection) -> tuple[list[Column], bool]:
        """Column names and types as DuckDB sniffs them, and whether a header was found."""
        try:
            return self._describe(con)
        except duckdb.Error:
            # Mixed line endings and stray quotes trip the strict sniffer; retry leniently.
            self.strict = False
        try:
            return self._describe(con)
        except duckdb.Error as exc:
            raise TableProfileError(
                f"The file could not be read as a table ({_first_line(exc)})."
            ) from exc

    def _describe(self, con: duckdb.DuckDBPyConnection) -> tuple[list[Column], bool]:
        """One DESCRIBE; TIME columns are read as text (no number line to put them on)."""
        rows = con.sql(f"DESCRIBE SELECT * FROM {self.sql()}").fetchall()
        times = {name for name, duck_type, *_ in rows if duck_type.startswith("TIME")
                 and not duck_type.startswith("TIMESTAMP")}
        if times - self.text_columns:
            self.text_columns |= times
            rows = con.sql(f"DESCRIBE SELECT * FROM {self.sql()}").fetchall()
        columns = [Column(i, name, duck_type) for i, (name, duck_type, *_) in enumerate(rows)]
        sniffed = con.execute(
            f"SELECT HasHeader FROM sniff_csv({literal(self.path)}, "
            f"delim={literal(self.dialect.delimiter)}, ignore_errors=true, "
            f"max_line_size={MAX_LINE_BYTES}, strict_mode={str(self.strict).lower()})"
        ).fetchall()
        return columns, bool(sniffed and sniffed[0][0])


def scan(con: duckdb.DuckDBPyConnection, reader: CsvReader) -> Scan:
    """Sniff, then run both aggregate passes over the whole file."""
    columns, has_header = reader.describe(con)
    warnings: list[str] = []
    if len(columns) > MAX_PROFILED_COLUMNS:
        warnings.append(
            f"The file has {len(columns):,} columns; only the first "
            f"{MAX_PROFILED_COLUMNS:,} were profiled."
        )
        columns = columns[:MAX_PROFILED_COLUMNS]
    first = _pass_one(con, reader, columns)
    if reader.text_columns & {c.name for c in columns}:
        columns, _ = reader.describe(con)
        columns = columns[:MAX_PROFILED_COLUMNS]
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
    second = _pass_two(con, reader, columns, first, bins, (time_column, unit))
    return Scan(columns, has_header, first, second, bins, time_column, unit, bad_lines,
                bad_count, warnings)


def _pass_one(con: duckdb.DuckDBPyConnection, reader: CsvReader, columns: list[Column]) -> dict:
    """Pass one; a value that breaks a sniffed type turns that column into text and reruns it."""
    for _ in range(3):
        con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
        result = _aggregate(con, reader, pass_one(columns), rejects=True)
        casts = {
            name
            for (name,) in con.sql(
                "SELECT DISTINCT column_name FROM reject_errors WHERE error_type = 'CAST'"
            ).fetchall()
        }
        if not casts - reader.text_columns:
            return result
        reader.text_columns |= casts
        types = {c.name: ("VARCHAR" if c.name in reader.text_columns else c.duck_type)
                 for c in columns}
        columns[:] = [Column(c.index, c.name, types[c.name]) for c in columns]
    return result


def _aggregate(
    con: duckdb.DuckDBPyConnection, reader: CsvReader, aggs: list[str], *, rejects: bool = False
) -> dict[str, Any]:
    """One SELECT of aggregates over the file, as a dict by alias."""
    query = f"SELECT {', '.join(aggs)} FROM {reader.sql(rejects=rejects)} AS t"
    try:
        return _one_row(con, query)
    except duckdb.Error as exc:
        if not reader.strict:
            raise TableProfileError(
                f"The file could not be read as a table ({_first_line(exc)})."
            ) from exc
        reader.strict = False
        return _aggregate(con, reader, aggs, rejects=rejects)


def _bad_lines(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[BadLine], int]:
    """The first rejected lines with physical line numbers, and how many lines were rejected."""
    ((count,),) = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchall()
    rows = con.sql(
        "SELECT min(line_byte_position), first(error_message), first(csv_line) "
        f"FROM reject_errors GROUP BY line ORDER BY line LIMIT {MAX_BAD_LINES}"
    ).fetchall()
    numbers = _line_numbers(path, [int(pos) for pos, _, _ in rows])
    return [
        BadLine(number, _first_line(message), (text or "")[:200])
        for number, (_, message, text) in zip(numbers, rows, strict=True)
    ], int(count)


def _line_numbers(path: Path, offsets: list[int]) -> list[int]:
    """1-based line numbers of sorted byte offsets (DuckDB counts records, not lines)."""
    numbers: list[int] = []
    if not offsets:
        return numbers
    newlines, position, pending = 0, 0, iter(offsets)
    target = next(pending)
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
    reader: CsvReader,
    columns: list[Column],
    first: dict[str, Any],
    bins: dict[int, Bins],
    series: tuple[Column | None, str | None],
) -> dict[str, Any]:
    """Histograms, value counts, outliers, exact distincts, duplicates and the time series."""
    rows = first["n_rows"]
    aggs: list[str] = []
    keys: list[Column] = []
    for col in columns:
        a = f"c{col.index}"
        if col.index in bins:
            aggs.append(f"{histogram_agg(col, bins[col.index])} AS {a}_hist")
        if col.family in ("string", "boolean"):
            exhaustive = rows <= EXACT_DISTINCT_ROWS and (
                first[f"{a}_approx"] <= ALL_VALUE_COUNTS_UP_TO
            )
            aggs += value_counts_aggs(col, first.get(f"{a}_top"), exhaustive=exhaustive)
        q = first.get(f"{a}_q")
        if q and None not in q:
            fence = 3 * (q[2] - q[0])
            aggs.append(
                f"count_if({col.sql} < {q[0] - fence!r} OR {col.sql} > {q[2] + fence!r}) "
                f"AS {a}_outliers"
            )
        if rows <= EXACT_DISTINCT_ROWS and col.index < EXACT_DISTINCT_COLUMNS:
            # Hashes keep the distinct set at 8 bytes a value (collisions: ~1e-5 at 12M rows).
            aggs.append(f"count(DISTINCT hash({col.sql})) AS {a}_distinct")
            if first[f"{a}_count"] == rows:
                keys.append(col)
    # A complete column that is unique proves there are no duplicate rows: one set less.
    if rows <= EXACT_DISTINCT_ROWS:
        aggs.append(_duplicates_agg(columns))
    time_column, unit = series
    if time_column is not None:
        aggs.append(f"histogram(date_trunc('{unit}', {time_column.sql})) AS series")
    result = _aggregate(con, reader, aggs)
    if "dups" not in result:
        unique = any(result[f"c{c.index}_distinct"] == rows for c in keys)
        dups = 0 if unique else _aggregate(con, reader, [_duplicates_agg(columns)])["dups"]
        result["dups"] = dups
    return result


def _duplicates_agg(columns: list[Column]) -> str:
    """Rows minus distinct row hashes."""
    return f"count(*) - count(DISTINCT hash({', '.join(c.sql for c in columns)})) AS dups"


def _one_row(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, Any]:
    """The single row of an aggregate query, as a dict by column name."""
    (row,) = con.execute(query).fetchall()
    return dict(zip([d[0] for d in con.description or ()], row, strict=True))


def sample_frame(
    con: duckdb.DuckDBPyConnection, reader: CsvReader, columns: list[Column], rows: int
) -> pd.DataFrame:
    """A uniform random sample of rows (reservoir sampling, repeatable)."""
    names = ", ".join(ident(c.name) for c in columns)
    return con.sql(
        f"SELECT {names} FROM {reader.sql()} USING SAMPLE reservoir({int(rows)} ROWS) "
        "REPEATABLE (42)"
    ).df()


def full_frame(con: duckdb.DuckDBPyConnection, reader: CsvReader, columns: list[Column]) -> (
    pd.DataFrame
):
    """Every readable row of the profiled columns."""
    names = ", ".join(ident(c.name) for c in columns)
    return con.sql(f"SELECT {names} FROM {reader.sql()}").df()


def is_missing(value: object) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _first_line(exc: BaseException | str) -> str:
    """The first line of a DuckDB message, without its error class prefix."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
    return text.split("Error: ", 1)[-1]
