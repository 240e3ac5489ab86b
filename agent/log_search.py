"""The one search over a log's records, for the `search_log` tool and the Analyze page.

Patterns come from the model or the user, so they run on polars' Rust regex engine, which
takes linear time on any input (no backtracking: `^(.|.)*!$` cannot take seconds). The price
is its syntax: no lookaround and no backreferences; such patterns are refused with a sentence.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import polars as pl

from agent.errors import MiniAgentError

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
MAX_PATTERN_CHARS = 1_000
CHUNK_ROWS = 2_000


class InvalidPattern(MiniAgentError, ValueError):
    """The search pattern cannot be used; the message says why, for the user or the model."""


def message_hits(messages: pd.Series, text: str, *, regex: bool, ignore_case: bool
                 ) -> pd.Series:
    """A boolean per message: does it contain `text` (a regex when `regex`)?

    Done in chunks: each call into polars holds the GIL only for a chunk's worth of text, so
    other users' pages keep running during a search of a large log.
    """
    if len(text) > MAX_PATTERN_CHARS:
        raise InvalidPattern(f"The pattern is {len(text):,} characters long; the limit is "
                             f"{MAX_PATTERN_CHARS:,}.")
    pattern = (f"(?i){text}" if ignore_case else text) if regex else text
    _check(pattern, regex)
    hits: list[bool] = []
    for start in range(0, len(messages), CHUNK_ROWS):
        chunk = messages.iloc[start:start + CHUNK_ROWS].fillna("").astype(str).tolist()
        values = pl.Series(chunk, dtype=pl.String)
        if regex:
            found = values.str.contains(pattern, literal=False, strict=True)
        elif ignore_case:
            found = values.str.to_lowercase().str.contains(text.lower(), literal=True)
        else:
            found = values.str.contains(text, literal=True)
        hits += found.fill_null(False).to_list()
    return pd.Series(hits, index=messages.index, dtype=bool)


def _check(pattern: str, regex: bool) -> None:
    """Compile the pattern once, on nothing, so a bad one is refused with a sentence."""
    if not regex:
        return
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern, literal=False, strict=True)
    except pl.exceptions.PolarsError as exc:
        detail = str(exc).strip().splitlines()
        reason = next((ln.strip() for ln in detail if ln.strip().startswith("error:")),
                      detail[0] if detail else "invalid")
        raise InvalidPattern(
            f"The pattern is not a valid regular expression ({reason}). Lookaround and "
            "backreferences are not supported: the search runs in linear time."
        ) from exc


def search_records(
    records: pd.DataFrame,
    *,
    text: str = "",
    regex: bool = False,
    ignore_case: bool = True,
    levels: list[str] | None = None,
    window: tuple[datetime | None, datetime | None] | None = None,
    limit: int = 1_000,
) -> tuple[pd.DataFrame, int]:
    """The first `limit` records matching every filter given, and how many match in all.

    `window` bounds the timestamp (either end may be None); InvalidPattern for a bad pattern.
    """
    keep = pd.Series(True, index=records.index)
    if levels:
        keep &= records["level"].isin(levels)
    if window is not None:
        start, end = window
        if start is not None:
            keep &= records["timestamp"].ge(pd.Timestamp(start))
        if end is not None:
            keep &= records["timestamp"].le(pd.Timestamp(end))
    if text:
        keep &= message_hits(records["message"], text, regex=regex, ignore_case=ignore_case)
    matches = records[keep]
    return matches.head(limit), len(matches)


def levels_from(level: str) -> list[str]:
    """The levels at or above `level`."""
    return list(LEVELS[LEVELS.index(level):])
