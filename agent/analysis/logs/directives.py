"""Logs that name their columns: in a directive (W3C extended, Zeek) or a first row (exports).

`#Fields: date time c-ip cs-method ... sc-status` (W3C, space-separated) or
`#fields ts uid ... status_code` (Zeek, tab-separated) says what every data line holds, so the
time and the HTTP status are read from their columns rather than guessed. A `#Date:` directive
gives the date to lines that carry only a time.

A row of names above lines with as many cells (a CSV or semicolon export, a flow log's first
line) says the same without the directive; there the columns holding the time and the level
are the ones whose values read as such, whatever language the names are in.
"""

from __future__ import annotations

import re

import polars as pl

from agent.analysis.logs.fields import (
    EPOCHS,
    LEVELS,
    choose_timestamp_format,
    has_time_of_day,
    has_year,
    normalise_levels,
    parse_timestamps,
)

_STATUS = ("sc-status", "status_code", "status")
_DIRECTIVE = r"^#(?i:fields)[:\t ]\s*(.+)$"
# Where a row of names may sit (after a title or a legend), and the lines after it looked at.
HEADER_ROWS = 20
DATA_ROWS = 200
# Share of the lines after a row of names that must have its cells, and a time in one of them.
COLUMN_SHARE = 0.8
_SEPARATORS = ("\t", ";", ",", "|", " ")
# A column's name: words, maybe with spaces, brackets or dashes (`Date and Time`, `srcaddr`,
# `VendorClass(Hex)`), never a number or a time, and no word of it a number (a banner's
# `version 2` is no name).
_NAME = re.compile(r"[A-Za-z_@][\w .()/@-]*")
_NUMBER_WORD = re.compile(r"(?:^|\s)[0-9.]+(?:\s|$)")
# A cell that starts with the milliseconds of the time before it: the comma was a decimal comma
# (`2024-03-05 14:22:01,123 INFO ...`), not a column's end.
_FRACTION = r"^[0-9]{3}\s"


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


def find_header_row(lines: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The separator and the column names of a row of names heading the lines after it, with
    the columns holding the time, the level and the status renamed `date` and `time` (or
    `ts`), `level` and `status`; None when no such row heads the sample."""
    for start, line in enumerate(lines[:HEADER_ROWS]):
        for sep in _SEPARATORS:
            names = [n.strip().strip('"').strip() for n in line.split(sep)]
            if len(names) < 3 or not all(
                _NAME.fullmatch(n) and not _NUMBER_WORD.search(n) for n in names
            ):
                continue
            rows = _rows(lines[start + 1 : start + 1 + DATA_ROWS])
            # Free text in the last cell may hold the separator; a space is every word's.
            width = [len(r.split(sep)) for r in rows]
            fit = sum(w == len(names) if sep == " " else w >= len(names) for w in width)
            if not rows or fit < COLUMN_SHARE * len(rows):
                continue
            named = _roles(sep, names, rows)
            if named is not None:
                return sep, named
    return None


def _rows(lines: list[str]) -> list[str]:
    """The lines that start a row: not blank, and not inside a quoted cell still open."""
    rows, open_quote = [], False
    for line in lines:
        if not open_quote and line.strip():
            rows.append(line)
        open_quote ^= line.count('"') % 2 == 1
    return rows


def _roles(sep: str, names: list[str], rows: list[str]) -> tuple[str, ...] | None:
    """The names with the time, level and status columns renamed by what their values read
    as (see find_header_row); None when no column holds a time."""
    cells = pl.DataFrame({"raw": rows}).select(
        pl.col("raw").str.split(sep).list.get(i, null_on_oob=True).str.strip_chars('" ').alias(
            str(i)
        )
        for i in range(len(names))
    )
    layouts = {i: choose_timestamp_format(cells[str(i)]) for i in range(len(names))}
    parsed = {
        i: int(pl.select(parse_timestamps(pl.lit(cells[str(i)]), lay)).to_series().count())
        for i, lay in layouts.items()
        if lay is not None
    }
    share = COLUMN_SHARE * len(rows)
    full = [i for i, n in parsed.items() if n >= share and has_year(layouts[i])]
    full = [i for i in full if has_time_of_day(layouts[i])]
    clock = [i for i, n in parsed.items() if n >= share and has_time_of_day(layouts[i])]
    dates = [i for i, n in parsed.items() if n >= share and not has_time_of_day(layouts[i])]
    roles = list(names)
    # A written time before an epoch: the epoch of a flow log may be its start or end.
    written = [i for i in full if layouts[i] not in EPOCHS]
    if written or full:
        at = (written or full)[0]
        after = cells[str(at + 1)] if at + 1 < len(names) else None
        if after is not None and after.str.contains(_FRACTION).sum() >= share:
            return None
        roles[at] = "ts"
    elif clock and dates:
        roles[dates[0]], roles[clock[0]] = "date", "time"
    else:
        return None
    for i in range(len(names)):
        if roles[i] not in ("ts", "date", "time"):
            frame = pl.DataFrame(
                {"level": cells[str(i)], "pri": None, "status": None}, schema_overrides={
                    "pri": pl.String, "status": pl.String}
            )
            levels = frame.select(normalise_levels(frame)).to_series()
            words = cells[str(i)].str.len_chars() >= 3
            if int((levels.is_in(LEVELS) & words).sum()) >= share:
                roles[i] = "level"
                break
    for i, name in enumerate(names):
        if name.lower() in _STATUS and roles[i] == name:
            roles[i] = "status"
    return tuple(roles)


def split_directed(
    lines: pl.Series, sep: str, names: tuple[str, ...], *, row: bool = False
) -> pl.DataFrame:
    """ts, ts2 (a date from `#Date:`), level, status and msg of each line.

    Directive lines are records too (without a time), so that a `#Date:` reaches the lines
    after it. Under a row of names (row), a line with fewer cells is no record's start: it
    goes on a quoted cell of the line above, or is a title above the row.
    """
    frame = pl.DataFrame({"raw": lines})
    cells = pl.col("raw").str.split(sep)
    record = cells.list.len() >= len(names) if row else ~pl.col("raw").str.starts_with("#")

    def column(name: str) -> pl.Expr:
        if name not in names:
            return pl.lit(None, dtype=pl.String)
        cell = cells.list.get(names.index(name), null_on_oob=True)
        return pl.when(record).then(cell.str.strip_chars('" ') if row else cell)

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
        column("level").alias("level"),
        status.alias("status"),
        (pl.when(record).then(pl.col("raw")) if row else pl.col("raw")).alias("msg"),
    )
