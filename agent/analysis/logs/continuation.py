"""Which lines without a header continue the record above, and which are records of their own."""

from __future__ import annotations

import json
import re
from typing import Any

import polars as pl

from agent.analysis.logs.fields import LABEL_WORD

# Lines that continue a record by their own look: indented, stack frames of several languages,
# the lines around them, and lone closing brackets.
CONTINUATION = (
    r"^(?:\s"
    r"|Traceback \(most recent call last\)"
    # Python's lines between chained tracebacks.
    r"|During handling of the above exception|The above exception was the direct cause"
    r'|File "'
    r"|Caused by:"
    r"|Suppressed:"
    r"|at [\w$.<>/]+\("
    r"|\.\.\. ?[0-9]* ?more"
    r"|#[0-9]+ "
    # The heading of a trace (PHP's `Stack trace:`, Rust's `stack backtrace:`), and Ruby's
    # frames (`app/x.rb:12:in `save'`).
    r"|(?i:stack ?trace|(?:stack )?backtrace|call stack):?\s*$"
    # Erlang's and Elixir's error reports (`** (RuntimeError) boom`).
    r"|\*\* "
    r"|[^:\s][^:]*:[0-9]+:in [`']"
    r"|\[\w+\]\s*$"
    r"|[}\])\"'>,;]+\s*$"
    r"|[A-Za-z_][\w.]*(?:Error|Exception|Warning)(?::|$)"
    # JavaScript's own error class heads its trace bare (`Error: ENOENT: ...`).
    r"|Error: "
    # A Go panic: its first line, the signal, each goroutine's heading and frames (the call,
    # then its file indented below it).
    r"|panic: |fatal error: |\[signal |goroutine [0-9]+ \[[^\]]*\]:$|created by "
    r"|[\w.\-/]+\.(?:\(\*?\w+\)\.)?[\w$]+\(.*\)$"
    r")"
)
# A record whose message ends so announces more lines (a body, a dump, a statement).
_OPENS = r"[:{\[(=]\s*$"
# So does an SQL statement not yet ended by its semicolon: an ORM's or a query log's echo
# writes its clauses on lines of their own (`FROM users`, `WHERE users.id = %(pk_1)s`).
_OPEN_STATEMENT = r"(?:^|\s)(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH)\s[^;]*$"
# A line that states a level as its label (java.util.logging's second line, `WARNING: ...`):
# the body of a record above whose header gave no level.
_LEVEL_BODY = "^" + LABEL_WORD


def looks_continued(lines: pl.Expr) -> pl.Expr:
    """Whether each line looks like the continuation of a record."""
    return lines.str.contains(CONTINUATION)


def split_unclaimed(
    records: pl.DataFrame, extra: pl.DataFrame, *, blocks: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sort header-less lines into continuations and records; return records and joined text.

    A line continues the record above when it looks like a continuation, or when it follows a
    record that announces more lines (its message ends with ':' or '{') together with the other
    header-less lines after it, or when the log's records are multi-line by nature (`blocks`:
    a slow-query log, a two-line format). Any other line is a record of its own: nothing is
    glued on because it merely lacks the header.
    """
    opens = pl.col("message").str.contains(_OPENS) | pl.col("message").str.contains(
        _OPEN_STATEMENT
    )
    starts = records.select(
        pl.col("line").alias("start"),
        (opens | blocks).alias("opens"),
        pl.col("level").is_null().alias("levelless"),
    )
    extra = extra.with_columns(looks_continued(pl.col("raw")).alias("looks"))
    extra = extra.join_asof(
        starts.with_columns(pl.col("start").alias("line")), on="line", strategy="backward"
    )
    # A record that leaves a quoted cell open (a CSV export's message over several lines)
    # goes on until the quote closes. Counted only on the records lines without a header follow.
    above = records.filter(pl.col("line").is_in(extra["start"].drop_nulls().implode()))
    quoted = above.select(
        pl.col("line").alias("start"),
        (pl.col("message").str.count_matches('"', literal=True) % 2 == 1).alias("quoted"),
    )
    extra = extra.join(quoted, on="start", how="left").with_columns(
        (pl.col("opens") | pl.col("quoted").fill_null(False)).alias("opens")
    )
    body = pl.col("raw").str.contains(_LEVEL_BODY) & pl.col("levelless").fill_null(False)
    own = ~pl.col("looks") & ~pl.col("opens").fill_null(False) & ~body
    new = extra.filter(own).select("line", pl.col("raw").alias("message"))
    if not new.is_empty():
        records = pl.concat([records, new], how="diagonal").sort("line")
    rest = extra.filter(~own).drop("start", "opens", "levelless", "quoted")
    if rest.is_empty():
        return records, pl.DataFrame(schema={"line": pl.UInt32, "more": pl.String})
    owners = records.select(pl.col("line").alias("start"), pl.col("line"))
    rest = rest.join_asof(owners, on="line", strategy="backward")
    # Lines before the first record are records of their own.
    orphans = rest.filter(pl.col("start").is_null())
    if not orphans.is_empty():
        records = pl.concat(
            [records, orphans.select("line", pl.col("raw").alias("message"))], how="diagonal"
        ).sort("line")
    joined = (
        rest.drop_nulls("start")
        .group_by("start")
        .agg(pl.col("raw").str.join("\n").alias("more"))
        .rename({"start": "line"})
    )
    return records, joined


# A JSON line holding a stack trace in one of its values, its newlines escaped: Python's
# traceback, Java's or JavaScript's frames, a Go panic's goroutines.
_ESCAPED_TRACE = (
    r"Traceback \(most recent call last\)|\\n(?:\\t|\s+)at |\\ngoroutine [0-9]+ \["
)
_TRACE_TEXT = re.compile(
    r"Traceback \(most recent call last\)|\n[ \t]+at |\ngoroutine [0-9]+ \["
)


def embedded_traces(frame: pl.DataFrame) -> pl.DataFrame:
    """The stack traces JSON lines carry in a value (`exc_info`, `stack_trace`, `error.stack`,
    whatever its key): by line, the trace's text, to follow the record's message as lines of
    its own would. Found by what the value holds, not by its key's name."""
    # Most logs hold no JSON line: the trace's pattern is looked for in JSON lines only.
    lines = frame.filter(pl.col("raw").str.starts_with("{"))
    if not lines.is_empty():
        lines = lines.filter(pl.col("raw").str.contains(_ESCAPED_TRACE))
    found = []
    for line, raw in lines.select("line", "raw").iter_rows():
        try:
            trace = _trace_value(json.loads(raw), depth=3)
        except ValueError:
            continue
        if trace:
            found.append((line, trace.strip("\n")))
    return pl.DataFrame(found, schema={"line": pl.UInt32, "more": pl.String}, orient="row")


def _trace_value(value: Any, depth: int) -> str | None:
    """The first string in a JSON value, a few levels down, that holds a stack trace."""
    if isinstance(value, str):
        return value if "\n" in value and _TRACE_TEXT.search(value) else None
    children = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else ()
    if depth == 0:
        return None
    for child in children:
        found = _trace_value(child, depth - 1)
        if found:
            return found
    return None
