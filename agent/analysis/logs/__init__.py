"""Log triage: parse any common log format, mine templates, find spikes and stack traces."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import polars as pl

from agent.analysis.logs.fields import LEVELS, infer_level
from agent.analysis.logs.parse import ParsedLog
from agent.analysis.logs.read import LogAnalysisError, ReadState, iter_chunks
from agent.analysis.logs.stats import choose_bucket, stack_traces, timeline

__all__ = ["LogAnalysisError", "LogReport", "analyze_log"]

Progress = Callable[[float, str], None]
WORKERS = 2
TOP_ERRORS = 20
WARN_AND_ABOVE = ("WARN", "ERROR", "FATAL")


@dataclass
class LogReport:
    """Everything analyze_log found; DataFrames are pandas, ready for the UI."""

    format: str
    records: pd.DataFrame
    templates: pd.DataFrame
    level_counts: dict[str, int]
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    bucket: str | None
    timeline: pd.DataFrame
    stack_traces: pd.DataFrame
    top_errors: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    bytes_read: int = 0

    @property
    def span(self) -> timedelta | None:
        """Time between the first and last timestamp, None without timestamps."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).to_pytimedelta()

    @property
    def time_share(self) -> float:
        """Share of records that carry a timestamp."""
        if not len(self.records):
            return 0.0
        return float(self.records["timestamp"].notna().mean())

    @property
    def inferred_share(self) -> float:
        """Share of records whose level was read from their words, not a level field."""
        if not len(self.records):
            return 0.0
        return float(self.records["level_inferred"].mean())

    @property
    def spikes(self) -> pd.DataFrame:
        """The timeline buckets flagged as spikes."""
        return self.timeline[self.timeline["spike"]] if len(self.timeline) else self.timeline

    def summary(self) -> dict[str, Any]:
        """A JSON-serializable digest for storing with the analysis."""
        span = self.span
        return {
            "format": self.format,
            "records": len(self.records),
            "templates": len(self.templates),
            "start": self.start.isoformat() if self.start is not None else None,
            "end": self.end.isoformat() if self.end is not None else None,
            "span_seconds": span.total_seconds() if span is not None else None,
            "levels": dict(self.level_counts),
            "time_share": round(self.time_share, 4),
            "level_inferred_share": round(self.inferred_share, 4),
            "spikes": [ts.isoformat() for ts in self.spikes["bucket"]],
            "top_error_templates": [
                {"template_id": int(r.template_id), "template": r.template, "count": int(r.count)}
                for r in self.top_errors.head(10).itertuples()
            ],
            "stack_traces": [
                {"exception": r.exception, "top_frame": r.top_frame, "count": int(r.count)}
                for r in self.stack_traces.head(10).itertuples()
            ],
            "warnings": list(self.warnings),
        }


def analyze_log(
    source: str | Path | bytes | BinaryIO, *, progress: Progress | None = None
) -> LogReport:
    """Analyse a log file (path, bytes or binary file; plain or gzip) into a LogReport."""
    report = progress or (lambda fraction, message: None)
    state = ReadState()
    parsed = ParsedLog()
    report(0.0, "Reading the log")
    # polars releases the GIL, so two chunks parse at once; a short queue bounds memory. Two
    # chunks more than the workers are read and split into lines ahead, so a worker that
    # finishes finds the next chunk ready, and the reading goes on while the first chunk
    # detects the formats (the others can do little until it has).
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: deque[Future[None]] = deque()
        for chunk in iter_chunks(source, state):
            lines, offset = parsed.prepare(chunk, state)
            pending.append(pool.submit(parsed.add, lines, offset, state))
            while len(pending) > WORKERS + 1 or (pending and pending[0].done()):
                pending.popleft().result()
                if state.total_bytes:
                    done = min(state.bytes_read / state.total_bytes, 1.0)
                    report(0.8 * done, f"Parsed {parsed.lines:,} lines")
        for future in pending:
            future.result()
    if parsed.lines == 0:
        raise LogAnalysisError("The log has no text lines to analyse.")
    report(0.8, "Mining message templates")
    records = parsed.finish(state)
    report(0.9, "Summarising")
    result = _build_report(parsed.format_name, records, parsed.joined, parsed.templates, state)
    report(1.0, "Done")
    return result


def _build_report(
    fmt: str, records: pl.DataFrame, extra: pl.DataFrame, texts: pl.Series, state: ReadState
) -> LogReport:
    """Compute the aggregates and convert to pandas; texts holds template id i's text at i."""
    warnings = state.warnings
    if fmt == "plain":
        warnings.append("No known log format was recognised: each line is read as a message.")
    if not extra.is_empty():
        records = records.join(extra, on="line", how="left")
        records = records.with_columns(
            pl.when(pl.col("more").is_not_null())
            .then(pl.col("message") + "\n" + pl.col("more"))
            .otherwise(pl.col("message"))
            .alias("message")
        )
        multi = records.filter(pl.col("more").is_not_null()).select("timestamp", "message")
        traces = stack_traces(multi.to_pandas())
        # A multi-line record takes its word level from all its lines (a traceback counts).
        rows = records["more"].is_not_null().arg_true()
        words = records[rows].select(infer_level(pl.col("message"))).to_series()
        records = records.with_columns(records["word_level"].clone().scatter(rows, words))
        records = records.drop("more")
    else:
        traces = stack_traces(pd.DataFrame({"timestamp": [], "message": []}))
    # Records without a level field take the level their words give: those of the first line's
    # masked form, or of every line for a multi-line record. The column says which levels were
    # inferred.
    records = records.with_columns(
        pl.coalesce("level", "word_level").alias("level"),
        pl.col("level").is_null().alias("level_inferred"),
    ).drop("word_level")
    # The conversion of the records, the timeline and the aggregates below read the records
    # apart and run in polars, which releases the GIL: they overlap.
    helpers = ThreadPoolExecutor(max_workers=2)
    table = helpers.submit(
        records.select(
            "line", "timestamp", "level", "level_inferred", "component", "message", "template_id"
        ).to_pandas
    )
    timed = records["timestamp"]
    start, end = timed.min(), timed.max()
    bucket = choose_bucket(end - start) if start is not None else None
    chart = helpers.submit(timeline, *((records, bucket) if bucket else (records.clear(), "1h")))
    helpers.shutdown(wait=False)
    if timed.null_count() == len(timed):
        warnings.append("No timestamps were found, so there is no timeline.")
    else:
        if timed.null_count():
            share = 1 - timed.null_count() / len(timed)
            warnings.append(f"{share:.1%} of records carry a time; the others have none.")
        warnings.extend(_backwards(records))
    # One pass groups the records by template, level and whether it was inferred; the level
    # counts, the templates and the top errors all add up those few groups, not the records.
    groups = records.select("template_id", "level", "level_inferred", "timestamp")
    groups = groups.with_row_index("row").group_by("template_id", "level", "level_inferred")
    groups = groups.agg(
        pl.len().alias("count"),
        pl.col("timestamp").min().alias("first_seen"),
        pl.col("timestamp").max().alias("last_seen"),
        pl.col("row").first(),
    )
    # The texts of each group's first record, fetched for the few groups, not carried through
    # the grouping of every record.
    first = records.select("message", "line")[groups["row"]]
    groups = groups.with_columns(
        texts.gather(groups["template_id"]),
        first["message"].alias("example"),
        first["line"].alias("first_line"),
    )
    level_counts = {
        lvl: n
        for lvl, n in groups.group_by("level").agg(pl.col("count").sum()).iter_rows()
        if lvl is not None
    }
    level_counts = {lvl: level_counts[lvl] for lvl in LEVELS if lvl in level_counts}
    groups, level_set = _level_sets(groups)
    levels = level_set.alias("levels")
    count = pl.col("count").sum().cast(pl.UInt32)
    # Sorted by their first row, a template's groups give its first record first.
    templates = _named_levels(
        groups.sort("row")
        .group_by("template_id")
        .agg(
            pl.col("template").first(),
            count,
            pl.col("first_seen").min(),
            pl.col("last_seen").max(),
            levels,
            pl.col("example").first(),
            pl.col("first_line").first(),
        )
        .sort(["count", "template_id"], descending=[True, False])
    )
    errors = _named_levels(
        groups.filter(pl.col("level").is_in(WARN_AND_ABOVE))
        .group_by("template_id")
        .agg(count, levels, pl.col("level_inferred").all().alias("inferred"))
        .join(templates.select("template_id", "template", "example"), on="template_id")
        .sort(["count", "template_id"], descending=[True, False])
        .head(TOP_ERRORS)
        .select("template_id", "template", "count", "levels", "inferred", "example")
    )
    return LogReport(
        format=fmt,
        records=table.result(),
        templates=templates.to_pandas(),
        level_counts=level_counts,
        start=pd.Timestamp(start) if start is not None else None,
        end=pd.Timestamp(end) if end is not None else None,
        bucket=bucket,
        timeline=chart.result(),
        stack_traces=traces,
        top_errors=errors.to_pandas(),
        warnings=warnings,
        bytes_read=state.bytes_read,
    )


# Each set of levels as bits, in the order a sorted list of level names has: a template's set
# is then an OR of its records' bits, far cheaper than a sorted list of unique names per group.
_SORTED_LEVELS = sorted(LEVELS)
_LEVEL_BITS = {lvl: 1 << i for i, lvl in enumerate(_SORTED_LEVELS)}


def _level_sets(records: pl.DataFrame) -> tuple[pl.DataFrame, pl.Expr]:
    """Rows (records or groups of them) with a level_bit column, and the aggregation of sets."""
    # Levels are always among LEVELS: a new name fails here rather than drop out of the sets.
    bit = pl.col("level").replace_strict(_LEVEL_BITS, return_dtype=pl.Int64).fill_null(0)
    return records.with_columns(bit.alias("level_bit")), pl.col("level_bit").bitwise_or()


def _named_levels(grouped: pl.DataFrame) -> pl.DataFrame:
    """Turn a level set held as bits back into the sorted list of level names, in place."""
    names = pl.DataFrame(
        {
            "levels": range(1 << len(_SORTED_LEVELS)),
            "names": [
                [lvl for lvl in _SORTED_LEVELS if bits & _LEVEL_BITS[lvl]]
                for bits in range(1 << len(_SORTED_LEVELS))
            ],
        },
        schema={"levels": pl.Int64, "names": pl.List(pl.String)},
    )
    named = grouped.join(names, on="levels", how="left", maintain_order="left")
    return named.with_columns(pl.col("names").alias("levels")).drop("names")


# Share of the steps between timed records that go back for a file to read as newest first.
NEWEST_FIRST = 0.9


def _backwards(records: pl.DataFrame) -> list[str]:
    """Note where timestamps go back in time (out-of-order or concatenated logs)."""
    timed = records.select("line", "timestamp").drop_nulls()
    back = timed.filter(pl.col("timestamp") < pl.col("timestamp").shift(1))
    if back.is_empty():
        return []
    forward = timed.select((pl.col("timestamp") > pl.col("timestamp").shift(1)).sum()).item()
    if len(back) >= NEWEST_FIRST * (len(back) + forward) and len(back) >= 10:
        # An export written newest first: every step goes back, which says one thing only.
        return ["The records run newest first: the file is in reverse time order."]
    first = back.row(0, named=True)
    more = f" ({len(back):,} times in all)" if len(back) > 1 else ""
    return [f"Timestamps go backwards at line {first['line']}{more}."]
