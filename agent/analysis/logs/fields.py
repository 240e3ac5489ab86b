"""Turn raw header fields into typed columns: timestamps and normalized levels."""

from __future__ import annotations

import datetime as dt

import polars as pl

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")

_LEVEL_MAP = {
    **dict.fromkeys(("TRACE", "FINEST", "FINER", "VERBOSE", "V", "T", "TRC"), "TRACE"),
    **dict.fromkeys(("DEBUG", "FINE", "CONFIG", "D", "DBG"), "DEBUG"),
    **dict.fromkeys(("INFO", "INFORMATION", "INFORMATIONAL", "NOTICE", "I", "INF"), "INFO"),
    **dict.fromkeys(("WARN", "WARNING", "W", "WRN"), "WARN"),
    # java.util.logging's SEVERE is its everyday error level, not a crash.
    **dict.fromkeys(("ERROR", "ERR", "E", "SEVERE", "ERRO"), "ERROR"),
    **dict.fromkeys(
        ("FATAL", "F", "CRITICAL", "CRIT", "EMERG", "EMERGENCY", "ALERT", "PANIC"), "FATAL"
    ),
    # Numeric levels used by pino and bunyan.
    "10": "TRACE",
    "20": "DEBUG",
    "30": "INFO",
    "40": "WARN",
    "50": "ERROR",
    "60": "FATAL",
}
_SYSLOG_SEVERITY = ["FATAL", "FATAL", "FATAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG"]

# Timestamp layouts tried on a sample (after _normalise_ts); the one parsing most wins.
_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d-%H.%M.%S%.f",
    "%Y/%m/%d %H:%M:%S%.f",
    "%y/%m/%d %H:%M:%S%.f",
    "%m/%d/%Y %H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S%.f",
    "%m/%d/%y %H:%M:%S%.f",
    "%d/%b/%Y:%H:%M:%S %z",
    "%d/%b/%Y:%H:%M:%S",
    "%a %b %d %H:%M:%S%.f %Y",
    "%Y%m%d-%H:%M:%S:%3f",
    "%Y%m%d-%H:%M:%S%.f",
    "%Y%m%d %H:%M:%S%.f",
    "%Y%m%d%H%M%S",
    "%y%m%d %H%M%S",
)
# Layouts without a year: parsed with the current year prepended.
YEARLESS = ("%b %d %H:%M:%S%.f", "%a %b %d %H:%M:%S%.f", "%m-%d %H:%M:%S%.f", "%m.%d %H:%M:%S%.f")


def _normalise_ts(expr: pl.Expr, values: pl.Series | None = None) -> pl.Expr:
    """Make timestamp spellings uniform: one space, dot decimals, no T, numeric Z.

    With the values at hand, steps that cannot change any of them are left out: a cheap literal
    scan spares a regex pass over every timestamp (most logs need none of these steps).
    """

    def needed(pattern: str, literal: bool = True) -> bool:
        return values is None or bool(values.str.contains(pattern, literal=literal).any())

    expr = expr.str.strip_chars()
    if needed(r"[^\S ]|\s\s", literal=False):
        expr = expr.str.replace_all(r"\s+", " ")
    if needed("T"):
        expr = expr.str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
    if needed(","):
        expr = expr.str.replace(r"(\d{2}:\d{2}:\d{2}),(\d+)", "$1.$2")
    if needed("Z"):
        expr = expr.str.replace(r"Z$", "+0000")
    return expr


def choose_timestamp_format(sample: pl.Series) -> str | None:
    """Return the layout parsing most of the sample, 'epoch', or None when none fits."""
    values = pl.DataFrame({"ts": sample.drop_nulls().head(500)}).select(_normalise_ts(pl.col("ts")))
    values = values.to_series()
    if values.is_empty():
        return None
    best, best_count = None, 0
    year = str(dt.date.today().year)
    candidates = [(f, f, "") for f in _FORMATS] + [(f, "%Y " + f, year + " ") for f in YEARLESS]
    for name, layout, prefix in candidates:
        parsed = (prefix + values if prefix else values).str.to_datetime(layout, strict=False)
        count = len(parsed) - parsed.null_count()
        if count > best_count:
            best, best_count = name, count
    if values.str.contains(r"^1\d{9}(?:\.\d+)?$").sum() > best_count:
        return "epoch"
    if best is None:
        time_only = values.str.contains(r"^\d{1,2}:\d{2}:\d{2}").sum()
        return "%H:%M:%S%.f" if time_only else None
    return best


def parse_timestamps(expr: pl.Expr, layout: str | None, values: pl.Series | None = None) -> pl.Expr:
    """Parse timestamps with the chosen layout into naive UTC-free datetimes (null if absent).

    values, when given, are the raw timestamps expr reads; they let normalisation skip steps.
    """
    if layout is None:
        return pl.lit(None, dtype=pl.Datetime("us"))
    if layout == "epoch":
        seconds = expr.str.extract(r"^(1\d{9}(?:\.\d+)?)$").cast(pl.Float64, strict=False)
        return (seconds * 1_000_000).cast(pl.Int64).cast(pl.Datetime("us"))
    norm = _normalise_ts(expr, values)
    if layout in YEARLESS:
        norm = pl.lit(str(dt.date.today().year) + " ") + norm
        layout = "%Y " + layout
    elif layout == "%H:%M:%S%.f":
        # A time with no date: anchor it on 1970-01-01 so ordering and spans still work.
        norm = pl.lit("1970-01-01 ") + norm
        layout = "%Y-%m-%d %H:%M:%S%.f"
    parsed = norm.str.to_datetime(layout, strict=False)
    if "%z" in layout:
        parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return parsed.cast(pl.Datetime("us"))


def normalise_levels(frame: pl.DataFrame) -> pl.Expr:
    """Map raw level text, syslog priority or HTTP status to TRACE..FATAL (null if unknown)."""
    exprs: list[pl.Expr] = []
    if frame["level"].null_count() < len(frame):
        raw = pl.col("level").str.strip_chars().str.to_uppercase().str.replace(r"\d+$", "")
        numeric = pl.col("level").str.strip_chars()
        exprs.append(
            pl.coalesce(
                raw.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String),
                numeric.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String),
            )
        )
    if frame["pri"].null_count() < len(frame):
        severity = pl.col("pri").cast(pl.Int64, strict=False) % 8
        exprs.append(severity.replace_strict(dict(enumerate(_SYSLOG_SEVERITY)), default=None))
    if frame["status"].null_count() < len(frame):
        status = pl.col("status").cast(pl.Int64, strict=False)
        exprs.append(
            pl.when(status >= 500)
            .then(pl.lit("ERROR"))
            .when(status >= 400)
            .then(pl.lit("WARN"))
            .when(status.is_not_null())
            .then(pl.lit("INFO"))
        )
    if not exprs:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(exprs)
