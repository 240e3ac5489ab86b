"""Aggregates over parsed records: the timeline with spikes, and stack traces by exception."""

from __future__ import annotations

import re
from datetime import timedelta

import pandas as pd
import polars as pl

from agent.analysis.logs.fields import LEVELS

# Bucket widths for the timeline, finest first; the first giving few enough buckets is used.
_BUCKETS = (
    ("1m", timedelta(minutes=1)),
    ("5m", timedelta(minutes=5)),
    ("15m", timedelta(minutes=15)),
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("1d", timedelta(days=1)),
    ("7d", timedelta(days=7)),
    ("30d", timedelta(days=30)),
)
MAX_BUCKETS = 1500
SPIKE_FACTOR = 3.0
SPIKE_MIN_RECORDS = 10
BASELINE_WINDOW = 15
# Fewer buckets than this, or fewer records per bucket on average than one, is too little
# data to call anything a spike.
SPIKE_MIN_BUCKETS = 12


def choose_bucket(span: timedelta) -> str:
    """Minute buckets for short logs, hours for days, coarser for long ones."""
    for name, width in _BUCKETS:
        if span / width <= MAX_BUCKETS:
            return name
    return _BUCKETS[-1][0]


def timeline(records: pl.DataFrame, bucket: str) -> pd.DataFrame:
    """Records per bucket and level, with a rolling-median baseline and spike flags."""
    # Only the two columns counted: a filter of every column would copy all the messages.
    timed = records.select("timestamp", "level").filter(pl.col("timestamp").is_not_null())
    columns = ["bucket", *LEVELS, "UNKNOWN", "total", "baseline", "spike"]
    if timed.is_empty():
        return pd.DataFrame(columns=columns)
    counts = (
        timed.with_columns(
            pl.col("timestamp").dt.truncate(bucket).alias("bucket"),
            pl.col("level").fill_null("UNKNOWN"),
        )
        .group_by("bucket", "level")
        .len()
        .pivot(on="level", index="bucket", values="len")
        .sort("bucket")
    )
    # Empty buckets count as zero, or a burst after silence would have no baseline to beat.
    counts = counts.upsample("bucket", every=bucket).fill_null(0)
    for level in (*LEVELS, "UNKNOWN"):
        if level not in counts.columns:
            counts = counts.with_columns(pl.lit(0, dtype=pl.UInt32).alias(level))
    total = pl.sum_horizontal(*LEVELS, "UNKNOWN")
    counts = counts.with_columns(total.alias("total")).with_columns(
        pl.col("total")
        .cast(pl.Float64)
        .rolling_median(BASELINE_WINDOW, min_samples=1, center=True)
        .alias("baseline")
    )
    # A spike beats both its neighbourhood and the file's own rate (records per bucket over
    # the whole span), so a steady file with a few quiet gaps shows no spikes.
    rate = max(1.0, float(counts["total"].sum()) / max(len(counts), 1))
    enough = len(counts) >= SPIKE_MIN_BUCKETS
    spike = (
        (pl.col("total") >= SPIKE_FACTOR * pl.max_horizontal("baseline", pl.lit(rate)))
        & (pl.col("total") >= SPIKE_MIN_RECORDS)
        & pl.lit(enough)
    )
    return counts.with_columns(spike.alias("spike")).select(columns).to_pandas()


# Uploaded text is hostile: every pattern here stays within a line (`[ \t]`, not `\s`, at a
# line's start; no unbounded run that may cross one), so that a record of many blank or
# look-alike lines costs linear time, not quadratic.
_PY_FRAME = re.compile(r'^[ \t]*File "([^"\n]+)", line (\d+), in (\S+)', re.M)
_PY_EXC = re.compile(r"^([A-Za-z_][\w.]*)(?::\s|:?$)")
_JAVA_FRAME = re.compile(r"^[ \t]+at ([\w$.<>/]+)\(([^)\n]*)\)", re.M)
_JAVA_EXC = re.compile(
    r"(?:^|\s|Caused by: )((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))\b"
)
_ANY_EXC = re.compile(r"\b([A-Za-z_][\w.$]{0,200}(?:Exception|Error))\b")
# JavaScript's frames: `at fn (file:line:col)` or `at file:line:col`.
_JS_FRAME = re.compile(r"^[ \t]+at (?:(.+?) \()?([^()\s]+:\d+:\d+)\)?[ \t]*$", re.M)
_JS_EXC = re.compile(r"^(?:Uncaught )?((?:[A-Za-z_$][\w$.]*)?(?:Error|Exception))(?::|$)", re.M)
# A Go panic: its message, then under a goroutine's heading the call and its file below it.
_GO_PANIC = re.compile(r"^panic: (.*)$", re.M)
_GO_FRAME = re.compile(
    r"^goroutine \d+ \[[^\]\n]*\]:\n([\w.\-/]{1,300}\.(?:\(\*?\w+\)\.)?[\w$]+)\(.*\)\n[ \t]+"
    r"(\S+:\d+)",
    re.M,
)


def parse_trace(text: str) -> tuple[str, str] | None:
    """Return (exception type, top frame) of a multi-line record, or None if it is no trace."""
    if "Traceback (most recent call last)" in text:
        frames = _PY_FRAME.findall(text)
        # The exception line is the last unindented line after the innermost frame.
        tail = text[text.rfind('File "') :] if frames else text
        found = [m.group(1) for m in map(_PY_EXC.match, tail.split("\n")[1:]) if m]
        top = f"{frames[-1][0]}:{frames[-1][1]} in {frames[-1][2]}" if frames else ""
        return (found[-1] if found else "unknown"), top
    panic = _GO_PANIC.search(text)
    if panic is not None:
        go = _GO_FRAME.search(text, panic.end())
        # The panic's words without the values in it (`index out of range [5] with length 3`).
        kind = re.split(r"\s*[\[0-9]", panic.group(1), maxsplit=1)[0].strip() or "panic"
        return f"panic: {kind}", (f"{go.group(1)} ({go.group(2)})" if go else "")
    frame = _JAVA_FRAME.search(text)
    if frame is None:
        js = _JS_FRAME.search(text)
        if js is None:
            return None
        exc = _JS_EXC.search(text[: js.start()])
        name = f"{js.group(1)} ({js.group(2)})" if js.group(1) else js.group(2)
        return (exc.group(1) if exc else "unknown"), name
    exc = _JAVA_EXC.search(text[: frame.start()]) or _ANY_EXC.search(text)
    return (exc.group(1) if exc else "unknown"), f"{frame.group(1)}({frame.group(2)})"


def stack_traces(multi: pd.DataFrame) -> pd.DataFrame:
    """Group multi-line records that hold a stack trace by exception type and top frame."""
    columns = ["exception", "top_frame", "count", "first_seen", "last_seen", "example"]
    rows = []
    for ts, text in zip(multi["timestamp"], multi["message"], strict=True):
        parsed = parse_trace(text)
        if parsed is not None:
            rows.append((*parsed, ts, text))
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["exception", "top_frame", "timestamp", "example"])
    grouped = frame.groupby(["exception", "top_frame"], sort=False, dropna=False).agg(
        count=("example", "size"),
        first_seen=("timestamp", "min"),
        last_seen=("timestamp", "max"),
        example=("example", "first"),
    )
    grouped["example"] = grouped["example"].str.slice(0, 4000)
    return grouped.reset_index().sort_values("count", ascending=False, kind="stable")[columns]
