"""Turn raw header fields into typed columns: timestamps and normalized levels."""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl


def ascii_digits(pattern: str) -> str:
    """Spell \\d as [0-9]: Unicode \\d makes the regex automata far larger and slower."""
    return pattern.replace(r"\d", "[0-9]")


# Timestamp shapes, most specific first; Rust regex syntax (polars), also valid in Python.
TIMESTAMP = ascii_digits(
    "(?:"
    + "|".join(
        [
            # GPFS joins date and time with an underscore (`2024-03-05_14:22:01.123+0100`).
            r"\d{4}-\d{2}-\d{2}(?:[T _]|, )\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
            r"(?:Z|[+-]\d{2}(?::?\d{2})?)?",
            # DB2 adds its offset in minutes (`+060`).
            r"\d{4}[-.]\d{2}[-.]\d{2}-\d{2}\.\d{2}\.\d{2}(?:\.\d+)?(?:[+-]\d{3})?",
            r"\d{4}/\d{2}/\d{2}[ T-]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?",
            # US dates, often unpadded with a 12-hour clock (`3/5/2024 9:14:07 PM`).
            # Some write the milliseconds after a colon (`3/5/24 14:22:01:123`).
            # Intrusion detectors join date and time with a dash (`03/05/2024-14:22:01`), game
            # servers with a spaced one (`03/05/2024 - 14:22:01`).
            r"\d{1,2}/\d{1,2}/\d{2,4}(?:[ ,] ?|-| - )\d{1,2}:\d{2}:\d{2}(?:[.,:]\d+)?",
            r"\d{2}/\d{2}-\d{2}:\d{2}:\d{2}(?:\.\d+)?",
            # Day first with dots, as much of Europe writes dates (`05.03.2024 14:22:01`).
            r"\d{1,2}\.\d{1,2}\.\d{2}(?:\d{2})?[ T]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?",
            # Month first with dashes and the year last (`03-05-2024 14:22:01`).
            r"\d{2}-\d{2}-\d{4}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?",
            r"\d{2}/[A-Z][a-z]{2}/\d{4}[: ]\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?",
            # A month name and day, maybe joined by a dash (nextflow's `Apr-01`).
            # date(1) puts a zone before the year: the zone only with a year after it.
            # Cisco marks a time its clock is not sure of with a star or a dot (`*Mar  5 ...`).
            r"[*.]?(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2}(?: +|-)\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?"
            r"(?: [A-Z]{3,4} \d{4}| \d{4})?",
            # The year after the day (Cisco; java.util.logging's `Apr 01, 2023 9:00:25 AM`),
            # the month maybe in full after a weekday (`Tuesday, March 5, 2024 2:22:01 PM`),
            # the time maybe after an at sign (Kibana's exports: `Mar 5, 2024 @ 14:22:01.123`).
            r"(?:[A-Z][a-z]+day, )?[A-Z][a-z]{2,8} +\d{1,2}(?:st|nd|rd|th)?,? \d{4},? (?:@ )?"
            r"\d{1,2}:\d{2}:\d{2}"
            r"(?:[.,]\d+)?(?: [AP]M)?",
            r"\d{8}[-T ]?\d{1,2}:\d{1,2}:\d{1,2}(?:[.,:]\d+)?",
            # Zabbix joins the compact date and time with a colon (`20240305:142201.123`).
            r"\d{8}[-T :]?\d{6}(?:[.,]\d+)?Z?",
            r"\d{6} \d{6}",
            # Tornado's two-digit year, month and day before the clock (`240305 14:22:01`).
            r"\d{6} \d{2}:\d{2}:\d{2}(?:[.,]\d+)?",
            # Day, month name, year (Redis, RFC 2822 dates, Tomcat's 21-Jan-2017).
            # log4j's ddMMMyyyy writes them with nothing between (05Mar2024).
            # Oracle writes the month in capitals (05-MAR-2024); Erlang joins the date and the
            # time with two colons (`5-Mar-2024::14:22:01`).
            r"(?:[A-Z][a-z]{2}, )?\d{1,2}[ -]?[A-Z](?:[a-z]{2}|[A-Z]{2})[ -]?\d{4}(?:::|[ :])"
            r"\d{2}:\d{2}:\d{2}"
            r"(?:[.,]\d+)?",
            # go-ethereum joins month-day and time with a pipe (`[03-05|14:22:01.123]`).
            r"\d{2}-\d{2}[ |]\d{2}:\d{2}:\d{2}(?:\.\d+)?",
            r"\d{1,2}\.\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?",
            # The time before the date (`14:22:01 2024-03-05`, `[14:22:01 05.03.2024]`).
            r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)? (?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}"
            r"|[A-Z][a-z]{2} \d{1,2} \d{4})",
            r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?",
            # An at sign marks a number as a time (`@1709648521.123`).
            r"@?1\d{9}(?:\.\d+)?",
        ]
    )
    # A 12-hour clock's AM or PM belongs to the time it follows.
    + ")(?: ?[AaPp][Mm])?"
)

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")

_LEVEL_MAP = {
    # logrus writes its levels cut to four letters (DEBU, ERRO, FATA, PANI).
    **dict.fromkeys(
        ("TRACE", "FINEST", "FINER", "VERBOSE", "V", "T", "TRC", "TRAC", "TRCE", "BLAT"), "TRACE"
    ),
    # .NET's console logger writes four letters: trce, dbug, info, warn, fail, crit;
    # go-ethereum's are TRCE, DBUG, INFO, WARN, EROR, CRIT.
    # supervisord's: BLAT (blather), TRAC, DEBG, INFO, WARN, ERRO, CRIT.
    **dict.fromkeys(("DEBUG", "FINE", "CONFIG", "D", "DBG", "DEBU", "DBUG", "DEBG"), "DEBUG"),
    # MySQL calls its informational level Note.
    # PostgreSQL's LOG is its everyday informational level.
    **dict.fromkeys(
        ("INFO", "INFORMATION", "INFORMATIONAL", "NOTICE", "NOTE", "I", "INF", "LOG"), "INFO"
    ),
    **dict.fromkeys(("WARN", "WARNING", "W", "WRN"), "WARN"),
    # java.util.logging's SEVERE is its everyday error level, not a crash.
    **dict.fromkeys(("ERROR", "ERR", "E", "SEVERE", "ERRO", "EROR", "FAIL"), "ERROR"),
    **dict.fromkeys(
        ("FATAL", "F", "CRITICAL", "CRIT", "EMERG", "EMERGENCY", "ALERT", "PANIC", "FATA", "PANI"),
        "FATAL",
    ),
    # Numeric levels used by pino and bunyan.
    "10": "TRACE",
    "20": "DEBUG",
    "30": "INFO",
    "40": "WARN",
    "50": "ERROR",
    "60": "FATAL",
}
# Every spelling of a level that is read as one, in capitals.
LEVEL_WORDS = frozenset(_LEVEL_MAP)
_SYSLOG_SEVERITY = ["FATAL", "FATAL", "FATAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG"]

# Timestamp layouts tried on a sample (after _normalise_ts); the one parsing most wins.
_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d-%H.%M.%S%.f",
    "%Y.%m.%d-%H.%M.%S%.f",
    "%m-%d-%Y %H:%M:%S%.f",
    "%d-%m-%Y %H:%M:%S%.f",
    "%B %d, %Y %H:%M:%S%.f",
    "%B %d %Y, %H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d-%H:%M:%S%.f",
    "%y/%m/%d %H:%M:%S%.f",
    "%m/%d/%Y %H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S%.f",
    "%m/%d/%y %H:%M:%S%.f",
    "%d/%b/%Y:%H:%M:%S %z",
    "%d/%b/%Y:%H:%M:%S",
    "%d/%b/%Y %H:%M:%S",
    "%b %d %Y %H:%M:%S%.f",
    "%b %d, %Y %I:%M:%S %p",
    "%a %b %d %H:%M:%S%.f %Y",
    "%Y%m%d-%H:%M:%S:%3f",
    "%Y%m%d-%H:%M:%S%.f",
    "%Y%m%d %H:%M:%S%.f",
    "%Y%m%d%H%M%S",
    "%Y%m%dT%H%M%S%z",
    "%Y%m%dT%H%M%S%.f%z",
    "%Y%m%dT%H%M%S%.f",
    "%Y%m%dT%H%M%S",
    "%y%m%d %H%M%S",
    "%y%m%d %H:%M:%S%.f",
    "%Y.%m.%d %H:%M:%S%.f",
    "%d.%m.%Y %H:%M:%S%.f",
    "%d.%m.%y %H:%M:%S%.f",
    "%d %b %Y %H:%M:%S%.f",
    "%d-%b-%Y %H:%M:%S%.f",
    "%d%b%Y %H:%M:%S%.f",
    "%a, %d %b %Y %H:%M:%S%.f",
    "%a, %d %b %Y %H:%M:%S%.f %z",
    "%d %b %Y:%H:%M:%S%.f",
    # The time before the date.
    "%H:%M:%S%.f %Y-%m-%d",
    "%H:%M:%S%.f %d.%m.%Y",
    "%H:%M:%S%.f %m/%d/%Y",
    "%H:%M:%S%.f %d/%m/%Y",
    "%H:%M:%S%.f %b %d %Y",
    # Dates alone: a time-of-day elsewhere in the header completes them, or they stand alone.
    "%Y.%m.%d",
    "%Y-%m-%d",
    "%Y/%m/%d",
    # A US date alone (a DHCP server's CSV puts the time in the next column).
    "%m/%d/%Y",
    "%m/%d/%y",
)
# Layouts without a year: parsed in a leap year (so 29 Feb parses), the year set later.
_YEARLESS_24 = (
    "%b %d %H:%M:%S%.f",
    "%b-%d %H:%M:%S%.f",
    "%a %b %d %H:%M:%S%.f",
    "%m-%d %H:%M:%S%.f",
    "%m.%d %H:%M:%S%.f",
    "%m%d %H:%M:%S%.f",
    "%m/%d %H:%M:%S%.f",
)
PLACEHOLDER_YEAR = 2000
TIME_ONLY = "%H:%M:%S%.f"
TIME_ONLY_12 = "%I:%M:%S%.f %p"
_MERIDIEM = r"[0-9] ?[AaPp][Mm]$"
EPOCHS = ("epoch", "epoch-ms", "epoch-us", "epoch-ns", "tai64n")
_EPOCH_RE = {
    "epoch": r"^@?1[0-9]{9}(?:\.[0-9]+)?$",
    "epoch-ms": r"^@?1[0-9]{12}$",
    # journald's __REALTIME_TIMESTAMP.
    "epoch-us": r"^1[0-9]{15}$",
    # Nanoseconds (Cloudflare's, OpenTelemetry's timestamps).
    "epoch-ns": r"^1[0-9]{18}$",
    "tai64n": r"^@4000000[0-9a-f]{17}$",
}


def has_time_of_day(layout: str | None) -> bool:
    """Whether a layout gives the time of day (not a date alone)."""
    return layout is not None and (layout in EPOCHS or "%H" in layout or "%I" in layout)


def _twelve_hour(layout: str) -> str:
    """The layout read with a 12-hour clock and AM/PM after the time."""
    return layout.replace("%H", "%I") + " %p"


_TWELVE = tuple(_twelve_hour(f) for f in _FORMATS if "%H" in f)
YEARLESS = _YEARLESS_24 + tuple(_twelve_hour(f) for f in _YEARLESS_24)


def has_year(layout: str | None) -> bool:
    """Whether a layout gives the year."""
    return layout is not None and (layout in EPOCHS or "%Y" in layout or "%y" in layout)


def _normalise_ts(expr: pl.Expr, values: pl.Series | None = None) -> pl.Expr:
    """Make timestamp spellings uniform: one space, dot decimals, no T, numeric Z.

    With values given, steps that change none of them are left out: most logs need none.
    """

    def needed(pattern: str, literal: bool = True) -> bool:
        return values is None or bool(values.str.contains(pattern, literal=literal).any())

    expr = expr.str.strip_chars()
    if needed('"'):
        # A quoted field, maybe with the comma after it (CSV).
        expr = expr.str.strip_chars_end(",").str.strip_chars('"').str.strip_chars()
    if needed(r"^[\[(<]|[\]),:>]$", literal=False):
        # A bracketed or parenthesised timestamp, or one followed by its separator (after
        # the bracket too: `[14:22:01]:`).
        expr = expr.str.strip_chars_end(",:").str.strip_chars("[]()<>")
        expr = expr.str.strip_chars_end(",:").str.strip_chars()
    if needed(r"[0-9] [A-Z]{3,4} [0-9]{4}$", literal=False):
        # A zone named before the year (date(1)): the wall clock is kept, as below.
        expr = expr.str.replace(r"([0-9]) [A-Z]{3,4} ([0-9]{4})$", "$1 $2")
    if needed(r"(?:[0-9]|[AaPp][Mm]) ?[A-Z]{3,4}$", literal=False):
        # A zone named by abbreviation is ambiguous (IST, CST): the wall clock is kept. It may
        # follow a 12-hour clock's AM or PM.
        expr = expr.str.replace(r"([0-9]|[AaPp][Mm]) ?[A-Z]{3,4}$", "$1")
    if needed(r"[^\S ]|\s\s", literal=False):
        # Every run of white space becomes one space; a run that is one space already is left
        # alone, so most timestamps cost no replacement at all.
        expr = expr.str.replace_all(r"\s\s+|[^\S ]", " ")
    if needed(r"[0-9]\.[0-9]{2}\.[0-9]{2}(?:\.[0-9]+)?[+-][0-9]{3}$", literal=False):
        # An offset in minutes (DB2's `-14.22.01.123456+060`): the wall clock is kept, as for
        # a zone named by abbreviation.
        expr = expr.str.replace(r"[+-][0-9]{3}$", "")
    if needed(r"^[*.]", literal=False):
        expr = expr.str.strip_chars_start("*.")
    if needed(r"[0-9](?:st|nd|rd|th)[ ,]", literal=False):
        # An ordinal day (`March 5th 2024`).
        expr = expr.str.replace(r"([0-9])(?:st|nd|rd|th)([ ,])", "$1$2")
    if needed("day, "):
        # A weekday in full before the month (`Tuesday, March 5, 2024`): the date says it.
        expr = expr.str.replace(r"^[A-Z][a-z]+day, ", "")
    if needed(" @ "):
        # Kibana writes an at sign between date and time.
        expr = expr.str.replace(" @ ", " ", literal=True)
    if needed(r"^[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})? ?- ?[0-9]", literal=False):
        # A dash between a month-first date and the time (Snort's `03/05-14:22:01`).
        expr = expr.str.replace(r"^([0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?) ?- ?([0-9])", "$1 $2")
    if needed("::"):
        # Erlang's two colons between date and time (`5-Mar-2024::14:22:01`).
        expr = expr.str.replace(r"([0-9]{4})::([0-9])", "$1 $2")
    if needed(r"^[0-9]{8}:[0-9]{6}", literal=False):
        # Zabbix's colon between a compact date and time (`20240305:142201.123`).
        expr = expr.str.replace(r"^([0-9]{8}):([0-9]{6})", "${1}T$2")
    if needed(r"^[0-9]{2}-[0-9]{2}\|", literal=False):
        expr = expr.str.replace(r"^([0-9]{2}-[0-9]{2})\|", "$1 ")
    if needed(", "):
        # A comma between date and time (Airflow's `2023-04-01, 09:00:00`).
        expr = expr.str.replace(r"^(\d{4}-\d{2}-\d{2}), ", "$1 ")
    if needed("T"):
        expr = expr.str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
    if needed("_"):
        expr = expr.str.replace(r"^(\d{4}-\d{2}-\d{2})_", "$1 ")
    if needed(","):
        expr = expr.str.replace(r"(\d{1,2}:\d{2}:\d{2}),(\d+)", "$1.$2")
    if needed(r"[0-9]:[0-9]{1,2}:[0-9]{1,2}:[0-9]", literal=False):
        # Milliseconds after a colon, sometimes unpadded ("22:16:0:11").
        expr = expr.str.replace(
            r"([0-9]:[0-9]{1,2}:[0-9]{1,2}):([0-9]+)( ?[AaPp][Mm])?$", "$1.$2$3"
        )
    if needed(r":[0-9]{2}(?:[.,][0-9]+)?[+-][0-9]{2}$", literal=False):
        # An offset in whole hours after a time (`12:00:00,123+02`), not a date's day.
        expr = expr.str.replace(r"(:[0-9]{2}(?:[.,][0-9]+)?[+-][0-9]{2})$", "${1}00")
    if needed("Z"):
        expr = expr.str.replace(r"Z$", "+0000")
    if needed(_MERIDIEM, literal=False):
        # AM/PM in any case, with or without a space: one spelling, as `%p` reads it.
        expr = expr.str.replace(r"([0-9]) ?[Aa][Mm]$", "$1 AM").str.replace(
            r"([0-9]) ?[Pp][Mm]$", "$1 PM"
        )
    return expr


def choose_timestamp_format(sample: pl.Series) -> str | None:
    """Return the layout parsing most of the sample, 'epoch', or None when none fits."""
    return _choose_layout(tuple(sample.drop_nulls().head(500).to_list()))


# Detection chooses the layout of a sample's times, and adopting the format chooses it again
# on the same times: once per distinct sample, a few milliseconds each, at the start of a file.
@functools.lru_cache(maxsize=64)
def _choose_layout(stamps: tuple[str, ...]) -> str | None:
    """choose_timestamp_format's work, on the (at most 500) times of the sample."""
    values = pl.DataFrame({"ts": pl.Series(stamps, dtype=pl.String)})
    values = values.select(_normalise_ts(pl.col("ts"))).to_series()
    if values.is_empty():
        return None
    year = f"{PLACEHOLDER_YEAR} "
    # A 12-hour clock is read as one only where the sample says AM or PM.
    twelve = values.str.contains(_MERIDIEM).any()
    formats = (_TWELVE + _FORMATS) if twelve else _FORMATS
    yearless = YEARLESS if twelve else _YEARLESS_24
    candidates = [(f, f, "") for f in formats] + [(f, "%Y " + f, year) for f in yearless]
    best, best_count = _best_layout(values, candidates)
    if best is not None and best.startswith("%y/%m/%d"):
        # `03/05/24` reads year first as 2003 and year last as 2024: a log's dates are recent,
        # so the reading with the later years wins (US dates end with the year).
        last = best.replace("%y/%m/%d", "%m/%d/%y", 1)
        ours, theirs = (values.str.to_datetime(f, strict=False).dt.year() for f in (best, last))
        if theirs.count() >= best_count and (theirs.min() or 0) > (ours.max() or 0):
            best = last
    epochs = values.to_frame("v").select(
        pl.col("v").str.contains(pattern).sum().alias(name) for name, pattern in _EPOCH_RE.items()
    )
    for name, count in zip(epochs.columns, epochs.row(0), strict=True):
        if count > best_count:
            return name
    if best is None:
        clock = r"^\d{1,2}:\d{2}:\d{2}(?:\.\d+)?"
        if values.str.contains(clock + " [AP]M$").sum():
            return TIME_ONLY_12
        return TIME_ONLY if values.str.contains(clock + "$").sum() else None
    return best


# Layouts counted per query in choose_timestamp_format: the first query often finds one that
# parses every value; the others are counted together, a query each costing more than its work.
_FIRST_LAYOUTS = 4


def _best_layout(
    values: pl.Series, candidates: list[tuple[str, str, str]]
) -> tuple[str | None, int]:
    """The first candidate (name, layout, prefix) that parses the most values, and how many.

    Counting every candidate then taking the first of the most is what trying them in turn
    and keeping a better one finds; they are counted in a few batches, and the later batches
    are skipped once a layout parses every value (none could parse more).
    """
    frame = values.to_frame("v")
    best, best_count = None, 0
    for batch in (candidates[:_FIRST_LAYOUTS], candidates[_FIRST_LAYOUTS:]):
        counts = frame.select(
            _plausible(layout, prefix).sum().alias(str(i))
            for i, (_, layout, prefix) in enumerate(batch)
        ).row(0)
        for (name, _, _), count in zip(batch, counts, strict=True):
            if count > best_count:
                best, best_count = name, count
        if best_count == len(values):
            break
    return best, best_count


def _plausible(layout: str, prefix: str) -> pl.Expr:
    """Whether each value parses with the layout (after the prefix) to a plausible year."""
    text = pl.lit(prefix) + pl.col("v") if prefix else pl.col("v")
    parsed = text.str.to_datetime(layout, strict=False)
    # "%Y" also reads "17" as the year 17: only plausible years count. A two-digit year is
    # written with both digits: `7/11/17` is a month first, not the year 2007.
    plausible = parsed.dt.year().is_between(1970, 2100)
    if layout.startswith("%y"):
        plausible &= ~pl.col("v").str.contains(r"^[0-9][^0-9]")
    return plausible


def _epoch(expr: pl.Expr, layout: str) -> pl.Expr:
    """Epoch seconds, milli- or microseconds or a TAI64N label as a UTC datetime."""
    # An epoch may sit in brackets or quotes like any other timestamp (`[1709648521]`).
    text = expr.str.strip_chars().str.strip_chars('[]()"')
    if layout != "tai64n":
        # An at sign may mark the number as a time (`@1709648521`); TAI64N's is its own.
        text = text.str.strip_chars_start("@")
    if layout == "tai64n":
        # daemontools' label: 2^62 + TAI seconds (10 s ahead of UTC here), then nanoseconds.
        seconds = text.str.slice(1, 16).str.to_integer(base=16, strict=False) - (2**62 + 10)
        nanos = text.str.slice(17, 8).str.to_integer(base=16, strict=False)
        micros = seconds * 1_000_000 + nanos // 1000
    elif layout == "epoch-ns":
        micros = text.str.extract(r"^(1[0-9]{18})$").cast(pl.Int64, strict=False) // 1000
    elif layout == "epoch-us":
        micros = text.str.extract(r"^(1[0-9]{15})$").cast(pl.Int64, strict=False)
    elif layout == "epoch-ms":
        micros = text.str.extract(r"^(1[0-9]{12})$").cast(pl.Int64, strict=False) * 1000
    else:
        seconds = text.str.extract(r"^(1[0-9]{9}(?:\.[0-9]+)?)$").cast(pl.Float64, strict=False)
        micros = (seconds * 1_000_000).round(0).cast(pl.Int64)
    return micros.cast(pl.Datetime("us"))


def parse_timestamps(
    expr: pl.Expr,
    layout: str | None,
    values: pl.Series | None = None,
    donor: tuple[pl.Expr, str] | None = None,
) -> pl.Expr:
    """Parse timestamps with the chosen layout into naive datetimes (null if absent).

    values, when given, are raw timestamps like those expr reads: normalisation keeps only the
    steps they need (timestamps needing another step then fail to parse).
    donor is another header field with its layout (a date, an epoch) that supplies the year or
    the date the main timestamp lacks. Without one, a year-less timestamp gets the placeholder
    year and the caller sets the year later (see infer_years).
    """
    if layout is None:
        return pl.lit(None, dtype=pl.Datetime("us"))
    if layout in EPOCHS:
        return _epoch(expr, layout)
    norm = _normalise_ts(expr, values)
    other = None
    if donor is not None and has_year(donor[1]):
        other = parse_timestamps(donor[0], donor[1])
    if layout in YEARLESS:
        norm = pl.lit(f"{PLACEHOLDER_YEAR} ") + norm
        parsed = norm.str.to_datetime("%Y " + layout, strict=False).cast(pl.Datetime("us"))
        if other is None:
            return parsed
        return parsed.dt.offset_by(pl.format("{}y", other.dt.year() - PLACEHOLDER_YEAR))
    if layout in (TIME_ONLY, TIME_ONLY_12):
        if other is not None:
            clock = norm.str.to_time(layout, strict=False)
            return other.dt.date().dt.combine(clock).cast(pl.Datetime("us"))
        # A time with no date: anchored on 1970-01-01 until the whole file is read, when the
        # dates are inferred (see infer_dates).
        norm = pl.lit("1970-01-01 ") + norm
        layout = "%Y-%m-%d " + layout
    if not has_time_of_day(layout):
        norm = norm + pl.lit(" 00:00:00")
        layout += " %H:%M:%S"
    parsed = norm.str.to_datetime(layout, strict=False)
    if "%z" in layout:
        parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return parsed.cast(pl.Datetime("us"))


ROLLOVER = dt.timedelta(days=30)


def infer_years(stamps: pl.Series, today: dt.date | None = None) -> pl.Series:
    """Give placeholder-year timestamps (file order) years so time runs forward.

    A step back of more than a month is a new year (December, then January). The last record
    is placed in the current year, or the one before when its date is still to come.
    """
    today = today or dt.date.today()
    filled = stamps.fill_null(strategy="forward")
    back = (filled < filled.shift(1) - ROLLOVER).fill_null(False).cast(pl.Int32).cum_sum()
    last = filled.drop_nulls()
    if last.is_empty():
        return stamps
    end: dt.datetime = last[-1]
    final_year = today.year
    if (end.month, end.day) > (today.month, today.day):
        final_year -= 1
    years = final_year - int(back[-1] or 0) + back - PLACEHOLDER_YEAR
    # The shift only grows, so it is constant over runs of records: one offset per run.
    runs = years.rle().struct.unnest()
    pieces, start = [], 0
    for length, shift in runs.iter_rows():
        pieces.append(stamps.slice(start, length).dt.offset_by(f"{shift}y"))
        start += length
    return pl.concat(pieces).alias(stamps.name)


NEW_DAY = dt.timedelta(hours=1)


def infer_dates(stamps: pl.Series, today: dt.date | None = None) -> pl.Series:
    """Give times anchored on 1970-01-01 (file order, no date written) dates so time runs
    forward: a step back of more than an hour is the next day, the last record is today."""
    today = today or dt.date.today()
    filled = stamps.fill_null(strategy="forward")
    ahead = (filled < filled.shift(1) - NEW_DAY).fill_null(False).cast(pl.Int32).cum_sum()
    if filled.drop_nulls().is_empty():
        return stamps
    shift = (today - dt.date(1970, 1, 1)).days - int(ahead[-1] or 0) + ahead
    frame = pl.DataFrame({"t": stamps, "d": shift})
    return frame.select(pl.col("t") + pl.duration(days=pl.col("d"))).to_series().alias(stamps.name)


# A level written as a label, in capitals and with its colon, among a message's first words
# (PostgreSQL's `12345 ERROR:  ...` after a prefix of varying length, a program's
# `WARNING: ...`): the record's own level where its header has no level field.
LABEL_WORD = (
    r"(TRACE|VERBOSE|DEBUG[1-5]?|INFO|NOTICE|LOG|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL|PANIC"
    # java.util.logging's own levels.
    r"|CONFIG|FINE|FINER|FINEST):\s"
)
# Capitalised, a label only right after a `component:` (Unreal's `LogNet: Warning: ...`):
# elsewhere in free text "Warning: retrying" or "DB Error: 1" are words, not a level field.
_TITLE_LABEL = (
    r"^[\w.-]+:\s+(Trace|Verbose|Debug|Info|Notice|Warn|Warning|Error|Severe|Fatal|Critical"
    r"|Panic):\s"
)
# The same label opening a message whose `component:` the header took (`LogNet: Verbose: ...`
# split after `LogNet:`).
_TITLE_FIRST = _TITLE_LABEL.replace(r"^[\w.-]+:\s+", "^", 1)
# A level in brackets or angle brackets as a message's first word (`<info>`, `[error]`), where
# the header has none: syslog-forwarded messages of programs that write their own.
_BRACKETED_FIRST = (
    r"^\s*[\[<]((?i:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|emerg"
    r"|fatal))[\]>]\s"
)
_LABEL = r"^(?:\S+\s+){0,5}?" + LABEL_WORD
# In lower case, a label only as the message's first word (Slurm's `debug:  backfill: ...`,
# git's `fatal: ...`): elsewhere "error: " is as likely a quoted word of free text.
_LOWER_FIRST = (
    r"^(trace|debug[1-5]?|info|notice|note|warn|warning|error|severe|fatal|critical|crit|panic)"
    r":\s"
)


def after_label(message: pl.Expr) -> pl.Expr:
    """The message after its level label and the words before it; unchanged without one."""
    rest = message.str.replace(_LABEL + r"\s*", "")
    return pl.when(rest.str.len_bytes() > 0).then(rest).otherwise(message)


# Keys a JSON message (an application's JSON line behind a container runtime's or syslog's
# header) states its level under.
_JSON_LEVEL_KEYS = ("level", "severity", "levelname", "lvl", "log.level")


def json_level(message: pl.Expr) -> pl.Expr:
    """The level a message that is a JSON object states, normalised; null otherwise."""
    raw = pl.coalesce([message.str.json_path_match(f"$['{key}']") for key in _JSON_LEVEL_KEYS])
    level = raw.str.strip_chars().str.to_uppercase()
    return level.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String)


def labelled_level(message: pl.Expr) -> pl.Expr:
    """The level a message states as a label (see _LABEL), normalised; null if none."""
    label = pl.coalesce(
        message.str.extract(_LABEL),
        message.str.extract(_TITLE_LABEL),
        message.str.extract(_LOWER_FIRST),
    )
    label = label.str.replace(r"[0-9]$", "").str.to_uppercase()
    return label.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String)


def titled_level(message: pl.Expr) -> pl.Expr:
    """The level a message states as a capitalised label right after its header's component
    (see _TITLE_FIRST), normalised; null if none."""
    label = message.str.extract(_TITLE_FIRST).str.to_uppercase()
    return label.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String)


def bracketed_level(message: pl.Expr) -> pl.Expr:
    """The level a message states in brackets as its first word, normalised; null if none."""
    word = message.str.extract(_BRACKETED_FIRST).str.to_uppercase()
    return word.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String)


def labelled_levels(messages: pl.Series) -> pl.Series:
    """labelled_level of each message, worked out only on those holding a label's word and
    colon somewhere: a label needs them, most messages hold none, and an unanchored test for
    them costs a fraction of the label's own pattern (which walks the first words of each)."""
    rows = messages.str.contains("(?i)" + LABEL_WORD).fill_null(False).arg_true()
    levels = pl.repeat(None, len(messages), dtype=pl.String, eager=True).alias(messages.name)
    if rows.is_empty():
        return levels
    found = messages.gather(rows).to_frame("m").select(labelled_level(pl.col("m")))
    return levels.scatter(rows, found.to_series())


# Words that give a record without a level field its severity, most severe first.
_LEVEL_WORDS = (
    ("FATAL", r"(?i)(?-u:\b)(?:fatal|panic\w*|emerg\w*)(?-u:\b)"),
    (
        "ERROR",
        r"(?i)(?-u:\b)(?:errors?|err|\w*exception|fail\w*|refused|denied|time[d -]?out|timeouts"
        r"|critical|severe|segfault|abort(?:ed)?)(?-u:\b)",
    ),
    ("WARN", r"(?i)(?-u:\b)warn\w*|not responding"),
)


def infer_level(message: pl.Expr) -> pl.Expr:
    """A level read from a message's words; INFO when none says otherwise."""
    expr = pl.when(message.str.contains(_LEVEL_WORDS[0][1])).then(pl.lit(_LEVEL_WORDS[0][0]))
    for level, pattern in _LEVEL_WORDS[1:]:
        expr = expr.when(message.str.contains(pattern)).then(pl.lit(level))
    return expr.otherwise(pl.lit("INFO"))


# Levels written as one digit count either way. Syslog's severities count down (0 emergency ..
# 7 debug; GELF and journald write them) and a log's everyday records sit at 5 to 7; other
# scales count up from debug (Nextcloud's 0 debug .. 4 fatal). Numbers that never pass 4 are
# the second kind: a syslog-scale log of nothing but emergencies, errors and warnings is rare.
_ASCENDING = ("DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SMALL_ASCENDING_MAX = len(_ASCENDING) - 1


def _small_level_scale(levels: pl.Series) -> dict[str, str]:
    """The level names of a level field's numbers: pino's and bunyan's tens, and one-digit
    levels read on the scale their largest value tells (see _ASCENDING)."""
    scale = {k: v for k, v in _LEVEL_MAP.items() if k.isdigit()}
    # Only short values can be one digit: a cheap cut before the pattern.
    short = levels.filter(levels.str.len_bytes() <= 3).str.strip_chars()
    digits = short.filter(short.str.contains(r"^[0-7]$"))
    if digits.is_empty():
        return scale
    if int(digits.cast(pl.Int64).max() or 0) <= SMALL_ASCENDING_MAX:
        scale.update({str(i): name for i, name in enumerate(_ASCENDING)})
    else:
        scale.update({str(i): name for i, name in enumerate(_SYSLOG_SEVERITY)})
    return scale


def normalise_levels(frame: pl.DataFrame) -> pl.Expr:
    """Map raw level text, syslog priority or HTTP status to TRACE..FATAL (null if unknown)."""
    exprs: list[pl.Expr] = []
    if frame["level"].null_count() < len(frame):
        # Telegraf writes its levels as a letter and a bang (`E!`).
        raw = pl.col("level").str.strip_chars(" !").str.to_uppercase().str.replace(r"\d+$", "")
        numeric = pl.col("level").str.strip_chars()
        exprs.append(
            pl.coalesce(
                raw.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String),
                numeric.replace_strict(
                    _small_level_scale(frame["level"]), default=None, return_dtype=pl.String
                ),
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
    if "component" in frame.columns and frame["component"].null_count() < len(frame):
        # A `component:` slot that holds a level word ("ERROR:" where others say "LOG:").
        # Monolog names a record by its channel and level (`request.WARNING:`): the last part.
        # cloud-init's `util.py[DEBUG]:` gives it in brackets after a name.
        word = pl.col("component").str.strip_chars().str.to_uppercase()
        word = pl.coalesce(word.str.extract(r"\[([A-Z]+)\]$"), word.str.replace(r"^.*\.", ""))
        exprs.append(
            pl.when(word.str.len_chars() >= 3).then(
                word.replace_strict(_LEVEL_MAP, default=None, return_dtype=pl.String)
            )
        )
        # A message code carrying its syslog severity between dashes (network gear's
        # `%LINK-3-UPDOWN:`, `%ASA-4-106023:`).
        code = pl.col("component").str.extract(r"^%[A-Z][A-Z0-9_]*-([0-7])-[A-Z0-9_]+$")
        severity = code.cast(pl.Int64, strict=False)
        exprs.append(severity.replace_strict(dict(enumerate(_SYSLOG_SEVERITY)), default=None))
    if not exprs:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce(exprs)
