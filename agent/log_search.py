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


class InvalidPattern(MiniAgentError, ValueError):
    """The search pattern cannot be used; the message says why, for the user or the model."""


def message_hits(messages: pd.Series, text: str, *, regex: bool, ignore_case: bool
                 ) -> pd.Series:
    """A boolean per message: does it contain `text` (a regex when `regex`)?"""
    if len(text) > MAX_PATTERN_CHARS:
        raise InvalidPattern(f"The pattern is {len(text):,} characters long; the limit is "
                             f"{MAX_PATTERN_CHARS:,}.")
    values = pl.Series(messages.fillna("").astype(str).tolist(), dtype=pl.String)
    if regex:
        pattern = f"(?i){text}" if ignore_case else text
        try:
            hits = values.str.contains(pattern, literal=False, strict=True)
        except pl.exceptions.PolarsError as exc:
            detail = str(exc).strip().splitlines()
            reason = next((ln.strip() for ln in detail if ln.strip().startswith("error:")),
                          detail[0] if detail else "invalid")
            raise InvalidPattern(
                f"The pattern is not a valid regular expression ({reason}). Lookaround and "
                "backreferences are not supported: the search runs in linear time."
            ) from exc
    elif ignore_case:
        hits = values.str.to_lowercase().str.contains(text.lower(), literal=True)
    else:
        hits = values.str.contains(text, literal=True)
    return pd.Series(hits.fill_null(False).to_list(), index=messages.index, dtype=bool)


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
