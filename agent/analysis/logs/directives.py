"""Logs that name their columns in a directive: W3C extended (IIS) and Zeek/Bro.

`#Fields: date time c-ip cs-method ... sc-status` (W3C, space-separated) or
`#fields ts uid ... status_code` (Zeek, tab-separated) says what every data line holds, so the
time and the HTTP status are read from their columns rather than guessed. A `#Date:` directive
gives the date to lines that carry only a time.
"""

from __future__ import annotations

import polars as pl

_STATUS = ("sc-status", "status_code", "status")
_DIRECTIVE = r"^#(?i:fields)[:\t ]\s*(.+)$"


def find_fields(lines: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The separator and the column names a `#Fields` directive declares, if any."""
    for line in lines:
        low = line[:8].lower()
        if low.startswith("#fields"):
            rest = line[len("#fields") :].lstrip(":")
            sep = "\t" if "\t" in rest.strip(" ") else " "
            names = tuple(n for n in rest.strip().split(sep) if n)
            if names:
                return sep, names
    return None


def split_directed(lines: pl.Series, sep: str, names: tuple[str, ...]) -> pl.DataFrame:
    """ts, ts2 (a date from `#Date:`), status and msg of each line.

    Directive lines are records too (without a time), so that a `#Date:` reaches the lines
    after it.
    """
    frame = pl.DataFrame({"raw": lines})
    record = ~pl.col("raw").str.starts_with("#")
    cells = pl.col("raw").str.split(sep)

    def column(name: str) -> pl.Expr:
        if name not in names:
            return pl.lit(None, dtype=pl.String)
        return pl.when(record).then(cells.list.get(names.index(name), null_on_oob=True))

    if "date" in names and "time" in names:
        ts = column("date") + pl.lit(" ") + column("time")
    else:
        ts = column("time") if "time" in names else column("ts")
    status = next((column(n) for n in _STATUS if n in names), pl.lit(None, dtype=pl.String))
    date = (
        pl.when(pl.col("raw").str.starts_with("#Date:"))
        .then(pl.col("raw").str.extract(r"^#Date:\s*([0-9]{4}-[0-9]{2}-[0-9]{2})"))
        .forward_fill()
    )
    return frame.select(
        ts.alias("ts"),
        pl.when(record).then(date).alias("ts2"),
        status.alias("status"),
        pl.col("raw").alias("msg"),
    )
