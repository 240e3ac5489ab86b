"""Log triage: parse any common log format, mine templates, find spikes and stack traces."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import polars as pl

from agent.analysis.logfields import (
    LEVELS,
    YEARLESS,
    choose_timestamp_format,
    normalise_levels,
    parse_timestamps,
)
from agent.analysis.logformats import LogFormat, detect_format, split_lines, starts_record
from agent.analysis.logread import LogAnalysisError, ReadState, iter_chunks
from agent.analysis.logstats import choose_bucket, stack_traces, timeline
from agent.analysis.logtemplates import cluster_templates, mask_expr

__all__ = ["LogAnalysisError", "LogReport", "analyze_log"]

Progress = Callable[[float, str], None]
MAX_MESSAGE_CHARS = 65536
MAX_FORMATS = 12
WORKERS = 2
SAMPLE_LINES = 2000
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
    parsed = _Parsed()
    report(0.0, "Reading the log")
    # polars releases the GIL, so two chunks parse at once; a short queue bounds memory.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: deque[Future[None]] = deque()
        for chunk in iter_chunks(source, state):
            pending.append(pool.submit(parsed.add, chunk, parsed.reserve(chunk), state))
            while len(pending) >= WORKERS or (pending and pending[0].done()):
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
    result = _build_report(parsed.format_name, records, parsed.joined, state)
    report(1.0, "Done")
    return result


_EMPTY_RECORDS = pl.DataFrame(
    schema={
        "line": pl.UInt32,
        "timestamp": pl.Datetime("us"),
        "level": pl.String,
        "component": pl.String,
        "message": pl.String,
    }
)


class _Parsed:
    """Accumulates parsed chunks: record start lines and continuation lines, kept apart."""

    def __init__(self) -> None:
        self.formats: list[LogFormat] = []
        self.layouts: dict[str, str | None] = {}
        self.records: dict[int, pl.DataFrame] = {}
        self.extra: dict[int, pl.DataFrame] = {}
        self.lock = threading.Lock()
        self.joined = pl.DataFrame(schema={"line": pl.UInt32, "more": pl.String})
        self.lines = 0
        self.bad_utf8 = False
        self.long_lines: list[tuple[int, int]] = []

    def reserve(self, chunk: bytes) -> int:
        """Claim the line numbers of a chunk before it is parsed; return the first one's offset."""
        offset = self.lines
        self.lines += chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        return offset

    def add(self, chunk: bytes, offset: int, state: ReadState) -> None:
        """Parse one chunk of whole lines whose first line follows line number offset."""
        text = chunk.decode("utf-8", errors="replace")
        if "\ufffd" in text:
            with self.lock:
                if not self.bad_utf8:
                    self.bad_utf8 = True
                    state.warnings.append(
                        "Some bytes were not valid UTF-8; they were replaced by \ufffd."
                    )
        lines = pl.Series("raw", [text]).str.split("\n").explode()
        if "\r" in text:
            lines = lines.str.strip_suffix("\r")
        del text
        frame = pl.DataFrame({"raw": lines}).with_row_index("line", offset=offset + 1)
        frame = frame.filter(pl.col("raw").str.len_bytes() > 0)
        long = frame["raw"].str.len_bytes() > MAX_MESSAGE_CHARS
        if long.any():
            for line, raw in frame.filter(long).head(5).iter_rows():
                self.long_lines.append((line, len(raw.encode())))
            frame = frame.with_columns(pl.col("raw").str.slice(0, MAX_MESSAGE_CHARS))
        records, rest = self._parse(frame, state)
        self.records[offset] = records
        if not rest.is_empty():
            self.extra[offset] = rest

    def _parse(self, frame: pl.DataFrame, state: ReadState) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Parse with the formats seen so far; detect another when many lines fit none of them.

        Logs concatenated from several sources change format midway; lines that fit no format
        and are few are continuation lines of the record above.
        """
        found: list[pl.DataFrame] = []
        rest = frame
        index = 0
        while not rest.is_empty():
            if index == len(self.formats):
                candidates = rest["raw"].filter(~rest["raw"].str.contains(r"^\s"))
                if self.formats and len(candidates) < max(50, 0.02 * len(frame)):
                    break
                with self.lock:
                    if index < len(self.formats):
                        # Another chunk found a format meanwhile: try it before detecting.
                        continue
                    fmt = detect_format(candidates.head(SAMPLE_LINES).to_list())
                    known = fmt in self.formats or len(self.formats) >= MAX_FORMATS
                    if known or (fmt.name == "plain" and self.formats):
                        break
                    self._adopt(fmt, candidates.head(SAMPLE_LINES), state)
            fmt = self.formats[index]
            index += 1
            # A cheap match test first: full extraction then runs only on the lines it claims.
            matched = starts_record(fmt, rest["raw"])
            if not matched.any():
                continue
            parsed = rest.filter(matched) if not matched.all() else rest
            parsed = pl.concat([parsed, split_lines(fmt, parsed["raw"])], how="horizontal")
            found.append(
                parsed.select(
                    "line",
                    parse_timestamps(pl.col("ts"), self.layouts[fmt.name]).alias("timestamp"),
                    normalise_levels(parsed).alias("level"),
                    pl.col("component"),
                    pl.col("msg").alias("message"),
                )
            )
            rest = rest.filter(~matched)
        records = pl.concat(found).sort("line") if found else _EMPTY_RECORDS
        return records, rest

    def _adopt(self, fmt: LogFormat, sample: pl.Series, state: ReadState) -> None:
        """Start using a newly detected format, with the timestamp layout of its sample."""
        self.formats.append(fmt)
        layout = choose_timestamp_format(split_lines(fmt, sample)["ts"])
        self.layouts[fmt.name] = layout
        if layout in YEARLESS and not any(w.startswith("Timestamps carry") for w in state.warnings):
            state.warnings.append("Timestamps carry no year; the current year was assumed.")

    @property
    def format_name(self) -> str:
        """The detected format, or the formats in order of appearance for a mixed log."""
        if len(self.formats) == 1:
            return self.formats[0].name
        return "mixed: " + ", ".join(f.name for f in self.formats) if self.formats else "plain"

    def finish(self, state: ReadState) -> pl.DataFrame:
        """Concatenate records, attach continuation lines and assign templates."""
        records = pl.concat([self.records[k] for k in sorted(self.records)])
        self.records = {}
        for line, size in self.long_lines:
            state.warnings.append(
                f"Line {line} is {size / 1e6:.1f} MB long; only its first "
                f"{MAX_MESSAGE_CHARS // 1024} KB were analysed."
            )
        if self.extra:
            extra = pl.concat([self.extra[k] for k in sorted(self.extra)])
            starts = records.select(pl.col("line").alias("start"), pl.col("line"))
            extra = extra.join_asof(starts, on="line", strategy="backward")
            # Lines before the first recognised record are records of their own.
            orphans = extra.filter(pl.col("start").is_null())
            if not orphans.is_empty():
                records = pl.concat(
                    [records, orphans.select("line", pl.col("raw").alias("message"))],
                    how="diagonal",
                ).sort("line")
            self.joined = (
                extra.drop_nulls("start")
                .group_by("start")
                .agg(pl.col("raw").str.join("\n").alias("more"))
                .rename({"start": "line"})
            )
            self.extra = {}
        return _assign_templates(records)


def _assign_templates(records: pl.DataFrame) -> pl.DataFrame:
    """Mask each distinct message once, cluster the distinct masked forms, join ids back."""
    distinct = (
        records.group_by("message")
        .len()
        .with_columns(mask_expr(pl.col("message").str.strip_chars()).alias("masked"))
    )
    masked = distinct.group_by("masked").agg(pl.col("len").sum()).sort("masked")
    labels, templates = cluster_templates(masked["masked"].to_list(), masked["len"].to_list())
    ids = masked.select("masked", pl.Series("template_id", labels, dtype=pl.Int64))
    mapping = distinct.join(ids, on="masked").select("message", "template_id")
    table = pl.DataFrame({"template": templates}).with_row_index("template_id")
    records = records.join(mapping, on="message", how="left")
    return records.join(
        table.with_columns(pl.col("template_id").cast(pl.Int64)), on="template_id", how="left"
    ).sort("line")


def _build_report(
    fmt: str, records: pl.DataFrame, extra: pl.DataFrame, state: ReadState
) -> LogReport:
    """Compute the aggregates and convert to pandas."""
    warnings = state.warnings
    if fmt == "plain":
        warnings.append("No known log format was recognised: each line is read as a message.")
    timed = records["timestamp"]
    start, end = timed.min(), timed.max()
    if timed.null_count() == len(timed):
        warnings.append("No timestamps were found, so there is no timeline.")
    else:
        warnings.extend(_backwards(records))
    level_counts = {
        lvl: n for lvl, n in records.group_by("level").len().iter_rows() if lvl is not None
    }
    level_counts = {lvl: level_counts[lvl] for lvl in LEVELS if lvl in level_counts}
    templates = (
        records.group_by("template_id")
        .agg(
            pl.col("template").first(),
            pl.len().alias("count"),
            pl.col("timestamp").min().alias("first_seen"),
            pl.col("timestamp").max().alias("last_seen"),
            pl.col("level").drop_nulls().unique().sort().alias("levels"),
            pl.col("message").first().alias("example"),
            pl.col("line").first().alias("first_line"),
        )
        .sort(["count", "template_id"], descending=[True, False])
    )
    errors = (
        records.filter(pl.col("level").is_in(WARN_AND_ABOVE))
        .group_by("template_id")
        .agg(pl.len().alias("count"), pl.col("level").drop_nulls().unique().sort().alias("levels"))
        .join(templates.select("template_id", "template", "example"), on="template_id")
        .sort(["count", "template_id"], descending=[True, False])
        .head(TOP_ERRORS)
        .select("template_id", "template", "count", "levels", "example")
    )
    if not extra.is_empty():
        records = records.join(extra, on="line", how="left").with_columns(
            pl.when(pl.col("more").is_not_null())
            .then(pl.col("message") + "\n" + pl.col("more"))
            .otherwise(pl.col("message"))
            .alias("message")
        )
        multi = records.filter(pl.col("more").is_not_null()).select("timestamp", "message")
        records = records.drop("more")
        traces = stack_traces(multi.to_pandas())
    else:
        traces = stack_traces(pd.DataFrame({"timestamp": [], "message": []}))
    bucket = choose_bucket(end - start) if start is not None else None
    return LogReport(
        format=fmt,
        records=records.select(
            "line", "timestamp", "level", "component", "message", "template_id"
        ).to_pandas(),
        templates=templates.to_pandas(),
        level_counts=level_counts,
        start=pd.Timestamp(start) if start is not None else None,
        end=pd.Timestamp(end) if end is not None else None,
        bucket=bucket,
        timeline=timeline(records, bucket) if bucket else timeline(records.clear(), "1h"),
        stack_traces=traces,
        top_errors=errors.to_pandas(),
        warnings=warnings,
        bytes_read=state.bytes_read,
    )


def _backwards(records: pl.DataFrame) -> list[str]:
    """Note where timestamps go back in time (out-of-order or concatenated logs)."""
    timed = records.select("line", "timestamp").drop_nulls()
    back = timed.filter(pl.col("timestamp") < pl.col("timestamp").shift(1))
    if back.is_empty():
        return []
    first = back.row(0, named=True)
    more = f" ({len(back):,} times in all)" if len(back) > 1 else ""
    return [f"Timestamps go backwards at line {first['line']}{more}."]
