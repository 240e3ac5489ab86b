"""Parse a UTF-8 CSV once into memory (Arrow) or a DuckDB table; every statistic pass scans it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from agent.analysis.tables import held
from agent.analysis.tables.source import TableProfileError
from agent.analysis.tables.sql import Column, ident, literal

TABLE = "csv_rows"
PICKED = "csv_picked_rows"
# Caps DuckDB's buffers (the loaded table, hash tables); beyond it blocks spill to tmp_dir.
DUCKDB_MEMORY_MB = 1536
DUCKDB_MEMORY_LIMIT = f"{DUCKDB_MEMORY_MB}MB"
# Rows that fit this estimate are held as Arrow record batches that DuckDB scans in place:
# writing them into a DuckDB table in file order cost 40 % more CPU than the parse itself
# (7.4 against 5.3 CPU s for 12M rows). Larger files go to a table that can spill to disk.
ARROW_BUDGET_MB = 1280
# What DuckDB keeps for its own hash tables next to rows held in Arrow.
MIN_QUERY_MEMORY_MB = 256
THREADS = 2
# DuckDB's default line limit is 2 MB; raising it for every file slows sniffing by ~1 s and
# loading by ~30 % (bigger buffers), so it is raised only for files that need it.
MAX_LINE_BYTES = 64 << 20
LINE_TOO_LONG = "LINE SIZE OVER MAXIMUM"
REJECTS_LIMIT = 10_000
# A sniffed type broken by a later value makes that column text and reloads: at most this often.
MAX_LOADS = 3
# sniff_csv's word for a quote or escape character it did not find.
NONE_FOUND = "(empty)"
# The lines DuckDB's sniffer reads (its default sample_size), read back to look for quotes.
SNIFF_SAMPLE_LINES = 20_480
SAMPLE_CHUNK = 1 << 20
MAX_SAMPLE_BYTES = 64 << 20


@dataclass(frozen=True)
class Dialect:
    """What DuckDB is told explicitly; header and types are left to its sniffer.

    sniffed holds the (name, type) columns and the header flag the sniffer found when it
    settled on exactly the options read_csv is then given (strict, '"' quotes, this escape):
    sniffing the file again with them would find the same.
    """

    delimiter: str
    escape: str
    sniffed: tuple[tuple[tuple[str, str], ...], bool] | None = None


def sniff_dialect(con: duckdb.DuckDBPyConnection, path: Path) -> Dialect:
    """Delimiter and escape character as DuckDB's sniffer finds them (comma and '"' failing).

    It agreed with the hand-written sniffer this replaced on every case of the test suite
    (semicolon, tab, pipe, backslash escapes, doubled quotes, ragged and header-only files).
    """
    found = None
    # Strict first (the lenient parser misses backslash escapes); the raised line limit slows
    # sniffing by ~1 s, so it comes last, for the files that need it.
    lenient = ", strict_mode=false"
    for extra in ("", lenient, f"{lenient}, max_line_size={MAX_LINE_BYTES}"):
        try:
            found = con.execute(
                f"SELECT Delimiter, Escape, Quote, HasHeader, Columns "
                f"FROM sniff_csv({literal(path)}, ignore_errors=true{extra})"
            ).fetchall()[0]
            break
        except duckdb.Error:
            continue
    if not found or len(found[0]) != 1:
        return Dialect(",", '"')
    delimiter, escape, quote, has_header, columns = found
    dialect = Dialect(delimiter, "\\" if escape == "\\" else '"')
    # No quote found: read_csv's '"' parses the same wherever the sniffer looked has none.
    unquoted = quote == escape == NONE_FOUND and not _quotes_in_sample(path)
    if extra or not (unquoted or (quote == '"' and escape == dialect.escape)):
        return dialect
    sniffed = tuple((str(c["name"]), str(c["type"])) for c in columns)
    return Dialect(dialect.delimiter, dialect.escape, (sniffed, bool(has_header)))


def _quotes_in_sample(path: Path) -> bool:
    """Whether '"' occurs in the lines the sniffer samples (True when they cannot be read)."""
    lines = 0
    with path.open("rb") as raw:
        for _ in range(MAX_SAMPLE_BYTES // SAMPLE_CHUNK):
            chunk = raw.read(SAMPLE_CHUNK)
            if b'"' in chunk:
                return True
            lines += chunk.count(b"\n")
            if not chunk or lines > SNIFF_SAMPLE_LINES:
                return False
    return True


def connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB limited to 2 threads and DUCKDB_MEMORY_LIMIT, spilling to tmp_dir."""
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": DUCKDB_MEMORY_LIMIT})
    con.execute(f"SET temp_directory = {literal(tmp_dir)}")
    con.execute("SET enable_progress_bar = false")
    return con


class CsvReader:
    """Builds the read_csv() call; remembers the options that made the file parse."""

    def __init__(self, path: Path, dialect: Dialect) -> None:
        """Start strict; text_columns are forced to VARCHAR after cast errors."""
        self.path = path
        self.dialect = dialect
        self.strict = True
        self.long_lines = False
        self.text_columns: set[str] = set()
        # Numbers with inf/infinity among them: DuckDB's sniffer calls them text.
        self.double_columns: set[str] = set()
        # A column numbering the rows in file order; rowid where rows sit in a DuckDB table.
        self.row_column = "__row"
        self.row_key = "rowid"
        # The rows when held in memory as Arrow (registered as TABLE), else None.
        self.rows: pa.Table | None = None

    def sql(self, *, rejects: bool = False) -> str:
        """The read_csv table function call for this file."""
        options = [
            literal(self.path),
            f"delim={literal(self.dialect.delimiter)}",
            "quote='\"'",
            f"escape={literal(self.dialect.escape)}",
            "ignore_errors=true",
            f"strict_mode={str(self.strict).lower()}",
        ]
        if self.long_lines:
            options.append(f"max_line_size={MAX_LINE_BYTES}")
        if rejects:
            options += ["store_rejects=true", f"rejects_limit={REJECTS_LIMIT}"]
        forced = {n: "DOUBLE" for n in self.double_columns - self.text_columns}
        forced |= {n: "VARCHAR" for n in self.text_columns}
        if forced:
            types = ", ".join(f"{literal(n)}: {literal(t)}" for n, t in sorted(forced.items()))
            options.append(f"types={{{types}}}")
        return f"read_csv({', '.join(options)})"

    def describe(self, con: duckdb.DuckDBPyConnection) -> tuple[list[Column], bool]:
        """Column names and types as DuckDB sniffs them, and whether a header was found."""
        while True:
            try:
                return self._describe(con)
            except duckdb.Error as exc:
                self._relax(exc)

    def _relax(self, exc: duckdb.Error) -> None:
        """Loosen the options that made DuckDB fail, or raise if nothing is left to loosen."""
        if "maximum line size" in str(exc).lower() and not self.long_lines:
            self.long_lines = True
        elif self.strict:
            # Mixed line endings and stray quotes trip the strict parser; retry leniently.
            self.strict = False
        else:
            raise TableProfileError(
                f"The file could not be read as a table ({first_line(exc)})."
            ) from exc

    def _describe(self, con: duckdb.DuckDBPyConnection) -> tuple[list[Column], bool]:
        """One DESCRIBE; TIME columns are read as text (no number line to put them on).

        Skipped when sniff_dialect already sniffed with the options read_csv gets.
        """
        known = self.dialect.sniffed
        if known is not None and self.strict and not self.long_lines and not self.text_columns:
            rows, has_header = list(known[0]), known[1]
        else:
            rows = [(name, duck_type) for name, duck_type, *_ in
                    con.sql(f"DESCRIBE SELECT * FROM {self.sql()}").fetchall()]
            line_size = f", max_line_size={MAX_LINE_BYTES}" if self.long_lines else ""
            sniffed = con.execute(
                f"SELECT HasHeader FROM sniff_csv({literal(self.path)}, "
                f"delim={literal(self.dialect.delimiter)}, ignore_errors=true, "
                f"strict_mode={str(self.strict).lower()}{line_size})"
            ).fetchall()
            has_header = bool(sniffed and sniffed[0][0])
        self.text_columns |= {name for name, duck_type in rows if duck_type.startswith("TIME")
                              and not duck_type.startswith("TIMESTAMP")}
        columns = [
            Column(i, name, "VARCHAR" if name in self.text_columns else duck_type)
            for i, (name, duck_type) in enumerate(rows)
        ]
        return columns, has_header

    def load(self, con: duckdb.DuckDBPyConnection, columns: list[Column]) -> list[Column]:
        """Parse the file once into TABLE (rejected lines into reject_errors); its columns.

        Rows keep the file's order, so row_key is the row's rank in the file and samples drawn
        by it are the same on every run (parallel loading otherwise orders rows by thread
        timing). A value that breaks a sniffed type turns that column into text and reloads;
        so does a line over DuckDB's default size limit, with the limit raised.
        """
        con.execute("SET preserve_insertion_order = true")
        taken = {c.name for c in columns}
        while self.row_column in taken:
            self.row_column += "_"
        names = ", ".join(c.sql for c in columns)
        for _ in range(MAX_LOADS):
            con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
            self._create(con, columns, names)
            errors = con.sql(
                "SELECT DISTINCT error_type, column_name FROM reject_errors "
                f"WHERE error_type IN ('CAST', '{LINE_TOO_LONG}')"
            ).fetchall()
            casts = {name for kind, name in errors if kind == "CAST"}
            too_long = any(kind == LINE_TOO_LONG for kind, _ in errors) and not self.long_lines
            if not casts - self.text_columns and not too_long:
                break
            self.text_columns |= casts
            self.long_lines = self.long_lines or too_long
        types = dict(con.execute(f"SELECT name, type FROM pragma_table_info('{TABLE}')").fetchall())
        return [Column(c.index, c.name, str(types[c.name])) for c in columns]

    def _create(self, con: duckdb.DuckDBPyConnection, columns: list[Column], names: str) -> None:
        """Fill TABLE from the file, with looser options if DuckDB gives up."""
        if self.rows is None:
            con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        else:
            con.unregister(TABLE)
            self.rows = None
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        in_memory = held.estimate_mb(self.path, self.dialect.delimiter,
                                     self.dialect.escape, columns) <= ARROW_BUDGET_MB
        while True:
            try:
                if in_memory:
                    self._hold(con, names)
                else:
                    con.execute(
                        f"CREATE TEMP TABLE {TABLE} AS SELECT {names} FROM {self.sql(rejects=True)}"
                    )
                    self.row_key = "rowid"
                return
            except duckdb.Error as exc:
                self._relax(exc)

    def _hold(self, con: duckdb.DuckDBPyConnection, names: str) -> None:
        """Rows as Arrow batches numbered in file order, registered as TABLE."""
        rows = con.sql(f"SELECT {names} FROM {self.sql(rejects=True)}").to_arrow_table()
        if rows.num_columns:
            rows = held.numbered(rows, self.row_column)
            self.row_key = ident(self.row_column)
        con.register(TABLE, rows)
        self.rows = rows
        held_mb = rows.nbytes >> 20
        con.execute(f"SET memory_limit = "
                    f"'{max(MIN_QUERY_MEMORY_MB, DUCKDB_MEMORY_MB - held_mb)}MB'")

    def second_connection(
        self, con: duckdb.DuckDBPyConnection
    ) -> Callable[[], duckdb.DuckDBPyConnection] | None:
        """A maker of a second connection to con's database that sees the held rows.

        None when the rows sit in a DuckDB table: a temporary table is seen by its own
        connection only, and DuckDB scans its own tables on every thread anyway.
        """
        rows = self.rows
        if rows is None:
            return None

        def make() -> duckdb.DuckDBPyConnection:
            second = con.cursor()
            second.register(TABLE, rows)
            return second
        return make

    def counts(self, columns: list[Column]) -> dict[str, int] | None:
        """Pass one's row, missing-row and value counts from rows held as Arrow, else None."""
        return None if self.rows is None else held.counts(self.rows, columns)

    def value_counts(self, col: Column, among: list[str] | None = None) -> dict[Any, int] | None:
        """Rows per non-NULL value of col (of those among) from rows held as Arrow, else None."""
        return None if self.rows is None else held.value_counts(self.rows, col, among)

    def copy_rows(
        self, con: duckdb.DuckDBPyConnection, target: str, names: str,
        drawn: Callable[[str], str],
    ) -> None:
        """CREATE TEMP TABLE target of the rows whose rank meets drawn(rank), in file order.

        Rows held as Arrow are taken by index: the ranks are drawn from range() without
        reading (and converting) every column of every row.
        """
        if self.rows is None:
            con.execute(f"CREATE TEMP TABLE {target} AS SELECT {names} FROM {TABLE} "
                        f"WHERE {drawn(self.row_key)}")
            return
        ranks = con.sql(
            f"SELECT i FROM range({self.rows.num_rows}) AS ranks(i) WHERE {drawn('i')} ORDER BY i"
        ).to_arrow_table().column("i").to_numpy()
        con.register(PICKED, held.take(self.rows, ranks))
        try:
            con.execute(f"CREATE TEMP TABLE {target} AS SELECT {names} FROM {PICKED}")
        finally:
            con.unregister(PICKED)


def first_line(exc: BaseException | str) -> str:
    """The first line of a DuckDB message, without its error class prefix."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
    return text.split("Error: ", 1)[-1]
