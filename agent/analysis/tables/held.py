"""Rows held in memory as Arrow: their estimated size, rank numbers, counts and draws.

DuckDB scans the registered Arrow table in place; what Arrow keeps anyway (null counts,
validity bitmaps, batches) answers some questions without converting a column for DuckDB.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agent.analysis.tables.sql import Column

# The head of the file whose lines estimate the Arrow size of all rows.
ESTIMATE_BYTES = 1 << 18
_FIXED_WIDTHS = {"BOOLEAN": 1, "TINYINT": 1, "SMALLINT": 2, "INTEGER": 4, "DATE": 4,
                 "FLOAT": 4, "UTINYINT": 1, "USMALLINT": 2, "UINTEGER": 4, "HUGEINT": 16,
                 "UHUGEINT": 16}


def numbered(rows: pa.Table, name: str) -> pa.Table:
    """rows with a column name holding each row's rank (0, 1, ...), chunked like the rows."""
    start, numbers = 0, []
    for chunk in rows.column(0).chunks:
        numbers.append(np.arange(start, start + len(chunk), dtype=np.int64))
        start += len(chunk)
    return rows.append_column(name, pa.chunked_array(numbers, pa.int64()))


def counts(rows: pa.Table, columns: list[Column]) -> dict[str, int]:
    """Rows, rows with a missing value and values per column, as pass one names them.

    From null counts and validity bitmaps: no column is converted or compared. columns are
    the first columns of rows, in order.
    """
    total = rows.num_rows
    found = {"n_rows": total}
    missing = None
    for position, col in enumerate(columns):
        values = rows.column(position)
        found[f"c{col.index}_count"] = total - values.null_count
        if values.null_count:
            nulls = pc.is_null(values)
            missing = nulls if missing is None else pc.or_(missing, nulls)
    found["rows_missing"] = 0 if missing is None else int(pc.sum(missing).as_py())
    return found


def value_counts(rows: pa.Table, col: Column, among: list[str] | None) -> dict[Any, int]:
    """How many rows hold each non-NULL value of col (of those among, if given).

    Arrow hashes its strings in place, in half the time DuckDB takes to convert and group
    them (0.14 against 0.27 CPU s for a 12M-row column).
    """
    values = rows.column(col.name)
    if among is not None:
        values = values.filter(pc.is_in(values, value_set=pa.array(among, values.type)))
    found = pc.value_counts(values)
    return {value: int(n) for value, n in zip(found.field("values").to_pylist(),
                                              found.field("counts").to_pylist(), strict=True)
            if value is not None}


def take(rows: pa.Table, ranks: np.ndarray) -> pa.Table:
    """The rows at the sorted ranks, batch by batch (a whole-table take concatenates first)."""
    batches, start = [], 0
    for batch in rows.to_batches():
        end = start + batch.num_rows
        inside = ranks[np.searchsorted(ranks, start):np.searchsorted(ranks, end)]
        if inside.size:
            batches.append(batch.take(pa.array(inside - start)))
        start = end
    return pa.Table.from_batches(batches, schema=rows.schema)


def estimate_mb(path: Path, delimiter: str, escape: str, columns: list[Column]) -> float:
    """Megabytes the rows would take as Arrow, from the field widths of the file's head.

    Fixed-width types by their width, text by its length plus an offset; infinite when
    the head does not parse, so such files go to a table that can spill.
    """
    size = path.stat().st_size
    with path.open("rb") as raw:
        head = raw.read(ESTIMATE_BYTES)
    head = head[: head.rfind(b"\n") + 1] or head
    text = head.decode("utf-8", errors="replace")
    backslash = escape == "\\"
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter,
                               doublequote=not backslash, escapechar="\\" if backslash else None))
    except csv.Error:
        return math.inf
    rows = rows[1:] or rows
    # Characters are bytes in ASCII text; other text is encoded to be measured.
    ascii_only = text.isascii()
    per_row = 8 + len(columns) / 8 + sum(_width(c, rows, ascii_only) for c in columns)
    return size / max(len(head), 1) * max(len(rows), 1) * per_row / (1 << 20)


def _width(col: Column, rows: list[list[str]], ascii_only: bool) -> float:
    """Bytes a value of col takes in Arrow: its type's width, or text length plus an offset."""
    if col.duck_type in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[col.duck_type]
    if col.duck_type.startswith("DECIMAL"):
        return 16
    if col.family in ("integer", "float", "temporal"):
        return 8
    lengths = [len(row[col.index] if ascii_only else row[col.index].encode())
               for row in rows if col.index < len(row)]
    return 4 + (sum(lengths) / len(lengths) if lengths else 0)
