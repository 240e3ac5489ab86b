"""Detect a log's format on a sample and split every line into header fields and message."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

import polars as pl

from agent.analysis.logs.continuation import CONTINUATION
from agent.analysis.logs.directives import find_fields, find_header_row, split_directed
from agent.analysis.logs.fields import (
    EPOCHS,
    TIMESTAMP,
    ascii_digits,
    choose_timestamp_format,
    has_time_of_day,
    has_year,
    parse_timestamps,
)
from agent.analysis.logs.layout import HTTP_REQUEST, learn_layout
from agent.analysis.logs.tokensplit import Piece, split_tokens, usable

LEVEL_WORD = (
    r"(?i:trace|debug|info|information|informational|notice|warn|warning|error|err|severe"
    r"|fatal|critical|crit|emerg|emergency|alert|panic|fine|finer|finest|config|verbose)"
)
LEVEL = rf"(?:{LEVEL_WORD}|[TVDIWEF])"
THREAD = r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
# A quoted HTTP request line and the status code right after it (the Common Log Format's
# order, which most access logs keep).
HTTP_STATUS = HTTP_REQUEST.pattern + r" ([1-5][0-9]{2})(?:\s|$)"
# Share of a sample's lines that must hold one for the log to count as an access log.
HTTP_SHARE = 0.8
STATUS_CODE = re.compile(r"[1-5][0-9]{2}")
COMPONENT = r"[A-Za-z_][\w$.\-/()]*(?:\[\d+\])?"

# Formats whose header sits after a free-form head of at most so many characters: (limit, tail).
# They are matched as an unanchored search for the tail (the leftmost match is the one the lazy
# head would find), which spares the regex engine a long bounded repetition. This pays only
# when the tail is cheap to search for: a tail starting with a timestamp is not.
_HEADED: dict[str, tuple[int, str]] = {
    "header-then-level": (
        160,
        r"\s\[?(?P<level>(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR"
        r"|SEVERE|FATAL|CRITICAL|Info|Warning|Error))\]?:?\s+",
    ),
}

# Header patterns with named groups ts, level, component, pid, pri; the message is the rest of
# the line. Matching only the header keeps capture extraction off the long message part.
_PATTERNS: dict[str, str] = {
    "syslog-rfc5424": (
        r"^<(?P<pri>\d{1,3})>\d{1,2} (?P<ts>\S+) (?P<host>\S+) (?P<component>\S+) (?P<pid>\S+)"
        r" \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?"
    ),
    "syslog-rfc3164": (
        r"^(?:<(?P<pri>\d{1,3})>)?(?P<ts>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}) (?P<host>\S+)"
        r" (?:(?P<component>[^\s\[:]+)(?:\[(?P<pid>\d+)\]:?|:) )?"
    ),
    "apache-access": (r"^(?P<host>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] \""),
    "apache-error": (
        r"^\[(?P<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4})\] "
        r"\[(?:(?P<component>[\w-]+):)?(?P<level>\w+)\] (?:\[pid (?P<pid>\d+)[^\]]*\] )?"
        r"(?:\[client [^\]]+\] )?"
    ),
    "nginx-error": (
        r"^(?P<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) \[(?P<level>\w+)\] (?P<pid>\d+)#\d+: "
        r"(?:\*\d+ )?"
    ),
    "glog": (
        # CockroachDB writes the year too (`I240305`), and a redaction mark for the bracket.
        r"^(?P<level>[DIWEF])(?P<ts>(?:[0-9]{2})?[01][0-9][0-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]+)?)\s+(?P<pid>[0-9]+) (?P<component>[^\s\]]+)(?:\]| \u22ee) "
    ),
    "python-logging": (r"^(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?P<component>[^:\s]*):"),
    "timestamp-component-level": (
        rf"^\[?(?P<ts>{TIMESTAMP})\]?(?: - | \| |\s+)(?P<component>{COMPONENT})"
        rf"(?: - | \| |\s+)\[?(?P<level>{LEVEL_WORD})\]?:?(?: - | \| |\s+)"
    ),
    "timestamp-level-message": (
        rf"^\[?(?P<ts>{TIMESTAMP})\]?,?\s*(?:(?P<pid>\d+)\s+(?:\d+\s+)?)?(?:{THREAD}\s*)?"
        rf"(?:[-|]\s*)?\[?(?P<level>{LEVEL})\]?:?(?:\s+|\s*[-|]\s*)(?:{THREAD}:?\s*)?(?:[-|]\s*)?"
        rf"(?:(?P<component>{COMPONENT}):\s+)?"
    ),
    "pipe-separated": (
        rf"^(?P<ts>{TIMESTAMP})\s*\|\s*(?P<component>[^|]{{1,80}}?)\s*\|"
        rf"(?:\s*(?P<pid>\d+)\s*\|)?\s*"
    ),
    "timestamp-message": (
        # A zone may follow the time inside its bracket (PHP's `[05-Mar-2024 14:22:01 UTC]`).
        rf"^[\[(]?(?P<ts>{TIMESTAMP}(?: ?(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}}|[A-Z]{{3,4}}))?)[\])]?"
        rf"\s*[|,:-]?\s*"
        rf"(?:(?P<component>{COMPONENT})(?:\[(?P<pid>\d+)\])?:\s+)?"
    ),
    **{name: rf"^(?P<head>.{{0,{limit}}}?){tail}" for name, (limit, tail) in _HEADED.items()},
    "timestamp-inside": (
        # The timestamp starts a token: one glued to a file name or path is not the event's.
        rf"^(?P<head>(?:.{{0,80}}?[\s\[(])?)(?P<ts>{TIMESTAMP})\s+(?:\S+\s+)??"
        rf"(?:(?P<component>{COMPONENT})(?:\[(?P<pid>\d+)\])?:\s+)"
    ),
}
_PATTERNS = {name: ascii_digits(pattern) for name, pattern in _PATTERNS.items()}
# A block log's record starts at a line that holds a time near its start (MySQL's slow log:
# `# Time: 2024-03-05T14:22:01.123456Z`, tcsh's history `#+1709648521`, a banner's `... dump
# at Tue Mar  5 14:22:01 UTC 2024 ===`), and runs over the lines after it that hold none; the
# whole line is its message. Tried only where no format fits most lines.
BLOCK_PATTERN = ascii_digits(
    # An indented line holding a time goes on a block (a field of the record above), never
    # heads one. A time that starts the line is the one, not the clock part of it found after
    # a space.
    rf"^(?:#\+?\s*(?:[A-Za-z][\w@ -]{{0,24}}:\s*)?|[A-Za-z][\w@-]{{0,24}}:"
    rf"|\S.{{0,79}}?[\s\[(]|[\[(])??"
    rf"(?P<ts>{TIMESTAMP}(?: ?(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}}|[A-Z]{{3,4}}))?)(?:[\s\])=:,]|$)"
)
# Share of a block log's sample lines that start a block, at least: below it, a few times
# among text are not its records' heads.
BLOCK_RATE = 0.05
# What makes records multi-line by nature: most are followed by lines without the header,
# in short runs (a build log with a time now and then is not a block log).
BLOCK_SHARE = 0.5
BLOCK_RUN = 10
BLOCK_HEADED = 0.5

# A timestamp that starts a token (not the tail of a file name such as app.log.2017-05-16_13:53).
_TOKEN_TIMESTAMP = rf"(?:^|[\s\[(])({TIMESTAMP})"
_FIELDS = ("ts", "ts2", "level", "component", "pid", "pri", "status")
# Named formats win over a learned layout that fits as well: they know more (status, priority).
_SPECIFIC = {
    "syslog-rfc5424",
    "syslog-rfc3164",
    "apache-access",
    "apache-error",
    "nginx-error",
    "glog",
    "python-logging",
}
JSON_KEYS = {
    "ts": (
        "timestamp", "@timestamp", "time", "ts", "datetime", "date", "asctime", "t",
        "__realtime_timestamp", "instant", "@t",
    ),
    # MongoDB's structured log says its severity in "s" (I, W, E, F, D1..D5).
    # Serilog's compact JSON says @l (and leaves it out for Information).
    "level": (
        "level", "severity", "levelname", "lvl", "loglevel", "log.level", "log_level", "s", "@l",
    ),
    # A syslog priority or severity number (journald's PRIORITY).
    "pri": ("priority", "pri"),
    "component": (
        "logger", "logger_name", "name", "component", "module", "service", "source",
        "syslog_identifier",
    ),
    # A JSON access log without a message: its request line is what happened.
    "msg": (
        "message", "msg", "event", "text", "log", "@message", "@m", "@mt", "textpayload",
        "request",
    ),
    # A JSON access log (nginx's or a proxy's log_format): levels come from the status.
    "status": ("status", "status_code", "statuscode", "http_status", "response_status"),
}
# Share of the sample's objects whose value under a key must read as a time for a key of
# another name to be taken as the event's time (`time_local`, `eventTime`, `created_at`).
TIME_KEY_SHARE = 0.8
# A format must explain at least this share of the sample lines to be chosen.
MIN_RATE = 0.3
# Values may be quoted either way: structlog's key-value renderer writes Python's repr ('x').
_LOGFMT_LINE = (
    r'^\s*(?:[\w.@-]+=(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|(?:[^\s"\'][^\s"]*)?)\s*){2,}$'
)


@dataclass(frozen=True)
class LogFormat:
    """A detected format: its name, and how to pull fields out of a line."""

    name: str
    pattern: str | None = None
    keys: tuple[tuple[str, str], ...] = ()
    # For a learned layout: the groups holding the timestamp and the part that completes it.
    times: tuple[str | None, str | None] = (None, None)
    # For a learned layout the token split can take: its positions (see tokensplit). Not part
    # of what makes two formats the same: the pattern is.
    pieces: tuple[Piece, ...] = dataclasses.field(default=(), compare=False)
    # For a learned layout without a level: the line holds an HTTP request and its status,
    # right after the request, or in this whitespace-separated column before it.
    http_status: bool = False
    status_column: int | None = None


def detect_format(sample: list[str]) -> LogFormat:
    """Pick the format that explains most sample lines, preferring ones that find more fields."""
    lines = [line for line in sample if line.strip()]
    if not lines:
        return LogFormat("plain")
    structured = _detect_structured(lines)
    if structured is not None:
        return structured
    declared = find_fields(lines)
    if declared is not None:
        sep, names = declared
        # The date comes from a `#Date:` directive when the columns hold only a time.
        donor = "date" if "date" not in names and "time" in names else None
        return LogFormat(
            "w3c" if sep == " " else "zeek",
            keys=tuple((n, sep) for n in names),
            times=("ts", donor),
        )
    row = find_header_row(lines)
    if row is not None:
        sep, names = row
        return LogFormat("columns", keys=tuple((n, sep) for n in names), times=("ts", None))
    # Lines that look like continuations (stack frames, wrapped text) never start a record,
    # so they do not vote.
    series = pl.Series("line", lines, dtype=pl.String)
    series = series.filter(~series.str.contains(CONTINUATION))
    lines = series.to_list()
    best: tuple[float, float, int] = (0.0, 0.0, 0)
    best_fmt = LogFormat("plain")
    rates: dict[str, float] = {}
    # Every named format's match test in one query: they run together, and a query costs
    # more than the test itself on a sample.
    matches = series.to_frame("line").select(
        _starts(name, pattern, pl.col("line")).alias(name) for name, pattern in _PATTERNS.items()
    )
    for rank, (name, pattern) in enumerate(_PATTERNS.items()):
        fmt = LogFormat(name, pattern)
        rate, richness = _fit(fmt, series, matches[name])
        rates[name] = rate
        # Match rates within 2 points are a tie: the richer header wins, then the earlier one.
        key = (round(rate * 50) / 50, richness, -rank)
        if rate >= MIN_RATE and key > best:
            best, best_fmt = key, fmt
    tie = 0.02
    if best_fmt.name in _SPECIFIC and rates[best_fmt.name] >= 1.0 - tie:
        # A named format within a tie of every line wins over any learned layout (which
        # matches no more than every line): learning one would be wasted.
        return best_fmt
    learned = learn_format(lines)
    if learned is not None:
        rate, _ = _fit(learned, series, rich_from=2.0)
        if best_fmt.name in _SPECIFIC and rates[best_fmt.name] >= rate - tie:
            return best_fmt
        # A learned layout says where this file's header ends; the generic patterns only guess.
        if rate >= MIN_RATE and rate >= best[0] - 0.05:
            return learned
    # No format fits most lines: the lines holding a time may head blocks.
    return best_fmt if best_fmt.name != "plain" else _block_format(sample)


def _block_format(sample: list[str]) -> LogFormat:
    """The block format when the sample's lines that hold a time head multi-line records."""
    lines = pl.Series("line", [line for line in sample if line.strip()], dtype=pl.String)
    fmt = LogFormat("timestamp-block", BLOCK_PATTERN)
    starts = starts_record(fmt, lines)
    if starts.sum() < 3 or starts.mean() < BLOCK_RATE:
        return LogFormat("plain")
    # Lines that hold nothing but their time (tcsh's `#+1709648521`, an alert log's date line)
    # head what follows, however many lines they are.
    rest = lines.filter(starts).str.replace(BLOCK_PATTERN, "").str.strip_chars(" =-*#:|")
    bare = float((rest.str.len_chars() == 0).mean() or 0) >= BLOCK_SHARE
    return fmt if multi_line(starts, headings=bare) else LogFormat("plain")


def multi_line(starts: pl.Series, *, headings: bool = False) -> bool:
    """Whether the records that start where `starts` is true (lines in file order) are
    multi-line by nature: most lines lack the header (or the headed lines are headings that
    hold nothing else), and most records are followed by such lines, in short runs. Where
    most lines have a header and a message, one without is a record of its own however
    regularly such lines come."""
    if float(starts.mean() or 0) >= BLOCK_HEADED and not headings:
        return False
    runs = pl.DataFrame({"start": starts}).select(pl.col("start").cum_sum().alias("record"))
    sizes = runs.filter(pl.col("record") > 0).group_by("record").len()["len"] - 1
    if sizes.is_empty():
        return False
    return float((sizes > 0).mean() or 0) >= BLOCK_SHARE and float(sizes.median() or 0) <= BLOCK_RUN


def _fit(
    fmt: LogFormat,
    series: pl.Series,
    matched: pl.Series | None = None,
    *,
    rich_from: float = MIN_RATE,
) -> tuple[float, float]:
    """Share of lines a format matches, and how many header fields it finds on them.

    Fields are counted only when the share reaches rich_from: below it the format loses anyway,
    and the cheap match test spares the field extraction. matched: the format's match test on
    the lines, when it was run already.
    """
    if matched is None:
        matched = starts_record(fmt, series)
    rate = float(matched.mean() or 0.0)
    if rate < rich_from or not rate:
        return rate, 0.0
    found = split_lines(fmt, series.filter(matched))
    return rate, float(sum(found[f].is_not_null().mean() or 0 for f in _FIELDS))


_FIELD_NAMES = {
    "T": "time",
    "L": "level",
    "N": "number",
    "B": "[block]",
    "C": "component:",
    "S": "separator",
    "H": "tab",
    "K": "key=value",
    "W": "word",
}


def learn_format(lines: list[str]) -> LogFormat | None:
    """A format from the header layout the sample lines agree on, None if there is none."""
    layout = learn_layout(lines)
    if layout is None:
        return None
    series = pl.Series([ln for ln in lines if ln and not ln[0].isspace()], dtype=pl.String)
    groups = series.str.extract_groups(layout.pattern).struct.unnest()
    found = {
        name: choose_timestamp_format(groups[name])
        for name in layout.time_groups
        if name in groups.columns
    }
    primary, donor = _time_parts(found)
    name = "learned: " + " ".join(_FIELD_NAMES.get(k, k) for k in layout.signature)
    pieces = layout.pieces if usable(layout.pieces) else ()
    if pieces and split_tokens(series, pieces)["ok"].mean() < 0.5:
        # Most lines fail the token split (fields glued, not spaced): it would only add work.
        pieces = ()
    # An access log of a shape no format knows (a CDN's, a load balancer's, a cloud store's):
    # its records take their level from the status after the request, as a known one does.
    http, column = status_place(series) if "L" not in layout.signature else (False, None)
    return LogFormat(
        name,
        layout.pattern,
        times=(primary, donor),
        pieces=pieces,
        http_status=http,
        status_column=column,
    )


def status_place(lines: pl.Series) -> tuple[bool, int | None]:
    """Whether most lines are an access log's, and the column holding the status when it is
    not right after the quoted request (the Common Log Format's order) but in a fixed
    whitespace-separated column before it (load balancers write the request last)."""
    if lines.str.contains(HTTP_STATUS).mean() >= HTTP_SHARE:
        return True, None
    heads = [
        line[: match.start()].split()
        for line in lines.to_list()
        if (match := HTTP_REQUEST.search(line)) is not None
    ]
    if not heads or len(heads) < HTTP_SHARE * len(lines):
        return False, None
    for column in range(max(len(h) for h in heads)):
        codes = sum(len(h) > column and STATUS_CODE.fullmatch(h[column]) is not None for h in heads)
        if codes >= HTTP_SHARE * len(heads):
            return True, column
    return False, None


def status_of(lines: pl.Series, column: int | None) -> pl.Series:
    """The HTTP status of each line: after its request, or in the given column."""
    if column is None:
        return lines.str.extract(HTTP_STATUS)
    return lines.str.extract(rf"^\s*(?:\S+\s+){{{column}}}([1-5][0-9]{{2}})(?:\s|$)")


def _time_parts(found: dict[str, str | None]) -> tuple[str | None, str | None]:
    """The group holding the event's time, and one that supplies the year or date it lacks."""
    full = [g for g, lay in found.items() if has_time_of_day(lay) and has_year(lay)]
    timed = [g for g, lay in found.items() if has_time_of_day(lay) and lay not in EPOCHS]
    # A written time of day is the event's wall clock; an epoch beside it is the same instant
    # in UTC, so it only supplies what the written one lacks.
    for group in full:
        if found[group] not in EPOCHS:
            return group, None
    if timed:
        donors = [g for g, lay in found.items() if g != timed[0] and has_year(lay)]
        dated = [g for g in donors if found[g] not in EPOCHS] + donors
        return timed[0], (dated[0] if dated else None)
    epochs = [g for g, lay in found.items() if lay in EPOCHS]
    if epochs:
        return epochs[0], None
    dates = [g for g, lay in found.items() if lay is not None]
    return (dates[0] if dates else None), None


def _detect_structured(lines: list[str]) -> LogFormat | None:
    """Recognise JSON lines and logfmt, and which keys hold the header fields."""
    objects: list[dict] = []
    for line in lines[:500]:
        if line.lstrip().startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                objects.append(value)
    if len(objects) >= 0.8 * min(len(lines), 500):
        paths, holders = _json_paths(objects)
        keys = _pick_keys(set(paths), paths, holders)
        if "ts" not in dict(keys):
            keys += _time_key(objects)
        return LogFormat("json", keys=keys)
    logfmt = pl.Series(lines[:500]).str.contains(_LOGFMT_LINE)
    if float(logfmt.mean() or 0) >= 0.8:
        seen = set()
        for line in lines[:200]:
            seen.update(pl.Series([line]).str.extract_all(r"([\w.@-]+)=")[0].to_list())
        keys = _pick_keys({k.rstrip("=") for k in seen})
        if "ts" not in dict(keys):
            held = _time_within(lines[:500], sorted(k.rstrip("=") for k in seen))
            if held is not None:
                # The value that holds the time is header, not the message (auditd's
                # `msg=audit(1709648521.123:456):` before the event's own fields).
                keys = tuple(p for p in keys if p != ("msg", held)) + (("ts-in", held),)
        return LogFormat("logfmt", keys=keys)
    return None


def _time_within(lines: list[str], keys: list[str]) -> str | None:
    """The key whose value holds a time starting one of its tokens on most lines, when no
    key is named for the time: a time wrapped in other text (`audit(1709648521.123:456):`)."""
    frame = pl.DataFrame({"line": lines})
    for key in keys:
        stamps = frame.select(_logfmt_field(key).str.extract(_TOKEN_TIMESTAMP)).to_series()
        if stamps.count() < TIME_KEY_SHARE * len(lines):
            continue
        layout = choose_timestamp_format(stamps)
        parsed = pl.select(parse_timestamps(pl.lit(stamps), layout)).to_series()
        if layout is not None and parsed.count() >= TIME_KEY_SHARE * len(lines):
            return key
    return None


def _pick_keys(
    seen: set[str], paths: dict[str, str] | None = None, holders: frozenset[str] = frozenset()
) -> tuple[tuple[str, str], ...]:
    """Map each header field to the first conventional key present in the data. `paths` says
    where a JSON key is read (nested ones by a JSON path); `holders` are keys that only ever
    hold an object, which may stand for a time (read as its first value) but for no text."""
    lower = {k.lower(): k for k in seen | holders}
    picked = []
    for field, candidates in JSON_KEYS.items():
        for candidate in candidates:
            name = lower.get(candidate)
            if name is None or (name in holders and field != "ts"):
                continue
            picked.append((field, (paths or {}).get(name, name)))
            break
    if "status" not in dict(picked) and paths is not None:
        # A JSON access log's status under a longer name (EdgeResponseStatus, http.status).
        named = sorted(k for k in seen if k.lower().endswith("status") and k not in holders)
        if named:
            picked.append(("status", paths.get(named[0], named[0])))
    return tuple(picked)


def _json_paths(objects: list[dict]) -> tuple[dict[str, str], frozenset[str]]:
    """The keys of JSON records, each to where it is read: top-level keys by their name, an
    object's keys one level down as `parent.key` (ECS nests `log.level`); and the keys that
    only ever hold an object (MongoDB's `"t": {"$date": ...}`)."""
    paths: dict[str, str] = {}
    holders: set[str] = set()
    for obj in objects[:200]:
        for key, value in obj.items():
            if not _pathable(key):
                continue
            if isinstance(value, dict):
                holders.add(key)
                for inner in filter(_pathable, value):
                    paths.setdefault(f"{key}.{inner}", f"$['{key}']['{inner}']")
            else:
                paths.setdefault(key, key)
    return paths, frozenset(holders - set(paths))


def _pathable(key: str) -> bool:
    """Whether a key of the upload's JSON can be written into a JSON path: a quote, backslash
    or bracket in it would not compile (or would read another key), so such keys are never
    read as fields."""
    return not _PATH_BREAKERS.intersection(key)


_PATH_BREAKERS = frozenset("'\\[]")
_TIME_START = re.compile(rf"\s*[\[(]?(?:{TIMESTAMP})")


def _time_key(objects: list[dict]) -> tuple[tuple[str, str], ...]:
    """The key whose values read as times in most objects, when no key has a usual name."""
    for key in filter(_pathable, objects[0]):
        values = [str(o[key]) for o in objects if isinstance(o.get(key), str | int | float)]
        if len(values) < TIME_KEY_SHARE * len(objects):
            continue
        # A cheap look at a few values first: most keys hold no time at all.
        if sum(_TIME_START.match(v) is not None for v in values[:20]) < len(values[:20]) / 2:
            continue
        sample = pl.Series(values[:500], dtype=pl.String)
        layout = choose_timestamp_format(sample)
        if layout is None:
            continue
        parsed = pl.select(parse_timestamps(pl.lit(sample), layout)).to_series()
        if parsed.is_not_null().sum() >= TIME_KEY_SHARE * len(objects[:500]):
            return (("ts", key),)
    return ()


def starts_record(fmt: LogFormat, lines: pl.Series) -> pl.Series:
    """Which lines start a record in this format (a fast match, no field extraction)."""
    if fmt.pattern is None:
        return split_lines(fmt, lines)["msg"].is_not_null()
    if fmt.name not in _HEADED:
        return lines.str.contains(fmt.pattern)
    test = _starts(fmt.name, fmt.pattern, pl.col("line")).alias(lines.name)
    return lines.to_frame("line").select(test).to_series()


def _starts(name: str, pattern: str, lines: pl.Expr) -> pl.Expr:
    """starts_record's test of a format with a pattern, as an expression on the lines."""
    if name in _HEADED:
        limit, tail = _HEADED[name]
        start = lines.str.find(tail)
        head = lines.cast(pl.Binary).bin.head(start).cast(pl.String)
        return (start.is_not_null() & (head.str.len_chars() <= limit)).fill_null(False)
    return lines.str.contains(pattern)


def split_lines(fmt: LogFormat, lines: pl.Series) -> pl.DataFrame:
    """Return ts, level, component, pid, pri, status and msg (null msg = not a record start)."""
    if fmt.name in ("w3c", "zeek", "columns"):
        names = tuple(k for k, _ in fmt.keys)
        groups = split_directed(lines, fmt.keys[0][1], names, row=fmt.name == "columns")
    elif fmt.name == "json":
        groups = _split_keyed(lines, fmt, _json_field)
    elif fmt.name == "logfmt":
        groups = _split_keyed(lines, fmt, _logfmt_field)
    elif fmt.name in _HEADED:
        groups = _split_headed(lines, *_HEADED[fmt.name])
    elif fmt.pattern is None:
        # Without a header, indented lines continue the record above (tracebacks, wraps).
        starts = ~lines.str.contains(CONTINUATION)
        groups = pl.DataFrame({"msg": pl.select(pl.when(starts).then(lines)).to_series()})
    elif fmt.name.startswith("learned"):
        groups = _split_learned(lines, fmt)
        if fmt.http_status:
            groups = groups.with_columns(status_of(lines, fmt.status_column).alias("status"))
    else:
        header = "^(?P<header>" + fmt.pattern[1:] + ")"
        groups = lines.str.extract_groups(header).struct.unnest()
        start = pl.col("header").str.len_chars()
        if fmt.name == "apache-access":
            # The header ends inside the quoted request, which belongs to the message.
            start = start - 1
        elif fmt.name == "timestamp-block":
            # A block's first line is all message: its time may sit anywhere in it.
            start = pl.lit(0)
        groups = groups.with_columns(lines.alias("raw")).with_columns(
            pl.when(pl.col("header").is_not_null())
            .then(pl.col("raw").str.slice(start))
            .alias("msg")
        )
        if "head" in groups.columns and "ts" not in groups.columns:
            groups = groups.with_columns(pl.col("head").str.extract(_TOKEN_TIMESTAMP).alias("ts"))
        if fmt.name == "apache-access":
            status = pl.col("msg").str.extract(r'^"[^"]*" (\d{3})')
            groups = groups.with_columns(status.alias("status"))
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in _FIELDS if c not in groups.columns]
    return groups.with_columns(missing).select(*_FIELDS, "msg")


def _split_learned(lines: pl.Series, fmt: LogFormat) -> pl.DataFrame:
    """Split lines by a learned layout: its time parts become ts and ts2.

    Lines the token split proves go its cheap way; the others through the capture regex.
    """
    if not fmt.pieces:
        return _capture_learned(lines, fmt)
    fast = split_tokens(lines, fmt.pieces)
    primary, donor = fmt.times
    nothing = pl.lit(None, dtype=pl.String)
    fields = [
        (pl.col(primary) if primary else nothing).alias("ts"),
        (pl.col(donor) if donor else nothing).alias("ts2"),
        *[pl.col(c) for c in ("level", "component") if c in fast.columns],
        # The message is never empty: a line that is all header is its own message.
        pl.when(pl.col("rest").str.len_bytes() > 0)
        .then(pl.col("rest"))
        .otherwise(pl.lit(lines))
        .alias("msg"),
    ]
    split = fast.select(fields)
    missed = ~fast["ok"]
    if not missed.any():
        return split
    rows = missed.arg_true()
    slow = _capture_learned(lines.gather(rows), fmt)
    return split.with_columns(split[c].scatter(rows, slow[c]) for c in split.columns)


def _capture_learned(lines: pl.Series, fmt: LogFormat) -> pl.DataFrame:
    """Split lines by a learned layout with its capture regex (see _split_learned)."""
    assert fmt.pattern is not None
    header = "^(?P<header>" + fmt.pattern[1:] + ")"
    groups = lines.str.extract_groups(header).struct.unnest()
    primary, donor = fmt.times
    rest = lines.str.slice(pl.Series(groups["header"]).str.len_chars()).str.strip_chars_start()
    renamed = [
        (groups[primary] if primary else pl.Series([None] * len(lines), dtype=pl.String)).alias(
            "ts"
        ),
        (groups[donor] if donor else pl.Series([None] * len(lines), dtype=pl.String)).alias("ts2"),
    ]
    keep = [groups[c] for c in ("level", "component") if c in groups.columns]
    # The message is never empty: a line that is all header is its own message.
    msg = pl.select(
        pl.when(groups["header"].is_null())
        .then(None)
        .when(rest.str.len_bytes() > 0)
        .then(rest)
        .otherwise(lines)
    ).to_series()
    return pl.DataFrame([*renamed, *keep, msg.alias("msg")])


def _split_headed(lines: pl.Series, limit: int, tail: str) -> pl.DataFrame:
    """Split lines whose header follows a head of at most limit characters (see _HEADED)."""
    groups = lines.str.extract_groups(f"(?P<tail>{tail})").struct.unnest()
    # find gives byte offsets, so the line is cut as bytes (a match starts on a char boundary).
    # The first occurrence of the matched text is where the leftmost match starts (the tail has
    # no anchors or look-around), and a literal search for it is cheaper than the regex again.
    start = pl.col("raw").str.find(pl.col("tail"), literal=True)
    raw = pl.col("raw").cast(pl.Binary)
    groups = groups.with_columns(lines.alias("raw")).with_columns(
        raw.bin.head(start).cast(pl.String).alias("head"),
        raw.bin.slice(start + pl.col("tail").str.len_bytes()).cast(pl.String).alias("msg"),
    )
    found = pl.col("msg").is_not_null() & (pl.col("head").str.len_chars() <= limit)
    fields = [c for c in groups.columns if c not in ("raw", "tail")]
    groups = groups.select(pl.when(found).then(pl.col(c)).alias(c) for c in fields)
    if "ts" not in groups.columns:
        groups = groups.with_columns(pl.col("head").str.extract(_TOKEN_TIMESTAMP).alias("ts"))
    return groups


def _json_field(key: str) -> pl.Expr:
    """Extract a top-level JSON key as text; an object's first scalar value stands for it
    (MongoDB's `"t": {"$date": "..."}`, log4j2's `"instant": {"epochSecond": 1709648521}`)."""
    value = pl.col("line").str.json_path_match(key if key.startswith("$") else f"$['{key}']")
    first = r'^\{\s*"[^"]*"\s*:\s*(?:"([^"]*)"|(-?[0-9][0-9.eE+-]*))'
    return (
        pl.when(value.str.starts_with("{"))
        .then(pl.coalesce(value.str.extract(first, 1), value.str.extract(first, 2)))
        .otherwise(value)
    )


def _logfmt_field(key: str) -> pl.Expr:
    """Extract a logfmt key's value, quoted or bare."""
    values = r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|((?:[^\s"\'][^\s"]*)?)'
    pattern = rf"(?:^|\s){_escape(key)}=(?:{values})"
    line = pl.col("line")
    return pl.coalesce(*(line.str.extract(pattern, group) for group in (1, 2, 3)))


def _escape(text: str) -> str:
    """Escape regex metacharacters for the Rust regex engine."""
    return "".join("\\" + c if c in r".^$*+?()[]{}|\-" else c for c in text)


def _split_keyed(lines: pl.Series, fmt: LogFormat, getter) -> pl.DataFrame:  # noqa: ANN001
    """Split structured lines (JSON or logfmt): each field from its key, else null."""
    frame = pl.DataFrame({"line": lines})
    keys = dict(fmt.keys)
    exprs = [
        (getter(keys[f]) if f in keys else pl.lit(None, dtype=pl.String)).alias(f)
        for f in ("ts", "level", "component", "pri")
    ]
    if "ts-in" in keys:
        exprs[0] = getter(keys["ts-in"]).str.extract(_TOKEN_TIMESTAMP).alias("ts")
    if "status" in keys:
        # Only an HTTP status: a job's exit status or a state name says nothing of severity.
        status = getter(keys["status"]).str.extract(r"^\s*([1-5][0-9]{2})\s*$")
        exprs.append(status.alias("status"))
    msg = getter(keys["msg"]) if "msg" in keys else pl.col("line")
    # A line that is not structured is a continuation (e.g. a traceback printed raw).
    is_record = pl.col("line").str.contains(r"^\s*\{" if fmt.name == "json" else r"=")
    exprs.append(pl.when(is_record).then(pl.coalesce(msg, pl.col("line"))).alias("msg"))
    return frame.select(exprs)
